package app

import (
	"context"
	"time"

	"meldpunt/internal/desk"
)

// Store runs transactions. The app layer decides who may do what; the store only keeps data,
// the same way for SQLite and PostgreSQL.
type Store interface {
	// Read runs fn on a consistent, read-only view of the data.
	Read(ctx context.Context, fn func(Tx) error) error
	// Write runs fn in one transaction: all of it is stored, or (when fn or the commit
	// fails) none of it.
	Write(ctx context.Context, fn func(Tx) error) error
	// Ping tells whether the database answers.
	Ping(ctx context.Context) error
}

// UserFilter selects users. Zero values select everything.
type UserFilter struct {
	OrgID int64
	Role  desk.Role
}

// Tx is what one transaction of the store can do: every port below. Only the store and
// the core see all of it; each service sees the store through its own port, the aggregates
// it reads and writes (services.go). Methods that read one object return a *desk.Error
// with code ENOTFOUND when it does not exist; methods that create or update return
// ECONFLICT when a unique value (a slug, an email) is taken. Create methods set the new
// object's ID (and, for incidents, Number and Version).
type Tx interface {
	OrganisationStore
	IdentityStore
	ComponentStore
	IncidentStore
	ReportStore
	AuditStore
	OutboxStore
	InboxStore
	SettingStore
	SLAStore
	ChangeStore
	SupplierStore
	WebhookStore
	PageStore
	SubscriberStore
	PublicIncidentStore
	StatusTemplateStore
	TicketLinkStore
	MonitorStore
	MonitorReadStore
	SavedViewStore // the queue's saved views and the menu's counts (savedview.go)
	PresenceStore
}

// OrganisationStore keeps organisations and their contracts.
type OrganisationStore interface {
	CreateOrganisation(ctx context.Context, o *desk.Organisation) error
	Organisation(ctx context.Context, id int64) (desk.Organisation, error)
	OrganisationBySlug(ctx context.Context, slug string) (desk.Organisation, error)
	// Organisations lists organisations by name; kind "" lists both kinds.
	Organisations(ctx context.Context, kind desk.OrgKind) ([]desk.Organisation, error)
	UpdateOrganisation(ctx context.Context, o *desk.Organisation) error
	CreateContract(ctx context.Context, c *desk.Contract) error
	Contract(ctx context.Context, id int64) (desk.Contract, error)
	// Contracts lists an organisation's contracts, newest first; orgID 0 lists all.
	Contracts(ctx context.Context, orgID int64) ([]desk.Contract, error)
	// ActiveContract returns an organisation's newest active contract; ENOTFOUND when it
	// has none.
	ActiveContract(ctx context.Context, orgID int64) (desk.Contract, error)
	UpdateContract(ctx context.Context, c *desk.Contract) error
}

