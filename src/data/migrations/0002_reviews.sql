-- Reviews (REV-1 to REV-4): reviews held, invitations to planned reviews, and requests for a review.
-- Each belongs to the episode that was the person's latest when it was recorded: the timetable
-- restarts with each new episode (REV-1).

CREATE TABLE reviews (
  id uuid PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES people (id),
  episode_id uuid NOT NULL REFERENCES legal_statuses (id),
  version integer NOT NULL DEFAULT 1,
  held_on date NOT NULL,
  invited jsonb NOT NULL DEFAULT '[]',
  attendees jsonb NOT NULL DEFAULT '[]',
  person_views text,
  plan_working text CHECK (plan_working IN ('yes', 'partly', 'no')),
  changes text,
  outcome text NOT NULL CHECK (outcome IN ('continue', 'change', 'propose-ending')),
  notes text NOT NULL DEFAULT '',
  -- END-7: services changed or stopped at the review without ending aftercare.
  services_changed jsonb NOT NULL DEFAULT '[]',
  recorded_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reviews_person ON reviews (person_id, held_on);

-- A review arranged ahead (REV-2): when, where or how, and who is invited; the invitation letter is made from it.
CREATE TABLE review_invitations (
  id uuid PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES people (id),
  episode_id uuid NOT NULL REFERENCES legal_statuses (id),
  planned_on date NOT NULL,
  planned_time text,
  place text NOT NULL,
  invited jsonb NOT NULL DEFAULT '[]',
  contact text,
  recorded_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX review_invitations_person ON review_invitations (person_id);

-- Requests for a review sooner (REV-1): by the person, a carer, an advocate, the team, or anyone else (free text).
CREATE TABLE review_requests (
  id uuid PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES people (id),
  episode_id uuid NOT NULL REFERENCES legal_statuses (id),
  requested_by text NOT NULL,
  requested_on date NOT NULL,
  reason text,
  recorded_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX review_requests_person ON review_requests (person_id, requested_on);

-- REV-4: re-planning needed before the next discharge, derived with the other projections.
ALTER TABLE person_summaries ADD COLUMN replan_needed boolean NOT NULL DEFAULT false;

CREATE INDEX person_allocations_keyworker ON person_allocations (person_id) WHERE reason = 'keyworker' AND ended_at IS NULL;
