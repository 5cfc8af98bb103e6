-- Issue 13 (ADR 0014, national scale): the register report's summaries. A refresh (`s117 reports
-- refresh`, nightly) works out what every person adds to each period by the report's own derivation
-- and keeps the sums here, one snapshot at a time; a report whose periods a finished snapshot holds
-- adds up a few rows instead of reading every person's facts, and says when the snapshot was made.
CREATE TABLE report_snapshots (
  id uuid PRIMARY KEY,
  -- The last day the snapshot's periods cover (the refresh's own day): its month is kept up to this day.
  built_on date NOT NULL,
  -- The REV-1 settings the figures were worked out with (a report under other settings does not use them).
  settings text NOT NULL,
  started_at timestamptz NOT NULL,
  finished_at timestamptz,
  people integer NOT NULL DEFAULT 0
);
CREATE INDEX report_snapshots_finished ON report_snapshots (finished_at);

CREATE TABLE report_summaries (
  snapshot_id uuid NOT NULL REFERENCES report_snapshots (id) ON DELETE CASCADE,
  period_from date NOT NULL,
  as_of date NOT NULL,
  -- '*': every person (an admin reads these); otherwise an organisation with sight of the people.
  scope text NOT NULL,
  -- 'base': all but money; 'money': money of every person; 'money-own': money of the people whose episodes at the date include the scope.
  part text NOT NULL CHECK (part IN ('base', 'money', 'money-own')),
  local_authority_code text,
  icb_code text,
  figures jsonb NOT NULL
);
CREATE INDEX report_summaries_read ON report_summaries (snapshot_id, scope, as_of);

-- How many people each scope covered at the snapshot (the report's peopleRead).
CREATE TABLE report_summary_people (
  snapshot_id uuid NOT NULL REFERENCES report_snapshots (id) ON DELETE CASCADE,
  scope text NOT NULL,
  people integer NOT NULL,
  PRIMARY KEY (snapshot_id, scope)
);
