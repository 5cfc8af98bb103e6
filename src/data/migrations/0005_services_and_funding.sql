-- Services and funding: the partnerships' joint funding policies (RESP-7), the
-- services a person receives with their s117 decision, care type, funding split and cost (SCOPE-1 to
-- SCOPE-5, CHG-1, CHG-4, RESP-1), and direct payments and personal health budgets (DP-1 to DP-3).
-- Money is integer pence (bigint); percentages are integers.

-- RESP-7: a partnership's (local authority + ICB) default splits by category, in versions that are
-- never changed once made: a new version is a new row.
CREATE TABLE funding_policies (
  id uuid PRIMARY KEY,
  partnership_name text NOT NULL,
  local_authority_code text NOT NULL,
  icb_code text NOT NULL,
  version integer NOT NULL CHECK (version >= 1),
  effective_from date NOT NULL,
  splits jsonb NOT NULL,
  notes text,
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (local_authority_code, icb_code, version)
);

CREATE FUNCTION funding_policies_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'funding policy versions cannot be changed or removed; make a new version';
END $$;
CREATE TRIGGER funding_policies_immutable BEFORE UPDATE OR DELETE ON funding_policies
  FOR EACH ROW EXECUTE FUNCTION funding_policies_refuse_change();

CREATE TABLE services (
  id uuid PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES people (id),
  episode_id text,
  version integer NOT NULL DEFAULT 1,
  description text NOT NULL,
  category text NOT NULL,
  care_type text NOT NULL CHECK (care_type IN ('health', 'social', 'mixed')),
  s117 boolean NOT NULL,
  -- SCOPE-1: the two limbs and the rationale (null when not recorded).
  arises_from_mental_disorder boolean,
  reduces_risk_of_deterioration boolean,
  scope_rationale text,
  -- The plan's need (the plan's needs live in plans.content, JSON: no foreign key).
  need_id uuid NULL,
  provider text NOT NULL,
  la_percent integer NOT NULL CHECK (la_percent BETWEEN 0 AND 100),
  icb_percent integer NOT NULL CHECK (icb_percent BETWEEN 0 AND 100),
  policy_id uuid REFERENCES funding_policies (id),
  funding_override_reason text,
  weekly_cost_pence bigint NOT NULL CHECK (weekly_cost_pence >= 0),
  person_contribution_pence bigint NOT NULL DEFAULT 0 CHECK (person_contribution_pence >= 0),
  start_date date NOT NULL,
  end_date date,
  -- PLAN-7: a planned service is unconfirmed until this date is set.
  confirmed_on date,
  accommodation_type text,
  enhanced_features jsonb,
  accommodation_reason text,
  involuntary_placement boolean,
  rent_decision jsonb,
  budget text CHECK (budget IN ('direct-payment', 'personal-health-budget')),
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES users (id),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT services_split_adds_to_100 CHECK (la_percent + icb_percent = 100),
  -- CHG-1, belt and braces: nobody is ever charged for an s117 service.
  CONSTRAINT services_s117_no_charge CHECK (NOT s117 OR person_contribution_pence = 0),
  -- SCOPE-4: ordinary housing is never s117.
  CONSTRAINT services_s117_not_ordinary_housing CHECK (NOT s117 OR accommodation_type IS DISTINCT FROM 'ordinary'),
  CONSTRAINT services_dates_in_order CHECK (end_date IS NULL OR end_date >= start_date)
);
CREATE INDEX services_person ON services (person_id);
CREATE INDEX services_need ON services (need_id);
CREATE INDEX services_s117 ON services (s117, start_date);

-- DP-1 to DP-3: a direct payment (the local authority's) or a personal health budget (the ICB's).
CREATE TABLE budgets (
  id uuid PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES people (id),
  version integer NOT NULL DEFAULT 1,
  kind text NOT NULL CHECK (kind IN ('direct-payment', 'personal-health-budget')),
  holder_body text NOT NULL CHECK (holder_body IN ('local-authority', 'icb')),
  holder_code text,
  service_ids jsonb NOT NULL,
  payee_relationship text NOT NULL,
  payee_is_close_relative_in_household boolean NOT NULL DEFAULT false,
  necessity_reason text,
  start_date date NOT NULL,
  end_date date,
  amount_pence_per_week bigint NOT NULL CHECK (amount_pence_per_week >= 0),
  offered_on date,
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT budgets_holder_matches_kind CHECK ((kind = 'direct-payment') = (holder_body = 'local-authority'))
);
CREATE INDEX budgets_person ON budgets (person_id);

CREATE TABLE budget_reviews (
  id uuid PRIMARY KEY,
  budget_id uuid NOT NULL REFERENCES budgets (id),
  held_on date NOT NULL,
  reason text NOT NULL DEFAULT 'scheduled',
  recorded_by uuid NOT NULL REFERENCES users (id),
  recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX budget_reviews_budget ON budget_reviews (budget_id);

-- The earliest review due of the person's open budgets (DP-1(d), DP-2), for the overdue lists.
ALTER TABLE person_summaries ADD COLUMN budget_review_due date;
CREATE INDEX person_summaries_budget_review ON person_summaries (budget_review_due);