// IdentityStore keeps user accounts and what proves who someone is: API tokens, sessions, password-reset links.
type IdentityStore interface {
	CreateUser(ctx context.Context, u *desk.User) error
	User(ctx context.Context, id int64) (desk.User, error)
	UserByEmail(ctx context.Context, email string) (desk.User, error)
	// Users lists users by name.
	Users(ctx context.Context, f UserFilter) ([]desk.User, error)
	// ActiveUserIDs lists the ids of an organisation's active users with one of the roles,
	// by id.
	ActiveUserIDs(ctx context.Context, orgID int64, roles []desk.Role) ([]int64, error)
	// UpdateUser stores every field, the password hash included.
	UpdateUser(ctx context.Context, u *desk.User) error
	CountUsers(ctx context.Context) (int, error)
	CreateToken(ctx context.Context, t *desk.Token) error
	TokenByHash(ctx context.Context, hash []byte) (desk.Token, error)
	Tokens(ctx context.Context, userID int64) ([]desk.Token, error)
	// DeleteToken deletes the user's token; ENOTFOUND when the user has no such token.
	DeleteToken(ctx context.Context, userID, id int64) error
	TouchToken(ctx context.Context, id int64, at time.Time) error
	CreateSession(ctx context.Context, s *desk.Session) error
	SessionByHash(ctx context.Context, hash []byte) (desk.Session, error)
	DeleteSession(ctx context.Context, hash []byte) error
	DeleteUserSessions(ctx context.Context, userID int64) error
	// DeleteOtherSessions deletes the user's sessions but the one whose hash is keep
	// (every one when keep is nil).
	DeleteOtherSessions(ctx context.Context, userID int64, keep []byte) error
	// DeleteUserTokens deletes every API token of the user and says how many.
	DeleteUserTokens(ctx context.Context, userID int64) (int64, error)
	// VoidResetTokens marks every unused reset token of the user used.
	VoidResetTokens(ctx context.Context, userID int64, at time.Time) error
	// DeleteExpired removes sessions and reset tokens that expired before now.
	DeleteExpired(ctx context.Context, now time.Time) (int64, error)
	CreateResetToken(ctx context.Context, r *desk.ResetToken) error
	ResetTokenByHash(ctx context.Context, hash []byte) (desk.ResetToken, error)
	// UseResetToken marks the token used; ECONFLICT when it was used already.
	UseResetToken(ctx context.Context, hash []byte, at time.Time) error
}

// ComponentStore keeps components and their groups.
type ComponentStore interface {
	CreateComponentGroup(ctx context.Context, g *desk.ComponentGroup) error
	ComponentGroup(ctx context.Context, id int64) (desk.ComponentGroup, error)
	ComponentGroups(ctx context.Context) ([]desk.ComponentGroup, error)
	// CreateComponent stores the component and its client links.
	CreateComponent(ctx context.Context, c *desk.Component) error
	Component(ctx context.Context, id int64) (desk.Component, error)
	// Components lists components by group position, position, name; clientID 0 lists all,
	// otherwise those linked to that client.
	Components(ctx context.Context, clientID int64) ([]desk.Component, error)
	// UpdateComponent stores the fields and replaces the client links.
	UpdateComponent(ctx context.Context, c *desk.Component) error
	DeleteComponent(ctx context.Context, id int64) error
	// RecordComponentStatus adds a row to the status history (from at on, status); it is
	// written in the transaction that changes the status.
	RecordComponentStatus(ctx context.Context, id int64, status desk.ComponentStatus, at time.Time) error
	// ComponentStatusHistory lists the component's status changes, oldest first.
	ComponentStatusHistory(ctx context.Context, id int64) ([]desk.ComponentStatusChange, error)
	// StatusPageVersion is the status page's change counter: triggers move it on every write
	// to a table the public page is made of (and to settings named status_page.*), in the
	// writer's transaction, so a snapshot of the page is stale exactly when it moved.
	StatusPageVersion(ctx context.Context) (int64, error)
	// ComponentStatusHistories lists the status changes of the components ids from since
	// on, each one's row in force at since first, by component and time: what their uptime
	// since then needs, in one query.
	ComponentStatusHistories(ctx context.Context, ids []int64, since time.Time) ([]desk.ComponentStatusChange, error)
}

// PageStore keeps the status page's logo (its settings are settings named status_page.*).
type PageStore interface {
	// PageLogo returns the logo with its bytes; ENOTFOUND when there is none.
	PageLogo(ctx context.Context) (desk.Logo, error)
	// PutPageLogo stores the logo, replacing any earlier one.
	PutPageLogo(ctx context.Context, l desk.Logo) error
	// DeletePageLogo removes the logo; ENOTFOUND when there is none.
	DeletePageLogo(ctx context.Context) error
}

