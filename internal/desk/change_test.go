package desk

import (
	"slices"
	"strings"
	"testing"
)

func TestCheckChangeTransition(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		from      ChangeState
		tr        ChangeTransition
		wantCode  string
		wantField string
		allowed   []string
	}{
		{"approve", ChangeRequested, ChangeTransition{To: ChangeApproved}, "", "", nil},
		{"approve with a note", ChangeRequested, ChangeTransition{To: ChangeApproved, Reason: "CAB of Tuesday agreed."}, "", "", nil},
		{"reject", ChangeRequested, ChangeTransition{To: ChangeRejected, Reason: "Too costly."}, "", "", nil},
		{"implement an approved one", ChangeApproved, ChangeTransition{To: ChangeImplemented}, "", "", nil},
		{"requested cannot jump to implemented", ChangeRequested, ChangeTransition{To: ChangeImplemented}, ECONFLICT, "", []string{"approved", "rejected"}},
		{"approved cannot be rejected", ChangeApproved, ChangeTransition{To: ChangeRejected}, ECONFLICT, "", []string{"implemented"}},
		{"rejected is final", ChangeRejected, ChangeTransition{To: ChangeApproved}, ECONFLICT, "", []string{}},
		{"implemented is final", ChangeImplemented, ChangeTransition{To: ChangeRequested}, ECONFLICT, "", []string{}},
		{"no move to the same state", ChangeRequested, ChangeTransition{To: ChangeRequested}, ECONFLICT, "", []string{"approved", "rejected"}},
		{"unknown state", ChangeRequested, ChangeTransition{To: "done"}, EINVALID, "to", nil},
		{"an incident state is no change state", ChangeRequested, ChangeTransition{To: "closed"}, EINVALID, "to", nil},
		{"to is required", ChangeRequested, ChangeTransition{}, EINVALID, "to", nil},
		{"reason too long", ChangeRequested, ChangeTransition{To: ChangeApproved, Reason: strings.Repeat("x", MaxText+1)}, EINVALID, "reason", nil},
		{"reason with control characters", ChangeRequested, ChangeTransition{To: ChangeApproved, Reason: "a\x00b"}, EINVALID, "reason", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := tt.tr
			err := CheckChangeTransition(tt.from, &tr)
			if got := ErrorCode(err); got != tt.wantCode {
				t.Fatalf("code %q, want %q (err %v)", got, tt.wantCode, err)
			}
			e, _ := err.(*Error)
			if tt.wantField != "" && (e == nil || len(e.Fields) == 0 || e.Fields[0].Field != tt.wantField) {
				t.Fatalf("error %v does not name field %q", err, tt.wantField)
			}
			if tt.allowed != nil && !slices.Equal(e.Allowed, tt.allowed) {
				t.Fatalf("allowed %v, want %v", e.Allowed, tt.allowed)
			}
		})
	}
	tr := ChangeTransition{To: ChangeApproved, Reason: "  ok  \n"}
	if err := CheckChangeTransition(ChangeRequested, &tr); err != nil || tr.Reason != "ok" {
		t.Errorf("the reason is not trimmed: %q, %v", tr.Reason, err)
	}
}

func TestChangeStateMachine(t *testing.T) {
	t.Parallel()
	// Every state is reachable from requested; every state that is not final leads on.
	reach := map[ChangeState]bool{ChangeRequested: true}
	for changed := true; changed; {
		changed = false
		for s := range reach {
			for _, n := range s.Next() {
				if !reach[n] {
					reach[n], changed = true, true
				}
			}
		}
	}
	for _, s := range ChangeStates {
		if !reach[s] {
			t.Errorf("%s is unreachable", s)
		}
		if s.Final() != (len(s.Next()) == 0) {
			t.Errorf("%s: Final %v but Next %v", s, s.Final(), s.Next())
		}
	}
	if ChangeEvent(ChangeApproved) != EventChangeApproved || ChangeEvent(ChangeRejected) != EventChangeRejected ||
		ChangeEvent(ChangeImplemented) != EventChangeImplemented || ChangeEvent(ChangeRequested) != EventChangeRequested {
		t.Error("ChangeEvent maps a state to the wrong event")
	}
}

