package desk

import (
	"fmt"
	"strconv"
)

// Level is a grade of urgency or impact.
type Level string

// Urgency: high = the business process has stopped, normal = it is negatively affected,
// low = no hindrance. Impact: high = all users, normal = some users, low = one user.
const (
	High   Level = "high"
	Normal Level = "normal"
	Low    Level = "low"
)

// Levels lists the grades from high to low.
var Levels = []Level{High, Normal, Low}

// LevelNames is Levels as strings.
func LevelNames() []string { return names(Levels) }

func (l Level) index() int {
	switch l {
	case High:
		return 0
	case Normal:
		return 1
	case Low:
		return 2
	}
	return -1
}

// Priority runs from P1 (critical) to P5 (planning).
type Priority int

// The five priorities.
const (
	P1 Priority = iota + 1
	P2
	P3
	P4
	P5
)

// Priorities lists P1…P5.
var Priorities = []Priority{P1, P2, P3, P4, P5}

// Valid tells whether p is P1…P5.
func (p Priority) Valid() bool { return p >= P1 && p <= P5 }

func (p Priority) String() string { return "P" + strconv.Itoa(int(p)) }

// MarshalText writes "P1"…"P5".
func (p Priority) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText reads "P1"…"P5", exactly as String writes them: what the API documents is
// all it takes (issue 10: no "p3", "3" or "+3").
func (p *Priority) UnmarshalText(b []byte) error {
	if len(b) != 2 || b[0] != 'P' || b[1] < '1' || b[1] > '5' {
		return fmt.Errorf("priority must be one of P1, P2, P3, P4, P5")
	}
	*p = Priority(b[1] - '0')
	return nil
}

// Matrix maps urgency × impact onto a priority. Rows are urgency high, normal, low; columns
// impact high, normal, low.
type Matrix [3][3]Priority

// DefaultMatrix is the ITIL-style matrix of DESIGN.md.
var DefaultMatrix = Matrix{
	{P1, P2, P3},
	{P2, P3, P4},
	{P3, P4, P5},
}

// Priority returns the priority for urgency and impact.
func (m Matrix) Priority(urgency, impact Level) (Priority, error) {
	u, i := urgency.index(), impact.index()
	if u < 0 || i < 0 {
		return 0, Errorf(EINVALID, "urgency and impact must be high, normal or low")
	}
	return m[u][i], nil
}

// Validate checks that every cell holds P1…P5 and that priority never improves as urgency
// or impact drops, so the matrix cannot rank a smaller problem above a larger one.
func (m Matrix) Validate() error {
	var v Validator
	for u := range 3 {
		for i := range 3 {
			f := fmt.Sprintf("matrix.%s.%s", Levels[u], Levels[i])
			if !m[u][i].Valid() {
				v.Add(f, "one_of", "must be one of P1, P2, P3, P4, P5")
				continue
			}
			if u > 0 && m[u][i] < m[u-1][i] {
				v.Add(f, "monotonic", "must not be more urgent than %s at higher urgency", m[u-1][i])
			}
			if i > 0 && m[u][i] < m[u][i-1] {
				v.Add(f, "monotonic", "must not be more urgent than %s at higher impact", m[u][i-1])
			}
		}
	}
	return v.Err()
}

// MarshalJSON-friendly form: {"high":{"high":"P1",…},…}.
type MatrixJSON map[Level]map[Level]Priority

// JSON returns the matrix keyed by level names.
func (m Matrix) JSON() MatrixJSON {
	out := MatrixJSON{}
	for u, ul := range Levels {
		out[ul] = map[Level]Priority{}
		for i, il := range Levels {
			out[ul][il] = m[u][i]
		}
	}
	return out
}

// Matrix converts the keyed form back, reporting missing or unknown cells.
func (j MatrixJSON) Matrix() (Matrix, error) {
	var m Matrix
	var v Validator
	for k, row := range j {
		if k.index() < 0 {
			v.Add("matrix."+string(k), "one_of", "urgency must be one of: high, normal, low")
		}
		for k2 := range row {
			if k2.index() < 0 {
				v.Add("matrix."+string(k)+"."+string(k2), "one_of", "impact must be one of: high, normal, low")
			}
		}
	}
	for u, ul := range Levels {
		for i, il := range Levels {
			p, ok := j[ul][il]
			if !ok {
				v.Add(fmt.Sprintf("matrix.%s.%s", ul, il), "required", "is required")
				continue
			}
			m[u][i] = p
		}
	}
	if err := v.Err(); err != nil {
		return m, err
	}
	return m, m.Validate()
}

func itoa(i int) string { return strconv.Itoa(i) }
