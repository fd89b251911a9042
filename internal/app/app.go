// Package app holds Meldpunt's use cases. Each runs in one transaction, takes the acting
// person (a desk.Actor) and decides, here and only here, what that person may see and do;
// the store keeps data and the web layer speaks HTTP.
package app

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"meldpunt/internal/desk"
)

// Config holds what the use cases need to know of the installation.
type Config struct {
	// BaseURL is where people reach Meldpunt, used in links (password reset).
	BaseURL string
	// SessionTTL is how long a sign-in lasts.
	SessionTTL time.Duration
	// ResetTTL is how long a password-reset link works.
	ResetTTL time.Duration
	// Argon2 sets the cost of password hashing; zero means DefaultArgon2.
	Argon2 Argon2Params
	// WarnShare is the share of an SLA target after which the owner and the assignee are
	// warned; zero means desk.DefaultWarnShare.
	WarnShare float64
	// Holidays knows the public holidays calendars close on (cmd gives the Dutch ones); nil
	// means none.
	Holidays desk.Holidays
	// Outbox configures delivery (docs/email.md, docs/webhooks.md).
	Outbox OutboxConfig
	// MaintenanceReminder is how long before a scheduled maintenance starts its followers
	// are reminded; zero means DefaultMaintenanceReminder (an hour).
	MaintenanceReminder time.Duration
	// Monitors configures the monitors: the checks that run them (nil: monitors are
	// stored, not run) and how long their raw results are kept (monitor.go).
	Monitors MonitorConfig
}

// OutboxConfig configures the outbox: the sender of each channel and how deliveries are
// retried. A channel without a sender is not delivered: its messages wait in the outbox.
type OutboxConfig struct {
	// Mailer delivers email: SMTP, or .eml files in the data directory.
	Mailer Mailer
	// Poster delivers webhooks and chat messages.
	Poster Poster
	// From is the desk's address: emails come from it, and new mail to it opens a report.
	// Replies go to its local part plus a token ("meldpunt+45.k3j…@desk.example.com").
	From Address
	// MaxAttempts is how often a message is tried before it is set aside; 0 means 8.
	MaxAttempts int
	// Backoff is the wait after the first failed attempt, doubling after each next one up
	// to an hour; 0 means 30 seconds.
	Backoff time.Duration
	// Lease is how long an instance holds a message it is sending; 0 means 2 minutes.
	Lease time.Duration
	// Instance names this process in leases; "" means a random name.
	Instance string
}

// core is what every service shares: the store, the clock, the logger, the installation's
// settings, and the caches of things every service may need (built SLA clocks, the signing
// key of links). Services embed it; its unexported helpers (audit, notify, the SLA clock,
// the outbox's references) are how one service's transaction does another aggregate's
// bookkeeping without calling another service.
type core struct {
	store Store
	now   func() time.Time
	log   *slog.Logger
	cfg   Config
	// tokens caches checked API tokens for tokenTTL.
	tokens tokenCache
	// clocks caches a built clock per calendar (sla.go).
	clocks clockCache
	// key caches the signing key of links and reply addresses (mailref.go).
	key signingKey
}

// Services are Meldpunt's use cases, one type per capability, all sharing one core. The
// web surfaces, the jobs and the mail listener each take the services they call.
type Services struct {
	Identity      *Identity
	Organisations *Organisations
	Components    *Components
	Incidents     *Incidents
	Reports       *Reports
	Changes       *Changes
	SLA           *SLA
	Suppliers     *Suppliers
	Outbox        *Outbox
	Inbox         *Inbox
	Audit         *Audit
	Webhooks      *Webhooks
	// Branding keeps the public status page's branding and settings (branding.go).
	Branding      *Branding
	Subscriptions *Subscriptions
	// PublicIncidents publishes the status page's incidents and maintenances.
	PublicIncidents *PublicIncidents
	// StatusTemplates keeps the desk's message templates for status-page updates.
	StatusTemplates *StatusTemplates
	// Monitors defines the monitors, runs their schedule and keeps their history.
	Monitors *Monitors
	// SavedViews keeps the desk's saved views of the queue and counts the menu.
	SavedViews *SavedViews
	// Presence tells staff who else has an incident's page open (presence.go).
	Presence *Presence

	core *core
}

