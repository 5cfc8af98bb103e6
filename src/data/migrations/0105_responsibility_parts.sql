-- Issue 9 item 2 (RESP-2 to RESP-6): each body confirms its own part of an episode's responsibility.
-- A decision says which parts it confirms: a local authority's s117 lead confirms the local authority,
-- an ICB's lead the ICB, an admin or a system account both. Earlier decisions confirmed both.
ALTER TABLE responsibility_decisions ADD COLUMN confirms_local_authority boolean NOT NULL DEFAULT true;
ALTER TABLE responsibility_decisions ADD COLUMN confirms_icb boolean NOT NULL DEFAULT true;
