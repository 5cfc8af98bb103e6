-- Issue 14, item 5: several server processes against one database. Nothing that must be shared lives
-- in one process (docs/adr/0018-several-processes.md).

-- 1. "Who is asking" is cached for a few seconds in each process. Whatever ends or changes a sign-in
-- (signing out, a session expired and swept, a token revoked, a user disabled or given another role,
-- an organisation renamed, a system account revoked), from whichever process or tool (the command
-- line, psql), tells every process at once: a notification on commit, naming the user (never a token
-- or its hash) or the organisation. Only updates and deletes: a new token or session is never cached
-- as "not valid", so an insert changes nothing a cache holds; new organisations are announced for the
-- pages' directory of names.
CREATE OR REPLACE FUNCTION s117_announce_identity_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  row_data record;
BEGIN
  IF TG_OP = 'DELETE' THEN row_data := OLD; ELSE row_data := NEW; END IF;
  IF TG_TABLE_NAME = 'organisations' THEN
    PERFORM pg_notify('s117_identity', 'organisation:' || row_data.id::text);
  ELSIF TG_TABLE_NAME = 'users' THEN
    PERFORM pg_notify('s117_identity', 'user:' || row_data.id::text);
  ELSE
    PERFORM pg_notify('s117_identity', 'user:' || row_data.user_id::text);
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER organisations_announce AFTER INSERT OR UPDATE OR DELETE ON organisations
  FOR EACH ROW EXECUTE FUNCTION s117_announce_identity_change();
CREATE TRIGGER users_announce AFTER UPDATE OR DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION s117_announce_identity_change();
CREATE TRIGGER api_tokens_announce AFTER UPDATE OR DELETE ON api_tokens
  FOR EACH ROW EXECUTE FUNCTION s117_announce_identity_change();
CREATE TRIGGER sessions_announce AFTER UPDATE OR DELETE ON sessions
  FOR EACH ROW EXECUTE FUNCTION s117_announce_identity_change();
CREATE TRIGGER system_accounts_announce AFTER UPDATE OR DELETE ON system_accounts
  FOR EACH ROW EXECUTE FUNCTION s117_announce_identity_change();

-- 2. Request rate limits shared by every process (PostgreSQL; PGlite keeps them in memory): one row per
-- caller and limit, taken with one INSERT ... ON CONFLICT DO UPDATE ... RETURNING. Unlogged: a count
-- lost in a crash costs nothing, and it saves the write-ahead log a write per request.
CREATE UNLOGGED TABLE rate_limit_counters (
  key text PRIMARY KEY,
  hits integer NOT NULL,
  window_ends timestamptz NOT NULL
);
CREATE INDEX rate_limit_counters_window_ends ON rate_limit_counters (window_ends);

-- 3. Scheduled jobs run on one process at a time: each process asks to take a job's lease when its
-- period has passed (one UPDATE, so two cannot both take it); the holder renews the lease while it
-- runs and gives it back when done. A process that dies loses its lease when it runs out.
CREATE TABLE scheduled_jobs (
  name text PRIMARY KEY,
  locked_by text,
  locked_until timestamptz,
  last_started_at timestamptz,
  last_finished_at timestamptz,
  last_error text,
  runs integer NOT NULL DEFAULT 0
);

-- Each run, kept a week: which process ran it, when, and whether it failed (the reason, never data).
CREATE TABLE scheduled_job_runs (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  process text NOT NULL,
  started_at timestamptz NOT NULL,
  finished_at timestamptz NOT NULL,
  error text
);
CREATE INDEX scheduled_job_runs_name_started ON scheduled_job_runs (name, started_at);
