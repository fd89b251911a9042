package desk

import (
	"strings"
	"time"
)

// Locale is a language Meldpunt speaks.
type Locale string

// The two languages of every page and email.
const (
	LocaleNL Locale = "nl"
	LocaleEN Locale = "en"
)

// User is a person who signs in: client users and admins of a client organisation, or the
// provider's agents, experts and admins.
type User struct {
	ID           int64     `json:"id"`
	OrgID        int64     `json:"organisation_id"`
	Email        string    `json:"email"`
	Name         string    `json:"name"`
	Role         Role      `json:"role"`
	Locale       Locale    `json:"locale"`
	Active       bool      `json:"active"`
	PasswordHash string    `json:"-"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Normalize trims and lower-cases what people type inconsistently.
func (u *User) Normalize() {
	u.Email = strings.ToLower(strings.TrimSpace(u.Email))
	u.Name = strings.TrimSpace(u.Name)
	if u.Locale == "" {
		u.Locale = LocaleNL
	}
}

// Validate checks the user's fields and that the role fits the organisation's kind.
func (u *User) Validate(org Organisation) error {
	var v Validator
	v.Email("email", u.Email)
	v.Text("name", u.Name, true, MaxName, false)
	v.OneOf("role", string(u.Role), true, RoleNames())
	v.OneOf("locale", string(u.Locale), true, []string{string(LocaleNL), string(LocaleEN)})
	if !v.Has("role") {
		if org.Kind == OrgClient && !u.Role.IsClient() {
			v.Add("role", "org_kind", "a user of a client organisation must be client_user or client_admin")
		}
		if org.Kind == OrgProvider && !u.Role.IsStaff() {
			v.Add("role", "org_kind", "a user of the provider must be agent, expert or admin")
		}
	}
	return v.Err()
}

// ValidatePassword checks a new password's length.
func ValidatePassword(field, pw string) error {
	var v Validator
	v.Text(field, pw, true, MaxPassword, false)
	if !v.Has(field) && len([]rune(pw)) < MinPassword {
		v.Add(field, "min_length", "must be at least %d characters", MinPassword)
	}
	return v.Err()
}

// Token is an API token. Only a hash of its secret is stored; the secret is shown once.
type Token struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"user_id"`
	Name       string     `json:"name"`
	Hash       []byte     `json:"-"`
	Prefix     string     `json:"prefix"` // the first characters, to recognise a token in lists
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
}

// Session is a signed-in browser. Only a hash of the cookie's value is stored.
type Session struct {
	Hash      []byte
	UserID    int64
	CSRF      string
	CreatedAt time.Time
	ExpiresAt time.Time
	Address   string
}

// ResetToken lets a person choose a new password through a link; single use, expiring.
type ResetToken struct {
	Hash      []byte
	UserID    int64
	ExpiresAt time.Time
	UsedAt    *time.Time
}
