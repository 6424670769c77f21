-- Up Migration

-- What an approver approves is what runs: the thread text a task's prompt includes is frozen when
-- the task is requested (and compared again when it is approved), an edit of a request still
-- waiting for approval makes a new revision that must be approved again, and the approver is
-- recorded by id so their access is checked again at dispatch and at the deployment gate.
ALTER TABLE tasks
  ADD COLUMN thread             jsonb,
  ADD COLUMN request_revision   integer NOT NULL DEFAULT 1,
  ADD COLUMN request_changed_at timestamptz,
  ADD COLUMN approved_by_id     bigint;

-- Down Migration

ALTER TABLE tasks
  DROP COLUMN thread,
  DROP COLUMN request_revision,
  DROP COLUMN request_changed_at,
  DROP COLUMN approved_by_id;