// IncidentStore keeps incidents, their timelines and their files.
type IncidentStore interface {
	// CreateIncident stores the incident and its component links.
	CreateIncident(ctx context.Context, in *desk.Incident) error
	Incident(ctx context.Context, id int64) (desk.Incident, error)
	// Incidents lists incidents newest first (by id), those with an id below f.After when
	// it is set, at most f.Limit of them; with f.SortDue the open ones by time to breach
	// (see desk.IncidentFilter).
	Incidents(ctx context.Context, f desk.IncidentFilter) ([]desk.Incident, error)
	CountIncidents(ctx context.Context, f desk.IncidentFilter) (int, error)
	// IncidentsRegistered lists an organisation's incidents registered in [from, to), by id,
	// without their component links: what the SLA report counts.
	IncidentsRegistered(ctx context.Context, orgID int64, from, to time.Time) ([]desk.Incident, error)
	// UpdateIncident stores every field and replaces the component links, if in.Version is
	// still the stored version; it then increments in.Version. A stale version gives
	// ECONFLICT.
	UpdateIncident(ctx context.Context, in *desk.Incident) error
	// TouchIncident moves the incident's updated_at forward to at (a reply or a note),
	// keeping its version.
	TouchIncident(ctx context.Context, id int64, at time.Time) error
	AddTimelineEntry(ctx context.Context, e *desk.TimelineEntry) error
	// Timeline lists an incident's entries oldest first; internal entries only when asked.
	Timeline(ctx context.Context, incidentID int64, includeInternal bool) ([]desk.TimelineEntry, error)
	// AddAttachment stores a file of an incident and sets a.ID.
	AddAttachment(ctx context.Context, a *desk.Attachment, data []byte) error
	// Attachments lists an incident's files, oldest first, without their content.
	Attachments(ctx context.Context, incidentID int64) ([]desk.Attachment, error)
	// Attachment returns one file of an incident with its content; ENOTFOUND when the
	// incident has no such file.
	Attachment(ctx context.Context, incidentID, id int64) (desk.Attachment, []byte, error)
	// DueAutoCloses lists the ids of at most limit resolved incidents whose auto_close_at
	// is at or before now, the longest overdue first: the candidates that
	// desk.Incident.AutoCloseDue then decides on.
	DueAutoCloses(ctx context.Context, now time.Time, limit int) ([]int64, error)
}

// ReportStore keeps the questionnaire's versions and the answers of urgent reports.
type ReportStore interface {
	// CreateQuestionnaire stores a new version of the questionnaire and sets q.Version to
	// one more than the highest stored version (1 for the first).
	CreateQuestionnaire(ctx context.Context, q *desk.Questionnaire, by *int64, at time.Time) error
	// Questionnaire returns a stored version; version 0 means the newest. ENOTFOUND when
	// none is stored.
	Questionnaire(ctx context.Context, version int) (desk.Questionnaire, error)
	// CreateReport stores the questionnaire answers of an incident (one per incident).
	CreateReport(ctx context.Context, r *desk.Report) error
	Report(ctx context.Context, incidentID int64) (desk.Report, error)
}

// AuditStore keeps the audit log.
type AuditStore interface {
	AddAudit(ctx context.Context, a *desk.AuditEntry) error
	// Audit lists entries newest first (by id), below f.After when set, at most f.Limit.
	Audit(ctx context.Context, f desk.AuditFilter) ([]desk.AuditEntry, error)
}

