-- Issue 15, probe 12: API tokens expire (90 days unless given fewer when created; tokens made before
-- this migration get 90 days from their creation), and a user can be disabled: a disabled user's
-- sessions and tokens stop working at once, and they cannot sign in.
-- Migration 0030 (system accounts) may have added the column already, for client-credentials tokens.
ALTER TABLE api_tokens ADD COLUMN IF NOT EXISTS expires_at timestamptz;
UPDATE api_tokens SET expires_at = created_at + interval '90 days' WHERE expires_at IS NULL;
ALTER TABLE api_tokens ALTER COLUMN expires_at SET NOT NULL;

ALTER TABLE users ADD COLUMN disabled_at timestamptz;
