-- Issue 9 item 3: decisions that cannot be made by accident.
-- An approval carries the approver's comment (END-1: a separate sign-off for each body, with its record).
ALTER TABLE ending_approvals ADD COLUMN comment text;
ALTER TABLE reinstatement_approvals ADD COLUMN comment text;
-- An approver may refuse a proposal to end aftercare, or send it back for reassessment, with reasons.
ALTER TABLE ending_proposals DROP CONSTRAINT ending_proposals_status_check;
ALTER TABLE ending_proposals ADD CONSTRAINT ending_proposals_status_check CHECK (status IN ('pending', 'approved', 'withdrawn', 'refused', 'sent-back'));
ALTER TABLE ending_proposals ADD COLUMN decided_by uuid REFERENCES users (id);
ALTER TABLE ending_proposals ADD COLUMN decided_at timestamptz;
ALTER TABLE ending_proposals ADD COLUMN decision_side text CHECK (decision_side IN ('local-authority', 'icb'));
ALTER TABLE ending_proposals ADD COLUMN decision_reasons text;
-- END-7: the s117 services the proposal says carry on outside s117 once aftercare ends (ids of
-- services); every other s117 service in place ends with aftercare.
ALTER TABLE ending_proposals ADD COLUMN continuing_service_ids jsonb NOT NULL DEFAULT '[]';