// OutboxStore keeps the outbox: notifications, their delivery, and the kinds people switched off.
type OutboxStore interface {
	// Notify queues a notification and sets n.ID.
	Notify(ctx context.Context, n *desk.Notification) error
	// NotifyMany queues several notifications at once, all or none; unlike Notify it does
	// not set their ids.
	NotifyMany(ctx context.Context, ns []*desk.Notification) error
	// Notifications lists queued notifications of a user, oldest first.
	Notifications(ctx context.Context, userID int64) ([]desk.Notification, error)
	// DueNotifications lists the ids of pending notifications of the channels named whose
	// next attempt has come and whose lease (if any) has run out, oldest first
	// (docs/email.md).
	DueNotifications(ctx context.Context, now time.Time, vias []desk.Via, limit int) ([]int64, error)
	// LeaseNotification claims a due notification for owner until the given time: a
	// conditional update that succeeds (true) for one caller only, while the row is pending
	// and not leased by another (lease_until <= now).
	LeaseNotification(ctx context.Context, id int64, owner string, now, until time.Time) (bool, error)
	// Notification returns one notification; ENOTFOUND when there is none.
	Notification(ctx context.Context, id int64) (desk.Notification, error)
	// SettleNotification records an attempt on a notification leased by owner (and the
	// attempt itself when d.Attempt is set) and ends the lease; false (and no change) when
	// owner no longer holds the lease.
	SettleNotification(ctx context.Context, id int64, owner string, d desk.Delivery) (bool, error)
	// Attempts lists the delivery attempts of a notification, oldest first.
	Attempts(ctx context.Context, notificationID int64) ([]desk.Attempt, error)
	// Outbox lists notifications for the outbox page, newest first.
	Outbox(ctx context.Context, f desk.OutboxFilter) ([]desk.Notification, error)
	// OutboxCounts counts notifications per delivery state.
	OutboxCounts(ctx context.Context) (map[desk.DeliveryState]int, error)
	// RetryNotification makes a failed notification pending again, due at now with its
	// attempts reset; false when it is not failed.
	RetryNotification(ctx context.Context, id int64, now time.Time) (bool, error)
	// NotificationOptOuts lists the optional kinds a user switched off.
	NotificationOptOuts(ctx context.Context, userID int64) ([]string, error)
	// SetNotificationOptOuts replaces the kinds a user switched off.
	SetNotificationOptOuts(ctx context.Context, userID int64, kinds []string) error
}

// InboxStore remembers the mail taken in.
type InboxStore interface {
	// RecordInbound remembers a received message's Message-ID; false when it was recorded
	// before (the message is then ignored).
	RecordInbound(ctx context.Context, messageID string, incidentID *int64, at time.Time) (bool, error)
}

// SettingStore keeps the installation's settings.
type SettingStore interface {
	// Setting returns a stored setting; ENOTFOUND when it was never set.
	Setting(ctx context.Context, key string) (string, error)
	PutSetting(ctx context.Context, key, value string) error
	// AddSetting stores a setting unless it exists (then it changes nothing): of several
	// transactions adding one at once, the first to commit wins.
	AddSetting(ctx context.Context, key, value string) error
}

// SLAStore keeps business calendars and the SLA marks (warned, breached) of incidents.
type SLAStore interface {
	// Calendar returns the stored calendar with that slug; ENOTFOUND when none is stored
	// (a built-in one then applies, if it has that slug).
	Calendar(ctx context.Context, slug string) (StoredCalendar, error)
	// Calendars lists the stored calendars by slug.
	Calendars(ctx context.Context) ([]StoredCalendar, error)
	// PutCalendar stores a calendar under its slug, replacing an earlier version.
	PutCalendar(ctx context.Context, c StoredCalendar) error
	// DueSLAMarks lists the ids of at most limit open incidents whose mark is due at now
	// and not yet set (desk.Incident.Due), the longest overdue first.
	DueSLAMarks(ctx context.Context, m desk.SLAMark, now time.Time, limit int) ([]int64, error)
	// MarkSLA sets the mark's flag if it is still due at now and not yet set, and tells
	// whether this call set it; of concurrent calls exactly one does. It increments the
	// incident's version.
	MarkSLA(ctx context.Context, id int64, m desk.SLAMark, now time.Time) (bool, error)
}

