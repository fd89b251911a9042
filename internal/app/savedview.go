package app

import (
	"context"
	"strings"
	"time"

	"meldpunt/internal/desk"
)

// SavedViews keeps each desk member's saved views of the queue (issue 13, point 2) and
// counts the menu's two numbers. A view is a person's own: nobody else lists, opens,
// renames or deletes it, and one that is not theirs is not found. The built-in views
// ("mine", "unassigned", …) are the console's and are not stored.
type SavedViews struct {
	*core
	db txn[savedViewTx]
}

// savedViewTx is what SavedViews reads and writes.
type savedViewTx interface {
	SavedViewStore
}

// SavedViewStore keeps the saved views and counts the menu.
type SavedViewStore interface {
	// CreateSavedView stores a view and sets its ID; ECONFLICT when its user has a view
	// of that name (in any case).
	CreateSavedView(ctx context.Context, v *SavedView) error
	// SavedView returns the user's view; ENOTFOUND when the user has no view of that id.
	SavedView(ctx context.Context, userID, id int64) (SavedView, error)
	// SavedViews lists the user's views by name.
	SavedViews(ctx context.Context, userID int64) ([]SavedView, error)
	// UpdateSavedView stores the name, query and UpdatedAt of the user's view.
	UpdateSavedView(ctx context.Context, v *SavedView) error
	// DeleteSavedView removes the user's view; ENOTFOUND when there is none.
	DeleteSavedView(ctx context.Context, userID, id int64) error
	// MenuCounts counts the reports waiting for assessment and the user's open incidents,
	// each up to MenuCountCap.
	MenuCounts(ctx context.Context, userID int64) (MenuCounts, error)
}

// SavedView is a named filter of the queue.
type SavedView struct {
	ID     int64
	UserID int64
	Name   string
	// Query is the filter as the queue's URL writes it: "priority=P1&mine=1".
	Query     string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// MenuCountCap is where the menu stops counting: it shows "99+" from there, and no page
// pays for counting more rows than this.
const MenuCountCap = 100

// MenuCounts are the numbers the desk's menu shows on every page, each at most
// MenuCountCap.
type MenuCounts struct {
	// ToAssess counts the urgent reports waiting for the desk's assessment (the triage page).
	ToAssess int
	// Mine counts the open incidents the person owns or is assigned.
	Mine int
}

// Limits of saved views: how many a person keeps, and their name and query lengths.
const (
	MaxSavedViews     = 30
	MaxSavedViewName  = 60
	MaxSavedViewQuery = 1000
)

// requireViews lets the desk (agents and admins) keep views: only they have a queue.
func requireViews(actor desk.Actor) error {
	if actor.UserID == 0 {
		return forbidden("keep views of the queue")
	}
	return requireDesk(actor, "keep views of the queue")
}

// checkView trims the name and checks the name and the query.
func checkView(name *string, query string) error {
	*name = strings.TrimSpace(*name)
	var v desk.Validator
	v.Text("name", *name, true, MaxSavedViewName, false)
	v.Text("query", query, false, MaxSavedViewQuery, false)
	return v.Err()
}

// nameTaken is the error of a name the person uses for another view.
func nameTaken(err error) error {
	if desk.ErrorCode(err) == desk.ECONFLICT {
		return invalid("name", "view_taken", "you have a view with that name already")
	}
	return err
}

// List lists the actor's own views by name.
func (s *SavedViews) List(ctx context.Context, actor desk.Actor) (vs []SavedView, err error) {
	if err := requireViews(actor); err != nil {
		return nil, err
	}
	err = s.db.read(ctx, func(tx savedViewTx) error {
		vs, err = tx.SavedViews(ctx, actor.UserID)
		return err
	})
	return vs, err
}

// Get returns one of the actor's own views.
func (s *SavedViews) Get(ctx context.Context, actor desk.Actor, id int64) (v SavedView, err error) {
	if err := requireViews(actor); err != nil {
		return v, err
	}
	err = s.db.read(ctx, func(tx savedViewTx) error {
		v, err = tx.SavedView(ctx, actor.UserID, id)
		return err
	})
	return v, err
}

// Create saves a filter of the queue under a name the actor does not use yet; at most
// MaxSavedViews per person.
func (s *SavedViews) Create(ctx context.Context, actor desk.Actor, name, query string) (SavedView, error) {
	v := SavedView{UserID: actor.UserID, Name: name, Query: query}
	if err := requireViews(actor); err != nil {
		return v, err
	}
	if err := checkView(&v.Name, v.Query); err != nil {
		return v, err
	}
	v.CreatedAt = s.clock()
	v.UpdatedAt = v.CreatedAt
	err := s.db.write(ctx, func(tx savedViewTx) error {
		all, err := tx.SavedViews(ctx, actor.UserID)
		if err != nil {
			return err
		}
		if len(all) >= MaxSavedViews {
			return invalid("name", "view_limit", "you have the most views there may be; delete one first")
		}
		return nameTaken(tx.CreateSavedView(ctx, &v))
	})
	return v, err
}

// Rename gives one of the actor's views another name.
func (s *SavedViews) Rename(ctx context.Context, actor desk.Actor, id int64, name string) (v SavedView, err error) {
	if err := requireViews(actor); err != nil {
		return v, err
	}
	err = s.db.write(ctx, func(tx savedViewTx) error {
		if v, err = tx.SavedView(ctx, actor.UserID, id); err != nil {
			return err
		}
		v.Name = name
		if err := checkView(&v.Name, v.Query); err != nil {
			return err
		}
		v.UpdatedAt = s.clock()
		return nameTaken(tx.UpdateSavedView(ctx, &v))
	})
	return v, err
}

// Delete removes one of the actor's views.
func (s *SavedViews) Delete(ctx context.Context, actor desk.Actor, id int64) error {
	if err := requireViews(actor); err != nil {
		return err
	}
	return s.db.write(ctx, func(tx savedViewTx) error { return tx.DeleteSavedView(ctx, actor.UserID, id) })
}

// MenuCounts counts the reports waiting for assessment and the actor's open incidents, in
// one read; for the desk's menu on every page.
func (s *SavedViews) MenuCounts(ctx context.Context, actor desk.Actor) (c MenuCounts, err error) {
	if err := requireViews(actor); err != nil {
		return c, err
	}
	err = s.db.read(ctx, func(tx savedViewTx) error {
		c, err = tx.MenuCounts(ctx, actor.UserID)
		return err
	})
	return c, err
}