func TestChangeNumber(t *testing.T) {
	t.Parallel()
	if got := FormatChangeNumber(12); got != "CHG-000012" {
		t.Errorf("FormatChangeNumber(12) = %q", got)
	}
	for s, want := range map[string]int64{"CHG-000012": 12, "chg-12": 12, "12": 12, " CHG-7 ": 7, "CHG-1234567": 1234567} {
		if id, ok := ParseChangeNumber(s); !ok || id != want {
			t.Errorf("ParseChangeNumber(%q) = %d, %v; want %d", s, id, ok, want)
		}
	}
	for _, s := range []string{"", "CHG-", "INC-12", "0", "-3", "+3", "CHG--3", "CHG-+3", "12a", "CHG-0", "99999999999999999999"} {
		if id, ok := ParseChangeNumber(s); ok {
			t.Errorf("ParseChangeNumber(%q) = %d, want refused", s, id)
		}
	}
}

func TestChangeRequestValidate(t *testing.T) {
	t.Parallel()
	c := ChangeRequest{Title: "  Replace the payment provider's SDK  ", State: ChangeRequested, IncidentIDs: []int64{3, 1, 3}}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.Title != "Replace the payment provider's SDK" || !slices.Equal(c.IncidentIDs, []int64{1, 3}) {
		t.Errorf("not normalised: %q %v", c.Title, c.IncidentIDs)
	}
	for name, tc := range map[string]struct {
		c     ChangeRequest
		field string
	}{
		"no title":          {ChangeRequest{Title: " ", State: ChangeRequested, IncidentIDs: []int64{1}}, "title"},
		"title too long":    {ChangeRequest{Title: strings.Repeat("x", MaxTitle+1), State: ChangeRequested, IncidentIDs: []int64{1}}, "title"},
		"title on 2 lines":  {ChangeRequest{Title: "a\nb", State: ChangeRequested, IncidentIDs: []int64{1}}, "title"},
		"description long":  {ChangeRequest{Title: "x", Description: strings.Repeat("x", MaxText+1), State: ChangeRequested, IncidentIDs: []int64{1}}, "description"},
		"no incidents":      {ChangeRequest{Title: "x", State: ChangeRequested}, "incident_ids"},
		"too many":          {ChangeRequest{Title: "x", State: ChangeRequested, IncidentIDs: seq(MaxChangeIncidents + 1)}, "incident_ids"},
		"not an id":         {ChangeRequest{Title: "x", State: ChangeRequested, IncidentIDs: []int64{2, -1}}, "incident_ids[1]"},
		"unknown state":     {ChangeRequest{Title: "x", State: "done", IncidentIDs: []int64{1}}, "state"},
		"an incident state": {ChangeRequest{Title: "x", State: "closed", IncidentIDs: []int64{1}}, "state"},
	} {
		err := tc.c.Validate()
		e, _ := err.(*Error)
		if e == nil || e.Code != EINVALID || !slices.ContainsFunc(e.Fields, func(f FieldError) bool { return f.Field == tc.field }) {
			t.Errorf("%s: %v does not name %s", name, err, tc.field)
		}
	}
}

func TestChangeSummary(t *testing.T) {
	t.Parallel()
	c := ChangeRequest{ID: 12, Number: "CHG-000012", Title: "New SDK", Description: "internal", State: ChangeApproved}
	if s := c.Summary(true); s != (ChangeSummary{Title: "New SDK", State: ChangeApproved}) {
		t.Errorf("client summary %+v", s)
	}
	if s := c.Summary(false); s != (ChangeSummary{ID: 12, Number: "CHG-000012", Title: "New SDK", State: ChangeApproved}) {
		t.Errorf("staff summary %+v", s)
	}
}

func seq(n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = int64(i + 1)
	}
	return out
}
