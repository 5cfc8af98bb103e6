-- Issue 11: sign-in with OpenID Connect, for staff (single sign-on) and for the person (NHS login),
-- and what the person does from their own pages (/your-aftercare).

-- A staff user's identity at their organisation's identity provider, linked the first time they sign
-- in by a verified email that matches their account. Never creates a user.
CREATE TABLE user_identities (
  issuer text NOT NULL,
  subject text NOT NULL,
  user_id uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (issuer, subject)
);
CREATE INDEX user_identities_user ON user_identities (user_id);

-- The person's NHS login identity, linked when the verified NHS number and date of birth match.
CREATE TABLE person_identities (
  issuer text NOT NULL,
  subject text NOT NULL,
  person_id uuid NOT NULL REFERENCES people (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (issuer, subject)
);
CREATE INDEX person_identities_person ON person_identities (person_id);

-- A person's session: a separate table from staff sessions, so that neither opens the other's pages.
-- Only a hash of the token is stored.
CREATE TABLE person_sessions (
  token_hash text PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES people (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX person_sessions_expiry ON person_sessions (expires_at);

-- What the person asks for themselves is recorded as done by the person: exactly one of the staff
-- user and the person is the author.
ALTER TABLE review_requests ALTER COLUMN recorded_by DROP NOT NULL;
ALTER TABLE review_requests ADD COLUMN recorded_by_person uuid REFERENCES people (id);
ALTER TABLE review_requests ADD CONSTRAINT review_requests_one_author CHECK (num_nonnulls(recorded_by, recorded_by_person) = 1);

ALTER TABLE complaints ALTER COLUMN recorded_by DROP NOT NULL;
ALTER TABLE complaints ADD COLUMN recorded_by_person uuid REFERENCES people (id);
ALTER TABLE complaints ADD CONSTRAINT complaints_one_author CHECK (num_nonnulls(recorded_by, recorded_by_person) = 1);

ALTER TABLE advocacy_referrals ALTER COLUMN created_by DROP NOT NULL;
ALTER TABLE advocacy_referrals ADD COLUMN created_by_person uuid REFERENCES people (id);
ALTER TABLE advocacy_referrals ADD CONSTRAINT advocacy_referrals_one_author CHECK (num_nonnulls(created_by, created_by_person) = 1);

-- PLAN-5/PLAN-6: whom the person shares their plan with, as the person says now. A finalised plan
-- version keeps what was agreed at the time; these rows add to it and withdraw from it.
CREATE TABLE plan_sharing_consents (
  id uuid PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES people (id),
  name text NOT NULL,
  relationship text,
  consented_on date,
  withdrawn_on date,
  recorded_by_person uuid REFERENCES people (id),
  recorded_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT plan_sharing_consents_one_author CHECK (num_nonnulls(recorded_by, recorded_by_person) = 1)
);
CREATE UNIQUE INDEX plan_sharing_consents_name ON plan_sharing_consents (person_id, lower(name));
