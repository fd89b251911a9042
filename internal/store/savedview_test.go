package store_test

import (
	"strings"
	"testing"
	"time"

	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// TestQueueViewsUseIndexes: on SQLite the "waiting on supplier" view reads its partial
// index in the queue's order, and "breaching within the hour" reads the queue's index in
// order, instead of sorting the open incidents (0021_saved_views.sql).
func TestQueueViewsUseIndexes(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.DialectSQLite)
	for _, c := range []struct {
		f     desk.IncidentFilter
		index string
	}{
		{desk.IncidentFilter{SortDue: true, Limit: 50, External: true}, "incidents_queue_external"},
		{desk.IncidentFilter{SortDue: true, Limit: 50, External: true, DueAfter: time.UnixMilli(1), DueAfterID: 7}, "incidents_queue_external"},
		{desk.IncidentFilter{SortDue: true, Limit: 50, DueBefore: time.Now().Add(time.Hour)}, "incidents_queue"},
		{desk.IncidentFilter{SortDue: true, Limit: 50, NoAssignee: true}, "incidents_queue"},
	} {
		plan := store.QueuePlanForTest(t.Context(), db, c.f)
		uses := strings.Contains(plan, "INDEX "+c.index+" ") || strings.Contains(plan, "INDEX "+c.index+"\n")
		if !uses || strings.Contains(plan, "TEMP B-TREE") {
			t.Errorf("%+v: plan\n%s\nwant %s without sorting", c.f, plan, c.index)
		}
	}
}
