-- Ending and reinstating aftercare (END-1 to END-7, MHA25-2) and complaints (CMP-1, CMP-2).
-- An episode's id is the id of the legal status that opened it (as in responsibility_decisions).

-- A proposal to end an episode's aftercare, with the END-4 procedure recorded. It becomes
-- 'approved' when both responsible bodies have approved (END-1) and, with MHA25-2 on, the joint
-- written notice has been sent; ended_on is then the day aftercare ended.
CREATE TABLE ending_proposals (
  id uuid PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES people (id),
  episode_id uuid NOT NULL REFERENCES legal_statuses (id),
  version integer NOT NULL DEFAULT 1,
  reason_code text NOT NULL,
  reasons text NOT NULL,
  reassessed_on date NOT NULL,
  person_involved boolean NOT NULL,
  person_not_involved_reason text,
  involved jsonb NOT NULL DEFAULT '[]',
  continuing_outside_s117 text,
  override_reason text,
  proposed_by uuid NOT NULL REFERENCES users (id),
  proposed_at timestamptz NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'withdrawn')),
  notice_sent_on date,
  notice_recorded_by uuid REFERENCES users (id),
  ended_on date,
  withdrawn_by uuid REFERENCES users (id),
  withdrawn_at timestamptz,
  CHECK (status <> 'approved' OR ended_on IS NOT NULL)
);
CREATE INDEX ending_proposals_person ON ending_proposals (person_id);
-- One open proposal per episode at a time.
CREATE UNIQUE INDEX ending_proposals_one_pending ON ending_proposals (episode_id) WHERE status = 'pending';

-- END-1: one sign-off per side (the responsible local authority, the responsible ICB), with its date.
CREATE TABLE ending_approvals (
  id uuid PRIMARY KEY,
  proposal_id uuid NOT NULL REFERENCES ending_proposals (id),
  side text NOT NULL CHECK (side IN ('local-authority', 'icb')),
  organisation_code text NOT NULL,
  approver_id uuid NOT NULL REFERENCES users (id),
  approved_at timestamptz NOT NULL,
  approved_on date NOT NULL,
  UNIQUE (proposal_id, side)
);

-- END-6 (CONTESTED): reinstating an episode that was ended jointly, with reasons and both sign-offs.
CREATE TABLE reinstatements (
  id uuid PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES people (id),
  episode_id uuid NOT NULL REFERENCES legal_statuses (id),
  version integer NOT NULL DEFAULT 1,
  reasons text NOT NULL,
  requested_by uuid NOT NULL REFERENCES users (id),
  requested_at timestamptz NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'withdrawn')),
  reinstated_on date,
  CHECK (status <> 'approved' OR reinstated_on IS NOT NULL)
);
CREATE INDEX reinstatements_person ON reinstatements (person_id);
CREATE UNIQUE INDEX reinstatements_one_pending ON reinstatements (episode_id) WHERE status = 'pending';

CREATE TABLE reinstatement_approvals (
  id uuid PRIMARY KEY,
  reinstatement_id uuid NOT NULL REFERENCES reinstatements (id),
  side text NOT NULL CHECK (side IN ('local-authority', 'icb')),
  organisation_code text NOT NULL,
  approver_id uuid NOT NULL REFERENCES users (id),
  approved_at timestamptz NOT NULL,
  approved_on date NOT NULL,
  UNIQUE (reinstatement_id, side)
);

-- CMP-1: a complaint, which body it is against, the route taken, the decisions it is about, and
-- its outcome. aware_on (when the person knew of the problem) starts the Ombudsman's 12 months.
-- CMP-2: the common faults it shows.
CREATE TABLE complaints (
  id uuid PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES people (id),
  version integer NOT NULL DEFAULT 1,
  against text NOT NULL CHECK (against IN ('local-authority', 'nhs', 'both')),
  route text NOT NULL CHECK (route IN ('keyworker', 'pals', 'formal', 'lgsco', 'phso', 'cqc', 'legal')),
  received_on date NOT NULL,
  aware_on date NOT NULL,
  subject text NOT NULL,
  linked_decision_ids jsonb NOT NULL DEFAULT '[]',
  faults jsonb NOT NULL DEFAULT '[]',
  outcome text,
  outcome_on date,
  learning text,
  recorded_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (aware_on <= received_on),
  CHECK (outcome_on IS NULL OR outcome_on >= received_on)
);
CREATE INDEX complaints_person ON complaints (person_id, received_on);
