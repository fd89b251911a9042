package desk

import "testing"

// TestValidatorCap: a validator lists at most MaxFieldErrors violations and counts the
// rest, also of the errors it includes (issue 10, finding 3).
func TestValidatorCap(t *testing.T) {
	t.Parallel()
	var v Validator
	for range MaxFieldErrors + 7 {
		v.Add("f", "rule", "broken")
	}
	v.Include(&Error{Fields: []FieldError{{Field: "g"}}, More: 3})
	e, _ := v.Err().(*Error)
	if e == nil || len(e.Fields) != MaxFieldErrors || e.More != 11 {
		t.Fatalf("%d fields, %d more; want %d and 11", len(e.Fields), e.More, MaxFieldErrors)
	}
}
