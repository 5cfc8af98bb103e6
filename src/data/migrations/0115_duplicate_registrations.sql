-- Issue 15 (task B): records made under an NHS number already on the register (duplicate_of, 0110) get
-- a tool. Each such registration is recorded with how it came (registering, changing an NHS number, an
-- import or a FHIR feed), by which organisation and when, so that an s117 lead or admin who sees the
-- person already registered can decide: the same person (merge) or not (keep separate), with a reason.
-- A merged record is kept for the audit trail, pointing at the surviving one (merged_into), and is
-- never listed, found or opened again. duplicate_of stays as it was, so people_nhs_number_registered
-- (one registered record per NHS number) is unaffected.
ALTER TABLE people ADD COLUMN merged_into uuid REFERENCES people(id);
ALTER TABLE people ADD COLUMN merged_at timestamptz;
ALTER TABLE people ADD CONSTRAINT people_merged_is_a_duplicate CHECK (merged_into IS NULL OR (duplicate_of IS NOT NULL AND merged_at IS NOT NULL));

CREATE TABLE duplicate_registrations (
  id uuid PRIMARY KEY,
  -- The later record, made by an organisation that could not see the person already registered.
  person_id uuid NOT NULL REFERENCES people(id),
  -- The person already registered with that NHS number.
  duplicate_of uuid NOT NULL REFERENCES people(id),
  route text NOT NULL CHECK (route IN ('registration', 'nhs-number-change', 'import', 'fhir-feed', 'unknown')),
  organisation_code text,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  decision text CHECK (decision IN ('merged', 'not-the-same')),
  reason text,
  decided_by uuid REFERENCES users(id),
  decided_by_organisation_code text,
  decided_at timestamptz,
  CHECK ((decision IS NULL) = (decided_at IS NULL)),
  CHECK (decision IS DISTINCT FROM 'not-the-same' OR reason IS NOT NULL)
);
CREATE UNIQUE INDEX duplicate_registrations_pair ON duplicate_registrations (person_id, duplicate_of);
CREATE INDEX duplicate_registrations_open ON duplicate_registrations (duplicate_of) WHERE decision IS NULL;

-- The records made since 0110: the organisation and route from the allocation the registration made
-- (and the FHIR feed's link to the Patient), when from the record itself.
INSERT INTO duplicate_registrations (id, person_id, duplicate_of, route, organisation_code, recorded_at)
SELECT gen_random_uuid(), p.id, p.duplicate_of,
  CASE
    WHEN EXISTS (SELECT 1 FROM fhir_feed_links l WHERE l.person_id = p.id AND l.resource_type = 'Patient') THEN 'fhir-feed'
    WHEN first_allocation.reason = 'imported the person' THEN 'import'
    WHEN first_allocation.reason = 'registered the person' THEN 'registration'
    ELSE 'unknown'
  END,
  first_allocation.code,
  p.created_at
FROM people p
LEFT JOIN LATERAL (
  SELECT a.reason, o.code FROM person_allocations a JOIN organisations o ON o.id = a.organisation_id
  WHERE a.person_id = p.id ORDER BY a.allocated_at, a.id LIMIT 1
) first_allocation ON true
WHERE p.duplicate_of IS NOT NULL;
