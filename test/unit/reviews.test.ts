// REV-1: the review timetable, with property tests of the schedule.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { addDays, addMonths, compareDates } from '../../src/domain/dates.ts';
import { DEFAULT_REVIEW_SETTINGS, isReviewOverdue, nextReviewDue } from '../../src/domain/reviews.ts';

const day = fc.integer({ min: 0, max: 3000 }).map((n) => addDays('2018-01-01', n));

describe('REV-1 review schedule', () => {
  test('REV-1: no review is due before the duty starts', () => {
    assert.equal(nextReviewDue({ leftHospitalOn: null, reviewsHeldOn: [], requestedOn: [] }), null);
  });

  test('REV-1: the first review is due six weeks (42 days) after leaving hospital', () => {
    assert.equal(nextReviewDue({ leftHospitalOn: '2024-03-05', reviewsHeldOn: [], requestedOn: [] }), '2024-04-16');
  });

  test('REV-1: then twelve months after the last review held', () => {
    assert.equal(nextReviewDue({ leftHospitalOn: '2024-03-05', reviewsHeldOn: ['2024-04-10', '2025-02-01'], requestedOn: [] }), '2026-02-01');
  });

  test('REV-1: a request since the last review brings it forward; an older request does not', () => {
    assert.equal(nextReviewDue({ leftHospitalOn: '2024-03-05', reviewsHeldOn: ['2024-04-10'], requestedOn: ['2024-06-01'] }), '2024-06-29');
    assert.equal(nextReviewDue({ leftHospitalOn: '2024-03-05', reviewsHeldOn: ['2024-04-10'], requestedOn: ['2024-04-01'] }), '2025-04-10');
  });

  test('REV-1: the intervals are settings', () => {
    const settings = { ...DEFAULT_REVIEW_SETTINGS, firstReviewDays: 28, reviewIntervalMonths: 6 };
    assert.equal(nextReviewDue({ leftHospitalOn: '2024-03-05', reviewsHeldOn: [], requestedOn: [] }, settings), '2024-04-02');
    assert.equal(nextReviewDue({ leftHospitalOn: '2024-03-05', reviewsHeldOn: ['2024-04-01'] , requestedOn: [] }, settings), '2024-10-01');
  });

  test('REV-1 (property): the next due date is never later than the rule allows', () => {
    fc.assert(
      fc.property(day, fc.array(day, { maxLength: 6 }), fc.array(day, { maxLength: 3 }), (left, held, requested) => {
        const due = nextReviewDue({ leftHospitalOn: left, reviewsHeldOn: held, requestedOn: requested });
        assert.ok(due);
        const counted = held.filter((d) => compareDates(d, left) >= 0).sort(compareDates);
        const last = counted.at(-1);
        const latestAllowed = last ? addMonths(last, 12) : addDays(left, 42);
        assert.ok(compareDates(due, latestAllowed) <= 0, `${due} is after ${latestAllowed}`);
        assert.ok(compareDates(due, last ?? left) > 0, 'due after the last review or the discharge');
      }),
    );
  });

  test('REV-1: overdue means the due date has passed', () => {
    assert.equal(isReviewOverdue('2024-04-16', '2024-04-16'), false);
    assert.equal(isReviewOverdue('2024-04-16', '2024-04-17'), true);
    assert.equal(isReviewOverdue(null, '2024-04-17'), false);
  });
});
