-- Issue 10 (several servers): an import job names the server process running it and that process
-- renews a heartbeat while it works. A server starting (or anyone reading a job) fails only the
-- queued or running jobs whose heartbeat is stale, never another live server's job.
ALTER TABLE import_jobs ADD COLUMN owner text;
ALTER TABLE import_jobs ADD COLUMN heartbeat_at timestamptz;
