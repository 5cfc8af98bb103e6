// Proposing the responsible bodies from a postcode (RESP-2) and a GP practice (RESP-5): the keys
// the reference data is looked up by. A proposal only; RESP-4: a person confirms it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatPostcode, postcodeLookupKeys, practiceLookupKey } from '../../../src/domain/postcodes.ts';

describe('postcodes and practices for proposals (RESP-2, RESP-5)', () => {
  test('RESP-2: a full postcode is looked up as itself, its sector and its district, longest first', () => {
    assert.deepEqual(postcodeLookupKeys('NB1 2AB'), ['NB12AB', 'NB1 2', 'NB1']);
    assert.deepEqual(postcodeLookupKeys(' nb12ab '), ['NB12AB', 'NB1 2', 'NB1']);
    assert.deepEqual(postcodeLookupKeys('EC1A 1BB'), ['EC1A1BB', 'EC1A 1', 'EC1A']);
    assert.deepEqual(postcodeLookupKeys('M1 1AE'), ['M11AE', 'M1 1', 'M1']);
    assert.deepEqual(postcodeLookupKeys('SW1A 2AA'), ['SW1A2AA', 'SW1A 2', 'SW1A']);
  });

  test('RESP-2: a district alone is looked up as itself', () => {
    assert.deepEqual(postcodeLookupKeys('sv2'), ['SV2']);
  });

  test('RESP-2: what is not a postcode proposes nothing', () => {
    for (const value of ['', null, undefined, 'No fixed abode', '12345', 'NB1 2A', 'NB1 2ABC']) assert.deepEqual(postcodeLookupKeys(value), [], String(value));
  });

  test('RESP-5: a practice code in capitals without spaces, or nothing', () => {
    assert.equal(practiceLookupKey(' z99 001 '), 'Z99001');
    assert.equal(practiceLookupKey('F84003'), 'F84003');
    assert.equal(practiceLookupKey(''), null);
    assert.equal(practiceLookupKey('not a code!'), null);
  });

  test('a postcode as people write it, in the reason shown beside a proposal', () => {
    assert.equal(formatPostcode('nb12ab'), 'NB1 2AB');
    assert.equal(formatPostcode('EC1A1BB'), 'EC1A 1BB');
    assert.equal(formatPostcode('sv2'), 'SV2');
  });
});
