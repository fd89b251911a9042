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
