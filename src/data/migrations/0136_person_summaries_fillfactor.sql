-- Issue 14: every change to a person rewrites their person_summaries row (one upsert, the projections
-- of kernel/projections.ts), and most changes leave every indexed column as it was (status, bodies,
-- review dates, the sort keys). Space left free on each page lets PostgreSQL keep the new version on
-- the same page without a new entry in each of the table's seven indexes (a heap-only tuple update).
-- It applies to pages written from now on; existing pages gain it as they are rewritten.
ALTER TABLE person_summaries SET (fillfactor = 80);
ALTER TABLE notification_states SET (fillfactor = 80);
