package console

import (
	"net/http"
	"net/url"
	"strconv"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/web"
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

// requireDeskView answers 403 and returns false for anyone but an admin or an agent: the
// configuration pages agents may read.
func (h *handler) requireDeskView(w http.ResponseWriter, r *http.Request, a desk.Actor) bool {
	if !a.Role.IsDesk() {
		h.rd.errorPage(w, r, h.log, http.StatusForbidden, "error.forbidden")
		return false
	}
	return true
}

// suppliers lists the external parties, with forms to add and change them for admins.
func (h *handler) suppliers(w http.ResponseWriter, r *http.Request, a desk.Actor) {
	if !h.requireDeskView(w, r, a) {
		return
	}
	v := newView(r, h.rd, "suppliers.title")
	switch q := r.URL.Query(); {
	case q.Get("created") != "":
		v.Notice = v.T("suppliers.created", q.Get("created"))
	case q.Get("saved") != "":
		v.Notice = v.T("suppliers.saved", q.Get("saved"))
	}
	h.showSuppliers(w, r, a, v, http.StatusOK)
}

func (h *handler) showSuppliers(w http.ResponseWriter, r *http.Request, a desk.Actor, v *view, status int) {
	ss, err := h.svc.suppliers.List(r.Context(), a, false)
	if err != nil {
		h.fail(w, r, err)
		return
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
}

// supplierForm reads a supplier's fields from a posted form.
func supplierForm(r *http.Request) desk.Supplier {
	return desk.Supplier{
		Name: r.PostFormValue("name"), ContactName: r.PostFormValue("contact_name"),
		Email: r.PostFormValue("email"), Phone: r.PostFormValue("phone"),
		Notes: r.PostFormValue("notes"), Active: r.PostFormValue("active") != "",
	}
}

// createSupplier adds a supplier; invalid input shows the list again with the messages
// next to the fields of the new supplier's form.
func (h *handler) createSupplier(w http.ResponseWriter, r *http.Request, a desk.Actor) {
	if !h.requireAdmin(w, r, a) {
		return
	}
	if !web.CheckCSRF(r) {
		h.rd.errorPage(w, r, h.log, http.StatusForbidden, "error.csrf")
		return
	}
	s := supplierForm(r)
	s.Active = true
	s, err := h.svc.suppliers.Create(r.Context(), a, s)
	h.afterSupplier(w, r, a, "supplier-new", "created", s, err)
}

// updateSupplier changes a supplier, including whether it is active.
func (h *handler) updateSupplier(w http.ResponseWriter, r *http.Request, a desk.Actor) {
	if !h.requireAdmin(w, r, a) {
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.fail(w, r, desk.NotFound("supplier"))
		return
	}
	if !web.CheckCSRF(r) {
		h.rd.errorPage(w, r, h.log, http.StatusForbidden, "error.csrf")
		return
	}
	f := supplierForm(r)
	s, err := h.svc.suppliers.Update(r.Context(), a, id, app.SupplierPatch{
		Name: &f.Name, ContactName: &f.ContactName, Email: &f.Email, Phone: &f.Phone, Notes: &f.Notes, Active: &f.Active,
	})
	h.afterSupplier(w, r, a, "supplier-"+strconv.FormatInt(id, 10), "saved", s, err)
}

// afterSupplier redirects to the list after a save, and shows the form's errors otherwise.
func (h *handler) afterSupplier(w http.ResponseWriter, r *http.Request, a desk.Actor, form, done string, s desk.Supplier, err error) {
	if err == nil {
		http.Redirect(w, r, "/suppliers?"+done+"="+url.QueryEscape(s.Name), http.StatusSeeOther)
		return
	}
	v := newView(r, h.rd, "suppliers.title")
	errs, alert, ok := formErrors(v, err, supplierFields...)
	if !ok {
		h.fail(w, r, err)
		return
	}
	v.Form, v.Errors, v.Alert, v.Values = form, errs, alert, r.PostForm
	h.showSuppliers(w, r, a, v, http.StatusUnprocessableEntity)
}
