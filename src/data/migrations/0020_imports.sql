-- Moving in (issue 10): import jobs (a dry run or a committed batch: who, when, which file and its
-- checksum, the counts and the validation and reconciliation report), and saved column mappings that
-- an organisation reuses for next month's file. The file itself is kept only until the job that
-- needs it (a commit after a dry run on the pages) has run, then cleared.
CREATE TABLE import_jobs (
  id uuid PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('register', 'detentions')),
  mode text NOT NULL CHECK (mode IN ('dry-run', 'commit')),
  -- mapping: uploaded on the pages, waiting for its column mapping to be confirmed.
  status text NOT NULL CHECK (status IN ('mapping', 'queued', 'running', 'done', 'failed')),
  file_name text NOT NULL,
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  size_bytes integer NOT NULL,
  file_base64 text,
  mapping jsonb NOT NULL,
  created_by uuid NOT NULL REFERENCES users (id),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  progress_done integer NOT NULL DEFAULT 0,
  progress_total integer NOT NULL DEFAULT 0,
  rows_total integer,
  rows_valid integer,
  rows_with_problems integer,
  created integer,
  updated integer,
  skipped integer,
  report jsonb,
  error text,
  -- The dry run a commit was confirmed from (the pages), if any.
  dry_run_id uuid REFERENCES import_jobs (id)
);
CREATE INDEX import_jobs_organisation ON import_jobs (organisation_id, created_at DESC);

CREATE TABLE import_mappings (
  id uuid PRIMARY KEY,
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  kind text NOT NULL CHECK (kind IN ('register', 'detentions')),
  name text NOT NULL,
  mapping jsonb NOT NULL,
  saved_by uuid NOT NULL REFERENCES users (id),
  saved_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, kind, name)
);
