package console

import (
	"net/http"
	"strconv"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// supplierFields are the fields of a supplier's form whose errors show next to them.
var supplierFields = []string{"name", "contact_name", "email", "phone", "notes"}

// suppliersData is the admin's view of the external parties.
type suppliersData struct {
	Suppliers []desk.Supplier
	// CanEdit is true for admins; agents only read the list.
	CanEdit bool
	// Forms are the edit forms of the suppliers and, last, the new supplier's; admins only.
	Forms []supplierFormData
}

// supplierFormData is one supplier's form, with the input kept after an error.
type supplierFormData struct {
	ID, Action, Title string
	New, Open, Active bool
	Fields            []formField
}

// formField is one text field of a form: its name, label, value and message.
type formField struct {
	ID, Name, Label, Value, Err string
	Textarea                    bool
}

// supplierFormFor builds a supplier's form; s is the zero supplier for the new one.
func supplierFormFor(v *view, form string, s desk.Supplier) supplierFormData {
	kept := v.Form == form
	values := map[string]string{"name": s.Name, "contact_name": s.ContactName, "email": s.Email, "phone": s.Phone, "notes": s.Notes}
	d := supplierFormData{ID: form, Open: kept, Active: s.Active, New: s.ID == 0}
	if d.New {
		d.Action, d.Title = "/suppliers", v.T("suppliers.new")
	} else {
		d.Action, d.Title = "/suppliers/"+strconv.FormatInt(s.ID, 10), v.T("suppliers.edit", s.Name)
	}
	if kept {
		d.Active = v.Val(form, "active") != ""
	}
	for _, f := range supplierFields {
		val := values[f]
		if kept {
			val = v.Val(form, f)
		}
		d.Fields = append(d.Fields, formField{ID: form + "-" + f, Name: f, Label: v.T("suppliers." + f),
			Value: val, Err: v.Err(form, f), Textarea: f == "notes"})
	}
	return d
}

// suppliers lists the external parties, with forms to add and change them for admins.
func (h *handler) suppliers(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	if err := requireDesk(a); err != nil {
		return err
	}
	return h.showSuppliers(w, r, a, newView(r, h.rd, "suppliers.title"), http.StatusOK)
}

func (h *handler) showSuppliers(w http.ResponseWriter, r *http.Request, a desk.Actor, v *view, status int) error {
	ss, err := h.svc.suppliers.List(r.Context(), a, false)
	if err != nil {
		return err
	}
	v.Nav = "suppliers"
	d := suppliersData{Suppliers: ss, CanEdit: a.Role == desk.RoleAdmin}
	if d.CanEdit {
		for _, s := range ss {
			d.Forms = append(d.Forms, supplierFormFor(v, "supplier-"+strconv.FormatInt(s.ID, 10), s))
		}
		d.Forms = append(d.Forms, supplierFormFor(v, "supplier-new", desk.Supplier{}))
	}
	v.Data = d
	h.rd.render(w, r, h.log, status, "suppliers", v)
	return nil
}

// supplierForm reads a supplier's fields from a posted form.
func supplierForm(r *http.Request) desk.Supplier {
	return desk.Supplier{
		Name: r.PostFormValue("name"), ContactName: r.PostFormValue("contact_name"),
		Email: r.PostFormValue("email"), Phone: r.PostFormValue("phone"),
		Notes: r.PostFormValue("notes"), Active: r.PostFormValue("active") != "",
	}
}

// supplierSubmission is the form of a supplier (form "supplier-new" or "supplier-<id>"):
// it shows the list again with the messages next to that form's fields.
func (h *handler) supplierSubmission(w http.ResponseWriter, r *http.Request, a desk.Actor, form string) submission {
	var fs []fieldRef
	for _, f := range supplierFields {
		fs = append(fs, fld(f, form+"-"+f, "suppliers."+f))
	}
	return submission{form: form, fields: fs, title: "suppliers.title",
		show: func(v *view, status int) error { return h.showSuppliers(w, r, a, v, status) }}
}

// createSupplier adds a supplier; invalid input shows the list again with the messages
// next to the fields of the new supplier's form.
func (h *handler) createSupplier(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	return h.submit(w, r, h.supplierSubmission(w, r, a, "supplier-new"), func() (outcome, error) {
		s := supplierForm(r)
		s.Active = true
		s, err := h.svc.suppliers.Create(r.Context(), a, s)
		return outcome{to: "/suppliers", flash: flash{code: "supplier_created", arg: s.Name}}, err
	})
}

// updateSupplier changes a supplier, including whether it is active.
func (h *handler) updateSupplier(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return desk.NotFound("supplier")
	}
	return h.submit(w, r, h.supplierSubmission(w, r, a, "supplier-"+strconv.FormatInt(id, 10)), func() (outcome, error) {
		f := supplierForm(r)
		s, err := h.svc.suppliers.Update(r.Context(), a, id, app.SupplierPatch{
			Name: &f.Name, ContactName: &f.ContactName, Email: &f.Email, Phone: &f.Phone, Notes: &f.Notes, Active: &f.Active,
		})
		return outcome{to: "/suppliers", flash: flash{code: "supplier_saved", arg: s.Name}}, err
	})
}
