-- Care and support plans (PLAN-4 to PLAN-6). One plan per person: its current draft, edited with
-- optimistic locking (version); finalising copies the draft into an immutable numbered version.
-- Needs live inside the content (jsonb) with stable ids; services link to a need by its id
-- (a plain need_id uuid column in their own table, no foreign key).

CREATE TABLE plans (
  id uuid PRIMARY KEY,
  person_id uuid NOT NULL UNIQUE REFERENCES people (id),
  content jsonb NOT NULL,
  version integer NOT NULL DEFAULT 1,
  -- The number of the final version the draft is identical to; null once the draft is edited.
  finalised_number integer,
  updated_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE plan_versions (
  id uuid PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES people (id),
  number integer NOT NULL CHECK (number >= 1),
  content jsonb NOT NULL,
  finalised_by uuid NOT NULL REFERENCES users (id),
  finalised_at timestamptz NOT NULL,
  UNIQUE (person_id, number)
);

-- A finalised version is a record of what was agreed: it is never changed or removed.
CREATE FUNCTION plan_versions_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'a finalised plan version cannot be changed';
END;
$$;
CREATE TRIGGER plan_versions_no_update_or_delete BEFORE UPDATE OR DELETE ON plan_versions
  FOR EACH ROW EXECUTE FUNCTION plan_versions_refuse_change();
CREATE TRIGGER plan_versions_no_truncate BEFORE TRUNCATE ON plan_versions
  FOR EACH STATEMENT EXECUTE FUNCTION plan_versions_refuse_change();

-- PLAN-7: why the person is not ready to have left hospital (null when nothing to warn about).
ALTER TABLE person_summaries ADD COLUMN discharge_warning text;
