-- The audit trail without a global lock (issue 14 item 4, issue 15 probe 10; docs/adr/0016).
-- An event is appended with a number from a sequence and the id of the transaction that inserts it,
-- and nothing else: no lock, no read of the last event. A single sealer chains the events afterwards
-- (audit_seals), in an order that an event committing late cannot skip, with a keyed hash the
-- database does not hold, and signs checkpoints of the head (audit_checkpoints, and a file outside
-- the database). All three tables refuse UPDATE, DELETE and TRUNCATE.

-- Numbers from a sequence, carried on from the events already there.
CREATE SEQUENCE audit_events_seq AS bigint;
SELECT setval('audit_events_seq', COALESCE((SELECT max(seq) FROM audit_events), 0) + 1, false);
ALTER TABLE audit_events ALTER COLUMN seq SET DEFAULT nextval('audit_events_seq');
ALTER SEQUENCE audit_events_seq OWNED BY audit_events.seq;

-- The inserting transaction (its top-level id, 64-bit: never wraps). Events already there take this
-- migration's transaction, so the first sealer seals them in their order (re-sealing them with the key).
ALTER TABLE audit_events ADD COLUMN xid xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX audit_events_xid ON audit_events (xid, seq);

-- The old unkeyed chain stays on the events written before this migration; new events leave it empty.
ALTER TABLE audit_events ALTER COLUMN prev_hash DROP NOT NULL;
ALTER TABLE audit_events ALTER COLUMN hash DROP NOT NULL;

-- Whatever an INSERT says, the transaction id is the inserting transaction's: an application role
-- (which cannot disable triggers) cannot place an event among those already sealed.
CREATE FUNCTION audit_events_stamp_xid() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.xid := pg_current_xact_id();
  RETURN NEW;
END;
$$;
CREATE TRIGGER audit_events_stamp_xid BEFORE INSERT ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_stamp_xid();

-- One row per sealed event, in the order of the log: position 1, 2, 3... with no gaps.
CREATE TABLE audit_seals (
  position bigint PRIMARY KEY,
  seq bigint NOT NULL UNIQUE,
  event_xid xid8 NOT NULL,
  leaf_hash text NOT NULL,
  prev_hash text NOT NULL,
  hash text NOT NULL,
  sealed_at timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER audit_seals_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_seals
  FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change();
CREATE TRIGGER audit_seals_no_truncate BEFORE TRUNCATE ON audit_seals
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change();

-- Signed checkpoints of the head: the Merkle root of the first `size` sealed events, the chain's last
-- link, and the compact range the next checkpoint continues from.
CREATE TABLE audit_checkpoints (
  size bigint PRIMARY KEY,
  root text NOT NULL,
  head text NOT NULL,
  at timestamptz NOT NULL,
  key_id text NOT NULL,
  signature text NOT NULL,
  frontier jsonb NOT NULL
);
CREATE TRIGGER audit_checkpoints_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change();
