-- Money: charges a person paid and their refunds (CHG-2),
-- top-up agreements for preferred accommodation (CHG-3), disputes between the bodies (RESP-6) and
-- what each body paid for a service, for recharges and spend (RESP-1, RESP-7).
-- Money is integer pence (bigint).

-- CHG-2: a charge the person paid, recorded by hand or imported from the finance system.
CREATE TABLE charges (
  id uuid PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES people (id),
  period_from date NOT NULL,
  period_to date NOT NULL,
  amount_pence bigint NOT NULL CHECK (amount_pence > 0),
  paid_on date NOT NULL,
  description text NOT NULL,
  service_id uuid REFERENCES services (id),
  source text NOT NULL CHECK (source IN ('manual', 'import')),
  import_reference text,
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT charges_period_in_order CHECK (period_to >= period_from)
);
CREATE INDEX charges_person ON charges (person_id);

-- CHG-2: a refund calculation, its lines (per charge period: principal and interest) and its progress.
CREATE TABLE refunds (
  id uuid PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES people (id),
  calculated_on date NOT NULL,
  interest_basis_points integer NOT NULL CHECK (interest_basis_points >= 0),
  lines jsonb NOT NULL,
  total_principal_pence bigint NOT NULL CHECK (total_principal_pence >= 0),
  total_interest_pence bigint NOT NULL CHECK (total_interest_pence >= 0),
  status text NOT NULL DEFAULT 'calculated' CHECK (status IN ('calculated', 'approved', 'paid')),
  approved_by uuid REFERENCES users (id),
  approved_on date,
  paid_on date,
  payment_method text,
  letter_sent_on date,
  version integer NOT NULL DEFAULT 1,
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refunds_person ON refunds (person_id);

-- CHG-3: the conditions of reg 4 and the written agreement (reg 5) for preferred accommodation.
CREATE TABLE top_up_agreements (
  id uuid PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES people (id),
  service_id uuid NOT NULL REFERENCES services (id),
  version integer NOT NULL DEFAULT 1,
  preferred_accommodation text NOT NULL,
  conditions jsonb NOT NULL,
  terms jsonb NOT NULL,
  payer_kind text CHECK (payer_kind IN ('person', 'third-party')),
  payer_relationship text,
  signed_on date,
  refused_on date,
  refusal_reasons text,
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES users (id),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT top_ups_refusal_has_reasons CHECK (refused_on IS NULL OR refusal_reasons IS NOT NULL),
  CONSTRAINT top_ups_signed_or_refused CHECK (signed_on IS NULL OR refused_on IS NULL)
);
CREATE INDEX top_up_agreements_person ON top_up_agreements (person_id);

-- RESP-6: a dispute between two bodies about a person's aftercare.
CREATE TABLE disputes (
  id uuid PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES people (id),
  version integer NOT NULL DEFAULT 1,
  party_a_kind text NOT NULL CHECK (party_a_kind IN ('local-authority', 'icb')),
  party_a_code text NOT NULL,
  party_b_kind text NOT NULL CHECK (party_b_kind IN ('local-authority', 'icb')),
  party_b_code text NOT NULL,
  subject text NOT NULL,
  details text,
  interim_funder_code text NOT NULL,
  raised_on date NOT NULL,
  referred_on date,
  person_told_on date,
  resolved_on date,
  resolution text,
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES users (id),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX disputes_person ON disputes (person_id);
CREATE INDEX disputes_party_a ON disputes (party_a_code);
CREATE INDEX disputes_party_b ON disputes (party_b_code);

-- RESP-1/RESP-7: what a body paid for a service over a period.
CREATE TABLE service_payments (
  id uuid PRIMARY KEY,
  service_id uuid NOT NULL REFERENCES services (id),
  body text NOT NULL CHECK (body IN ('local-authority', 'icb')),
  organisation_code text NOT NULL,
  period_from date NOT NULL,
  period_to date NOT NULL,
  amount_pence bigint NOT NULL CHECK (amount_pence >= 0),
  paid_on date NOT NULL,
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT service_payments_period_in_order CHECK (period_to >= period_from)
);
CREATE INDEX service_payments_service ON service_payments (service_id);
CREATE INDEX service_payments_period ON service_payments (period_from, period_to);
CREATE INDEX services_period ON services (start_date, end_date);
