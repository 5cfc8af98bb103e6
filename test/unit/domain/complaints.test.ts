// Complaints (CMP-1): the Ombudsman's window, the dates of a complaint, and the decisions it links to.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { COMPLAINT_ROUTE_LABELS, COMPLAINT_ROUTES, linksToOthersDecisions, ombudsmanWindow, validateComplaintDates } from '../../../src/domain/complaints.ts';

describe('CMP-1: the Ombudsman window', () => {
  test('CMP-1: 12 months from when the person knew of the problem', () => {
    assert.deepEqual(ombudsmanWindow('2025-06-15', '2026-04-01').until, '2026-06-15');
    assert.match(ombudsmanWindow('2025-06-15', '2026-04-01').text, /within the Ombudsman’s 12-month window until 15 June 2026/i);
    const late = ombudsmanWindow('2025-01-31', '2026-04-01');
    assert.equal(late.within, false);
    assert.match(late.text, /closed on/);
  });
});

describe('CMP-1: what a complaint record may say', () => {
  const TODAY = '2026-04-01';

  test('CMP-1: dates in order and not in the future are accepted', () => {
    assert.deepEqual(validateComplaintDates({ receivedOn: '2026-03-01', awareOn: '2026-02-01', outcomeOn: '2026-03-20' }, TODAY), []);
    assert.deepEqual(validateComplaintDates({ receivedOn: TODAY, awareOn: TODAY, outcomeOn: null }, TODAY), []);
  });

  test('CMP-1: the person knew of the problem on or before the complaint was received (the Ombudsman’s 12 months start there)', () => {
    const [v] = validateComplaintDates({ receivedOn: '2026-03-01', awareOn: '2026-03-02', outcomeOn: null }, TODAY);
    assert.deepEqual(v, { field: 'awareOn', message: 'awareOn must be on or before the date the complaint was received', rule: 'CMP-1' });
  });

  test('CMP-1: a complaint received, or an outcome, in the future is refused; an outcome before the complaint too', () => {
    const fields = (d: Parameters<typeof validateComplaintDates>[0]) => validateComplaintDates(d, TODAY).map((v) => v.field);
    assert.deepEqual(fields({ receivedOn: '2026-04-02', awareOn: '2026-03-01', outcomeOn: null }), ['receivedOn']);
    assert.deepEqual(fields({ receivedOn: '2026-03-01', awareOn: '2026-03-01', outcomeOn: '2026-02-28' }), ['outcomeOn']);
    assert.deepEqual(fields({ receivedOn: '2026-03-01', awareOn: '2026-03-01', outcomeOn: '2026-04-02' }), ['outcomeOn']);
  });

  test('CMP-1: a complaint links only to the person’s own decisions', () => {
    assert.equal(linksToOthersDecisions(['a', 'b'], new Set(['a', 'b', 'c'])), null);
    assert.equal(linksToOthersDecisions([], new Set()), null);
    const v = linksToOthersDecisions(['a', 'x', 'y'], new Set(['a']));
    assert.deepEqual(v, { field: 'linkedDecisionIds', message: 'Link only to this person’s own decisions: 2 of the ids are not', rule: 'CMP-1' });
  });

  test('CMP-1: every route has a label', () => {
    for (const route of COMPLAINT_ROUTES) assert.ok(COMPLAINT_ROUTE_LABELS[route].length > 0);
  });
});
