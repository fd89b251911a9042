package app

import "context"

// The services, each with the port it sees the store through: the aggregates its use cases
// read and write. A service's transaction is still one transaction of the whole store (a
// change, its audit record and its notifications commit together); the port only narrows
// what the service's code can touch, so its dependencies are written down and checked by
// the compiler.

// Identity signs people in and out, checks sessions and API tokens, resets passwords,
// manages user accounts and sets up a new installation.
type Identity struct {
	*core
	db txn[identityTx]
}

// identityTx is what Identity reads and writes.
type identityTx interface {
	AuditStore
	IdentityStore
	OrganisationStore
	OutboxStore
	SettingStore
}

// Organisations manages the provider and client organisations and their contracts.
type Organisations struct {
	*core
	db txn[organisationTx]
}

// organisationTx is what Organisations reads and writes.
type organisationTx interface {
	AuditStore
	OrganisationStore
	SLAStore
}

// Components manages the components (systems, services) clients use, in groups.
type Components struct {
	*core
	db txn[componentTx]
}

// componentTx is what Components reads and writes.
type componentTx interface {
	AuditStore
	ComponentStore
	OrganisationStore
	PublicIncidentStore
}

// Incidents registers incidents and works them: the state machine, the timeline,
// assignment, files, the desk's queue, the priority matrix, the closure loop and the
// solution's links.
type Incidents struct {
	*core
	db txn[incidentTx]
}

// incidentTx is what Incidents reads and writes.
type incidentTx interface {
	WebhookStore
	AuditStore
	ComponentStore
	IdentityStore
	IncidentStore
	OrganisationStore
	OutboxStore
	SLAStore
	SettingStore
	SupplierStore
}

// Reports runs the urgent-report questionnaire: its definition, the verdict, submission
// with the procedure's acceptance, and the desk's assessment.
type Reports struct {
	*core
	db txn[reportTx]
}

// reportTx is what Reports reads and writes.
type reportTx interface {
	WebhookStore
	AuditStore
	ComponentStore
	IdentityStore
	IncidentStore
	OrganisationStore
	OutboxStore
	ReportStore
	SLAStore
	SettingStore
}

// Changes manages change requests and their links to incidents.
type Changes struct {
	*core
	db txn[changeTx]
}

// changeTx is what Changes reads and writes.
type changeTx interface {
	WebhookStore
	AuditStore
	ChangeStore
	IncidentStore
}

// SLA keeps the business calendars, checks SLA deadlines for warnings and breaches, and
// reports per client and month.
type SLA struct {
	*core
	db txn[slaTx]
}

// slaTx is what SLA reads and writes.
type slaTx interface {
	WebhookStore
	AuditStore
	IdentityStore
	IncidentStore
	OrganisationStore
	OutboxStore
	SLAStore
}

// Suppliers manages external parties and reminds owners of follow-ups and stale incidents.
type Suppliers struct {
	*core
	db txn[supplierTx]
}

// supplierTx is what Suppliers reads and writes.
type supplierTx interface {
	AuditStore
	IdentityStore
	IncidentStore
	OutboxStore
	SettingStore
	SupplierStore
}

// Outbox delivers notifications, lists them for the desk, and keeps people's notification
// preferences.
type Outbox struct {
	*core
	db txn[outboxTx]
}

// outboxTx is what Outbox reads and writes.
type outboxTx interface {
	AuditStore
	IdentityStore
	IncidentStore
	OrganisationStore
	OutboxStore
	SubscriberStore
	WebhookStore
}

// Inbox takes mail that arrives on the SMTP listener: replies and new reports.
type Inbox struct {
	*core
	db txn[inboxTx]
}

// inboxTx is what Inbox reads and writes.
type inboxTx interface {
	WebhookStore
	AuditStore
	ComponentStore
	IdentityStore
	InboxStore
	IncidentStore
	OrganisationStore
	OutboxStore
	SLAStore
	SettingStore
}

// Audit reads the audit log.
type Audit struct {
	*core
	db txn[auditTx]
}

// auditTx is what Audit reads and writes.
type auditTx interface {
	AuditStore
}

// Webhooks manages the endpoints that receive the desk's events (docs/webhooks.md): their
// registration, secrets, test events and recent deliveries.
type Webhooks struct {
	*core
	db txn[webhookTx]
}

// webhookTx is what Webhooks reads and writes.
type webhookTx interface {
	AuditStore
	OutboxStore
	WebhookStore
}

// newServices returns every service on the core c.
func newServices(c *core) *Services {
	return &Services{
		Identity:        &Identity{c, newTxn(c.store, func(tx Tx) identityTx { return tx })},
		Organisations:   &Organisations{c, newTxn(c.store, func(tx Tx) organisationTx { return tx })},
		Components:      &Components{c, newTxn(c.store, func(tx Tx) componentTx { return tx })},
		Incidents:       &Incidents{c, newTxn(c.store, func(tx Tx) incidentTx { return tx })},
		Reports:         &Reports{c, newTxn(c.store, func(tx Tx) reportTx { return tx })},
		Changes:         &Changes{c, newTxn(c.store, func(tx Tx) changeTx { return tx })},
		SLA:             &SLA{c, newTxn(c.store, func(tx Tx) slaTx { return tx })},
		Suppliers:       &Suppliers{c, newTxn(c.store, func(tx Tx) supplierTx { return tx })},
		Outbox:          &Outbox{c, newTxn(c.store, func(tx Tx) outboxTx { return tx })},
		Inbox:           &Inbox{c, newTxn(c.store, func(tx Tx) inboxTx { return tx })},
		Audit:           &Audit{c, newTxn(c.store, func(tx Tx) auditTx { return tx })},
		Webhooks:        &Webhooks{c, newTxn(c.store, func(tx Tx) webhookTx { return tx })},
		Branding:        &Branding{c, newTxn(c.store, func(tx Tx) brandingTx { return tx })},
		Subscriptions:   &Subscriptions{c, newTxn(c.store, func(tx Tx) subscriptionTx { return tx })},
		PublicIncidents: &PublicIncidents{c, newTxn(c.store, func(tx Tx) publicIncidentTx { return tx })},
		StatusTemplates: &StatusTemplates{c, newTxn(c.store, func(tx Tx) statusTemplateTx { return tx })},
		Monitors:        &Monitors{c, newTxn(c.store, func(tx Tx) monitorTx { return tx })},
		SavedViews:      &SavedViews{c, newTxn(c.store, func(tx Tx) savedViewTx { return tx })},
		Presence:        &Presence{c, newTxn(c.store, func(tx Tx) presenceTx { return tx })},
		core:            c,
	}
}

// txn runs the transactions of a service that sees the store through port P.
type txn[P any] struct {
	store Store
	port  func(Tx) P
}

// newTxn returns the transactions of port P on store; port narrows a transaction to P.
func newTxn[P any](store Store, port func(Tx) P) txn[P] { return txn[P]{store: store, port: port} }

// read runs fn on a consistent, read-only view of the data.
func (t txn[P]) read(ctx context.Context, fn func(P) error) error {
	return t.store.Read(ctx, func(tx Tx) error { return fn(t.port(tx)) })
}

// write runs fn in one transaction: all of it is stored, or none of it.
func (t txn[P]) write(ctx context.Context, fn func(P) error) error {
	return t.store.Write(ctx, func(tx Tx) error { return fn(t.port(tx)) })
}
