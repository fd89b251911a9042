package desk

import (
	"strings"
	"time"
)

// ComponentGroup groups the provider's components, as the status page shows them.
type ComponentGroup struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Position int    `json:"position"`
}

// Validate checks the group's fields.
func (g *ComponentGroup) Validate() error {
	var v Validator
	g.Name = strings.TrimSpace(g.Name)
	v.Text("name", g.Name, true, MaxName, false)
	v.Range("position", int64(g.Position), 0, 10000)
	return v.Err()
}

// Component is one of the provider's services or systems. It is linked to the clients that
// use it: they may pick it when they report, and (later) see it on the status page.
type Component struct {
	ID          int64     `json:"id"`
	GroupID     *int64    `json:"group_id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Position    int       `json:"position"`
	ClientIDs   []int64   `json:"client_ids"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Validate checks the component's fields.
func (c *Component) Validate() error {
	var v Validator
	c.Name = strings.TrimSpace(c.Name)
	v.Text("name", c.Name, true, MaxName, false)
	v.Text("description", c.Description, false, MaxDescription, true)
	v.Range("position", int64(c.Position), 0, 10000)
	if len(c.ClientIDs) > 10000 {
		v.Add("client_ids", "max_items", "must list at most 10000 clients")
	}
	return v.Err()
}

// UsedBy tells whether the client organisation uses the component.
func (c *Component) UsedBy(orgID int64) bool {
	for _, id := range c.ClientIDs {
		if id == orgID {
			return true
		}
	}
	return false
}