// ChangeStore keeps change requests, their links to incidents and their decisions.
type ChangeStore interface {
	// CreateChange stores a change request and its incident links, and sets ID, Number and
	// Version (1).
	CreateChange(ctx context.Context, c *desk.ChangeRequest) error
	// Change returns a change request with its incident links and decisions.
	Change(ctx context.Context, id int64) (desk.ChangeRequest, error)
	// Changes lists change requests newest first (by id), those with an id below f.After
	// when it is set, at most f.Limit of them.
	Changes(ctx context.Context, f desk.ChangeFilter) ([]desk.ChangeRequest, error)
	CountChanges(ctx context.Context, f desk.ChangeFilter) (int, error)
	// UpdateChange stores the fields if c.Version is still the stored version, then
	// increments c.Version; a stale version gives ECONFLICT. Links and decisions are kept.
	UpdateChange(ctx context.Context, c *desk.ChangeRequest) error
	// LinkChange links an incident to a change request; ECONFLICT when linked already.
	LinkChange(ctx context.Context, changeID, incidentID int64, at time.Time) error
	// UnlinkChange removes a link; ENOTFOUND when there is none.
	UnlinkChange(ctx context.Context, changeID, incidentID int64) error
	// AddChangeDecision records a state change of a change request and sets d.ID.
	AddChangeDecision(ctx context.Context, d *desk.ChangeDecision) error
}

// SupplierStore keeps external parties and the follow-up and staleness reminders of incidents handed to them.
type SupplierStore interface {
	// CreateSupplier stores a supplier and sets its ID; ECONFLICT when the name is taken.
	CreateSupplier(ctx context.Context, s *desk.Supplier) error
	Supplier(ctx context.Context, id int64) (desk.Supplier, error)
	// Suppliers lists the suppliers by name; only the active ones when activeOnly.
	Suppliers(ctx context.Context, activeOnly bool) ([]desk.Supplier, error)
	UpdateSupplier(ctx context.Context, s *desk.Supplier) error
	// DueFollowUps lists incidents whose follow-up date passed and whose owner was not yet
	// reminded; MarkFollowUp records the reminder if still due, and tells whether this call
	// did (exactly one of several at once does).
	DueFollowUps(ctx context.Context, now time.Time, limit int) ([]int64, error)
	MarkFollowUp(ctx context.Context, id int64, now time.Time) (bool, error)
	// DueStale lists incidents of priority p without an update and without a reminder since
	// cutoff; MarkStale records the reminder at now if still due, and tells whether this call
	// did.
	DueStale(ctx context.Context, p desk.Priority, cutoff time.Time, limit int) ([]int64, error)
	MarkStale(ctx context.Context, id int64, p desk.Priority, cutoff, now time.Time) (bool, error)
}

// WebhookStore keeps webhook endpoints and queues the events they receive.
type WebhookStore interface {
	// CreateWebhook stores an endpoint and sets its ID.
	CreateWebhook(ctx context.Context, e *desk.WebhookEndpoint) error
	Webhook(ctx context.Context, id int64) (desk.WebhookEndpoint, error)
	// Webhooks lists the endpoints, oldest first.
	Webhooks(ctx context.Context) ([]desk.WebhookEndpoint, error)
	// UpdateWebhook stores every field but the creation.
	UpdateWebhook(ctx context.Context, e *desk.WebhookEndpoint) error
	// DeleteWebhook deletes an endpoint and the events queued or sent to it.
	DeleteWebhook(ctx context.Context, id int64) error
	// WebhooksWanting counts the active endpoints that receive events of the type.
	WebhooksWanting(ctx context.Context, event string) (int, error)
	// Publish queues the event for every active endpoint that receives its type and returns
	// how many it queued: a webhook or a chat message by the endpoint's format.
	Publish(ctx context.Context, event string, incidentID *int64, payload string, at time.Time) (int, error)
}

// PublicIncidentFilter selects public incidents and maintenances. Zero values select
// everything.
type PublicIncidentFilter struct {
	Kind desk.PublicKind
	// State is PublicOpen (not resolved or completed), PublicClosed, or "" for both.
	State PublicState
	// ClosedSince keeps those closed at or after it; StartedFrom and StartedBefore those
	// that started in [StartedFrom, StartedBefore).
	ClosedSince   time.Time
	StartedFrom   time.Time
	StartedBefore time.Time
	// Ascending lists the earliest start first (the default is the latest first).
	Ascending bool
	Limit     int
}

