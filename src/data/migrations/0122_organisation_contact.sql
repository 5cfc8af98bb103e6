-- Issue 9 item 10: letters carry a named contact, a telephone number and a reference. An
-- organisation's contact details (its section 117 team's telephone and email) are what a letter
-- gives when the keyworker has no telephone of their own, or when no keyworker is allocated.
ALTER TABLE organisations ADD COLUMN telephone text;
ALTER TABLE organisations ADD COLUMN email text;
