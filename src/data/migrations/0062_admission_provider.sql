-- Issue 15, probe 6: a hospital stay names the provider organisation that runs the hospital (its ODS
-- code); that organisation sees the person while the stay, or the episode it belongs to, is open.
ALTER TABLE admissions ADD COLUMN provider_code text;
