-- Up Migration

-- Replies the App wrote to commands that started nothing (help, status, refusals), one row per
-- command delivery, so each user's replies in a repository can be capped per hour: a flood of
-- commands cannot turn into a flood of comments that spends the installation's write budget.
CREATE TABLE command_replies (
  delivery_id text PRIMARY KEY,
  repo_id     bigint NOT NULL,
  user_id     bigint NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX command_replies_user_idx ON command_replies (repo_id, user_id, created_at);

-- Down Migration
DROP TABLE command_replies;
