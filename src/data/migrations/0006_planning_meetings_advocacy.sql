-- Planning from detention (PLAN-1), the named keyworker (PLAN-3), planning meetings and their
-- invitees (PLAN-2), advocacy referrals (ADV-1 to ADV-5) and tribunal recommendations (MHA25-1).

-- A keyworker is a person_allocations row with reason 'keyworker'. Reallocation ends the old row
-- (ended_at) and adds a new one, so the history is kept; a person has at most one current keyworker.
CREATE UNIQUE INDEX person_allocations_one_keyworker ON person_allocations (person_id)
  WHERE reason = 'keyworker' AND ended_at IS NULL;
CREATE INDEX person_allocations_current_keyworker ON person_allocations (user_id)
  WHERE reason = 'keyworker' AND ended_at IS NULL;

-- The keyworker's contact details as given at allocation.
CREATE TABLE keyworker_details (
  allocation_id uuid PRIMARY KEY REFERENCES person_allocations (id),
  job_title text,
  team text,
  phone text,
  email text
);

CREATE TABLE planning_meetings (
  id uuid PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES people (id),
  -- The episode planned for: the id of the legal status that opened it (null: none yet).
  episode_id uuid REFERENCES legal_statuses (id),
  version integer NOT NULL DEFAULT 1,
  trigger text NOT NULL CHECK (trigger IN ('admission', 'tribunal', 'managers-hearing', 'cto', 'conditional-discharge', 'review', 'other')),
  scheduled_for date NOT NULL,
  place text,
  held_on date,
  person_views text,
  minutes text,
  person_wants_carer_family boolean NOT NULL DEFAULT false,
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX planning_meetings_person ON planning_meetings (person_id);

CREATE TABLE meeting_invitees (
  id uuid PRIMARY KEY,
  meeting_id uuid NOT NULL REFERENCES planning_meetings (id),
  role text NOT NULL CHECK (role IN ('person', 'carer-family', 'advocate-imha', 'ward-team-rc', 'keyworker', 'la-social-worker-amhp',
    'icb-commissioner', 'cmht', 'gp', 'provider', 'housing', 'probation-mappa')),
  name text,
  organisation text,
  invited_on date NOT NULL,
  response text CHECK (response IN ('attended', 'apologies', 'did-not-attend'))
);
CREATE INDEX meeting_invitees_meeting ON meeting_invitees (meeting_id);

CREATE TABLE advocacy_referrals (
  id uuid PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES people (id),
  version integer NOT NULL DEFAULT 1,
  kind text NOT NULL CHECK (kind IN ('imha', 'care-act', 'imca', 'general')),
  referred_on date NOT NULL,
  provider text,
  outcome text,
  involvement text,
  -- ADV-3: the recorded decision on the IMHA seeing the after-care records (consent or record-holder).
  consent_to_records jsonb,
  -- ADV-4: the answers to the Care Act advocate test, for a care-act referral.
  care_act_test jsonb,
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX advocacy_referrals_person ON advocacy_referrals (person_id);

-- MHA25-1: a tribunal's recommendation that the responsible after-care bodies make plans, and the response.
CREATE TABLE tribunal_recommendations (
  id uuid PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES people (id),
  episode_id uuid REFERENCES legal_statuses (id),
  version integer NOT NULL DEFAULT 1,
  hearing_on date NOT NULL,
  recommendation text NOT NULL,
  response text,
  responded_on date,
  responded_by uuid REFERENCES users (id),
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (responded_on IS NULL OR responded_on >= hearing_on)
);
CREATE INDEX tribunal_recommendations_person ON tribunal_recommendations (person_id);

-- PLAN-1 projection: the day planning started for the latest episode while no planning meeting has
-- been held for it (null when none is needed), for the planning task list.
ALTER TABLE person_summaries ADD COLUMN planning_needed_since date;
CREATE INDEX person_summaries_planning ON person_summaries (planning_needed_since) WHERE planning_needed_since IS NOT NULL;
