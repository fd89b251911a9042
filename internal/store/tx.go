package store

import (
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// tx implements app.Tx on one database/sql transaction. The SQL is the same for both
// dialects; dialect is kept for the rare statement that must differ.
type tx struct {
	tx      *sql.Tx
	dialect string
	stmts   *stmtCache
	// detach runs statements with a context that cannot be cancelled (statementContext).
	detach bool
}

var _ app.Tx = (*tx)(nil)

// Lists are capped so one request cannot ask for the whole table.
const (
	defaultLimit = 50
	maxLimit     = 500
)

func limit(n int) int {
	if n <= 0 {
		return defaultLimit
	}
	return min(n, maxLimit)
}

// Times are stored as unix milliseconds UTC in both dialects.

func millis(t time.Time) int64 { return t.UnixMilli() }

func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// nullMillis turns an optional time into a query argument.
func nullMillis(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UnixMilli()
}

// fromNullMillis turns a nullable column back into an optional time.
func fromNullMillis(ms sql.NullInt64) *time.Time {
	if !ms.Valid {
		return nil
	}
	t := fromMillis(ms.Int64)
	return &t
}

// nullID turns an optional reference into a query argument.
func nullID(id *int64) any {
	if id == nil {
		return nil
	}
	return *id
}

// fromNullID turns a nullable reference column back into an optional id.
func fromNullID(id sql.NullInt64) *int64 {
	if !id.Valid {
		return nil
	}
	v := id.Int64
	return &v
}

// sortedIDs returns the ids sorted and without duplicates, never nil, so links round-trip
// the same on both databases and JSON shows [] rather than null.
func sortedIDs(ids []int64) []int64 {
	out := slices.Clone(ids)
	if out == nil {
		out = []int64{}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// isUnique tells whether err is a unique or primary-key violation.
func isUnique(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		// SQLITE_CONSTRAINT_UNIQUE, SQLITE_CONSTRAINT_PRIMARYKEY
		return se.Code() == 2067 || se.Code() == 1555
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	return strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// isForeignKey tells whether err is a foreign-key violation: a reference to a row that
// does not exist.
func isForeignKey(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == 787 // SQLITE_CONSTRAINT_FOREIGNKEY
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23503"
	}
	return false
}

// writeErr maps constraint violations of a write to errors users may see: a taken unique
// value to ECONFLICT with conflictMsg, a missing referenced row to EINVALID with missingMsg.
// Anything else is wrapped with what as an internal error.
func writeErr(err error, what, conflictMsg, missingMsg string) error {
	switch {
	case conflictMsg != "" && isUnique(err):
		return &desk.Error{Code: desk.ECONFLICT, Message: conflictMsg}
	case missingMsg != "" && isForeignKey(err):
		return &desk.Error{Code: desk.EINVALID, Message: missingMsg}
	}
	return fmt.Errorf("%s: %w", what, err)
}

// readErr maps sql.ErrNoRows to ENOTFOUND for kind, and wraps anything else with what.
func readErr(err error, what, kind string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return desk.NotFound(kind)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// mustAffect turns "no row changed" into ENOTFOUND for kind.
func mustAffect(res sql.Result, what, kind string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n == 0 {
		return desk.NotFound(kind)
	}
	return nil
}

// where collects the conditions and arguments of a filtered query, numbering the
// placeholders $1, $2, … as it goes.
type where struct {
	conds []string
	args  []any
}

// arg adds an argument and returns its placeholder.
func (w *where) arg(v any) string {
	w.args = append(w.args, v)
	return fmt.Sprintf("$%d", len(w.args))
}

// add adds a condition; each %s in cond is replaced by the placeholder of the next arg.
func (w *where) add(cond string, args ...any) {
	ph := make([]any, len(args))
	for i, a := range args {
		ph[i] = w.arg(a)
	}
	w.conds = append(w.conds, fmt.Sprintf(cond, ph...))
}

// sql returns " WHERE a AND b", or "" when there are no conditions.
func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// likePattern returns a LIKE pattern (to use with ESCAPE '\') that finds s anywhere,
// with %, _ and \ in s matching themselves.
func likePattern(s string) string {
	return "%" + likeEscape(s) + "%"
}

// likeEscape escapes %, _ and \ in s for a LIKE pattern used with ESCAPE '\'.
func likeEscape(s string) string {
	return likeEscaper.Replace(s)
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// placeholders returns "$from, $from+1, …" for n arguments.
func placeholders(from, n int) string {
	ph := make([]string, n)
	for i := range ph {
		ph[i] = fmt.Sprintf("$%d", from+i)
	}
	return strings.Join(ph, ", ")
}
