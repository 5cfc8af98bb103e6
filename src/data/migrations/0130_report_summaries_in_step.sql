-- Issue 13 item 5 (ADR 0014, "How it is kept in step with the facts"): the reports' summaries kept
-- exactly in step with every committed fact, without a refresh.
--
-- 1. A mark for a person, written by the same transaction as any change to a fact a report measure
--    reads about them (the triggers below). Insert-only: writers share no row and no lock.
CREATE TABLE report_dirty_people (
  id bigserial PRIMARY KEY,
  person_id uuid NOT NULL,
  marked_at timestamptz NOT NULL DEFAULT now()
);

-- 2. What each person adds to the snapshot's periods, as the refresh or the summariser last worked it
--    out (report-summaries.ts PersonContribution, zeros left out): what the summariser subtracts.
CREATE TABLE report_person_contributions (
  snapshot_id uuid NOT NULL REFERENCES report_snapshots (id) ON DELETE CASCADE,
  person_id uuid NOT NULL,
  contribution jsonb NOT NULL,
  PRIMARY KEY (snapshot_id, person_id)
);

-- 3. The summariser's signed differences (new minus old contributions), added to the snapshot's sums.
CREATE TABLE report_summary_deltas (
  id bigserial PRIMARY KEY,
  snapshot_id uuid NOT NULL REFERENCES report_snapshots (id) ON DELETE CASCADE,
  period_from date NOT NULL,
  as_of date NOT NULL,
  scope text NOT NULL,
  part text NOT NULL CHECK (part IN ('base', 'money', 'money-own')),
  local_authority_code text,
  icb_code text,
  figures jsonb NOT NULL
);
CREATE INDEX report_summary_deltas_read ON report_summary_deltas (snapshot_id, scope, as_of);

-- The people-count differences per scope (the report's peopleRead).
CREATE TABLE report_summary_people_deltas (
  id bigserial PRIMARY KEY,
  snapshot_id uuid NOT NULL REFERENCES report_snapshots (id) ON DELETE CASCADE,
  scope text NOT NULL,
  people integer NOT NULL
);
CREATE INDEX report_summary_people_deltas_read ON report_summary_people_deltas (snapshot_id, scope);

-- One row that the summariser and the refresh each update first in their transaction: one of them
-- at a time, and a refresh whose repeatable-read view began before a summariser committed fails on it
-- (could not serialize) and starts again, so it never misses what the summariser took.
CREATE TABLE report_summariser (
  id integer PRIMARY KEY CHECK (id = 1),
  runs bigint NOT NULL DEFAULT 0,
  last_run_at timestamptz
);
INSERT INTO report_summariser (id) VALUES (1);

-- Snapshots made before this migration kept no contributions: the summaries are used only from one
-- that did (a report is worked out from the facts until the next refresh).
ALTER TABLE report_snapshots ADD COLUMN in_step boolean NOT NULL DEFAULT false;

-- The marks. A statement-level trigger on each table a report reads (reports-repository.ts
-- loadReportFacts and projections-repository.ts loadFactsOf) marks every person whose rows the
-- statement inserted, updated (before and after: a merge moves rows between people) or deleted.
-- TG_ARGV[0] finds the person of the rows of the transition table it is given as %1$s.
CREATE FUNCTION report_mark_people() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    EXECUTE format('INSERT INTO report_dirty_people (person_id) SELECT DISTINCT person_id FROM (' || TG_ARGV[0] || ') AS changed WHERE person_id IS NOT NULL', 'report_new_rows');
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    EXECUTE format('INSERT INTO report_dirty_people (person_id) SELECT DISTINCT person_id FROM (' || TG_ARGV[0] || ') AS changed WHERE person_id IS NOT NULL', 'report_old_rows');
  END IF;
  RETURN NULL;
END;
$$;

DO $$
DECLARE
  t record;
BEGIN
  FOR t IN SELECT * FROM (VALUES
    ('people', 'SELECT id AS person_id FROM %1$s'),
    ('residences', 'SELECT person_id FROM %1$s'),
    ('gp_registrations', 'SELECT person_id FROM %1$s'),
    ('admissions', 'SELECT person_id FROM %1$s'),
    ('legal_statuses', 'SELECT person_id FROM %1$s'),
    ('leaves', 'SELECT person_id FROM %1$s'),
    ('responsibility_decisions', 'SELECT person_id FROM %1$s'),
    ('ending_proposals', 'SELECT person_id FROM %1$s'),
    ('reinstatements', 'SELECT person_id FROM %1$s'),
    ('placements', 'SELECT person_id FROM %1$s'),
    ('person_allocations', 'SELECT person_id FROM %1$s'),
    ('person_organisations', 'SELECT person_id FROM %1$s'),
    ('reviews', 'SELECT person_id FROM %1$s'),
    ('review_requests', 'SELECT person_id FROM %1$s'),
    ('disputes', 'SELECT person_id FROM %1$s'),
    ('plan_versions', 'SELECT person_id FROM %1$s'),
    ('complaints', 'SELECT person_id FROM %1$s'),
    ('charges', 'SELECT person_id FROM %1$s'),
    ('refunds', 'SELECT person_id FROM %1$s'),
    ('services', 'SELECT person_id FROM %1$s'),
    ('budgets', 'SELECT person_id FROM %1$s'),
    ('service_payments', 'SELECT s.person_id FROM %1$s AS c JOIN services AS s ON s.id = c.service_id'),
    ('service_costs', 'SELECT s.person_id FROM %1$s AS c JOIN services AS s ON s.id = c.service_id'),
    ('budget_reviews', 'SELECT b.person_id FROM %1$s AS c JOIN budgets AS b ON b.id = c.budget_id'),
    ('budget_review_triggers', 'SELECT b.person_id FROM %1$s AS c JOIN budgets AS b ON b.id = c.budget_id')
  ) AS x (tbl, finder) LOOP
    EXECUTE format('CREATE TRIGGER report_mark_insert AFTER INSERT ON %I REFERENCING NEW TABLE AS report_new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_mark_people(%L)', t.tbl, t.finder);
    EXECUTE format('CREATE TRIGGER report_mark_update AFTER UPDATE ON %I REFERENCING OLD TABLE AS report_old_rows NEW TABLE AS report_new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_mark_people(%L)', t.tbl, t.finder);
    EXECUTE format('CREATE TRIGGER report_mark_delete AFTER DELETE ON %I REFERENCING OLD TABLE AS report_old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_mark_people(%L)', t.tbl, t.finder);
  END LOOP;
END;
$$;

-- A team's name is what a keyworker row says (RPT-7): renaming an organisation marks its keyworkers' people.
CREATE TRIGGER report_mark_update AFTER UPDATE ON organisations REFERENCING OLD TABLE AS report_old_rows NEW TABLE AS report_new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION report_mark_people('SELECT a.person_id FROM %1$s AS c JOIN person_allocations AS a ON a.organisation_id = c.id WHERE a.reason = ''keyworker''');
