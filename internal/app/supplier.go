package app

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"meldpunt/internal/desk"
)

// External parties (suppliers) an incident may be handed to, with a follow-up date, and
// the reminders that keep the desk watching (steps 3 and 6 of the incident process):
// docs/sla.md, "External parties and reminders".

// Suppliers lists the suppliers by name; staff may (experts and agents read them, admins
// manage them). Clients never see them.
func (a *Suppliers) List(ctx context.Context, actor desk.Actor, activeOnly bool) (ss []desk.Supplier, err error) {
	if !actor.Role.IsStaff() {
		return nil, forbidden("see suppliers")
	}
	err = a.db.read(ctx, func(tx supplierTx) error {
		ss, err = tx.Suppliers(ctx, activeOnly)
		return err
	})
	return ss, err
}

// Supplier returns a supplier; to anyone but staff it does not exist.
func (a *Suppliers) Get(ctx context.Context, actor desk.Actor, id int64) (s desk.Supplier, err error) {
	if !actor.Role.IsStaff() {
		return s, desk.NotFound("supplier")
	}
	err = a.db.read(ctx, func(tx supplierTx) error {
		s, err = tx.Supplier(ctx, id)
		return err
	})
	return s, err
}

// CreateSupplier stores a new supplier; only admins may.
func (a *Suppliers) Create(ctx context.Context, actor desk.Actor, s desk.Supplier) (desk.Supplier, error) {
	if err := requireAdmin(actor, "manage suppliers"); err != nil {
		return s, err
	}
	if err := s.Validate(); err != nil {
		return s, err
	}
	now := a.clock()
	s.ID, s.CreatedAt, s.UpdatedAt = 0, now, now
	err := a.db.write(ctx, func(tx supplierTx) error {
		if err := tx.CreateSupplier(ctx, &s); err != nil {
			return err
		}
		return audit(ctx, tx, actor, now, "supplier", s.ID, nil, "create", nil, s)
	})
	return s, err
}

// SupplierPatch changes the fields that are set.
type SupplierPatch struct {
	Name        *string `json:"name"`
	ContactName *string `json:"contact_name"`
	Email       *string `json:"email"`
	Phone       *string `json:"phone"`
	Notes       *string `json:"notes"`
	Active      *bool   `json:"active"`
}

// UpdateSupplier changes a supplier; only admins may. An inactive supplier stays on the
// incidents handed to it, but cannot be chosen for new ones.
func (a *Suppliers) Update(ctx context.Context, actor desk.Actor, id int64, p SupplierPatch) (s desk.Supplier, err error) {
	if !actor.Role.IsStaff() {
		return s, desk.NotFound("supplier")
	}
	if err := requireAdmin(actor, "manage suppliers"); err != nil {
		return s, err
	}
	err = a.db.write(ctx, func(tx supplierTx) error {
		if s, err = tx.Supplier(ctx, id); err != nil {
			return err
		}
		before := s
		set(&s.Name, p.Name)
		set(&s.ContactName, p.ContactName)
		set(&s.Email, p.Email)
		set(&s.Phone, p.Phone)
		set(&s.Notes, p.Notes)
		set(&s.Active, p.Active)
		if err := s.Validate(); err != nil {
			return err
		}
		s.UpdatedAt = a.clock()
		if err := tx.UpdateSupplier(ctx, &s); err != nil {
			return err
		}
		return audit(ctx, tx, actor, s.UpdatedAt, "supplier", s.ID, nil, "update", before, s)
	})
	return s, err
}

// hideFromClient removes what only the provider sees from an incident shown to a client:
// the external party it is handed to and the desk's follow-up and reminders.
func hideFromClient(actor desk.Actor, inc *desk.Incident) {
	if !actor.Role.IsStaff() {
		inc.SupplierID, inc.FollowUpAt, inc.FollowUpReminded, inc.StaleRemindedAt = nil, nil, false, nil
	}
}

const settingStaleAfter = "stale_after"

// StaleAfterSetting is the stale time per priority as the API and the settings table hold
// it: whole minutes by priority name ("P1").
type StaleAfterSetting struct {
	Minutes map[string]int `json:"minutes"`
}

// staleAfterJSON turns stale times into their stored form.
func staleAfterJSON(s desk.StaleAfter) StaleAfterSetting {
	j := StaleAfterSetting{Minutes: map[string]int{}}
	for p, d := range s {
		j.Minutes[p.String()] = int(d / time.Minute)
	}
	return j
}

// staleAfterFrom turns the stored or sent form into stale times; a name that is no
// priority is reported by validation.
func staleAfterFrom(j StaleAfterSetting) (desk.StaleAfter, error) {
	s := desk.StaleAfter{}
	var v desk.Validator
	for name, m := range j.Minutes {
		var p desk.Priority
		if p.UnmarshalText([]byte(name)) != nil {
			v.Add("minutes."+name, "priority", "must be a priority P1 to P5")
			continue
		}
		m = min(max(m, 0), int(desk.MaxStaleAfter/time.Minute)+1) // out of range stays out, without overflow
		s[p] = time.Duration(m) * time.Minute
	}
	if err := s.Validate(); err != nil {
		e, ok := err.(*desk.Error)
		if !ok {
			return nil, err
		}
		v.Fields = append(v.Fields, e.Fields...)
	}
	return s, v.Err()
}

// staleAfter returns the stored stale times, or the defaults.
func staleAfter(ctx context.Context, tx SettingStore) (desk.StaleAfter, error) {
	raw, err := tx.Setting(ctx, settingStaleAfter)
	if desk.IsNotFound(err) {
		return desk.DefaultStaleAfter(), nil
	}
	if err != nil {
		return nil, err
	}
	var j StaleAfterSetting
	if err := json.Unmarshal([]byte(raw), &j); err != nil {
		return nil, fmt.Errorf("stored stale times: %w", err)
	}
	return staleAfterFrom(j)
}

