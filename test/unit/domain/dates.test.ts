// Calendar arithmetic underpins every date the rules use: when aftercare started (ELIG-3) and when
// a review falls due (REV-1: within 6 weeks of leaving hospital, then every 12 months).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  addDays, addMonths, compareDates, daysBetween, formatDate, isIsoDate, maxDate, minDate, todayInLondon,
} from '../../../src/domain/dates.ts';

const isoDate = fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2199-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

describe('dates', () => {
  test('ELIG-3: isIsoDate accepts only real calendar dates written YYYY-MM-DD', () => {
    for (const good of ['2024-02-29', '2023-12-31', '2000-02-29', '1995-01-01']) assert.equal(isIsoDate(good), true, good);
    for (const bad of ['2023-02-29', '1900-02-29', '2024-13-01', '2024-00-10', '2024-04-31', '2024-4-01', '04/03/2024', '', '2024-03-04T00:00:00Z']) {
      assert.equal(isIsoDate(bad), false, bad);
    }
  });

  test('ELIG-3: compareDates, maxDate and minDate order dates', () => {
    assert.ok(compareDates('2024-03-04', '2024-03-10') < 0);
    assert.ok(compareDates('2024-03-10', '2024-03-04') > 0);
    assert.equal(compareDates('2024-03-04', '2024-03-04'), 0);
    assert.equal(maxDate('2024-03-04', '2025-01-01', '2023-12-31'), '2025-01-01');
    assert.equal(minDate('2024-03-04', '2025-01-01', '2023-12-31'), '2023-12-31');
    assert.equal(maxDate('2024-03-04'), '2024-03-04');
  });

  test('ELIG-3: formatDate writes dates the way people read them', () => {
    assert.equal(formatDate('2024-03-04'), '4 March 2024');
    assert.equal(formatDate('1995-12-25'), '25 December 1995');
  });

  test('ELIG-3: todayInLondon gives the date in England, including across midnight in summer time', () => {
    assert.equal(todayInLondon(new Date('2024-07-01T23:30:00Z')), '2024-07-02'); // BST: already 00:30 on 2 July
    assert.equal(todayInLondon(new Date('2024-01-01T23:30:00Z')), '2024-01-01'); // GMT
    assert.equal(todayInLondon(new Date('2024-03-31T00:30:00Z')), '2024-03-31'); // the night the clocks go forward
    assert.ok(isIsoDate(todayInLondon()));
    assert.throws(() => todayInLondon(new Date(Number.NaN)), RangeError, 'an invalid instant is refused, as before');
  });

  test('ELIG-3: todayInLondon, which keeps the last minute’s date, agrees with the calendar for any instants in any order', () => {
    const london = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });
    // Runs of instants within three hours of one UTC midnight (in summer time, one hour before it is
    // already the next day in England), on days that include the clock changes (the last Sundays of
    // March and October, at 01:00 UTC), in any order; and instants anywhere.
    const nearOneMidnight = fc.tuple(
      fc.integer({ min: 1990, max: 2100 }), fc.constantFrom('03', '06', '10', '12'), fc.integer({ min: 24, max: 30 }),
      fc.array(fc.integer({ min: -180 * 60, max: 180 * 60 }), { minLength: 1, maxLength: 20 }),
    ).map(([year, month, day, seconds]) => seconds.map((s) => new Date(Date.parse(`${year}-${month}-${day}T00:00:00Z`) + s * 1000)));
    const anywhere = fc.array(fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2199-12-31T00:00:00Z'), noInvalidDate: true }), { minLength: 1, maxLength: 5 });
    fc.assert(fc.property(fc.oneof(nearOneMidnight, anywhere), (instants) => {
      for (const at of instants) assert.equal(todayInLondon(at), london.format(at), at.toISOString());
    }), { numRuns: 300 });
  });

  test('REV-1: addDays crosses month, year and leap-day boundaries and clock changes', () => {
    assert.equal(addDays('2024-02-28', 1), '2024-02-29');
    assert.equal(addDays('2023-02-28', 1), '2023-03-01');
    assert.equal(addDays('2023-12-31', 1), '2024-01-01');
    assert.equal(addDays('2024-03-30', 2), '2024-04-01');
    assert.equal(addDays('2024-03-10', -6), '2024-03-04');
    assert.equal(addDays('2024-03-10', 42), '2024-04-21'); // six weeks after leaving hospital
  });

  test('REV-1: addMonths clamps to the last day of a shorter month', () => {
    assert.equal(addMonths('2024-01-31', 1), '2024-02-29');
    assert.equal(addMonths('2023-01-31', 1), '2023-02-28');
    assert.equal(addMonths('2024-02-29', 12), '2025-02-28');
    assert.equal(addMonths('2024-03-31', -1), '2024-02-29');
    assert.equal(addMonths('2024-11-15', 3), '2025-02-15');
    assert.equal(addMonths('2024-01-15', -13), '2022-12-15');
  });

  test('REV-1: daysBetween counts whole days, negative when going back', () => {
    assert.equal(daysBetween('2024-03-04', '2024-03-10'), 6);
    assert.equal(daysBetween('2024-03-10', '2024-03-04'), -6);
    assert.equal(daysBetween('2023-03-01', '2024-03-01'), 366);
  });

  test('REV-1: property: addDays and daysBetween are inverses', () => {
    fc.assert(fc.property(isoDate, fc.integer({ min: -20000, max: 20000 }), (d, n) => {
      const moved = addDays(d, n);
      assert.ok(isIsoDate(moved));
      assert.equal(daysBetween(d, moved), n);
      assert.equal(addDays(moved, -n), d);
      assert.equal(Math.sign(compareDates(moved, d)), Math.sign(n));
    }));
  });

  test('REV-1: property: addMonths keeps the day when it exists and otherwise clamps to the month end', () => {
    fc.assert(fc.property(isoDate, fc.integer({ min: -240, max: 240 }), (d, n) => {
      const moved = addMonths(d, n);
      assert.ok(isIsoDate(moved));
      const [y, m, day] = d.split('-').map(Number) as [number, number, number];
      const [y2, m2, day2] = moved.split('-').map(Number) as [number, number, number];
      assert.equal((y2 * 12 + m2) - (y * 12 + m), n);
      const lastDay = new Date(Date.UTC(y2, m2, 0)).getUTCDate();
      assert.equal(day2, Math.min(day, lastDay));
    }));
  });
});
