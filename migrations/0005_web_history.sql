-- Up Migration

-- Signed-in people. The cookie holds an opaque random id; only its SHA-256 is stored, so a copy of
-- the database cannot be used to take over a session. The user's GitHub token is kept encrypted
-- (AES-256-GCM, key derived from the App's private key) to refresh what they may see.
CREATE TABLE web_sessions (
  id_hash      text PRIMARY KEY,
  user_id      bigint NOT NULL,
  login        text NOT NULL,
  token_sealed text NOT NULL,
  csrf_token   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  seen_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX web_sessions_expires_idx ON web_sessions (expires_at);
CREATE INDEX web_sessions_user_idx ON web_sessions (user_id);

-- Sign-ins under way: the OAuth `state` (hashed), its PKCE verifier and where to go afterwards.
CREATE TABLE web_sign_ins (
  state_hash    text PRIMARY KEY,
  code_verifier text NOT NULL,
  return_to     text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- Bearer tokens of scripts, checked against GitHub (GET /user) and remembered briefly, by hash.
CREATE TABLE web_token_checks (
  token_hash text PRIMARY KEY,
  user_id    bigint NOT NULL,
  login      text NOT NULL,
  checked_at timestamptz NOT NULL DEFAULT now()
);

-- The repositories a user may see: the App's installations the user can reach and, in each, the
-- repositories the user has access to (with their role), from the user's own token. Cached briefly.
CREATE TABLE web_repo_access (
  user_id    bigint PRIMARY KEY,
  repos      jsonb NOT NULL,
  fetched_at timestamptz NOT NULL DEFAULT now()
);

-- What the engine did, as the action streamed it: ordered per task by `id`, numbered per attempt
-- by the action (`idx`, so a batch sent twice is stored once), redacted before and after it came.
CREATE TABLE transcript_events (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  task_id    bigint NOT NULL REFERENCES tasks (id),
  attempt    integer NOT NULL,
  idx        integer NOT NULL,
  kind       text NOT NULL,
  body       jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT transcript_events_once UNIQUE (task_id, attempt, idx)
);
CREATE INDEX transcript_events_task_idx ON transcript_events (task_id, id);
CREATE INDEX transcript_events_created_idx ON transcript_events (created_at);

-- Per task: how many transcript events are stored and whether the cap cut the rest.
CREATE TABLE task_transcripts (
  task_id    bigint PRIMARY KEY REFERENCES tasks (id),
  events     integer NOT NULL DEFAULT 0,
  truncated  boolean NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- What became of each agent pull request (from pull_request and pull_request_review webhooks).
CREATE TABLE pr_outcomes (
  repo_id      bigint NOT NULL,
  pr_number    integer NOT NULL,
  task_id      bigint NOT NULL REFERENCES tasks (id),
  state        text NOT NULL CHECK (state IN ('open', 'merged', 'closed')),
  review_state text,
  opened_at    timestamptz NOT NULL,
  closed_at    timestamptz,
  merged_at    timestamptz,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (repo_id, pr_number)
);

-- Task list filters and pagination (newest first, by id).
CREATE INDEX tasks_repo_id_idx ON tasks (repo_id, id DESC);
CREATE INDEX tasks_requester_login_idx ON tasks (lower(requester_login), id DESC);
CREATE INDEX tasks_state_id_idx ON tasks (state, id DESC);
CREATE INDEX tasks_engine_id_idx ON tasks (engine, id DESC);
CREATE INDEX tasks_created_idx ON tasks (created_at);
-- Usage rolled up by time.
CREATE INDEX task_results_received_idx ON task_results (received_at);

-- Every replica's live streams learn of new rows through LISTEN/NOTIFY. Identical payloads in one
-- transaction are delivered once, so a batch of 50 transcript events wakes listeners once.
CREATE FUNCTION notify_task_stream() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('agent_dispatch_stream', TG_ARGV[0] || ':' || NEW.task_id);
  RETURN NULL;
END;
$$;
CREATE TRIGGER task_events_notify AFTER INSERT ON task_events
  FOR EACH ROW EXECUTE FUNCTION notify_task_stream('events');
CREATE TRIGGER transcript_events_notify AFTER INSERT ON transcript_events
  FOR EACH ROW EXECUTE FUNCTION notify_task_stream('transcript');

-- Down Migration
DROP TRIGGER transcript_events_notify ON transcript_events;
DROP TRIGGER task_events_notify ON task_events;
DROP FUNCTION notify_task_stream();
DROP INDEX task_results_received_idx;
DROP INDEX tasks_created_idx;
DROP INDEX tasks_engine_id_idx;
DROP INDEX tasks_state_id_idx;
DROP INDEX tasks_requester_login_idx;
DROP INDEX tasks_repo_id_idx;
DROP TABLE pr_outcomes;
DROP TABLE task_transcripts;
DROP TABLE transcript_events;
DROP TABLE web_repo_access;
DROP TABLE web_token_checks;
DROP TABLE web_sign_ins;
DROP TABLE web_sessions;