// New returns the services. now is the clock every use case reads; tests pass a fixed one.
func New(store Store, now func() time.Time, log *slog.Logger, cfg Config) *Services {
	if cfg.SessionTTL == 0 {
		cfg.SessionTTL = 7 * 24 * time.Hour
	}
	if cfg.ResetTTL == 0 {
		cfg.ResetTTL = time.Hour
	}
	if cfg.Argon2 == (Argon2Params{}) {
		cfg.Argon2 = DefaultArgon2
	}
	if !(cfg.WarnShare > 0 && cfg.WarnShare <= 1) {
		cfg.WarnShare = desk.DefaultWarnShare
	}
	if cfg.Holidays == nil {
		cfg.Holidays = desk.NoHolidays{}
	}
	if cfg.Outbox.MaxAttempts <= 0 {
		cfg.Outbox.MaxAttempts = 8
	}
	if cfg.Outbox.Backoff <= 0 {
		cfg.Outbox.Backoff = 30 * time.Second
	}
	if cfg.Outbox.Lease <= 0 {
		cfg.Outbox.Lease = 2 * time.Minute
	}
	if cfg.Outbox.Instance == "" {
		cfg.Outbox.Instance = randomInstance()
	}
	if cfg.Outbox.From.Email == "" {
		cfg.Outbox.From = Address{Name: "Meldpunt", Email: "meldpunt@" + hostOf(cfg.BaseURL)}
	}
	if cfg.Monitors.Retention <= 0 {
		cfg.Monitors.Retention = DefaultMonitorRetention
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c := &core{store: store, now: now, log: log, cfg: cfg}
	return newServices(c)
}

// Ping tells whether the database answers.
func (s *Services) Ping(ctx context.Context) error { return s.core.store.Ping(ctx) }

// BaseURL is where people reach Meldpunt (Config.BaseURL), for links made outside a request.
func (s *Services) BaseURL() string { return s.core.cfg.BaseURL }

// clock returns the time, truncated to the millisecond the store keeps, so what a use case
// returns equals what a later read gives.
func (a *core) clock() time.Time { return a.now().UTC().Truncate(time.Millisecond) }

// audit records a change. before and after are objects whose JSON forms are compared: only
// the fields that differ are kept, so the log says exactly what changed.
func audit(ctx context.Context, tx AuditStore, actor desk.Actor, at time.Time, entity string, id int64, org *int64, action string, before, after any) error {
	b, af := diffJSON(before, after)
	e := desk.AuditEntry{
		At: at, ActorName: actor.Name, Address: actor.Address,
		Entity: entity, EntityID: id, OrgID: org, Action: action, Before: b, After: af,
	}
	if actor.UserID != 0 {
		uid := actor.UserID
		e.ActorID = &uid
	}
	return tx.AddAudit(ctx, &e)
}

// diffJSON returns the JSON of the fields of before and after that differ. A nil before
// (a creation) gives "" and the whole of after.
func diffJSON(before, after any) (string, string) {
	if before == nil {
		return "", mustJSON(after) // a creation: the whole object, marshalled once
	}
	am := toMap(after)
	bm := toMap(before)
	bd, ad := map[string]any{}, map[string]any{}
	for k, v := range am {
		if k == "updated_at" || k == "version" {
			continue
		}
		if mustJSON(v) != mustJSON(bm[k]) {
			bd[k], ad[k] = bm[k], v
		}
	}
	for k, v := range bm {
		if _, ok := am[k]; !ok {
			bd[k] = v
		}
	}
	return mustJSON(bd), mustJSON(ad)
}

func toMap(v any) map[string]any {
	m := map[string]any{}
	if v == nil {
		return m
	}
	if mm, ok := v.(map[string]any); ok {
		return mm
	}
	b, _ := json.Marshal(v)
	_ = json.Unmarshal(b, &m)
	return m
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "null"
	}
	return string(b)
}

func ptr[T any](v T) *T { return &v }