// StaleAfter returns how long an incident of each priority may go without an update before
// it counts as stale; staff may read it.
func (a *Suppliers) StaleAfter(ctx context.Context, actor desk.Actor) (s desk.StaleAfter, err error) {
	if !actor.Role.IsStaff() {
		return nil, forbidden("read the stale times")
	}
	err = a.db.read(ctx, func(tx supplierTx) error {
		s, err = staleAfter(ctx, tx)
		return err
	})
	return s, err
}

// StaleAfterSettings is StaleAfter in the form of the API.
func (a *Suppliers) StaleAfterSettings(ctx context.Context, actor desk.Actor) (StaleAfterSetting, error) {
	s, err := a.StaleAfter(ctx, actor)
	return staleAfterJSON(s), err
}

// SetStaleAfter stores the stale time of every priority; only admins may. It applies at
// once, to the queue and to the next run of the reminders.
func (a *Suppliers) SetStaleAfter(ctx context.Context, actor desk.Actor, j StaleAfterSetting) (StaleAfterSetting, error) {
	if err := requireAdmin(actor, "change the stale times"); err != nil {
		return j, err
	}
	s, err := staleAfterFrom(j)
	if err != nil {
		return j, err
	}
	j = staleAfterJSON(s)
	err = a.db.write(ctx, func(tx supplierTx) error {
		old, err := staleAfter(ctx, tx)
		if err != nil {
			return err
		}
		if err := tx.PutSetting(ctx, settingStaleAfter, mustJSON(j)); err != nil {
			return err
		}
		return audit(ctx, tx, actor, a.clock(), "setting", 0, nil, "stale_after", staleAfterJSON(old), j)
	})
	return j, err
}

// RunReminders reminds owners, and returns how many reminders this call sent: (a) of each
// incident the desk still watches (neither resolved nor closed) whose follow-up date has
// passed, once per follow-up date; (b) of each such incident that had no update for its
// priority's stale time, once per stale period (an update starts a new one). Like
// RunSLAChecks, each reminder is claimed with a conditional update in a transaction of its
// own, together with its notification and audit record, so any number of instances may run
// it at once and each reminder goes out exactly once.
func (a *Suppliers) RunReminders(ctx context.Context) (int, error) {
	sent, err := a.drain(ctx, "follow-up reminder of incident", slaBatch,
		dueIn(a.db, func(ctx context.Context, tx supplierTx, now time.Time, limit int) ([]int64, error) {
			return tx.DueFollowUps(ctx, now, limit)
		}),
		claimIn(a.db, func(ctx context.Context, tx supplierTx, id int64, now time.Time) (bool, error) {
			ok, err := tx.MarkFollowUp(ctx, id, now)
			if err != nil || !ok {
				return false, err
			}
			return true, a.remind(ctx, tx, id, desk.NotifyFollowUp, "follow_up", now)
		}))
	if err != nil {
		return sent, err
	}
	var stale desk.StaleAfter
	if err := a.db.read(ctx, func(tx supplierTx) (err error) {
		stale, err = staleAfter(ctx, tx)
		return err
	}); err != nil {
		return sent, err
	}
	for _, p := range desk.Priorities {
		n, err := a.drain(ctx, "stale reminder of incident", slaBatch,
			dueIn(a.db, func(ctx context.Context, tx supplierTx, now time.Time, limit int) ([]int64, error) {
				return tx.DueStale(ctx, p, now.Add(-stale[p]), limit)
			}),
			claimIn(a.db, func(ctx context.Context, tx supplierTx, id int64, now time.Time) (bool, error) {
				ok, err := tx.MarkStale(ctx, id, p, now.Add(-stale[p]), now)
				if err != nil || !ok {
					return false, err
				}
				return true, a.remind(ctx, tx, id, desk.NotifyStale, "stale", now)
			}))
		sent += n
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}

// remindTx is what remind reads and writes.
type remindTx interface {
	AuditStore
	IdentityStore
	IncidentStore
	OutboxStore
	SupplierStore
}

// remind notifies the owner of an incident (the desk's coordinators when it has no active
// owner) and writes the audit record of the reminder.
func (a *core) remind(ctx context.Context, tx remindTx, id int64, kind, action string, now time.Time) error {
	inc, err := tx.Incident(ctx, id)
	if err != nil {
		return err
	}
	var to []int64
	if inc.OwnerID != nil {
		u, err := tx.User(ctx, *inc.OwnerID)
		if err != nil && !desk.IsNotFound(err) {
			return err
		}
		if err == nil && u.Active {
			to = []int64{u.ID}
		}
	}
	if len(to) == 0 {
		noOwner := inc
		noOwner.OwnerID, noOwner.AssigneeID = nil, nil
		if to, err = slaRecipients(ctx, tx, noOwner, true); err != nil {
			return err
		}
	}
	payload := map[string]any{"number": inc.Number, "title": inc.Title, "priority": inc.Priority,
		"updated_at": inc.UpdatedAt}
	if inc.FollowUpAt != nil {
		payload["follow_up_at"] = *inc.FollowUpAt
	}
	if inc.SupplierID != nil {
		if s, err := tx.Supplier(ctx, *inc.SupplierID); err == nil {
			payload["supplier"] = s.Name
		}
	}
	if err := notifyAll(ctx, tx, to, inc, kind, now, payload); err != nil {
		return err
	}
	return audit(ctx, tx, slaActor, now, "incident", inc.ID, &inc.OrgID, "reminder_"+action, nil,
		map[string]any{"reminder": action, "notified": to})
}
