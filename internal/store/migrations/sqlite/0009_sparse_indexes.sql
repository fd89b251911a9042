-- Indexes on a column a new incident leaves empty (owner, assignee, external party,
-- follow-up date) hold only the incidents that have a value, so registering an incident
-- writes six index entries fewer. Every query that reads them compares the column with a
-- value, which tells both databases that it is not NULL.

DROP INDEX incidents_owner;
CREATE INDEX incidents_owner ON incidents (owner_id) WHERE owner_id IS NOT NULL;
DROP INDEX incidents_assignee;
CREATE INDEX incidents_assignee ON incidents (assignee_id) WHERE assignee_id IS NOT NULL;

DROP INDEX incidents_queue_owner;
CREATE INDEX incidents_queue_owner ON incidents (owner_id, COALESCE(resolve_due_at, 253402300799000), id)
    WHERE state <> 'closed' AND owner_id IS NOT NULL;
DROP INDEX incidents_queue_assignee;
CREATE INDEX incidents_queue_assignee ON incidents (assignee_id, COALESCE(resolve_due_at, 253402300799000), id)
    WHERE state <> 'closed' AND assignee_id IS NOT NULL;
DROP INDEX incidents_queue_supplier;
CREATE INDEX incidents_queue_supplier ON incidents (supplier_id, COALESCE(resolve_due_at, 253402300799000), id)
    WHERE state <> 'closed' AND supplier_id IS NOT NULL;

DROP INDEX incidents_follow_up;
CREATE INDEX incidents_follow_up ON incidents (follow_up_at)
    WHERE follow_up_reminded = FALSE AND state NOT IN ('resolved', 'closed') AND follow_up_at IS NOT NULL;
