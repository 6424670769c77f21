-- Up Migration

-- What started a task: a command comment (as before), or a schedule of `.github/agent.yml`. A
-- scheduled task has no command comment and may have no issue, so those columns become optional;
-- a comment-made task still has both (the check below).
ALTER TABLE tasks
  ADD COLUMN trigger text NOT NULL DEFAULT 'comment' CHECK (trigger IN ('comment', 'schedule')),
  ALTER COLUMN issue_number DROP NOT NULL,
  ALTER COLUMN comment_kind DROP NOT NULL,
  ALTER COLUMN comment_id DROP NOT NULL,
  ADD COLUMN schedule_id bigint,
  -- A pipeline task: its steps (frozen when it was requested), the step and round it is at, and
  -- the attempt whose change the pipeline would publish (its last diff handoff).
  ADD COLUMN pipeline jsonb,
  ADD COLUMN step_index integer,
  ADD COLUMN step_round integer,
  ADD COLUMN change_attempt integer,
  ADD CONSTRAINT tasks_comment_of_comment_trigger
    CHECK (trigger <> 'comment' OR (issue_number IS NOT NULL AND comment_id IS NOT NULL AND comment_kind IS NOT NULL));

ALTER TABLE tasks DROP CONSTRAINT tasks_state_check;
ALTER TABLE tasks ADD CONSTRAINT tasks_state_check CHECK (state IN (
  'awaiting_approval', 'queued', 'dispatched', 'waiting_approval', 'running', 'publishing',
  'awaiting_plan_approval', 'succeeded', 'no_changes', 'failed', 'cancelled', 'rejected', 'timed_out'));

DROP INDEX tasks_live_updated_idx;
CREATE INDEX tasks_live_updated_idx ON tasks (updated_at)
  WHERE state IN ('awaiting_approval', 'queued', 'dispatched', 'waiting_approval', 'running', 'publishing',
                  'awaiting_plan_approval');
-- "Is the previous run of this schedule still going?"
CREATE INDEX tasks_schedule_idx ON tasks (schedule_id, id DESC) WHERE schedule_id IS NOT NULL;

-- The schedules of each repository, as its default branch's `.github/agent.yml` says (learned on
-- install and on pushes that change it). A schedule removed from the file is kept inactive, for
-- its history. `next_fire_at` is the next slot plus the schedule's jitter.
CREATE TABLE schedules (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  installation_id bigint NOT NULL,
  repo_id         bigint NOT NULL,
  repo_owner      text NOT NULL,
  repo_name       text NOT NULL,
  name            text NOT NULL,
  definition      jsonb NOT NULL,
  digest          text NOT NULL,
  active          boolean NOT NULL DEFAULT true,
  next_slot_at    timestamptz,
  next_fire_at    timestamptz,
  last_slot_at    timestamptz,
  report_issue    integer,
  source_sha      text,
  learned_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT schedules_one_per_name UNIQUE (repo_id, name)
);
CREATE INDEX schedules_due_idx ON schedules (next_fire_at) WHERE active;

-- One row per schedule and slot, whichever replica's tick saw it first: the slot fires once. The
-- fire job decides it: a task started, or a skip with its reason.
CREATE TABLE schedule_runs (
  schedule_id bigint NOT NULL REFERENCES schedules (id),
  slot_at     timestamptz NOT NULL,
  fire_at     timestamptz NOT NULL,
  -- Slots passed over while the App was down (at most one catch-up fires).
  missed      integer NOT NULL DEFAULT 0,
  outcome     text NOT NULL DEFAULT 'pending' CHECK (outcome IN ('pending', 'started', 'skipped')),
  reason      text,
  detail      text,
  task_id     bigint REFERENCES tasks (id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  decided_at  timestamptz,
  PRIMARY KEY (schedule_id, slot_at)
);
CREATE INDEX schedule_runs_task_idx ON schedule_runs (task_id) WHERE task_id IS NOT NULL;

-- The steps a pipeline task ran: one row per run (task attempt), with what it handed on.
CREATE TABLE task_steps (
  task_id        bigint NOT NULL REFERENCES tasks (id),
  attempt        integer NOT NULL,
  step_index     integer NOT NULL,
  round          integer NOT NULL DEFAULT 1,
  name           text NOT NULL,
  handoff        text NOT NULL CHECK (handoff IN ('plan', 'summary', 'diff', 'review')),
  engine         text NOT NULL,
  state          text NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'done', 'failed')),
  -- What the step handed on: the plan, summary or review text (the diff stays in task_results).
  handoff_text   text,
  handoff_sha256 text,
  verdict        text CHECK (verdict IN ('approve', 'changes')),
  -- The comment that shows a handoff waiting for approval (the plan), and its text's digest.
  comment_id     bigint,
  comment_digest text,
  -- What `/agent replan` asked of the next plan.
  feedback       text,
  error          text,
  started_at     timestamptz NOT NULL DEFAULT now(),
  finished_at    timestamptz,
  PRIMARY KEY (task_id, attempt)
);

-- Approvals of a handoff (the plan): exactly the content whose SHA-256 is recorded. A replan
-- supersedes the approval, so a new plan needs a new one.
CREATE TABLE task_approvals (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  task_id        bigint NOT NULL REFERENCES tasks (id),
  attempt        integer NOT NULL,
  kind           text NOT NULL CHECK (kind IN ('plan')),
  sha256         text NOT NULL,
  approver_login text NOT NULL,
  approver_id    bigint NOT NULL,
  via            text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  superseded_at  timestamptz
);
CREATE INDEX task_approvals_task_idx ON task_approvals (task_id, id);

-- Down Migration
DROP TABLE task_approvals;
DROP TABLE task_steps;
DROP TABLE schedule_runs;
DROP TABLE schedules;
DROP INDEX tasks_schedule_idx;
DROP INDEX tasks_live_updated_idx;
CREATE INDEX tasks_live_updated_idx ON tasks (updated_at)
  WHERE state IN ('awaiting_approval', 'queued', 'dispatched', 'waiting_approval', 'running', 'publishing');
ALTER TABLE tasks DROP CONSTRAINT tasks_state_check;
ALTER TABLE tasks ADD CONSTRAINT tasks_state_check CHECK (state IN (
  'awaiting_approval', 'queued', 'dispatched', 'waiting_approval', 'running', 'publishing',
  'succeeded', 'no_changes', 'failed', 'cancelled', 'rejected', 'timed_out'));
ALTER TABLE tasks
  DROP CONSTRAINT tasks_comment_of_comment_trigger,
  DROP COLUMN change_attempt,
  DROP COLUMN step_round,
  DROP COLUMN step_index,
  DROP COLUMN pipeline,
  DROP COLUMN schedule_id,
  DROP COLUMN trigger;
