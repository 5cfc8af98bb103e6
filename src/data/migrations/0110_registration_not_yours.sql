-- Issue 15, money/records "404 before 403" (registration): registering an NHS number that belongs to a
-- person the caller's organisation may not see answers exactly as for a new person (201, a record of
-- what the caller typed, which the caller's organisation sees), so that the answer does not tell a
-- stranger that the person is on the register. The new record points at the person already
-- registered (duplicate_of), for an admin to reconcile; only records without duplicate_of must have
-- distinct NHS numbers, and every look-up by NHS number takes that one.
ALTER TABLE people ADD COLUMN duplicate_of uuid REFERENCES people(id);
ALTER TABLE people DROP CONSTRAINT people_nhs_number_key;
CREATE UNIQUE INDEX people_nhs_number_registered ON people (nhs_number) WHERE duplicate_of IS NULL;
CREATE INDEX people_duplicate_of ON people (duplicate_of) WHERE duplicate_of IS NOT NULL;
