package store_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

func newIncident(orgID int64, title string) desk.Incident {
	return desk.Incident{OrgID: orgID, Channel: desk.ChannelPortal, Kind: desk.KindRegular, Title: title,
		Description: "details", Urgency: desk.Normal, Impact: desk.Normal, Priority: desk.P3,
		State: desk.StateNew, CreatedAt: t0, UpdatedAt: t0}
}

func TestIncidentRoundTrip(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := seed(t, db)
		c1 := desk.Component{Name: "Web", CreatedAt: t0, UpdatedAt: t0}
		c2 := desk.Component{Name: "Mail", CreatedAt: t0, UpdatedAt: t0}
		responded := t0.Add(7*time.Minute + 123456*time.Nanosecond)
		in := desk.Incident{OrgID: f.acme.ID, ReporterID: &f.alice.ID, Channel: desk.ChannelPhone,
			Kind: desk.KindUrgent, Title: "Webshop geeft foutmelding ✗", Description: "Sinds 9:00\nregel 2",
			Urgency: desk.High, Impact: desk.Low, Priority: desk.P3, State: desk.StateWaiting,
			WaitingOn: desk.WaitingOnThirdParty, OwnerID: &f.agent.ID, AssigneeID: &f.agent.ID,
			Solution: "", Affected: "De webshop en de app", Assessment: desk.AssessmentPending,
			AssessmentReason: "", QuestionnaireVersion: 2, CreatedAt: t0, UpdatedAt: t0, FirstResponseAt: &responded}
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			if err := tx.CreateComponent(ctx, &c1); err != nil {
				return err
			}
			if err := tx.CreateComponent(ctx, &c2); err != nil {
				return err
			}
			in.ComponentIDs = []int64{c2.ID, c1.ID}
			return tx.CreateIncident(ctx, &in)
		})
		if in.ID == 0 || in.Number != desk.FormatNumber(in.ID) || in.Version != 1 {
			t.Fatalf("CreateIncident set ID %d, Number %q, Version %d", in.ID, in.Number, in.Version)
		}
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			got, err := tx.Incident(ctx, in.ID)
			if err != nil {
				return err
			}
			want := in
			want.ComponentIDs = []int64{c1.ID, c2.ID}
			want.CreatedAt, want.UpdatedAt, want.FirstResponseAt = ms(t0), ms(t0), ptr(ms(responded))
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Incident =\n%+v\nwant\n%+v", got, want)
			}
			_, err = tx.Incident(ctx, 999999)
			wantCode(t, err, desk.ENOTFOUND)
			return nil
		})

		// Update every field, clear the links and the optional references.
		resolved := t0.Add(2 * time.Hour)
		closed := t0.Add(26 * time.Hour)
		upd := in
		upd.ReporterID, upd.OwnerID, upd.AssigneeID = nil, &f.agent.ID, nil
		upd.Channel, upd.Kind, upd.Title, upd.Description = desk.ChannelEmail, desk.KindRegular, "Renamed", ""
		upd.Urgency, upd.Impact, upd.Priority = desk.Low, desk.High, desk.P5
		upd.State, upd.WaitingOn, upd.Solution = desk.StateClosed, "", "Restarted"
		upd.ComponentIDs, upd.UpdatedAt = nil, closed
		upd.Affected, upd.Assessment, upd.AssessmentReason = "", desk.AssessmentReclassified, "a workaround exists ✓"
		upd.QuestionnaireVersion = 3
		upd.SolutionKind, upd.AutoCloseAt = desk.SolutionStructural, &closed
		upd.FirstResponseAt, upd.ResolvedAt, upd.ClosedAt = nil, &resolved, &closed
		write(t, db, func(ctx context.Context, tx app.Tx) error { return tx.UpdateIncident(ctx, &upd) })
		if upd.Version != 2 {
			t.Errorf("UpdateIncident left Version %d, want 2", upd.Version)
		}
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			got, err := tx.Incident(ctx, in.ID)
			if err != nil {
				return err
			}
			want := upd
			want.ComponentIDs = []int64{}
			want.CreatedAt, want.UpdatedAt = ms(t0), ms(closed)
			want.ResolvedAt, want.ClosedAt, want.AutoCloseAt = ptr(ms(resolved)), ptr(ms(closed)), ptr(ms(closed))
			if !reflect.DeepEqual(got, want) {
				t.Errorf("after update =\n%+v\nwant\n%+v", got, want)
			}
			return nil
		})

		err := tryWrite(t, db, func(ctx context.Context, tx app.Tx) error {
			bad := newIncident(f.acme.ID, "Bad component")
			bad.ComponentIDs = []int64{999999}
			return tx.CreateIncident(ctx, &bad)
		})
		wantCode(t, err, desk.EINVALID)
	})
}

