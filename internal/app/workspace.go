package app

import (
	"context"

	"meldpunt/internal/desk"
)

// Basis is what a form on the incident page was made from: the incident's version and the
// last timeline entry the page showed. A change sent with a basis is refused (ECONFLICT,
// nothing written) when someone else wrote on the incident's timeline since: a reply, a
// note, a change of state, an assignment, a new classification. The person then sees those
// entries first and sends again on the new basis to apply the change anyway.
//
// Replies and notes do not move the version, so the timeline decides. A version that moved
// with nothing new from anyone else on the timeline (the SLA clock's warning flags, or the
// same person in another tab) is no conflict: there is nothing to show.
type Basis struct {
	Version int
	Seen    int64
}

type basisKey struct{}

// BasedOn returns ctx carrying the basis of a change: the use cases that change the
// incident check it in their transaction (visibleIncident), so no one slips in between.
func BasedOn(ctx context.Context, b Basis) context.Context {
	return context.WithValue(ctx, basisKey{}, b)
}

// ChangedSince returns the entries of es after the entry seen that someone other than the
// actor wrote: a person's entries, and replies that came without an account (email). The
// clock's own entries (deadline warnings, closing) are left out.
func ChangedSince(es []desk.TimelineEntry, seen int64, actor desk.Actor) []desk.TimelineEntry {
	var out []desk.TimelineEntry
	for _, e := range es {
		if e.ID <= seen {
			continue
		}
		if e.AuthorID != nil && *e.AuthorID != actor.UserID || e.AuthorID == nil && e.Kind == desk.EntryReply {
			out = append(out, e)
		}
	}
	return out
}

// checkBasis refuses a change of inc made on a basis that someone else's entries have
// overtaken; without a basis in ctx it lets everything pass.
func checkBasis(ctx context.Context, tx IncidentStore, actor desk.Actor, inc desk.Incident) error {
	b, ok := ctx.Value(basisKey{}).(Basis)
	if !ok {
		return nil
	}
	es, err := tx.Timeline(ctx, inc.ID, actor.Role.IsStaff())
	if err != nil {
		return err
	}
	if n := len(ChangedSince(es, b.Seen, actor)); n > 0 {
		return desk.Errorf(desk.ECONFLICT, "the incident was changed by someone else since it was opened (%d new entries; version %d, you have %d): check them and send again",
			n, inc.Version, b.Version)
	}
	return nil
}
