-- Issue 9 item 1: the register proposes the local authority from the postcode and the ICB from the
-- GP practice when a person is added, or a new residence or GP registration is recorded. Two
-- reference tables, which hold no personal data:
--
-- postcode_areas: a full postcode ("NB12AB"), a postcode sector ("NB1 2") or a postcode district
-- ("NB1"), upper case, and the ONS code of the local authority it lies in. The longest prefix that
-- matches wins, so a deployment can load the ONS Postcode Directory (one row a full postcode: its
-- pcds and oslaua columns) and keep district rows for the rest. A district that straddles two
-- councils must not be loaded as a district.
--
-- gp_practices: a GP practice's ODS code and the ODS code of its ICB (from NHS England's
-- epraccur file and the ICB's sub-location). Where a practice is not listed, the register uses the
-- ICB most recently recorded with that practice for anyone.
--
-- Loaded here: the fictional postcode districts (NB, SV) and practices (Z99..., Z98...) of the
-- demonstration and test organisations only. README "Reference data" says how to load real ones.
CREATE TABLE postcode_areas (
  prefix text PRIMARY KEY CHECK (prefix = upper(prefix) AND length(prefix) BETWEEN 2 AND 8),
  local_authority_code text NOT NULL,
  source text NOT NULL
);

CREATE TABLE gp_practices (
  code text PRIMARY KEY CHECK (code = upper(code)),
  icb_code text NOT NULL,
  source text NOT NULL
);

INSERT INTO postcode_areas (prefix, local_authority_code, source) VALUES
  ('NB1', 'E09000099', 'demonstration'),
  ('NB2', 'E09000099', 'demonstration'),
  ('NB3', 'E09000099', 'demonstration'),
  ('NB4', 'E09000099', 'demonstration'),
  ('NB5', 'E09000099', 'demonstration'),
  ('NB6', 'E09000099', 'demonstration'),
  ('NB7', 'E09000099', 'demonstration'),
  ('NB8', 'E09000099', 'demonstration'),
  ('NB9', 'E09000099', 'demonstration'),
  ('SV1', 'E09000098', 'demonstration'),
  ('SV2', 'E09000098', 'demonstration'),
  ('SV3', 'E09000098', 'demonstration'),
  ('SV4', 'E09000098', 'demonstration'),
  ('SV5', 'E09000098', 'demonstration');

INSERT INTO gp_practices (code, icb_code, source) VALUES
  ('Z99001', 'QZZ', 'demonstration'),
  ('Z99002', 'QZZ', 'demonstration'),
  ('Z99003', 'QZZ', 'demonstration'),
  ('Z98001', 'QZY', 'demonstration'),
  ('Z98002', 'QZY', 'demonstration');
