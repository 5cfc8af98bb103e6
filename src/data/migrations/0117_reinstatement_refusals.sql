-- Issue 9 items 3 and 9: an approver may refuse a request to reinstate aftercare, or send it back to be
-- reconsidered, with reasons, for their body (END-6, as for a proposal to end: migration 0106). The
-- approval's comment is already kept (0106: reinstatement_approvals.comment).
ALTER TABLE reinstatements DROP CONSTRAINT reinstatements_status_check;
ALTER TABLE reinstatements ADD CONSTRAINT reinstatements_status_check CHECK (status IN ('pending', 'approved', 'withdrawn', 'refused', 'sent-back'));
ALTER TABLE reinstatements ADD COLUMN decided_by uuid REFERENCES users (id);
ALTER TABLE reinstatements ADD COLUMN decided_at timestamptz;
ALTER TABLE reinstatements ADD COLUMN decision_side text CHECK (decision_side IN ('local-authority', 'icb'));
ALTER TABLE reinstatements ADD COLUMN decision_reasons text;
