-- Issue 14: the reports' marks (0130, 0137) built their INSERT as text from the trigger's argument and
-- ran it with EXECUTE, so PostgreSQL parsed and planned it again on every statement that changed a
-- fact. Measured with pgbench on a one-row INSERT: 0.31 ms with that trigger, 0.18 ms with the same
-- INSERT written into the function, 0.16 ms with no trigger. PL/pgSQL keeps a written statement's
-- plan for each trigger (the function is compiled once per trigger), so the INSERT below is planned
-- once a connection. One function for each way of finding the person of a changed row; an update
-- marks the people of the rows before and after (a merge moves rows between people) in one INSERT.
CREATE FUNCTION report_mark_by_person_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO report_dirty_people (person_id)
      SELECT DISTINCT person_id FROM report_new_rows WHERE person_id IS NOT NULL;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO report_dirty_people (person_id)
      SELECT person_id FROM report_new_rows WHERE person_id IS NOT NULL
      UNION SELECT person_id FROM report_old_rows WHERE person_id IS NOT NULL;
  ELSE
    INSERT INTO report_dirty_people (person_id)
      SELECT DISTINCT person_id FROM report_old_rows WHERE person_id IS NOT NULL;
  END IF;
  RETURN NULL;
END;
$$;

-- The people table: its rows are the people.
CREATE FUNCTION report_mark_by_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO report_dirty_people (person_id) SELECT DISTINCT id FROM report_new_rows;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO report_dirty_people (person_id)
      SELECT id FROM report_new_rows UNION SELECT id FROM report_old_rows;
  ELSE
    INSERT INTO report_dirty_people (person_id) SELECT DISTINCT id FROM report_old_rows;
  END IF;
  RETURN NULL;
END;
$$;

-- A service's payments and costs: the person is the service's.
CREATE FUNCTION report_mark_by_service() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO report_dirty_people (person_id)
      SELECT DISTINCT s.person_id FROM report_new_rows AS c JOIN services AS s ON s.id = c.service_id;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO report_dirty_people (person_id)
      SELECT s.person_id FROM report_new_rows AS c JOIN services AS s ON s.id = c.service_id
      UNION SELECT s.person_id FROM report_old_rows AS c JOIN services AS s ON s.id = c.service_id;
  ELSE
    INSERT INTO report_dirty_people (person_id)
      SELECT DISTINCT s.person_id FROM report_old_rows AS c JOIN services AS s ON s.id = c.service_id;
  END IF;
  RETURN NULL;
END;
$$;

-- A budget's reviews and their triggers: the person is the budget's.
CREATE FUNCTION report_mark_by_budget() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO report_dirty_people (person_id)
      SELECT DISTINCT b.person_id FROM report_new_rows AS c JOIN budgets AS b ON b.id = c.budget_id;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO report_dirty_people (person_id)
      SELECT b.person_id FROM report_new_rows AS c JOIN budgets AS b ON b.id = c.budget_id
      UNION SELECT b.person_id FROM report_old_rows AS c JOIN budgets AS b ON b.id = c.budget_id;
  ELSE
    INSERT INTO report_dirty_people (person_id)
      SELECT DISTINCT b.person_id FROM report_old_rows AS c JOIN budgets AS b ON b.id = c.budget_id;
  END IF;
  RETURN NULL;
END;
$$;

-- A team's name is what a keyworker row says (RPT-7): renaming an organisation marks its keyworkers'
-- people. Only updates are watched, as in 0130.
CREATE FUNCTION report_mark_by_keyworker_team() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO report_dirty_people (person_id)
    SELECT a.person_id FROM report_new_rows AS c JOIN person_allocations AS a ON a.organisation_id = c.id WHERE a.reason = 'keyworker'
    UNION SELECT a.person_id FROM report_old_rows AS c JOIN person_allocations AS a ON a.organisation_id = c.id WHERE a.reason = 'keyworker';
  RETURN NULL;
END;
$$;

DO $$
DECLARE
  t record;
BEGIN
  FOR t IN SELECT * FROM (VALUES
    ('people', 'report_mark_by_id'),
    ('residences', 'report_mark_by_person_id'),
    ('gp_registrations', 'report_mark_by_person_id'),
    ('admissions', 'report_mark_by_person_id'),
    ('legal_statuses', 'report_mark_by_person_id'),
    ('leaves', 'report_mark_by_person_id'),
    ('responsibility_decisions', 'report_mark_by_person_id'),
    ('ending_proposals', 'report_mark_by_person_id'),
    ('reinstatements', 'report_mark_by_person_id'),
    ('placements', 'report_mark_by_person_id'),
    ('person_allocations', 'report_mark_by_person_id'),
    ('person_organisations', 'report_mark_by_person_id'),
    ('reviews', 'report_mark_by_person_id'),
    ('review_requests', 'report_mark_by_person_id'),
    ('disputes', 'report_mark_by_person_id'),
    ('plan_versions', 'report_mark_by_person_id'),
    ('complaints', 'report_mark_by_person_id'),
    ('charges', 'report_mark_by_person_id'),
    ('refunds', 'report_mark_by_person_id'),
    ('services', 'report_mark_by_person_id'),
    ('budgets', 'report_mark_by_person_id'),
    ('service_payments', 'report_mark_by_service'),
    ('service_costs', 'report_mark_by_service'),
    ('budget_reviews', 'report_mark_by_budget'),
    ('budget_review_triggers', 'report_mark_by_budget')
  ) AS x (tbl, fn) LOOP
    EXECUTE format('DROP TRIGGER report_mark_insert ON %I', t.tbl);
    EXECUTE format('DROP TRIGGER report_mark_update ON %I', t.tbl);
    EXECUTE format('DROP TRIGGER report_mark_delete ON %I', t.tbl);
    EXECUTE format('CREATE TRIGGER report_mark_insert AFTER INSERT ON %I REFERENCING NEW TABLE AS report_new_rows FOR EACH STATEMENT EXECUTE FUNCTION %I()', t.tbl, t.fn);
    EXECUTE format('CREATE TRIGGER report_mark_update AFTER UPDATE ON %I REFERENCING OLD TABLE AS report_old_rows NEW TABLE AS report_new_rows FOR EACH STATEMENT EXECUTE FUNCTION %I()', t.tbl, t.fn);
    EXECUTE format('CREATE TRIGGER report_mark_delete AFTER DELETE ON %I REFERENCING OLD TABLE AS report_old_rows FOR EACH STATEMENT EXECUTE FUNCTION %I()', t.tbl, t.fn);
  END LOOP;
END;
$$;

DROP TRIGGER report_mark_update ON organisations;
CREATE TRIGGER report_mark_update AFTER UPDATE ON organisations REFERENCING OLD TABLE AS report_old_rows NEW TABLE AS report_new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION report_mark_by_keyworker_team();

DROP FUNCTION report_mark_people();
