-- RESP-7: a split that raises a body's share above the joint policy's applies only once that body
-- approves it. services.la_percent/icb_percent hold the EFFECTIVE split (what recharges and spend
-- use); the split the practitioner recorded is kept here while it differs from the effective one
-- or once approved, with the body whose approval it awaits and who approved it, when.
ALTER TABLE services ADD COLUMN proposed_la_percent integer CHECK (proposed_la_percent BETWEEN 0 AND 100);
ALTER TABLE services ADD COLUMN proposed_icb_percent integer CHECK (proposed_icb_percent BETWEEN 0 AND 100);
ALTER TABLE services ADD COLUMN split_awaiting text CHECK (split_awaiting IN ('local-authority', 'icb'));
ALTER TABLE services ADD COLUMN split_approved_body text CHECK (split_approved_body IN ('local-authority', 'icb'));
ALTER TABLE services ADD COLUMN split_approved_by uuid REFERENCES users (id);
ALTER TABLE services ADD COLUMN split_approved_at timestamptz;
