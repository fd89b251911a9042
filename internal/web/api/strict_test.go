package api_test

import (
	"fmt"
	"strings"
	"testing"

	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// TestErrorListCapped sends a body of almost 1 MiB of unknown answers to the routes that
// check answers: the answer lists at most desk.MaxFieldErrors errors and one more entry that
// counts the rest, so a small request cannot make a large answer (issue 10, finding 3).
func TestErrorListCapped(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		var b strings.Builder
		n := 0
		for b.Len() < 1<<20-200 {
			if n > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `"q%07d":"x"`, n)
			n++
		}
		answers := "{" + b.String() + "}"
		for _, rq := range []request{
			{method: "POST", path: "/api/v1/questionnaire/evaluate", as: "clientUserA", body: `{"answers":` + answers + `}`},
			{method: "POST", path: "/api/v1/reports", as: "clientUserA", body: `{"title":"t","accept_procedure":true,"answers":` + answers + `}`},
		} {
			t.Run(rq.path, func(t *testing.T) {
				r := e.do(t, rq)
				if r.status != 422 {
					t.Fatalf("status %d: %.300s", r.status, r.body)
				}
				if len(r.body) > 16<<10 {
					t.Errorf("a %d-byte answer to %d unknown answers", len(r.body), n)
				}
				v, _ := get(r.json, "errors")
				errs, _ := v.([]any)
				if len(errs) != desk.MaxFieldErrors+1 {
					t.Fatalf("%d errors listed, want %d and a count", len(errs), desk.MaxFieldErrors)
				}
				last, _ := errs[desk.MaxFieldErrors].(map[string]any)
				// Every unknown answer is counted, and the questions left unanswered too.
				var more int
				fmt.Sscan(fmt.Sprint(last["message"]), &more)
				if last["rule"] != "more_errors" || more < n-desk.MaxFieldErrors || more > n {
					t.Errorf("last entry %v, want rule more_errors counting at least %d more", last, n-desk.MaxFieldErrors)
				}
			})
		}
	})
}

// TestExactIDs: ids in paths and queries match the documented pattern exactly; a sign, a
// leading zero, spaces or an exponent are not the same id (issue 10, finding 7).
func TestExactIDs(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		r := e.do(t, request{method: "POST", path: "/api/v1/incidents", as: "clientUserA", body: `{"title":"t","urgency":"low","impact":"low"}`})
		if r.status != 201 {
			t.Fatalf("incident: %d %s", r.status, r.body)
		}
		inc := itoa(r.id("id"))
		c := e.do(t, request{method: "POST", path: "/api/v1/changes", as: "agent", body: `{"title":"fix","incident_ids":[` + inc + `]}`})
		if c.status != 201 {
			t.Fatalf("change: %d %s", c.status, c.body)
		}
		chg := itoa(c.id("id"))
		org := e.vars["orgA"]
		var scs []scenario
		for _, p := range []string{"+" + org, "0" + org, "%20" + org, org + "%20", "%20" + org + "%20", org + ".0", org + "e0", "-" + org, "0x" + org} {
			scs = append(scs, scenario{name: "organisation " + p, request: request{method: "GET", path: "/api/v1/organisations/" + p, as: "admin"}, status: 404})
		}
		for _, p := range []string{"+" + inc, "0" + inc, "%20" + inc, "INC-+" + inc, "INC-%20" + inc, "%20INC-" + inc, "INC--" + inc, inc + "e0"} {
			scs = append(scs, scenario{name: "incident " + p, request: request{method: "GET", path: "/api/v1/incidents/" + p, as: "admin"}, status: 404})
		}
		for _, p := range []string{"+" + chg, "0" + chg, "CHG-+" + chg, "%20CHG-" + chg} {
			scs = append(scs, scenario{name: "change " + p, request: request{method: "GET", path: "/api/v1/changes/" + p, as: "admin"}, status: 404})
		}
		for _, p := range []string{"+" + org, "0" + org, "%20" + org + "%20", org + "e0"} {
			scs = append(scs, scenario{name: "query organisation_id=" + p, request: request{method: "GET", path: "/api/v1/contracts?organisation_id=" + p, as: "admin"},
				status: 422, errors: [][2]string{{"organisation_id", "id"}}})
		}
		for _, p := range []string{"+5", "05", "%205", "5e0"} {
			scs = append(scs, scenario{name: "limit " + p, request: request{method: "GET", path: "/api/v1/incidents?limit=" + p, as: "admin"},
				status: 422, errors: [][2]string{{"limit", "range"}}})
		}
		// A cursor is the base64url of an id: a padded, non-canonical or broken one is none.
		for _, p := range []string{"MQ==", "MR", "MQ%0A", "MDE", "KzE"} {
			scs = append(scs, scenario{name: "cursor " + p, request: request{method: "GET", path: "/api/v1/incidents?cursor=" + p, as: "admin"},
				status: 422, errors: [][2]string{{"cursor", "cursor"}}})
		}
		// The documented forms still work.
		scs = append(scs,
			scenario{name: "an id", request: request{method: "GET", path: "/api/v1/organisations/" + org, as: "admin"}, status: 200},
			scenario{name: "an incident number", request: request{method: "GET", path: "/api/v1/incidents/" + desk.FormatNumber(r.id("id")), as: "admin"}, status: 200},
			scenario{name: "an incident number in lower case", request: request{method: "GET", path: "/api/v1/incidents/inc-" + inc, as: "admin"}, status: 200},
			scenario{name: "a change number", request: request{method: "GET", path: "/api/v1/changes/CHG-0000" + chg, as: "admin"}, status: 200},
			scenario{name: "a cursor", request: request{method: "GET", path: "/api/v1/incidents?cursor=MQ", as: "admin"}, status: 200},
		)
		e.run(t, scs)
	})
}
