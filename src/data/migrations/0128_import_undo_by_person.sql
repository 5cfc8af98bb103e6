-- Moving in (issue 10, ADR 0011 round 5): while a batch is committed chunk by chunk, a change to a
-- person whose rows it kept (or created) is refused until the batch has finished, so that its undo can
-- neither be blocked nor overwrite someone's change. That check looks up the kept values by person.
CREATE INDEX import_undo_person ON import_undo (person_id);
