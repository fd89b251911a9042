package api

import (
	"net/http"
	"strconv"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// supplierInput is the body of POST /suppliers. Active defaults to true.
type supplierInput struct {
	Name        string `json:"name"`
	ContactName string `json:"contact_name"`
	Email       string `json:"email"`
	Phone       string `json:"phone"`
	Notes       string `json:"notes"`
	Active      *bool  `json:"active"`
}

func (a *api) listSuppliers(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	active := q.bool("active")
	if err := q.Err(); err != nil {
		return err
	}
	ss, err := a.svc.suppliers.List(r.Context(), actor(r), active != nil && *active)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, listOf(ss))
}

func (a *api) createSupplier(w http.ResponseWriter, r *http.Request) error {
	var in supplierInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	s, err := a.svc.suppliers.Create(r.Context(), actor(r), desk.Supplier{Name: in.Name, ContactName: in.ContactName,
		Email: in.Email, Phone: in.Phone, Notes: in.Notes, Active: in.Active == nil || *in.Active})
	if err != nil {
		return err
	}
	return a.created(w, Prefix+"/suppliers/"+strconv.FormatInt(s.ID, 10), s)
}

func (a *api) getSupplier(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "supplier")
	if err != nil {
		return err
	}
	s, err := a.svc.suppliers.Get(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s)
}

func (a *api) updateSupplier(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "supplier")
	if err != nil {
		return err
	}
	var p app.SupplierPatch
	if err := decode(w, r, &p); err != nil {
		return err
	}
	s, err := a.svc.suppliers.Update(r.Context(), actor(r), id, p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s)
}

func (a *api) getStaleAfter(w http.ResponseWriter, r *http.Request) error {
	s, err := a.svc.suppliers.StaleAfterSettings(r.Context(), actor(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s)
}

func (a *api) putStaleAfter(w http.ResponseWriter, r *http.Request) error {
	var in app.StaleAfterSetting
	if err := decode(w, r, &in); err != nil {
		return err
	}
	s, err := a.svc.suppliers.SetStaleAfter(r.Context(), actor(r), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s)
}
