-- Issue 14: a common name prefix at 1,000,000 people (docs/performance.md, "Register searches at
-- 1,000,000 people"). `?q=Smi` matches 12,000 people and `?q=Oli` 43,000; the search fetched every
-- match through the lower(name) indexes, checked each one's visibility and sorted them all to show 51.
--
-- These indexes give each matching name's people already in the register's order (family name,
-- given name, id): the search enumerates the distinct lower-case names that start with the word (a
-- skip scan over the first column) and reads only the first page of each name's people from the same
-- index (people-repository.ts namePrefixPage). The first column keeps text_pattern_ops, so that LIKE
-- 'smi%' is a range of the index in byte order whatever the database's collation (C.UTF-8 here, and
-- PGlite's), and so that they still serve the count's and the other sorts' LIKE as the old ones did.
CREATE INDEX people_family_name_sort ON people (lower(family_name) text_pattern_ops, family_name, given_name, id);
CREATE INDEX people_given_name_sort ON people (lower(given_name) text_pattern_ops, family_name, given_name, id);

-- The single-column indexes of 0001 are prefixes of these, and nothing else reads them (only the
-- register's text match uses lower(family_name) or lower(given_name)).
DROP INDEX people_family_name;
DROP INDEX people_given_name;
