package jobs

import (
	"context"
	"errors"
	"testing"
)

func (failingPurger) RunDelivery(context.Context) (int, error) {
	return 0, errors.New("disk I/O error")
}

// partlyDelivered sent some messages before the database failed.
type partlyDelivered struct{}

func (partlyDelivered) RunDelivery(context.Context) (int, error) {
	return 3, errors.New("database is locked")
}

func TestDeliverLogsWhatWasSentAndWrapsErrors(t *testing.T) {
	t.Parallel()
	var logs logBuffer
	err := Deliver(partlyDelivered{}, logs.Logger())(t.Context())
	if err == nil || err.Error() != "deliver mail: database is locked" {
		t.Errorf("err = %v, want the failure with context", err)
	}
	if recs := logs.Records(t, "sent mail"); len(recs) != 1 || recs[0]["count"] != float64(3) {
		t.Errorf("sent mail records = %v, want one with count 3", recs)
	}
	if err := Deliver(failingPurger{}, nil)(t.Context()); err == nil || err.Error() != "deliver mail: disk I/O error" {
		t.Errorf("err = %v, want the failure with context", err)
	}
}
