-- Issue 14: the reports' marks (0130) are statement-level triggers, and a statement fires them even
-- when it changed no row. Every change to a person ends with the projections' statement, whose sight
-- rows are deleted and inserted only where they changed: on most changes neither deletes nor inserts
-- anything, yet each fired a trigger that planned and ran a dynamic INSERT for nothing. The
-- transition table is looked at first, by a static query (planned once per session and trigger).
CREATE OR REPLACE FUNCTION report_mark_people() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    IF EXISTS (SELECT 1 FROM report_new_rows) THEN
      EXECUTE format('INSERT INTO report_dirty_people (person_id) SELECT DISTINCT person_id FROM (' || TG_ARGV[0] || ') AS changed WHERE person_id IS NOT NULL', 'report_new_rows');
    END IF;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    IF EXISTS (SELECT 1 FROM report_old_rows) THEN
      EXECUTE format('INSERT INTO report_dirty_people (person_id) SELECT DISTINCT person_id FROM (' || TG_ARGV[0] || ') AS changed WHERE person_id IS NOT NULL', 'report_old_rows');
    END IF;
  END IF;
  RETURN NULL;
END;
$$;
