-- Up Migration

-- Pacing of content-creating GitHub requests (POST/PATCH/PUT/DELETE), shared by every replica:
-- one row per installation (or the App itself), holding two token buckets in GCRA form (the
-- "theoretical arrival time" of the next request for the per-minute and the per-hour budget)
-- and a pause set when GitHub answered with a rate limit (retry-after, x-ratelimit-reset).
CREATE TABLE github_write_pacing (
  key          text PRIMARY KEY,          -- 'installation:<id>' or 'app'
  minute_tat   timestamptz NOT NULL,
  hour_tat     timestamptz NOT NULL,
  paused_until timestamptz,
  updated_at   timestamptz NOT NULL DEFAULT now()
);

-- Queue worker pools that are alive: each App process heartbeats its graphile-worker pool id
-- here, so jobs locked by a process that died (SIGKILL, lost host) are released in seconds
-- instead of after graphile-worker's four-hour lock timeout.
CREATE TABLE queue_workers (
  pool_id    text PRIMARY KEY,
  host       text NOT NULL,
  pid        integer NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  seen_at    timestamptz NOT NULL DEFAULT now()
);

-- Redeliveries the App asked GitHub for, by delivery GUID (X-GitHub-Delivery), so each lost
-- delivery is asked for once (again only if that redelivery failed too, a bounded number of times).
CREATE TABLE webhook_redeliveries (
  delivery_guid    text PRIMARY KEY,
  event            text,
  last_attempt_id  bigint NOT NULL,        -- GitHub's id of the delivery attempt redelivered
  requests         integer NOT NULL DEFAULT 1,
  first_requested_at timestamptz NOT NULL DEFAULT now(),
  last_requested_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_redeliveries_last_requested_idx ON webhook_redeliveries (last_requested_at);

-- How far back the last complete scan of GitHub's delivery log reached (one row), so each scan
-- reads only the newest pages instead of GitHub's whole three-day window.
CREATE TABLE webhook_delivery_scans (
  id         integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  scanned_to timestamptz NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- When the sweeper last looked at a live task on GitHub, so a task that stays long in one
-- state (a run waiting for reviewers) is looked at once per threshold, not every sweep.
ALTER TABLE tasks ADD COLUMN swept_at timestamptz;

-- The retention sweep deletes old once-only effects by age.
CREATE INDEX github_effects_updated_at_idx ON github_effects (updated_at);

-- Down Migration
DROP INDEX github_effects_updated_at_idx;
ALTER TABLE tasks DROP COLUMN swept_at;
DROP TABLE webhook_delivery_scans;
DROP TABLE webhook_redeliveries;
DROP TABLE queue_workers;
DROP TABLE github_write_pacing;
