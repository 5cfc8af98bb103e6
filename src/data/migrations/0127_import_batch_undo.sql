-- Moving in (issue 10, ADR 0011 "Consequences", round 5): on the embedded database (PGlite: one
-- session) a committing import commits each chunk of rows in its own transaction, so that pages are
-- served between chunks. A batch that fails midway must still leave nothing of itself behind, so it
-- is undone by one transaction: every row an import inserts names its batch (reviews already do,
-- 0116: imported_batch_id), and every row it changes has its previous values kept below, in order.
ALTER TABLE people ADD COLUMN import_batch_id uuid;
ALTER TABLE person_allocations ADD COLUMN import_batch_id uuid;
ALTER TABLE admissions ADD COLUMN import_batch_id uuid;
ALTER TABLE legal_statuses ADD COLUMN import_batch_id uuid;
ALTER TABLE residences ADD COLUMN import_batch_id uuid;
ALTER TABLE gp_registrations ADD COLUMN import_batch_id uuid;
ALTER TABLE services ADD COLUMN import_batch_id uuid;
ALTER TABLE duplicate_registrations ADD COLUMN import_batch_id uuid;
-- The undo finds a batch's rows by these (partial: most rows were not imported).
CREATE INDEX people_import_batch ON people (import_batch_id) WHERE import_batch_id IS NOT NULL;
CREATE INDEX person_allocations_import_batch ON person_allocations (import_batch_id) WHERE import_batch_id IS NOT NULL;
CREATE INDEX admissions_import_batch ON admissions (import_batch_id) WHERE import_batch_id IS NOT NULL;
CREATE INDEX legal_statuses_import_batch ON legal_statuses (import_batch_id) WHERE import_batch_id IS NOT NULL;
CREATE INDEX residences_import_batch ON residences (import_batch_id) WHERE import_batch_id IS NOT NULL;
CREATE INDEX gp_registrations_import_batch ON gp_registrations (import_batch_id) WHERE import_batch_id IS NOT NULL;
CREATE INDEX services_import_batch ON services (import_batch_id) WHERE import_batch_id IS NOT NULL;
CREATE INDEX duplicate_registrations_import_batch ON duplicate_registrations (import_batch_id) WHERE import_batch_id IS NOT NULL;
CREATE INDEX reviews_imported_batch ON reviews (imported_batch_id) WHERE imported_batch_id IS NOT NULL;

-- The values a batch committed chunk by chunk replaced: restored in reverse order (seq) by its undo,
-- and dropped once the batch has finished or been undone. Ids and the replaced columns only.
CREATE TABLE import_undo (
  seq bigserial PRIMARY KEY,
  batch_id uuid NOT NULL,
  table_name text NOT NULL CHECK (table_name IN ('people', 'admissions', 'legal_statuses', 'services', 'person_allocations')),
  row_id uuid NOT NULL,
  person_id uuid NOT NULL,
  previous jsonb NOT NULL
);
CREATE INDEX import_undo_batch ON import_undo (batch_id, seq);
