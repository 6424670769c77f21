-- Up Migration

-- Every webhook delivery the App accepted, keyed by GitHub's delivery id (stable across
-- redeliveries), so a duplicate or redelivered webhook is recognised and ignored.
CREATE TABLE webhook_deliveries (
  delivery_id     text PRIMARY KEY,
  event           text NOT NULL,
  action          text,
  installation_id bigint,
  repository_id   bigint,
  payload         jsonb,                -- kept only for deliveries that need processing
  received_at     timestamptz NOT NULL DEFAULT now(),
  processed_at    timestamptz,
  outcome         text NOT NULL DEFAULT 'pending'
                  CHECK (outcome IN ('pending', 'processed', 'ignored', 'failed')),
  error           text
);
-- The redelivery reconciler and the retention sweep scan by time.
CREATE INDEX webhook_deliveries_received_at_idx ON webhook_deliveries (received_at);
CREATE INDEX webhook_deliveries_unprocessed_idx ON webhook_deliveries (received_at)
  WHERE processed_at IS NULL;

CREATE TABLE tasks (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  installation_id   bigint NOT NULL,
  repo_id           bigint NOT NULL,
  repo_owner        text NOT NULL,
  repo_name         text NOT NULL,
  issue_number      integer NOT NULL,
  is_pull_request   boolean NOT NULL,
  -- The comment that carried the command. GitHub numbers issue comments and review comments
  -- separately, so the kind is part of the identity.
  comment_kind      text NOT NULL CHECK (comment_kind IN ('issue_comment', 'review_comment')),
  comment_id        bigint NOT NULL,
  delivery_id       text,
  requester_login   text NOT NULL,
  requester_id      bigint NOT NULL,
  command           text NOT NULL,
  prompt            text NOT NULL,
  issue_title       text NOT NULL DEFAULT '',
  engine            text NOT NULL,
  -- The repository's configuration when the task was created (limits, workflow, policy…), so a
  -- task runs under the rules it was accepted with.
  settings          jsonb NOT NULL DEFAULT '{}'::jsonb,
  state             text NOT NULL CHECK (state IN (
                      'awaiting_approval', 'queued', 'dispatched', 'waiting_approval', 'running',
                      'publishing', 'succeeded', 'no_changes', 'failed', 'cancelled', 'rejected',
                      'timed_out')),
  version           integer NOT NULL DEFAULT 1,
  event_seq         integer NOT NULL DEFAULT 0,
  attempt           integer NOT NULL DEFAULT 1,
  workflow_file     text,
  workflow_run_id   bigint,
  workflow_run_url  text,
  dispatched_at     timestamptz,
  base_branch       text,
  base_sha          text,
  -- What the job is told to do (prompt, checkout, limits), fixed when the task is dispatched.
  spec              jsonb,
  -- Follow-ups on the agent's own pull request commit to its branch instead of a new one.
  follow_up_of_pr   integer,
  branch            text,
  pr_number         integer,
  pr_url            text,
  status_comment_id bigint,
  -- Digest of the status comment last written, so an unchanged comment is not edited again.
  feedback_digest   text,
  commit_sha        text,
  check_run_id      bigint,
  approved_by       text,
  progress          jsonb,
  usage             jsonb,
  cost_usd          numeric(12, 4),
  error_code        text,
  error_message     text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  finished_at       timestamptz,
  CONSTRAINT tasks_one_task_per_command UNIQUE (comment_kind, comment_id)
);
-- A workflow run belongs to at most one task.
CREATE UNIQUE INDEX tasks_workflow_run_id_key ON tasks (workflow_run_id) WHERE workflow_run_id IS NOT NULL;
-- `/agent status` and follow-ups: the tasks of one issue or PR.
CREATE INDEX tasks_repo_issue_idx ON tasks (repo_id, issue_number, id);
-- Per-repository concurrency cap and the queue order behind it.
CREATE INDEX tasks_repo_active_idx ON tasks (repo_id, state, id)
  WHERE state IN ('queued', 'dispatched', 'waiting_approval', 'running', 'publishing');
-- Per-user rate limit: requests of one user in the last hour.
CREATE INDEX tasks_requester_created_idx ON tasks (requester_id, created_at);
-- The sweeper: live tasks that have not moved for a while.
CREATE INDEX tasks_live_updated_idx ON tasks (updated_at)
  WHERE state IN ('awaiting_approval', 'queued', 'dispatched', 'waiting_approval', 'running', 'publishing');

-- Append-only history of every task: state changes, progress, effects. `seq` is gapless and
-- ordered per task (allocated from tasks.event_seq under the task's row lock).
CREATE TABLE task_events (
  task_id    bigint NOT NULL REFERENCES tasks (id),
  seq        integer NOT NULL,
  type       text NOT NULL,
  from_state text,
  to_state   text,
  actor      text NOT NULL,
  payload    jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (task_id, seq)
);

-- The result the job posted for each attempt (patch, changes, report). Kept for every attempt,
-- including results that were never published (timed out, rejected by policy).
CREATE TABLE task_results (
  task_id     bigint NOT NULL REFERENCES tasks (id),
  attempt     integer NOT NULL,
  run_id      bigint NOT NULL,
  outcome     text NOT NULL CHECK (outcome IN ('completed', 'failed', 'timed_out', 'limit_reached')),
  changes     jsonb NOT NULL,
  patch       text NOT NULL,
  report      jsonb NOT NULL,
  digest      text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (task_id, attempt)
);

-- Side effects on GitHub that must happen once (a comment, a PR, a dispatch): `started` is
-- written before the call and `done` with its result after, so a retry after a crash knows it
-- must look on GitHub for what the first attempt may have made before making it again.
CREATE TABLE github_effects (
  key        text PRIMARY KEY,
  state      text NOT NULL CHECK (state IN ('started', 'done')),
  result     jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION task_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'task_events is append-only (% refused)', TG_OP;
END;
$$;
CREATE TRIGGER task_events_append_only
  BEFORE UPDATE OR DELETE ON task_events
  FOR EACH ROW EXECUTE FUNCTION task_events_append_only();

-- Down Migration
DROP TABLE github_effects;
DROP TABLE task_results;
DROP TABLE task_events;
DROP FUNCTION task_events_append_only();
DROP TABLE tasks;
DROP TABLE webhook_deliveries;
