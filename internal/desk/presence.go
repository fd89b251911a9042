package desk

import "time"

// Presence is a staff member who has an incident's page open: shown to the other staff on
// that page ("Also open: Sanne (agent), since 14:02") so two people do not answer the same
// client at once. Clients are never recorded and never see it.
type Presence struct {
	UserID int64     `json:"user_id"`
	Name   string    `json:"name"`
	Role   Role      `json:"role"`
	Since  time.Time `json:"since"`
	SeenAt time.Time `json:"seen_at"`
}

// PresenceTTL is how long a presence counts without being renewed; the page renews it
// every PresenceEvery while it is open.
const (
	PresenceTTL   = 60 * time.Second
	PresenceEvery = 20 * time.Second
)
