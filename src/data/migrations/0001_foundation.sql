-- Foundation: organisations, users and sign-in, people and their legal history, the audit trail.
-- Dates are calendar dates (UK, no time zone); instants are timestamptz.

CREATE TABLE organisations (
  id uuid PRIMARY KEY,
  code text NOT NULL UNIQUE,
  name text NOT NULL,
  type text NOT NULL CHECK (type IN ('local-authority', 'icb', 'provider')),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id uuid PRIMARY KEY,
  email text NOT NULL UNIQUE CHECK (email = lower(email)),
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'practitioner', 'approver', 'finance', 'auditor')),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  password_hash text,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Only a hash of each API token and session token is stored.
CREATE TABLE api_tokens (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id),
  token_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);

CREATE TABLE sessions (
  token_hash text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE sign_in_failures (
  email text NOT NULL,
  failed_at timestamptz NOT NULL
);
CREATE INDEX sign_in_failures_email ON sign_in_failures (email, failed_at);

CREATE TABLE people (
  id uuid PRIMARY KEY,
  version integer NOT NULL DEFAULT 1,
  nhs_number text UNIQUE CHECK (nhs_number ~ '^[0-9]{10}$'),
  local_id text,
  given_name text NOT NULL,
  family_name text NOT NULL,
  date_of_birth date NOT NULL,
  date_of_death date,
  address_line1 text,
  postcode text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX people_family_name ON people (lower(family_name) text_pattern_ops);
CREATE INDEX people_given_name ON people (lower(given_name) text_pattern_ops);
CREATE INDEX people_local_id ON people (local_id);
CREATE INDEX people_sort ON people (family_name, given_name, id);

-- Ordinary residence and GP registration are kept as histories: responsibility is decided by
-- what held immediately before a detention (RESP-2, RESP-5).
CREATE TABLE residences (
  id uuid PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES people (id),
  local_authority_code text NOT NULL,
  since date NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX residences_person ON residences (person_id);

CREATE TABLE gp_registrations (
  id uuid PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES people (id),
  practice_code text,
  icb_code text NOT NULL,
  since date NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX gp_registrations_person ON gp_registrations (person_id);

CREATE TABLE admissions (
  id uuid PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES people (id),
  version integer NOT NULL DEFAULT 1,
  hospital text NOT NULL,
  admitted_on date NOT NULL,
  discharged_on date,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (discharged_on IS NULL OR discharged_on >= admitted_on)
);
CREATE INDEX admissions_person ON admissions (person_id);

CREATE TABLE legal_statuses (
  id uuid PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES people (id),
  version integer NOT NULL DEFAULT 1,
  section text NOT NULL,
  start_date date NOT NULL,
  end_date date,
  admission_id uuid REFERENCES admissions (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (end_date IS NULL OR end_date >= start_date)
);
CREATE INDEX legal_statuses_person ON legal_statuses (person_id);

-- Section 17 leave with the recorded decision whether it started aftercare (ELIG-4).
CREATE TABLE leaves (
  id uuid PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES people (id),
  version integer NOT NULL DEFAULT 1,
  from_date date NOT NULL,
  to_date date,
  kind text NOT NULL CHECK (kind IN ('escorted', 'unescorted', 'trial-placement')),
  triggers_aftercare boolean NOT NULL,
  reason text NOT NULL,
  decided_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (to_date IS NULL OR to_date >= from_date)
);
CREATE INDEX leaves_person ON leaves (person_id);

-- A person's confirmation of the responsible bodies for an episode; the latest one counts and
-- the earlier ones stay as history. An episode's id is the id of the legal status that opened it.
CREATE TABLE responsibility_decisions (
  id uuid PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES people (id),
  episode_id uuid NOT NULL REFERENCES legal_statuses (id),
  local_authority_code text NOT NULL,
  local_authority_basis text NOT NULL,
  icb_code text NOT NULL,
  icb_basis text NOT NULL,
  decided_by uuid NOT NULL REFERENCES users (id),
  decided_at timestamptz NOT NULL
);
CREATE INDEX responsibility_decisions_person ON responsibility_decisions (person_id);

-- Staff allocated to a person give their organisation sight of the person.
CREATE TABLE person_allocations (
  id uuid PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES people (id),
  user_id uuid NOT NULL REFERENCES users (id),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  reason text NOT NULL,
  allocated_at timestamptz NOT NULL DEFAULT now(),
  ended_at timestamptz
);
CREATE INDEX person_allocations_person ON person_allocations (person_id);

-- Projections of what src/domain derives from the facts above, rebuilt in the same transaction
-- as every change to a person, so that the register can be searched and scoped in SQL.
CREATE TABLE person_summaries (
  person_id uuid PRIMARY KEY REFERENCES people (id),
  status text NOT NULL,
  local_authority_code text,
  icb_code text,
  left_hospital_on date,
  next_review_due date,
  refreshed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX person_summaries_status ON person_summaries (status);
CREATE INDEX person_summaries_la ON person_summaries (local_authority_code);
CREATE INDEX person_summaries_icb ON person_summaries (icb_code);
CREATE INDEX person_summaries_review ON person_summaries (next_review_due);

CREATE TABLE person_organisations (
  person_id uuid NOT NULL REFERENCES people (id),
  organisation_code text NOT NULL,
  PRIMARY KEY (organisation_code, person_id)
);
CREATE INDEX person_organisations_person ON person_organisations (person_id);

-- The audit trail: append-only, each event chained to the one before by a hash.
CREATE TABLE audit_events (
  seq bigint PRIMARY KEY,
  at timestamptz NOT NULL,
  user_id uuid,
  organisation_id uuid,
  action text NOT NULL,
  record_type text,
  record_id text,
  person_id uuid,
  request_id text,
  details jsonb NOT NULL DEFAULT '{}',
  prev_hash text NOT NULL,
  hash text NOT NULL
);
CREATE INDEX audit_events_person ON audit_events (person_id, seq);

CREATE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit trail is append-only';
END;
$$;
CREATE TRIGGER audit_events_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change();
