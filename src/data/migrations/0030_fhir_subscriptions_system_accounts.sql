-- Talking to other systems (issue 12): system accounts, the detentions fed in over FHIR, and change
-- notifications through an outbox written in the same transaction as the change.

-- A system account is a user (so its tokens, audit events and allocations work as any user's) that
-- no person signs in as (no password), with the scopes it may use and, for the OAuth 2.0
-- client-credentials grant, a client id and the hash of its secret.
CREATE TABLE system_accounts (
  user_id uuid PRIMARY KEY REFERENCES users (id),
  client_id text NOT NULL UNIQUE,
  client_secret_hash text NOT NULL,
  scopes text[] NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);

-- Tokens from the token endpoint expire; tokens made with `s117 token create` do not (null).
ALTER TABLE api_tokens ADD COLUMN expires_at timestamptz;

-- The sending system's identifiers of what it fed in, so that a re-sent bundle changes nothing and a
-- corrected one updates the same hospital stay and legal status in place.
CREATE TABLE fhir_feed_links (
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  resource_type text NOT NULL CHECK (resource_type IN ('Patient', 'Encounter')),
  system text NOT NULL,
  value text NOT NULL,
  person_id uuid NOT NULL REFERENCES people (id),
  admission_id uuid REFERENCES admissions (id),
  legal_status_id uuid REFERENCES legal_statuses (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organisation_id, resource_type, system, value)
);
CREATE INDEX fhir_feed_links_person ON fhir_feed_links (person_id);
CREATE INDEX fhir_feed_links_admission ON fhir_feed_links (admission_id);

-- Webhook subscriptions of an organisation (api-contract: "Change notifications").
CREATE TABLE subscriptions (
  id uuid PRIMARY KEY,
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  -- null: an admin's subscription, which hears about everyone.
  scope_organisation_code text,
  url text NOT NULL,
  events text[] NOT NULL,
  secret text NOT NULL,
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz
);
CREATE INDEX subscriptions_organisation ON subscriptions (organisation_id);

-- What each person's record last told subscribers (episode statuses, bodies, s117 services), so that
-- the projections can tell what changed. state null: a person recorded before this migration, whose
-- first re-derivation records the state without announcing the past.
CREATE TABLE notification_states (
  person_id uuid PRIMARY KEY REFERENCES people (id),
  state jsonb
);
INSERT INTO notification_states (person_id, state) SELECT id, NULL FROM people;

-- The outbox: one row per change, written in the change's own transaction.
CREATE TABLE outbox_events (
  id uuid PRIMARY KEY,
  event text NOT NULL,
  person_id uuid NOT NULL REFERENCES people (id),
  episode_id uuid,
  service_id uuid,
  occurred_at timestamptz NOT NULL
);
CREATE INDEX outbox_events_person ON outbox_events (person_id);

-- One delivery of an event to one subscription, retried with back-off until a 2xx answer.
CREATE TABLE deliveries (
  id uuid PRIMARY KEY,
  subscription_id uuid NOT NULL REFERENCES subscriptions (id),
  event_id uuid NOT NULL REFERENCES outbox_events (id),
  status text NOT NULL CHECK (status IN ('pending', 'delivered')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  last_attempt_at timestamptz,
  last_status_code integer,
  last_error text,
  delivered_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (subscription_id, event_id)
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_subscription ON deliveries (subscription_id, created_at);