// PublicState selects open or closed public incidents.
type PublicState string

// The states a filter selects.
const (
	PublicOpen   PublicState = "open"
	PublicClosed PublicState = "closed"
)

// PublicIncidentStore keeps public incidents and scheduled maintenances, their affected
// components and their updates (the status page's own records, issue 11).
type PublicIncidentStore interface {
	// CreatePublicIncident stores the incident and its affected components and sets its ID.
	CreatePublicIncident(ctx context.Context, p *desk.PublicIncident) error
	// UpdatePublicIncident stores every field and replaces the affected components.
	UpdatePublicIncident(ctx context.Context, p *desk.PublicIncident) error
	// AddPublicUpdate stores an update with its component changes and sets its ID.
	AddPublicUpdate(ctx context.Context, u *desk.PublicUpdate) error
	// PublicIncident returns one with its components and updates, newest update first.
	PublicIncident(ctx context.Context, id int64) (desk.PublicIncident, error)
	// PublicIncidents lists those f selects, with components and updates.
	PublicIncidents(ctx context.Context, f PublicIncidentFilter) ([]desk.PublicIncident, error)
	// MovePublicStatus changes the status from one to another if it still is the first:
	// of concurrent calls exactly one succeeds (true).
	MovePublicStatus(ctx context.Context, id int64, from, to desk.PublicStatus, now time.Time) (bool, error)
	// MarkMaintenanceReminded records the reminder before a maintenance's start, once: true
	// for the one call that did.
	MarkMaintenanceReminded(ctx context.Context, id int64, now time.Time) (bool, error)
	// DueMaintenances lists maintenances with status whose start (for scheduled) or end
	// (for in_progress and verifying) is at or before now, earliest first.
	DueMaintenances(ctx context.Context, status desk.PublicStatus, now time.Time, limit int) ([]int64, error)
	// DueReminders lists scheduled maintenances not yet reminded of that start at or
	// before the given time.
	DueReminders(ctx context.Context, before time.Time, limit int) ([]int64, error)
}

// StatusTemplateStore keeps the desk's message templates for the status page.
type StatusTemplateStore interface {
	// CreateStatusTemplate stores a template and sets its ID; ECONFLICT when the name is
	// taken (in any case).
	CreateStatusTemplate(ctx context.Context, s *desk.StatusTemplate) error
	StatusTemplate(ctx context.Context, id int64) (desk.StatusTemplate, error)
	// StatusTemplates lists the templates by name.
	StatusTemplates(ctx context.Context) ([]desk.StatusTemplate, error)
	UpdateStatusTemplate(ctx context.Context, s *desk.StatusTemplate) error
	DeleteStatusTemplate(ctx context.Context, id int64) error
}

