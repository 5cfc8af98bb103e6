-- Issue 15, probe 2: the sign-in throttle as one counter per account and per source address, taken
-- atomically (INSERT ... ON CONFLICT DO UPDATE ... RETURNING) before a password is checked, so that
-- concurrent attempts cannot all read the same count. The old failure log is replaced.
DROP TABLE sign_in_failures;

CREATE TABLE sign_in_throttle (
  key text PRIMARY KEY,
  attempts integer NOT NULL CHECK (attempts >= 0),
  window_start timestamptz NOT NULL
);
