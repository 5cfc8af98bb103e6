-- Issue 15, probe 7: an ended episode's responsibility is history; it changes only by a recorded
-- correction, whose reason is kept with the decision.
ALTER TABLE responsibility_decisions ADD COLUMN correction_reason text;