// MonitorStore keeps monitors, their state and schedule, their results and the aggregates
// of their history (issue 12, docs/monitors.md).
type MonitorStore interface {
	// CreateMonitor stores a monitor and its state, first due at firstDue(its id), and
	// sets its ID.
	CreateMonitor(ctx context.Context, m *desk.Monitor, firstDue func(id int64) time.Time) error
	Monitor(ctx context.Context, id int64) (desk.Monitor, error)
	// MonitorByHeartbeat returns the monitor whose heartbeat token has the hash.
	MonitorByHeartbeat(ctx context.Context, hash []byte) (desk.Monitor, error)
	// Monitors lists monitors by name: the component's, or every one for 0.
	Monitors(ctx context.Context, componentID int64) ([]desk.Monitor, error)
	// MonitorsByID lists the monitors with those ids, by id.
	MonitorsByID(ctx context.Context, ids []int64) ([]desk.Monitor, error)
	// UpdateMonitor stores every field but the creation time and the heartbeat hash.
	UpdateMonitor(ctx context.Context, m *desk.Monitor) error
	// DeleteMonitor deletes the monitor with its state and history.
	DeleteMonitor(ctx context.Context, id int64) error
	MonitorState(ctx context.Context, id int64) (desk.MonitorState, error)
	// MonitorStates returns the states of the monitors with those ids, by id.
	MonitorStates(ctx context.Context, ids []int64) ([]desk.MonitorState, error)
	// ComponentVerdicts lists the states of the component's enabled monitors.
	ComponentVerdicts(ctx context.Context, componentID int64) ([]desk.MonitorState, error)
	// SaveMonitorState stores s if s.Version is still the stored version (and, with owner
	// set, while owner holds the lease, which it then ends); it moves the version on. False
	// and no change otherwise: of concurrent writers exactly one wins.
	SaveMonitorState(ctx context.Context, s *desk.MonitorState, owner string) (bool, error)
	// RescheduleMonitor sets when the monitor is next due.
	RescheduleMonitor(ctx context.Context, id int64, due time.Time) error
	// ClaimMonitors leases at most limit enabled monitors due at now and not leased to
	// owner for its timeout plus a minute (at most its interval), the longest due first, and
	// returns their ids; each
	// goes to one caller of several at once.
	ClaimMonitors(ctx context.Context, owner string, now time.Time, limit int) ([]int64, error)
	// ReleaseMonitors ends owner's leases on those monitors.
	ReleaseMonitors(ctx context.Context, owner string, ids []int64) error
	// AddMonitorResults stores results, in multi-row INSERTs.
	AddMonitorResults(ctx context.Context, rs []desk.MonitorResult) error
	// EarliestMonitorResult returns the oldest raw result's time; false when there is none.
	EarliestMonitorResult(ctx context.Context) (time.Time, bool, error)
	// MonitorResults lists a monitor's raw results since the time, newest first.
	MonitorResults(ctx context.Context, id int64, since time.Time, limit int) ([]desk.MonitorResult, error)
	// SetComponentMonitoring stores what the component's monitors may do.
	SetComponentMonitoring(ctx context.Context, id int64, mode desk.MonitorMode, autoresolve bool) error
	// SetObservedStatus stores the component's observed status if it differs (true then).
	SetObservedStatus(ctx context.Context, id int64, s desk.ComponentStatus) (bool, error)
	// RollupHour aggregates the raw results of the hour starting at hour, once; RollupDay
	// the hourly rows of the UTC day starting at day. Each returns the rows it added.
	RollupHour(ctx context.Context, hour time.Time) (int, error)
	RollupDay(ctx context.Context, day time.Time) (int, error)
	// PruneMonitorHistory deletes a level's rows older than before.
	PruneMonitorHistory(ctx context.Context, level desk.MonitorLevel, before time.Time) (int64, error)
	// MonitorTally counts the monitors' checks in [from, to) at one level of history.
	MonitorTally(ctx context.Context, level desk.MonitorLevel, ids []int64, from, to time.Time) (desk.Tally, error)
	// MonitorTallies is MonitorTally for each monitor on its own (those without checks are
	// missing).
	MonitorTallies(ctx context.Context, level desk.MonitorLevel, ids []int64, from, to time.Time) (map[int64]desk.Tally, error)
	// LinkMonitorIncident records that the monitor opened (or reopened) the incident, once;
	// MonitorIncidents lists those incidents, newest first.
	LinkMonitorIncident(ctx context.Context, monitorID, incidentID int64) error
	MonitorIncidents(ctx context.Context, monitorID int64, limit int) ([]desk.Incident, error)
	// RecentMonitorResults lists each monitor's raw results since the time, newest first, at
	// most perMonitor each.
	RecentMonitorResults(ctx context.Context, ids []int64, since time.Time, perMonitor int) (map[int64][]desk.MonitorResult, error)
	// MonitorHistory lists a monitor's hourly or daily rows in [from, to), oldest first.
	MonitorHistory(ctx context.Context, level desk.MonitorLevel, id int64, from, to time.Time) ([]desk.HistoryRow, error)
}
