// The audit trail as a keyed, verifiable log (issue 14 item 4, issue 15 probe 10; docs/adr/0016).
// Pure functions, no I/O:
// - each sealed event is a leaf: the canonical JSON of the event and its place in the log;
// - the chain: each seal is HMAC-SHA256(key, previous seal ":" leaf hash), so that nobody without the
//   key (the database does not hold it) can alter, insert or re-chain an event;
// - the Merkle tree over the leaves, as RFC 6962 (certificate transparency, Trillian) defines it, for
//   signed checkpoints of the head and inclusion proofs of one event;
// - checkpoints signed with Ed25519, the signing key derived from the audit key, so that anyone with
//   the public key can check a checkpoint.
import { createHash, createHmac, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/**
 * The key of development, the demonstration and the tests: not a secret. Production must set
 * S117_AUDIT_KEY (the register refuses to start without it).
 */
export const DEVELOPMENT_AUDIT_KEY = 's117-development-audit-key: not secret, never for production';

/** What a seal commits to: the event as stored, where it sits in the log, and its inserting transaction. */
export interface AuditLeaf {
  position: number;
  seq: number;
  xid: string;
  at: string;
  userId: string | null;
  organisationId: string | null;
  action: string;
  recordType: string | null;
  recordId: string | null;
  personId: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
}

/** JSON with object keys sorted at every level, so that jsonb's reordering does not change a hash. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const sha256 = (...parts: Uint8Array[]): Buffer => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};
const LEAF_PREFIX = Uint8Array.of(0);
const NODE_PREFIX = Uint8Array.of(1);

/** RFC 6962 2.1: MTH({d}) = SHA-256(0x00 || d). */
export function merkleLeafHash(data: Uint8Array): Buffer {
  return sha256(LEAF_PREFIX, data);
}

/** RFC 6962 2.1: SHA-256(0x01 || left || right). */
export function merkleNodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return sha256(NODE_PREFIX, left, right);
}

export function auditLeafHash(leaf: AuditLeaf): Buffer {
  return merkleLeafHash(Buffer.from(canonicalJson(leaf), 'utf8'));
}

/** The chain link: only a holder of the key can make one. */
export function chainHash(key: string | Buffer, prevHash: string, leafHashHex: string): string {
  return createHmac('sha256', key).update(`${prevHash}:${leafHashHex}`).digest('hex');
}

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** RFC 6962 2.1: the Merkle tree hash of the given leaf hashes (the empty tree: SHA-256 of nothing). */
export function merkleRoot(leafHashes: readonly Uint8Array[], from = 0, to = leafHashes.length): Buffer {
  const n = to - from;
  if (n === 0) return sha256();
  if (n === 1) return Buffer.from(leafHashes[from]!);
  const k = largestPowerOfTwoBelow(n);
  return merkleNodeHash(merkleRoot(leafHashes, from, from + k), merkleRoot(leafHashes, from + k, to));
}

/** RFC 6962 2.1.1: the audit path of leaf `index` (0-based) in the tree of the first `size` leaves. */
export function inclusionProof(leafHashes: readonly Uint8Array[], index: number, size = leafHashes.length): Buffer[] {
  if (!(index >= 0 && index < size && size <= leafHashes.length)) throw new RangeError('leaf outside the tree');
  const path = (m: number, from: number, to: number): Buffer[] => {
    const n = to - from;
    if (n === 1) return [];
    const k = largestPowerOfTwoBelow(n);
    return m < k ? [...path(m, from, from + k), merkleRoot(leafHashes, from + k, to)] : [...path(m - k, from + k, to), merkleRoot(leafHashes, from, from + k)];
  };
  return path(index, 0, size);
}

/** RFC 9162 2.1.3.2: does the path prove this leaf hash at this index in the tree with this root? */
export function verifyInclusion(leafHash: Uint8Array, index: number, size: number, path: readonly Uint8Array[], root: Uint8Array): boolean {
  if (!(index >= 0 && index < size)) return false;
  let fn = BigInt(index);
  let sn = BigInt(size - 1);
  let r: Buffer = Buffer.from(leafHash);
  for (const p of path) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      r = merkleNodeHash(p, r);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = merkleNodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && r.equals(Buffer.from(root));
}

/**
 * The compact range of a growing tree: the roots of its perfect subtrees, largest first (one per set
 * bit of the size). Appending a leaf and taking the root cost O(log n), so the sealer can checkpoint
 * a log of millions without reading it again.
 */
export interface MerkleFrontier { size: number; hashes: Buffer[] }

export const emptyFrontier = (): MerkleFrontier => ({ size: 0, hashes: [] });

export function frontierAppend(frontier: MerkleFrontier, leafHash: Uint8Array): void {
  frontier.hashes.push(Buffer.from(leafHash));
  frontier.size += 1;
  // Merge equal-sized subtrees: one merge per trailing 1 bit of the old size.
  for (let s = frontier.size; (s & 1) === 0; s >>= 1) {
    const right = frontier.hashes.pop()!;
    const left = frontier.hashes.pop()!;
    frontier.hashes.push(merkleNodeHash(left, right));
  }
}

export function frontierRoot(frontier: MerkleFrontier): Buffer {
  if (frontier.size === 0) return sha256();
  let root = frontier.hashes.at(-1)!;
  for (let i = frontier.hashes.length - 2; i >= 0; i -= 1) root = merkleNodeHash(frontier.hashes[i]!, root);
  return root;
}

/** A signed statement of the log's head: how many events, their Merkle root and the last chain link. */
export interface CheckpointBody { log: 's117-audit'; size: number; root: string; head: string; at: string }
export interface SignedCheckpoint extends CheckpointBody { keyId: string; signature: string }

export interface CheckpointKeys { privateKey: KeyObject; publicKey: KeyObject; publicKeyHex: string; keyId: string }

// PKCS#8 wrapping of a raw 32-byte Ed25519 seed (RFC 8410).
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** The checkpoint signing keys, derived from the audit key (one secret to keep). */
export function checkpointKeys(key: string | Buffer): CheckpointKeys {
  const seed = createHmac('sha256', key).update('s117 audit checkpoint signing key').digest();
  const privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const publicKey = createPublicKey(privateKey);
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  return { privateKey, publicKey, publicKeyHex: raw.toString('hex'), keyId: createHash('sha256').update(raw).digest('hex').slice(0, 16) };
}

const checkpointMessage = (body: CheckpointBody) => Buffer.from(canonicalJson({ log: body.log, size: body.size, root: body.root, head: body.head, at: body.at }), 'utf8');

export function signCheckpoint(keys: CheckpointKeys, body: Omit<CheckpointBody, 'log'>): SignedCheckpoint {
  const full: CheckpointBody = { log: 's117-audit', ...body };
  return { ...full, keyId: keys.keyId, signature: sign(null, checkpointMessage(full), keys.privateKey).toString('base64') };
}

export function checkpointSignatureValid(keys: Pick<CheckpointKeys, 'publicKey'>, checkpoint: SignedCheckpoint): boolean {
  try {
    return verify(null, checkpointMessage(checkpoint), keys.publicKey, Buffer.from(checkpoint.signature, 'base64'));
  } catch {
    return false;
  }
}