func TestIncidentVersionConflict(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := seed(t, db)
		in := newIncident(f.acme.ID, "Original")
		write(t, db, func(ctx context.Context, tx app.Tx) error { return tx.CreateIncident(ctx, &in) })
		mine, theirs := in, in
		mine.Title, theirs.Title = "Mine", "Theirs"
		write(t, db, func(ctx context.Context, tx app.Tx) error { return tx.UpdateIncident(ctx, &mine) })
		err := tryWrite(t, db, func(ctx context.Context, tx app.Tx) error { return tx.UpdateIncident(ctx, &theirs) })
		wantCode(t, err, desk.ECONFLICT)
		if !strings.Contains(err.Error(), "changed by someone else") {
			t.Errorf("conflict message = %q", err)
		}
		if theirs.Version != 1 {
			t.Errorf("a refused update changed Version to %d", theirs.Version)
		}
		missing := in
		missing.ID = 999999
		err = tryWrite(t, db, func(ctx context.Context, tx app.Tx) error { return tx.UpdateIncident(ctx, &missing) })
		wantCode(t, err, desk.ENOTFOUND)
		// The winner can update again with the version it got back.
		mine.Title = "Mine again"
		write(t, db, func(ctx context.Context, tx app.Tx) error { return tx.UpdateIncident(ctx, &mine) })
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			got, err := tx.Incident(ctx, in.ID)
			if err != nil {
				return err
			}
			if got.Title != "Mine again" || got.Version != 3 {
				t.Errorf("stored title %q version %d, want %q version 3", got.Title, got.Version, "Mine again")
			}
			return nil
		})
	})
}

func TestIncidentFilters(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := seed(t, db)
		byTitle := map[string]*desk.Incident{}
		add := func(title string, edit func(in *desk.Incident)) {
			in := newIncident(f.acme.ID, title)
			edit(&in)
			byTitle[title] = &in
		}
		comp := desk.Component{Name: "Web", CreatedAt: t0, UpdatedAt: t0}
		add("Site down", func(in *desk.Incident) { in.ReporterID = &f.alice.ID })
		add("Mail slow", func(in *desk.Incident) {
			in.State, in.OwnerID, in.AssigneeID, in.Priority = desk.StateInProgress, &f.agent.ID, &f.agent.ID, desk.P1
		})
		add("Globex site down", func(in *desk.Incident) {
			in.OrgID, in.ReporterID, in.Kind, in.Channel = f.globex.ID, &f.bob.ID, desk.KindUrgent, desk.ChannelPhone
			in.Assessment = desk.AssessmentPending
		})
		add("Old problem", func(in *desk.Incident) { in.State, in.OwnerID = desk.StateClosed, &f.agent.ID })
		add("100% CPU", func(in *desk.Incident) { in.State = desk.StateWaiting })
		add("1000 errors", func(in *desk.Incident) {
			in.Channel, in.Assessment = desk.ChannelMonitor, desk.AssessmentPending
		})
		add("disk_full", func(in *desk.Incident) { in.State = desk.StateResolved })
		add("diskXfull", func(in *desk.Incident) {})
		add(`path C:\temp`, func(in *desk.Incident) { in.Assessment = desk.AssessmentApproved })
		order := []string{"Site down", "Mail slow", "Globex site down", "Old problem", "100% CPU",
			"1000 errors", "disk_full", "diskXfull", `path C:\temp`}
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			if err := tx.CreateComponent(ctx, &comp); err != nil {
				return err
			}
			byTitle["Mail slow"].ComponentIDs = []int64{comp.ID}
			for _, title := range order {
				if err := tx.CreateIncident(ctx, byTitle[title]); err != nil {
					return err
				}
			}
			return nil
		})

		for _, c := range []struct {
			name   string
			filter desk.IncidentFilter
			want   []string // newest first
		}{
			{"all", desk.IncidentFilter{}, reversed(order)},
			{"org", desk.IncidentFilter{OrgID: f.globex.ID}, []string{"Globex site down"}},
			{"reporter", desk.IncidentFilter{ReporterID: f.alice.ID}, []string{"Site down"}},
			{"owner", desk.IncidentFilter{OwnerID: f.agent.ID}, []string{"Old problem", "Mail slow"}},
			{"assignee", desk.IncidentFilter{AssigneeID: f.agent.ID}, []string{"Mail slow"}},
			{"states", desk.IncidentFilter{States: []desk.State{desk.StateWaiting, desk.StateInProgress}}, []string{"100% CPU", "Mail slow"}},
			{"one state", desk.IncidentFilter{States: []desk.State{desk.StateResolved}}, []string{"disk_full"}},
			{"open", desk.IncidentFilter{Open: ptr(true), OrgID: f.acme.ID, States: []desk.State{desk.StateClosed, desk.StateNew}},
				[]string{`path C:\temp`, "diskXfull", "1000 errors", "Site down"}},
			{"closed", desk.IncidentFilter{Open: ptr(false)}, []string{"Old problem"}},
			{"kind", desk.IncidentFilter{Kind: desk.KindUrgent}, []string{"Globex site down"}},
			{"channel", desk.IncidentFilter{Channel: desk.ChannelMonitor}, []string{"1000 errors"}},
			{"priority", desk.IncidentFilter{Priority: desk.P1}, []string{"Mail slow"}},
			{"assessment queue", desk.IncidentFilter{Assessment: desk.AssessmentPending}, []string{"1000 errors", "Globex site down"}},
			{"assessment", desk.IncidentFilter{Assessment: desk.AssessmentApproved}, []string{`path C:\temp`}},
			{"assessment none", desk.IncidentFilter{Assessment: desk.AssessmentReclassified}, nil},
			{"assessment and org", desk.IncidentFilter{Assessment: desk.AssessmentPending, OrgID: f.globex.ID}, []string{"Globex site down"}},
			{"query ignores case", desk.IncidentFilter{Query: "SITE"}, []string{"Globex site down", "Site down"}},
			{"query needs every word", desk.IncidentFilter{Query: "down  globex"}, []string{"Globex site down"}},
			{"percent is literal", desk.IncidentFilter{Query: "100%"}, []string{"100% CPU"}},
			{"underscore is literal", desk.IncidentFilter{Query: "disk_"}, []string{"disk_full"}},
			{"backslash is literal", desk.IncidentFilter{Query: `c:\t`}, []string{`path C:\temp`}},
			{"query without match", desk.IncidentFilter{Query: "%%"}, nil},
			{"combined", desk.IncidentFilter{OrgID: f.acme.ID, Open: ptr(true), Query: "down"}, []string{"Site down"}},
			{"after", desk.IncidentFilter{After: byTitle["Mail slow"].ID}, []string{"Site down"}},
			{"limit", desk.IncidentFilter{Limit: 2}, reversed(order)[:2]},
		} {
			t.Run(c.name, func(t *testing.T) {
				read(t, db, func(ctx context.Context, tx app.Tx) error {
					list, err := tx.Incidents(ctx, c.filter)
					if err != nil {
						return err
					}
					if list == nil {
						t.Error("Incidents returned nil, want an empty list")
					}
					var titles []string
					for _, in := range list {
						titles = append(titles, in.Title)
						want := byTitle[in.Title]
						if in.Number != want.Number || !reflect.DeepEqual(in.ComponentIDs, sortedOrEmpty(want.ComponentIDs)) {
							t.Errorf("%s: number %q components %v, want %q %v", in.Title, in.Number, in.ComponentIDs, want.Number, want.ComponentIDs)
						}
					}
					if !reflect.DeepEqual(titles, c.want) {
						t.Errorf("Incidents(%+v) =\n%q\nwant\n%q", c.filter, titles, c.want)
					}
					count := c.filter
					count.Limit = 0
					n, err := tx.CountIncidents(ctx, count)
					if err != nil {
						return err
					}
					if wantN := len(c.want); c.name != "limit" && n != wantN {
						t.Errorf("CountIncidents = %d, want %d", n, wantN)
					} else if c.name == "limit" && n != len(order) {
						t.Errorf("CountIncidents ignoring Limit = %d, want %d", n, len(order))
					}
					return nil
				})
			})
		}
	})
}

func TestIncidentPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := seed(t, db)
		var ids []int64
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			for i := range 7 {
				in := newIncident(f.acme.ID, "Incident "+string(rune('A'+i)))
				if err := tx.CreateIncident(ctx, &in); err != nil {
					return err
				}
				ids = append([]int64{in.ID}, ids...) // newest first
			}
			return nil
		})
		var got []int64
		pages := 0
		filter := desk.IncidentFilter{Limit: 3}
		for {
			var page []desk.Incident
			read(t, db, func(ctx context.Context, tx app.Tx) error {
				var err error
				page, err = tx.Incidents(ctx, filter)
				return err
			})
			if len(page) == 0 {
				break
			}
			pages++
			if len(page) > 3 || pages > 3 {
				t.Fatalf("page %d has %d incidents; Limit 3 not honoured", pages, len(page))
			}
			for _, in := range page {
				got = append(got, in.ID)
			}
			filter.After = page[len(page)-1].ID
		}
		if pages != 3 || !reflect.DeepEqual(got, ids) {
			t.Errorf("pages gave %v in %d pages, want %v in 3", got, pages, ids)
		}
	})
}

func TestIncidentLimits(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := seed(t, db)
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			for range 501 {
				in := newIncident(f.acme.ID, "Many")
				if err := tx.CreateIncident(ctx, &in); err != nil {
					return err
				}
			}
			return nil
		})
		for _, c := range []struct{ limit, want int }{{0, 50}, {-1, 50}, {10, 10}, {500, 500}, {10000, 500}} {
			read(t, db, func(ctx context.Context, tx app.Tx) error {
				list, err := tx.Incidents(ctx, desk.IncidentFilter{Limit: c.limit})
				if err != nil {
					return err
				}
				if len(list) != c.want {
					t.Errorf("Limit %d gave %d incidents, want %d", c.limit, len(list), c.want)
				}
				return nil
			})
		}
	})
}

func reversed(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[len(s)-1-i] = v
	}
	return out
}

func sortedOrEmpty(ids []int64) []int64 {
	if ids == nil {
		return []int64{}
	}
	return ids
}
