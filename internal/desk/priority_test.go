package desk

import (
	"encoding/json"
	"testing"
)

func TestDefaultMatrix(t *testing.T) {
	t.Parallel()
	want := map[[2]Level]Priority{
		{High, High}: P1, {High, Normal}: P2, {High, Low}: P3,
		{Normal, High}: P2, {Normal, Normal}: P3, {Normal, Low}: P4,
		{Low, High}: P3, {Low, Normal}: P4, {Low, Low}: P5,
	}
	for k, p := range want {
		got, err := DefaultMatrix.Priority(k[0], k[1])
		if err != nil || got != p {
			t.Errorf("urgency %s × impact %s = %v (%v), want %v", k[0], k[1], got, err, p)
		}
	}
	if _, err := DefaultMatrix.Priority("urgent", High); ErrorCode(err) != EINVALID {
		t.Errorf("unknown urgency: %v", err)
	}
	if err := DefaultMatrix.Validate(); err != nil {
		t.Error(err)
	}
}

func TestMatrixValidate(t *testing.T) {
	t.Parallel()
	m := DefaultMatrix
	m[2][2] = P1 // low × low above low × normal
	err := m.Validate()
	if e, ok := err.(*Error); !ok || e.Fields[0].Field != "matrix.low.low" || e.Fields[0].Rule != "monotonic" {
		t.Fatalf("got %v", err)
	}
	m = DefaultMatrix
	m[0][0] = 9
	if e, ok := m.Validate().(*Error); !ok || e.Fields[0].Rule != "one_of" {
		t.Fatalf("got %v", e)
	}
}

func TestMatrixJSON(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(DefaultMatrix.JSON())
	if err != nil {
		t.Fatal(err)
	}
	var j MatrixJSON
	if err := json.Unmarshal(b, &j); err != nil {
		t.Fatal(err)
	}
	m, err := j.Matrix()
	if err != nil || m != DefaultMatrix {
		t.Fatalf("round trip: %v %v", m, err)
	}
	delete(j[Low], Low)
	j["extreme"] = map[Level]Priority{High: P1}
	_, err = j.Matrix()
	e, ok := err.(*Error)
	if !ok || len(e.Fields) != 2 {
		t.Fatalf("want two field errors, got %v", err)
	}
	var p Priority
	if err := p.UnmarshalText([]byte("P9")); err == nil {
		t.Error("P9 accepted")
	}
	if err := p.UnmarshalText([]byte("P2")); err != nil || p != P2 {
		t.Errorf("P2: %v %v", p, err)
	}
	// Only the form String writes (issue 10, finding 7: be exact).
	for _, s := range []string{"p2", "2", "+2", "P02", " P2", "P2 ", "P"} {
		if err := p.UnmarshalText([]byte(s)); err == nil {
			t.Errorf("%q accepted as %v", s, p)
		}
	}
}
