-- Budget rules not in 0005: DP-1(a) drug or alcohol requirements, DP-1(c) capacity and the authorised
-- person, DP-2 consent, representative, care plan, payment and refusal, changes and ending (a version
-- column exists already), reductions with notice (DP-2), and events that make a review due now (DP-1(d)).
ALTER TABLE budgets ADD COLUMN drug_or_alcohol_requirement boolean NOT NULL DEFAULT false;
ALTER TABLE budgets ADD COLUMN capacity text NOT NULL DEFAULT 'has' CHECK (capacity IN ('has', 'lacks'));
ALTER TABLE budgets ADD COLUMN consents boolean;
ALTER TABLE budgets ADD COLUMN authorised_person jsonb;
ALTER TABLE budgets ADD COLUMN consultation_recorded_on date;
ALTER TABLE budgets ADD COLUMN enhanced_dbs_checked_on date;
ALTER TABLE budgets ADD COLUMN care_plan jsonb;
ALTER TABLE budgets ADD COLUMN paying_from date;
ALTER TABLE budgets ADD COLUMN refused_on date;
ALTER TABLE budgets ADD COLUMN refusal_reasons text;
ALTER TABLE budgets ADD COLUMN end_reason text;
ALTER TABLE budgets ADD COLUMN updated_by uuid REFERENCES users (id);
ALTER TABLE budgets ADD COLUMN updated_at timestamptz;

-- DP-2: a reduction or stopping (new amount 0) with written notice and the right to one further review.
CREATE TABLE budget_reductions (
  id uuid PRIMARY KEY,
  budget_id uuid NOT NULL REFERENCES budgets (id),
  previous_amount_pence_per_week bigint NOT NULL,
  new_amount_pence_per_week bigint NOT NULL CHECK (new_amount_pence_per_week >= 0),
  notice_given_on date NOT NULL,
  effective_on date NOT NULL,
  further_review_requested_on date,
  recorded_by uuid NOT NULL REFERENCES users (id),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT budget_reductions_after_notice CHECK (effective_on > notice_given_on)
);
CREATE INDEX budget_reductions_budget ON budget_reductions (budget_id);

-- DP-1(d): a suspected breach or a change in capacity makes a review due now.
CREATE TABLE budget_review_triggers (
  id uuid PRIMARY KEY,
  budget_id uuid NOT NULL REFERENCES budgets (id),
  kind text NOT NULL CHECK (kind IN ('suspected-breach', 'change-in-capacity')),
  occurred_on date NOT NULL,
  recorded_by uuid NOT NULL REFERENCES users (id),
  recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX budget_review_triggers_budget ON budget_review_triggers (budget_id);
