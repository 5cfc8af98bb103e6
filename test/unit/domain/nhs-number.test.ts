// REG-1: the register identifies people by NHS number; demo and benchmark data use only the test range.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  formatNhsNumber, isTestNhsNumber, isValidNhsNumber, normaliseNhsNumber, testNhsNumber, testNhsNumberCount,
} from '../../../src/domain/nhs-number.ts';

describe('NHS numbers', () => {
  test('REG-1: normalising strips spaces and hyphens', () => {
    assert.equal(normaliseNhsNumber(' 943 476 5919 '), '9434765919');
    assert.equal(normaliseNhsNumber('943-476-5919'), '9434765919');
  });

  test('REG-1: the Modulus 11 check digit is verified', () => {
    assert.equal(isValidNhsNumber('9434765919'), true);
    assert.equal(isValidNhsNumber('943 476 5919'), true);
    assert.equal(isValidNhsNumber('9434765918'), false);
    assert.equal(isValidNhsNumber('943476591'), false);
    assert.equal(isValidNhsNumber('94347659190'), false);
    assert.equal(isValidNhsNumber('943476591X'), false);
    assert.equal(isValidNhsNumber(''), false);
  });

  test('REG-1: a check value of 11 becomes 0, and a check value of 10 makes every number with those nine digits invalid', () => {
    // 999000000: weighted sum 243, 243 % 11 = 1, check 10: no valid number.
    for (let d = 0; d <= 9; d++) assert.equal(isValidNhsNumber(`999000000${d}`), false);
    // 000000000: sum 0, check 11 -> 0.
    assert.equal(isValidNhsNumber('0000000000'), true);
  });

  test('REG-1: test-range numbers are recognised', () => {
    assert.equal(isTestNhsNumber('999 000 0000'), true);
    assert.equal(isTestNhsNumber('9999999999'), true);
    assert.equal(isTestNhsNumber('9434765919'), false);
    assert.equal(isTestNhsNumber('99912345'), false);
  });

  test('REG-1: numbers are formatted 3 3 4', () => {
    assert.equal(formatNhsNumber('9991234567'), '999 123 4567');
    assert.equal(formatNhsNumber('999-123-4567'), '999 123 4567');
    assert.equal(formatNhsNumber('12345'), '12345');
  });

  test('REG-1: testNhsNumber is deterministic and rejects bad seeds', () => {
    assert.equal(testNhsNumber(42), testNhsNumber(42));
    assert.throws(() => testNhsNumber(-1), RangeError);
    assert.throws(() => testNhsNumber(1.5), RangeError);
  });

  test('REG-1: testNhsNumber gives a different number for every seed up to the size of the test range', () => {
    const count = testNhsNumberCount();
    assert.ok(count > 900_000, `only ${count} valid test numbers`);
    const seen = new Set<string>();
    for (let seed = 0; seed < count; seed++) seen.add(testNhsNumber(seed));
    assert.equal(seen.size, count);
    assert.equal(testNhsNumber(count), testNhsNumber(0)); // then it wraps round
  });

  test('REG-1: property: every generated number is valid and in the test range', () => {
    fc.assert(fc.property(fc.nat({ max: 5_000_000 }), (seed) => {
      const n = testNhsNumber(seed);
      assert.ok(isValidNhsNumber(n), n);
      assert.ok(isTestNhsNumber(n), n);
    }));
  });

  test('REG-1: property: changing any one digit of a valid number makes it invalid', () => {
    fc.assert(fc.property(fc.nat({ max: 900_000 }), fc.nat({ max: 9 }), fc.integer({ min: 1, max: 9 }), (seed, position, delta) => {
      const valid = testNhsNumber(seed);
      const digit = (Number(valid[position]) + delta) % 10;
      const changed = valid.slice(0, position) + String(digit) + valid.slice(position + 1);
      assert.equal(isValidNhsNumber(changed), false, `${valid} -> ${changed}`);
    }));
  });
});
