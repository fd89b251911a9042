package desk

// Role is what a user may do. Client roles belong to a client organisation; staff roles to
// the provider.
type Role string

// The roles of DESIGN.md.
const (
	RoleClientUser  Role = "client_user"  // files and follows their own reports
	RoleClientAdmin Role = "client_admin" // the same for the whole client organisation
	RoleAgent       Role = "agent"        // the service desk: triage, assign, resolve
	RoleExpert      Role = "expert"       // works the incidents assigned to them
	RoleAdmin       Role = "admin"        // everything, including configuration
)

// Roles lists every role, in the order pages show them.
var Roles = []Role{RoleClientUser, RoleClientAdmin, RoleAgent, RoleExpert, RoleAdmin}

// RoleNames is Roles as strings, for validation messages.
func RoleNames() []string { return names(Roles) }

// IsClient tells whether the role belongs to a client organisation.
func (r Role) IsClient() bool { return r == RoleClientUser || r == RoleClientAdmin }

// IsStaff tells whether the role belongs to the provider.
func (r Role) IsStaff() bool { return r == RoleAgent || r == RoleExpert || r == RoleAdmin }

// IsDesk tells whether the role works the desk: sees every incident and may triage.
func (r Role) IsDesk() bool { return r == RoleAgent || r == RoleAdmin }

// Actor is who performs an action: a signed-in user, an API token's owner, or the system.
// Every use case takes one; authorisation is decided from it in the app layer.
type Actor struct {
	UserID int64
	Name   string
	Role   Role
	OrgID  int64
	// Address is the client's network address, recorded in the audit log.
	Address string
	// System marks work done by Meldpunt itself (jobs, the command line).
	System bool
	// Session is the hash of the browser session the actor came with ("" with an API
	// token): a password change ends every other session of the user, not this one.
	Session string
}

// SystemActor is the actor for Meldpunt's own jobs and for the command line.
func SystemActor(what string) Actor {
	return Actor{Name: what, Role: RoleAdmin, System: true}
}

func names[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}
