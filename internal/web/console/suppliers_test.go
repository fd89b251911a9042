package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

func TestSuppliersAdmin(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		admin := e.client()
		admin.signIn(e.admin)
		expect(t, admin.get("/suppliers"), http.StatusOK, "<h1>Leveranciers</h1>", "Er zijn nog geen leveranciers.", `href="/suppliers" aria-current="page"`)
		p := admin.submit("/suppliers", "/suppliers", url.Values{"name": {"Hostio"}, "contact_name": {"Henk"}, "email": {"not-an-email"}, "phone": {"+31 20 123"}})
		expect(t, p, http.StatusUnprocessableEntity, "Vul een e-mailadres in", `value="not-an-email"`, `value="Henk"`)
		p = admin.submit("/suppliers", "/suppliers", url.Values{"name": {"Hostio"}, "contact_name": {"Henk"}, "email": {"ops@hostio.test"}, "phone": {"+31 20 123"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("create: %d\n%s", p.status, p.body)
		}
		expect(t, admin.get(p.location), http.StatusOK, "Leverancier Hostio is toegevoegd.", "ops@hostio.test")
		ss, err := e.app.Suppliers.List(context.Background(), actor(e.admin), false)
		if err != nil || len(ss) != 1 || !ss[0].Active {
			t.Fatalf("suppliers: %v %+v", err, ss)
		}
		id := ss[0].ID
		action := "/suppliers/" + strconv.FormatInt(id, 10)
		p = admin.submit("/suppliers", action, url.Values{"name": {"Hostio BV"}, "email": {"ops@hostio.test"}, "notes": {"24/7 line"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("update: %d\n%s", p.status, p.body)
		}
		if s, _ := e.app.Suppliers.Get(context.Background(), actor(e.admin), id); s.Name != "Hostio BV" || s.Active || s.Notes != "24/7 line" {
			t.Fatalf("after update: %+v", s)
		}
		p = admin.submit("/suppliers", action, url.Values{"name": {""}, "active": {"1"}})
		expect(t, p, http.StatusUnprocessableEntity, "Vul dit veld in.", `<details class="card" id="supplier-`+strconv.FormatInt(id, 10)+`" open>`)
		expect(t, admin.get("/suppliers?lang=en"), http.StatusOK, "<h1>Suppliers</h1>", "inactive", "Add supplier")

		agent := e.client()
		agent.signIn(e.agent)
		p = agent.get("/suppliers")
		expect(t, p, http.StatusOK, "Hostio BV")
		expectNot(t, p, `action="/suppliers"`)
		c := e.client()
		c.signIn(e.acmeUser)
		expect(t, c.get("/suppliers"), http.StatusForbidden)
		expect(t, c.get("/calendars"), http.StatusForbidden)
		ex := e.client()
		ex.signIn(e.expert)
		expect(t, ex.get("/suppliers"), http.StatusForbidden)
	})
}
