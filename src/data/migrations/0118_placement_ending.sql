-- MHA25-3 (issue 15, "every feature has its page"): a placement is recorded from the person page and
-- its end is recorded when the person leaves, so that the deemed residence rule does not count an
-- old placement as still in place. The end is a change to a record others may be changing too, so
-- the row has a version (If-Match, 409 when stale), as the other records of the legal history do.
-- Whether the council arranged it as section 117 aftercare is recorded where known (shown, not used
-- by the rule: the transitional provisions of s117(3A) are unverified).
ALTER TABLE placements ADD COLUMN version integer NOT NULL DEFAULT 1;
ALTER TABLE placements ADD COLUMN s117 boolean;
