// REV-1: the review timetable, with property tests of the schedule.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { addDays, addMonths, compareDates } from '../../../src/domain/dates.ts';
import { EPISODE_STATUSES } from '../../../src/domain/aftercare.ts';
import {
  DEFAULT_REVIEW_SETTINGS, REVIEWED_STATUSES, beforeLeavingHospital, episodeHasReviews, episodeReviewDue, isRequestOpen, isReviewOverdue, nextReviewDue, noRunningEpisode, replanNeeded, reviewTiming, validateReviewDate,
} from '../../../src/domain/reviews.ts';

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

  test('REV-1: a request made on the day of a review is answered by it', () => {
    const history = { leftHospitalOn: '2024-03-05', reviewsHeldOn: ['2024-04-10'], requestedOn: ['2024-04-10'] };
    assert.equal(isRequestOpen('2024-04-10', history), false);
    assert.equal(nextReviewDue(history), '2025-04-10');
  });

  test('REV-1: only an active or in-custody episode has a review due', () => {
    for (const status of ['planning', 'entitled-pending-discharge', 'ended', 'superseded', 'deceased'] as const) {
      assert.equal(episodeReviewDue({ status, leftHospitalOn: '2024-03-05' }, [], []), null, status);
    }
    assert.equal(episodeReviewDue({ status: 'active', leftHospitalOn: '2024-03-05' }, [], []), '2024-04-16');
    assert.equal(episodeReviewDue({ status: 'in-custody', leftHospitalOn: '2024-03-05' }, ['2024-04-01'], []), '2025-04-01');
  });

  test('REV-1: the requested-review interval is a setting', () => {
    const settings = { ...DEFAULT_REVIEW_SETTINGS, requestedReviewDays: 7 };
    assert.equal(nextReviewDue({ leftHospitalOn: '2024-03-05', reviewsHeldOn: ['2024-04-10'], requestedOn: ['2024-06-01'] }, settings), '2024-06-08');
  });

  test('REV-1: due soon and overdue', () => {
    assert.equal(reviewTiming('2024-04-16', '2024-04-17', 14), 'overdue');
    assert.equal(reviewTiming('2024-04-16', '2024-04-16', 14), 'due-soon');
    assert.equal(reviewTiming('2024-04-30', '2024-04-16', 14), 'due-soon');
    assert.equal(reviewTiming('2024-05-01', '2024-04-16', 14), 'not-yet-due');
  });

  test('REV-1 (property): never later than the rule allows, counting open requests, never before the last review', () => {
    const settings = fc.record({ firstReviewDays: fc.integer({ min: 1, max: 120 }), reviewIntervalMonths: fc.integer({ min: 1, max: 24 }), requestedReviewDays: fc.integer({ min: 1, max: 60 }) });
    fc.assert(
      fc.property(day, fc.array(day, { maxLength: 6 }), fc.array(day, { maxLength: 4 }), settings, (left, held, requested, s) => {
        const due = nextReviewDue({ leftHospitalOn: left, reviewsHeldOn: held, requestedOn: requested }, s)!;
        const counted = held.filter((d) => compareDates(d, left) >= 0).sort(compareDates);
        const last = counted.at(-1);
        const limits = [last ? addMonths(last, s.reviewIntervalMonths) : addDays(left, s.firstReviewDays)];
        for (const r of requested) {
          if (compareDates(r, left) >= 0 && (!last || compareDates(r, last) > 0)) limits.push(addDays(r, s.requestedReviewDays));
        }
        for (const limit of limits) assert.ok(compareDates(due, limit) <= 0, `${due} is after ${limit}`);
        assert.ok(compareDates(due, last ?? left) > 0, 'due after the last review or the discharge');
        // It is one of the limits: nothing earlier than the rule asks for either.
        assert.ok(limits.includes(due));
      }),
    );
  });
});

