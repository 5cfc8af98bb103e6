// The filters shared by the lists across people (issue 9 item 9): who the person filter means, and
// LIKE's wildcards taken literally.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { likeWord } from '../../src/data/complaints-repository.ts';
import { pageWindow, personFilter } from '../../src/services/kernel/across-people.ts';

describe('lists across people', () => {
  test('an NHS number, with or without its spaces, is an NHS number; anything else is words of a name', () => {
    assert.deepEqual(personFilter('999 123 4578'), { nhsNumber: '9991234578' });
    assert.deepEqual(personFilter('9991234578'), { nhsNumber: '9991234578' });
    assert.deepEqual(personFilter('Ada  Lovelace'), { words: ['Ada', 'Lovelace'] });
    assert.equal(personFilter(''), undefined);
    assert.equal(personFilter(undefined), undefined);
  });

  test('a name with % or _ matches only itself', () => {
    assert.equal(likeWord('50%_off\\'), '%50\\%\\_off\\\\%');
  });

  test('pages of 25: at least one page, the last one partly full', () => {
    assert.deepEqual(pageWindow(1, 0), { page: 1, pages: 1, total: 0, pageSize: 25 });
    assert.equal(pageWindow(2, 26).pages, 2);
    assert.equal(pageWindow(1, 25).pages, 1);
  });
});
