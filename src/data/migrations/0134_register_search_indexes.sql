-- Issue 14: the register's searches at 1,000,000 people (docs/performance.md, "Register searches at
-- 1,000,000 people").
--
-- 1. The NHS number search. Since 0115 the only index on people.nhs_number is partial (WHERE
--    duplicate_of IS NULL, so a duplicate registration may share the number), and the search
--    (nhs_number = $1, any registration) could not use it: a sequential scan of every person.
CREATE INDEX people_nhs_number ON people (nhs_number);

-- 2. Filters on the projections (status, local authority, ICB) that keep few people. The register
--    lists people in name order (family name, given name, id); with the names only in people,
--    PostgreSQL walked the whole register in name order and looked up each person's summary until
--    it met a page of matches: 50,000 people for a council's list seen by the other council, 1.7 s.
--    The summary now carries a copy of the sort key, so that an index on (filter, sort key) gives
--    the matching people already in name order. The copy is kept by triggers, whatever writes the
--    summary or renames the person, so it cannot drift from people.
ALTER TABLE person_summaries ADD COLUMN sort_family_name text;
ALTER TABLE person_summaries ADD COLUMN sort_given_name text;
-- The indexes before the copy: built after it (in the same transaction), they could not be used
-- until every transaction older than the migration had ended (pg_index.indcheckxmin), which on a
-- busy server is a while.
CREATE INDEX person_summaries_status_sort ON person_summaries (status, sort_family_name, sort_given_name, person_id);
CREATE INDEX person_summaries_la_sort ON person_summaries (local_authority_code, sort_family_name, sort_given_name, person_id);
CREATE INDEX person_summaries_icb_sort ON person_summaries (icb_code, sort_family_name, sort_given_name, person_id);
UPDATE person_summaries s SET sort_family_name = p.family_name, sort_given_name = p.given_name FROM people p WHERE p.id = s.person_id;
ALTER TABLE person_summaries ALTER COLUMN sort_family_name SET NOT NULL;
ALTER TABLE person_summaries ALTER COLUMN sort_given_name SET NOT NULL;

CREATE FUNCTION person_summaries_sort_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT family_name, given_name INTO NEW.sort_family_name, NEW.sort_given_name FROM people WHERE id = NEW.person_id;
  RETURN NEW;
END;
$$;
CREATE TRIGGER person_summaries_sort_key BEFORE INSERT OR UPDATE ON person_summaries
  FOR EACH ROW EXECUTE FUNCTION person_summaries_sort_key();

CREATE FUNCTION people_sort_key_to_summary() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE person_summaries SET sort_family_name = NEW.family_name, sort_given_name = NEW.given_name WHERE person_id = NEW.id;
  RETURN NULL;
END;
$$;
CREATE TRIGGER people_sort_key_to_summary AFTER UPDATE OF family_name, given_name ON people
  FOR EACH ROW WHEN (OLD.family_name IS DISTINCT FROM NEW.family_name OR OLD.given_name IS DISTINCT FROM NEW.given_name)
  EXECUTE FUNCTION people_sort_key_to_summary();

-- The single-column indexes of 0001 are prefixes of these.
DROP INDEX person_summaries_status;
DROP INDEX person_summaries_la;
DROP INDEX person_summaries_icb;
