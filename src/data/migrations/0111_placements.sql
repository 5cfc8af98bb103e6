-- MHA25-3 (issue 15): accommodation a council arranged for the person: where (the council of the
-- area it is in), of what kind (the specified accommodation of Care Act s39: care home, supported
-- living, shared lives), which council arranged it, and when. Used by the deemed ordinary residence
-- rule only when S117_MHA2025_DEEMED_RESIDENCE is on.
CREATE TABLE placements (
  id uuid PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES people(id),
  local_authority_code text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('care-home', 'supported-living', 'shared-lives')),
  arranged_by_code text NOT NULL,
  from_date date NOT NULL,
  to_date date,
  description text,
  recorded_by uuid REFERENCES users(id),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  CHECK (to_date IS NULL OR to_date >= from_date)
);
CREATE INDEX placements_person ON placements (person_id, from_date);
