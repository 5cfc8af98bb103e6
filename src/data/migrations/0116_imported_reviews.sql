-- Moving in (issue 10, REV-1): the last review date of an imported register is recorded as a review
-- held on that day, marked as imported from the previous register by the batch that brought it. The
-- sheet gives only the date, so nothing else is invented: such a review has no outcome (a review
-- recorded in the register always has one).
ALTER TABLE reviews ALTER COLUMN outcome DROP NOT NULL;
ALTER TABLE reviews ADD COLUMN imported_batch_id uuid;
ALTER TABLE reviews ADD CONSTRAINT reviews_outcome_unless_imported CHECK (outcome IS NOT NULL OR imported_batch_id IS NOT NULL);
