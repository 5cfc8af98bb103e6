// The finance system's CSV of charges: what is read from a file, and the answer for one that
// cannot be read (a 422 naming the problem, never quoting a field, which may be personal data).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readChargesCsv } from '../../src/services/refunds/charges-csv.ts';
import { ValidationError } from '../../src/services/kernel/errors.ts';

test('quoted fields, doubled quotes, commas and line ends inside quotes, CRLF, LF and CR, a byte-order mark', () => {
  assert.deepEqual(readChargesCsv('\uFEFFa,b\r\n"Care, June","say ""hi"""\n"two\nlines",x\rlast,1'), [
    ['a', 'b'],
    ['Care, June', 'say "hi"'],
    ['two\nlines', 'x'],
    ['last', '1'],
  ]);
});

test('blank lines stay as empty records, so each record still names its line; ragged rows are kept', () => {
  assert.deepEqual(readChargesCsv('a,b\n\n1\n1,2,3\n'), [['a', 'b'], [''], ['1'], ['1', '2', '3']]);
  assert.deepEqual(readChargesCsv(''), []);
});

test('space around a field, quoted or not, is trimmed', () => {
  assert.deepEqual(readChargesCsv('a , b\n1, "2" \n'), [['a', 'b'], ['1', '2']]);
});

test('a quote left open or out of place is refused, naming the file and not its contents', () => {
  for (const [csv, message] of [
    ['a,"secret\n', /not closed/],
    ['a\nse"cret,d\n', /Line 2 has a quote in the wrong place/],
  ] as const) {
    assert.throws(() => readChargesCsv(csv), (error: unknown) => {
      assert.ok(error instanceof ValidationError);
      assert.equal(error.errors[0]?.field, 'csv');
      assert.match(error.errors[0]!.message, message);
      assert.doesNotMatch(error.errors[0]!.message, /secret|cret/);
      return true;
    });
  }
});
