// The audit log's Merkle tree (RFC 6962, checked against the certificate-transparency test vectors),
// its keyed chain and its signed checkpoints (docs/adr/0016).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  auditLeafHash, chainHash, checkpointKeys, checkpointSignatureValid, emptyFrontier, frontierAppend, frontierRoot, inclusionProof, merkleLeafHash, merkleRoot,
  signCheckpoint, verifyInclusion, type AuditLeaf,
} from '../../../src/domain/audit-log.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const unhex = (h: string) => Buffer.from(h, 'hex');

// The leaves and roots of certificate-transparency's reference tests (as in Trillian and RFC 9162 implementations).
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(unhex);
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const INCLUSION = [
  { index: 0, size: 8, path: ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'] },
  { index: 5, size: 8, path: ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'] },
  { index: 2, size: 3, path: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
];
const leafHashes = LEAVES.map(merkleLeafHash);

describe('the audit log Merkle tree (RFC 6962)', () => {
  test('the tree heads of sizes 0 to 8 are the reference roots', () => {
    for (let n = 0; n <= 8; n += 1) assert.equal(hex(merkleRoot(leafHashes.slice(0, n))), ROOTS[n], `size ${n}`);
  });

  test('the frontier (compact range) gives the same root after every append', () => {
    const frontier = emptyFrontier();
    assert.equal(hex(frontierRoot(frontier)), ROOTS[0]);
    leafHashes.forEach((leaf, i) => {
      frontierAppend(frontier, leaf);
      assert.equal(hex(frontierRoot(frontier)), ROOTS[i + 1], `size ${i + 1}`);
    });
    const many = Array.from({ length: 1000 }, (_, i) => merkleLeafHash(Buffer.from(String(i))));
    const big = emptyFrontier();
    for (const leaf of many) frontierAppend(big, leaf);
    assert.equal(hex(frontierRoot(big)), hex(merkleRoot(many)));
  });

  test('inclusion proofs are the reference audit paths, and verify', () => {
    for (const v of INCLUSION) {
      const path = inclusionProof(leafHashes, v.index, v.size);
      assert.deepEqual(path.map(hex), v.path);
      assert.equal(verifyInclusion(leafHashes[v.index]!, v.index, v.size, path, unhex(ROOTS[v.size]!)), true);
    }
  });

  test('every leaf of every tree size up to 40 proves, and a wrong leaf, index, size or path does not', () => {
    const many = Array.from({ length: 40 }, (_, i) => merkleLeafHash(Uint8Array.of(i, i * 7)));
    for (let size = 1; size <= many.length; size += 1) {
      const root = merkleRoot(many, 0, size);
      for (let index = 0; index < size; index += 1) {
        const path = inclusionProof(many, index, size);
        assert.equal(verifyInclusion(many[index]!, index, size, path, root), true, `${index} of ${size}`);
        assert.equal(verifyInclusion(merkleLeafHash(Uint8Array.of(255)), index, size, path, root), false);
        if (size > 1) assert.equal(verifyInclusion(many[index]!, (index + 1) % size, size, path, root), false);
        if (path.length > 0) assert.equal(verifyInclusion(many[index]!, index, size, [...path.slice(1), path[0]!.map((b) => b ^ 1)], root), false);
      }
    }
    assert.equal(verifyInclusion(many[0]!, 5, 5, [], merkleRoot(many, 0, 5)), false);
  });
});

describe('the keyed chain and signed checkpoints', () => {
  const leaf: AuditLeaf = { position: 1, seq: 7, xid: '750', at: '2026-01-01T00:00:00.000Z', userId: null, organisationId: null, action: 'person.view', recordType: 'person', recordId: 'x', personId: null, requestId: null, details: { b: 1, a: [1, { d: 2, c: 3 }] } };

  test('the leaf does not depend on the order of keys in details (jsonb reorders them)', () => {
    assert.equal(hex(auditLeafHash(leaf)), hex(auditLeafHash({ ...leaf, details: { a: [1, { c: 3, d: 2 }], b: 1 } })));
    assert.notEqual(hex(auditLeafHash(leaf)), hex(auditLeafHash({ ...leaf, action: 'person.update' })));
    assert.notEqual(hex(auditLeafHash(leaf)), hex(auditLeafHash({ ...leaf, position: 2 })));
  });

  test('a link made without the key does not match one made with it', () => {
    const l = hex(auditLeafHash(leaf));
    assert.equal(chainHash('k'.repeat(32), '0'.repeat(64), l), chainHash('k'.repeat(32), '0'.repeat(64), l));
    assert.notEqual(chainHash('k'.repeat(32), '0'.repeat(64), l), chainHash('j'.repeat(32), '0'.repeat(64), l));
  });

  test('a checkpoint verifies with the same key only, and not once changed', () => {
    const keys = checkpointKeys('an audit key of at least thirty-two characters');
    const cp = signCheckpoint(keys, { size: 8, root: ROOTS[8]!, head: 'ab'.repeat(32), at: '2026-01-01T00:00:00.000Z' });
    assert.equal(checkpointSignatureValid(keys, cp), true);
    assert.equal(checkpointSignatureValid(checkpointKeys('another audit key of thirty-two characters'), cp), false);
    assert.equal(checkpointSignatureValid(keys, { ...cp, size: 7 }), false);
    assert.equal(checkpointSignatureValid(keys, { ...cp, root: ROOTS[7]! }), false);
    assert.equal(checkpointKeys('an audit key of at least thirty-two characters').publicKeyHex, keys.publicKeyHex);
  });
});
