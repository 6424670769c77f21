-- Up Migration

-- The dashboard's activity stream: the newest events across tasks, read newest first.
CREATE INDEX task_events_created_idx ON task_events (created_at DESC);
-- The tasks a change may have touched while live updates were cut off (a lost LISTEN connection).
CREATE INDEX tasks_updated_idx ON tasks (updated_at);

-- Down Migration
DROP INDEX tasks_updated_idx;
DROP INDEX task_events_created_idx;
