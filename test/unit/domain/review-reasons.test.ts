// Why a person is on the overdue lists: the aftercare review (REV-1) and budget reviews (DP-1(d), DP-2).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { addDays, compareDates } from '../../../src/domain/dates.ts';
import { isReviewOverdue, reviewReasons } from '../../../src/domain/reviews.ts';

const TODAY = '2026-06-01';

test('REV-1: an overdue aftercare review alone gives the reason review', () => {
  assert.deepEqual(reviewReasons({ reviewDue: '2026-05-31', budgets: [] }, TODAY), { reasons: ['review'], earliestDue: '2026-05-31' });
  assert.deepEqual(reviewReasons({ reviewDue: TODAY, budgets: [] }, TODAY), { reasons: [], earliestDue: null });
  assert.deepEqual(reviewReasons({ reviewDue: null, budgets: [] }, TODAY), { reasons: [], earliestDue: null });
});

test('DP-1(d), DP-2: overdue budget reviews give their own reasons, each once, after the aftercare review', () => {
  const clocks = {
    reviewDue: '2026-01-01',
    budgets: [
      { kind: 'personal-health-budget' as const, dueOn: '2026-04-01' },
      { kind: 'direct-payment' as const, dueOn: '2025-12-01' },
      { kind: 'direct-payment' as const, dueOn: '2026-02-01' },
      { kind: 'direct-payment' as const, dueOn: null },
    ],
  };
  assert.deepEqual(reviewReasons(clocks, TODAY), { reasons: ['review', 'direct-payment-review', 'personal-health-budget-review'], earliestDue: '2025-12-01' });
  assert.deepEqual(reviewReasons({ reviewDue: '2027-01-01', budgets: [{ kind: 'direct-payment', dueOn: '2026-05-01' }] }, TODAY).reasons, ['direct-payment-review']);
});

test('REV-1, DP-1(d), DP-2: a reason is given exactly when its clock is overdue, and the earliest due is the earliest of them', () => {
  const date = fc.integer({ min: -400, max: 400 }).map((d) => addDays(TODAY, d));
  fc.assert(
    fc.property(fc.option(date, { nil: null }), fc.array(fc.record({ kind: fc.constantFrom('direct-payment' as const, 'personal-health-budget' as const), dueOn: fc.option(date, { nil: null }) }), { maxLength: 5 }), (reviewDue, budgets) => {
      const { reasons, earliestDue } = reviewReasons({ reviewDue, budgets }, TODAY);
      assert.equal(reasons.includes('review'), isReviewOverdue(reviewDue, TODAY));
      assert.equal(reasons.includes('direct-payment-review'), budgets.some((b) => b.kind === 'direct-payment' && isReviewOverdue(b.dueOn, TODAY)));
      assert.equal(reasons.includes('personal-health-budget-review'), budgets.some((b) => b.kind === 'personal-health-budget' && isReviewOverdue(b.dueOn, TODAY)));
      const overdue = [reviewDue, ...budgets.map((b) => b.dueOn)].filter((d): d is string => isReviewOverdue(d, TODAY)).sort(compareDates);
      assert.equal(earliestDue, overdue[0] ?? null);
      assert.equal(reasons.length === 0, earliestDue === null);
    }),
  );
});
