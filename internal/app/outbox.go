package app

import (
	"context"
	"slices"
	"strings"

	"meldpunt/internal/desk"
)

// The outbox as admins and people see it: what was sent, what waits, what was set aside
// (and retrying it), and which optional messages a person receives. Delivery itself is in
// deliver.go.

// Outbox lists notifications, newest first, by state; admins only.
func (a *Outbox) List(ctx context.Context, actor desk.Actor, f desk.OutboxFilter) (p Page[desk.Notification], err error) {
	if err := requireAdmin(actor, "see the outbox"); err != nil {
		return p, err
	}
	if f.State != "" && !slices.Contains(desk.DeliveryStates, f.State) {
		return p, invalid("state", "one_of", "must be pending, sent, failed or skipped")
	}
	p, err = paged(&f.Limit, defaultPage, maxPage, func() (ns []desk.Notification, err error) {
		err = a.db.read(ctx, func(tx outboxTx) error {
			ns, err = tx.Outbox(ctx, f)
			return err
		})
		return ns, err
	}, func(n desk.Notification) int64 { return n.ID })
	p.Items = redactSecrets(p.Items)
	return p, err
}

// OutboxCounts counts notifications per delivery state; admins only.
func (a *Outbox) Counts(ctx context.Context, actor desk.Actor) (c map[desk.DeliveryState]int, err error) {
	if err := requireAdmin(actor, "see the outbox"); err != nil {
		return nil, err
	}
	err = a.db.read(ctx, func(tx outboxTx) error {
		c, err = tx.OutboxCounts(ctx)
		return err
	})
	return c, err
}

// RetryNotification puts a notification that was set aside back in the queue, due now with
// its attempts reset; admins only. Retrying one that is not set aside is ECONFLICT.
func (a *Outbox) Retry(ctx context.Context, actor desk.Actor, id int64) (n desk.Notification, err error) {
	if err := requireAdmin(actor, "retry messages"); err != nil {
		return n, err
	}
	now := a.clock()
	err = a.db.write(ctx, func(tx outboxTx) error {
		before, err := tx.Notification(ctx, id)
		if err != nil {
			return err
		}
		ok, err := tx.RetryNotification(ctx, id, now)
		if err != nil {
			return err
		}
		if !ok {
			return desk.Errorf(desk.ECONFLICT, "only a message that was set aside can be retried; this one is %s", before.State)
		}
		if n, err = tx.Notification(ctx, id); err != nil {
			return err
		}
		return audit(ctx, tx, actor, now, "notification", id, nil, "retry",
			map[string]any{"state": before.State, "attempts": before.Attempts, "last_error": before.LastError},
			map[string]any{"state": n.State, "attempts": n.Attempts})
	})
	return n, err
}

// NotificationPreferences lists the optional kinds the actor can receive and whether each
// is on.
func (a *Outbox) Preferences(ctx context.Context, actor desk.Actor) (ps []desk.Preference, err error) {
	if actor.UserID == 0 {
		return nil, forbidden("have notification preferences")
	}
	var off []string
	err = a.db.read(ctx, func(tx outboxTx) error {
		off, err = tx.NotificationOptOuts(ctx, actor.UserID)
		return err
	})
	if err != nil {
		return nil, err
	}
	for _, k := range desk.KindsFor(actor.Role) {
		ps = append(ps, desk.Preference{Kind: k, Enabled: !slices.Contains(off, k)})
	}
	return ps, nil
}

// SetNotificationPreferences switches the actor's optional kinds on and off; a kind not
// listed keeps its setting. Only optional kinds of the actor's role can be switched off:
// messages about one's own incident's decisions and solution always go out.
func (a *Outbox) SetPreferences(ctx context.Context, actor desk.Actor, ps []desk.Preference) ([]desk.Preference, error) {
	if actor.UserID == 0 {
		return nil, forbidden("have notification preferences")
	}
	var v desk.Validator
	allowed := desk.KindsFor(actor.Role)
	for i, p := range ps {
		if !slices.Contains(allowed, p.Kind) {
			field := "preferences[" + itoa(i) + "].kind"
			if slices.Contains(MandatoryKinds(actor.Role), p.Kind) {
				v.Add(field, "mandatory", "messages of kind %s cannot be switched off", p.Kind)
			} else {
				v.Add(field, "one_of", "must be one of %s", strings.Join(allowed, ", "))
			}
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	now := a.clock()
	err := a.db.write(ctx, func(tx outboxTx) error {
		off, err := tx.NotificationOptOuts(ctx, actor.UserID)
		if err != nil {
			return err
		}
		before := slices.Clone(off)
		for _, p := range ps {
			off = slices.DeleteFunc(off, func(k string) bool { return k == p.Kind })
			if !p.Enabled {
				off = append(off, p.Kind)
			}
		}
		slices.Sort(off)
		if err := tx.SetNotificationOptOuts(ctx, actor.UserID, off); err != nil {
			return err
		}
		return audit(ctx, tx, actor, now, "user", actor.UserID, &actor.OrgID, "notification_preferences",
			map[string]any{"off": before}, map[string]any{"off": off})
	})
	if err != nil {
		return nil, err
	}
	return a.Preferences(ctx, actor)
}

// OutboxRecipients reads the recipients of listed notifications, by id, so the outbox can
// name them; admins only. A recipient that no longer exists is left out.
func (a *Outbox) Recipients(ctx context.Context, actor desk.Actor, ns []desk.Notification) (map[int64]desk.User, error) {
	if err := requireAdmin(actor, "see the outbox"); err != nil {
		return nil, err
	}
	us := map[int64]desk.User{}
	err := a.db.read(ctx, func(tx outboxTx) error {
		for _, n := range ns {
			if _, ok := us[n.UserID]; ok {
				continue
			}
			u, err := tx.User(ctx, n.UserID)
			if desk.ErrorCode(err) == desk.ENOTFOUND {
				continue
			}
			if err != nil {
				return err
			}
			us[n.UserID] = u
		}
		return nil
	})
	return us, err
}

// MandatoryKinds lists the kinds a person of the role receives that cannot be switched
// off: for clients the messages about their own incident's decisions and solution, for
// staff the work handed to them. The preferences page and API name them.
func MandatoryKinds(r desk.Role) []string {
	if r.IsClient() {
		return []string{desk.NotifyReportReceived, desk.NotifyAssessment, desk.NotifyWaiting,
			desk.NotifySolution, desk.NotifyClosed, desk.NotifyAutoClosed}
	}
	return []string{desk.NotifyAssigned, desk.NotifySolutionRejected}
}

// OutboxStats counts notifications per delivery state for the metrics; it needs no actor
// and tells nothing but numbers.
func (a *Outbox) Stats(ctx context.Context) (c map[desk.DeliveryState]int, err error) {
	err = a.db.read(ctx, func(tx outboxTx) error {
		c, err = tx.OutboxCounts(ctx)
		return err
	})
	return c, err
}

// redactSecrets blanks the payload of messages that carry a secret (a password-reset
// link): only the email itself has it, no list shows it.
func redactSecrets(ns []desk.Notification) []desk.Notification {
	for i := range ns {
		if ns[i].Kind == desk.NotifyPasswordReset {
			ns[i].Payload = "{}"
		}
	}
	return ns
}

// MailTransport says where this instance sends mail ("SMTP host:port (starttls)", ".eml
// files in <dir>"), "" when it sends none; never a password. The outbox page shows it.
func (a *Outbox) Transport() string {
	if a.cfg.Outbox.Mailer == nil {
		return ""
	}
	return a.cfg.Outbox.Mailer.Describe()
}
