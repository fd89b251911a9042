package app_test

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// Publishing on the status page reaches the email subscribers through queueStatusNotice,
// in the transaction of the publish: each confirmed subscriber who follows everything or an
// affected component gets exactly one message per publish, in their language; someone who
// has not confirmed gets nothing, and a follower of another component nothing either.
func TestPublishReachesSubscribers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newSubsWorld(t, db)
		ctx := context.Background()
		add := func(email, locale string, all bool, comps ...int64) { w.subscribe(t, email, locale, all, comps...) }
		add("all@x.test", "en", true)
		add("mail@x.test", "nl", false, w.mail.ID)
		add("web@x.test", "nl", false, w.web.ID)
		if err := w.a.Subscriptions.Subscribe(ctx, desk.SubscriberInput{Email: "pending@x.test", Locale: "nl", All: true}); err != nil {
			t.Fatal(err)
		}
		w.deliver(t) // the pending address's confirmation

		sent := func() string {
			t.Helper()
			var got []string
			for _, e := range w.deliver(t) {
				got = append(got, fmt.Sprintf("%s %s %v", e.To.Email, e.Locale, e.Payload["name"]))
			}
			sort.Strings(got)
			return fmt.Sprint(got)
		}
		p, err := w.a.PublicIncidents.Create(ctx, sys, app.NewPublicIncident{
			Name: desk.Texts{NL: "Storing e-mail", EN: "E-mail outage"}, Impact: desk.ImpactMajor,
			Components: []desk.AffectedComponent{{ComponentID: w.mail.ID, Status: desk.StatusMajorOutage}},
			Body:       desk.Texts{NL: "We onderzoeken het."},
		})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := sent(), "[all@x.test en E-mail outage mail@x.test nl Storing e-mail]"; got != want {
			t.Errorf("on create: sent %s, want %s", got, want)
		}
		w.now = w.now.Add(time.Minute)
		if _, err := w.a.PublicIncidents.PostUpdate(ctx, sys, p.ID, desk.UpdateInput{Status: desk.PublicIdentified,
			Body: desk.Texts{EN: "The web servers too."}, Components: []desk.AffectedComponent{
				{ComponentID: w.mail.ID, Status: desk.StatusMajorOutage}, {ComponentID: w.web.ID, Status: desk.StatusPartialOutage}}}); err != nil {
			t.Fatal(err)
		}
		if got, want := sent(), "[all@x.test en E-mail outage mail@x.test nl Storing e-mail web@x.test nl Storing e-mail]"; got != want {
			t.Errorf("on update: sent %s, want %s", got, want)
		}
		if got := sent(); got != "[]" {
			t.Errorf("a second delivery run sent %s, want nothing", got)
		}
	})
}