describe('REV-4 re-planning', () => {
  const active = { status: 'active' as const, leftHospitalOn: '2024-03-05' };

  test('REV-4: an informal or section 2 readmission after leaving hospital needs a new plan before the next discharge', () => {
    assert.equal(replanNeeded({ episodes: [active], admissions: [{ admittedOn: '2024-01-01' }], reviewsHeldOn: [] }), false);
    assert.equal(replanNeeded({ episodes: [active], admissions: [{ admittedOn: '2024-01-01' }, { admittedOn: '2024-06-01' }], reviewsHeldOn: [] }), true);
  });

  test('REV-4: a review held after the readmission clears it; a readmission after the last review sets it', () => {
    const admissions = [{ admittedOn: '2024-01-01' }, { admittedOn: '2024-06-01' }];
    assert.equal(replanNeeded({ episodes: [active], admissions, reviewsHeldOn: ['2024-06-10'] }), false);
    assert.equal(replanNeeded({ episodes: [active], admissions, reviewsHeldOn: ['2024-04-10'] }), true);
  });

  test('REV-4: a new qualifying detention after leaving hospital needs a new plan before the next discharge', () => {
    const superseded = { status: 'superseded' as const, leftHospitalOn: '2024-03-05' };
    assert.equal(replanNeeded({ episodes: [superseded, { status: 'planning', leftHospitalOn: null }], admissions: [], reviewsHeldOn: [] }), true);
    assert.equal(replanNeeded({ episodes: [{ status: 'superseded', leftHospitalOn: null }, { status: 'planning', leftHospitalOn: null }], admissions: [], reviewsHeldOn: [] }), false);
    assert.equal(replanNeeded({ episodes: [{ status: 'planning', leftHospitalOn: null }], admissions: [], reviewsHeldOn: [] }), false);
  });

  test('REV-4: an ended episode needs no re-plan', () => {
    assert.equal(replanNeeded({ episodes: [{ status: 'ended', leftHospitalOn: '2024-03-05' }], admissions: [{ admittedOn: '2024-06-01' }], reviewsHeldOn: [] }), false);
  });
});

describe('REV-1: what a review, a request or an invitation may be recorded against', () => {
  test('REV-1: the reviewed statuses are the running ones (active, in custody), all from the episode statuses', () => {
    assert.deepEqual([...REVIEWED_STATUSES], ['active', 'in-custody']);
    for (const status of EPISODE_STATUSES) assert.equal(episodeHasReviews(status), status === 'active' || status === 'in-custody');
  });

  test('REV-1: a running episode of someone who has left hospital takes a review', () => {
    assert.equal(noRunningEpisode({ status: 'active', leftHospitalOn: '2025-01-10' }, 'heldOn'), null);
    assert.equal(noRunningEpisode({ status: 'in-custody', leftHospitalOn: '2025-01-10' }, 'heldOn'), null);
  });

  test('REV-1: no episode, one not running, or one not yet left hospital is refused, naming the field and REV-1', () => {
    for (const latest of [undefined, { status: 'planning' as const, leftHospitalOn: null }, { status: 'ended' as const, leftHospitalOn: '2025-01-10' }, { status: 'active' as const, leftHospitalOn: null }]) {
      const v = noRunningEpisode(latest, 'requestedOn');
      assert.equal(v?.field, 'requestedOn');
      assert.equal(v?.rule, 'REV-1');
      assert.match(v!.message, /no aftercare running/);
    }
  });

  test('REV-1: a date before leaving hospital is refused; the day itself and later are accepted', () => {
    assert.equal(beforeLeavingHospital('heldOn', '2025-01-10', '2025-01-10'), null);
    assert.equal(beforeLeavingHospital('heldOn', '2025-02-01', '2025-01-10'), null);
    assert.deepEqual(beforeLeavingHospital('plannedOn', '2025-01-09', '2025-01-10'), { field: 'plannedOn', message: 'plannedOn must be on or after the day they left hospital (10 January 2025)', rule: 'REV-1' });
  });

  test('REV-1: validateReviewDate checks the episode first, then the date', () => {
    assert.deepEqual(validateReviewDate({ status: 'active', leftHospitalOn: '2025-01-10' }, 'heldOn', '2025-03-01'), []);
    assert.match(validateReviewDate(undefined, 'heldOn', '2025-03-01')[0]!.message, /no aftercare running/);
    assert.match(validateReviewDate({ status: 'active', leftHospitalOn: '2025-01-10' }, 'heldOn', '2025-01-01')[0]!.message, /on or after the day they left hospital/);
  });
});
