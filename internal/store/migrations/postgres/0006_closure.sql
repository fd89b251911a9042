-- The closure loop (issue 5, step 6): a solution is temporary or structural, and a resolved
-- incident closes by itself at auto_close_at unless the client confirms, rejects or replies
-- first (docs/closure.md).

ALTER TABLE incidents ADD COLUMN solution_kind TEXT NOT NULL DEFAULT '';
ALTER TABLE incidents ADD COLUMN auto_close_at BIGINT;

-- The auto-close job: resolved incidents by their deadline.
CREATE INDEX incidents_auto_close ON incidents (auto_close_at)
    WHERE state = 'resolved' AND auto_close_at IS NOT NULL;
