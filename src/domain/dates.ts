// Calendar dates as the law uses them: UK dates with no time of day and no time zone.
// Stored and compared as 'YYYY-MM-DD' strings; arithmetic goes through a day number
// (days since 1970-01-01 in UTC) so that clock changes can never shift a date.

export type IsoDate = string;

const ISO_DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;
const MONTH_NAMES = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
] as const;

interface DateParts { year: number; month: number; day: number }

function parts(d: IsoDate): DateParts {
  const match = ISO_DATE_PATTERN.exec(d);
  if (!match) throw new RangeError(`Not a date in the form YYYY-MM-DD: ${d}`);
  return { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
}

function fromParts({ year, month, day }: DateParts): IsoDate {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function toDayNumber(d: IsoDate): number {
  const { year, month, day } = parts(d);
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day); // setUTCFullYear keeps years 0-99 literal
  return Math.round(utc.getTime() / MS_PER_DAY);
}

function fromDayNumber(n: number): IsoDate {
  const utc = new Date(n * MS_PER_DAY);
  return fromParts({ year: utc.getUTCFullYear(), month: utc.getUTCMonth() + 1, day: utc.getUTCDate() });
}

/** True for a real calendar date written YYYY-MM-DD (so 2023-02-29 is false). */
export function isIsoDate(s: string): boolean {
  const match = ISO_DATE_PATTERN.exec(s);
  if (!match) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  // Year 0000 is not a date the database can store (1 BC is followed by AD 1).
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** Negative when a is earlier than b, 0 when equal, positive when later. */
export function compareDates(a: IsoDate, b: IsoDate): number {
  return a < b ? -1 : a > b ? 1 : 0; // zero-padded ISO dates sort as strings
}

export function addDays(d: IsoDate, n: number): IsoDate {
  return fromDayNumber(toDayNumber(d) + n);
}

/** Adds calendar months; a day that does not exist in the target month clamps to its last day. */
export function addMonths(d: IsoDate, n: number): IsoDate {
  const { year, month, day } = parts(d);
  const monthIndex = year * 12 + (month - 1) + n;
  const targetYear = Math.floor(monthIndex / 12);
  const targetMonth = monthIndex - targetYear * 12 + 1;
  return fromParts({ year: targetYear, month: targetMonth, day: Math.min(day, daysInMonth(targetYear, targetMonth)) });
}

/** Whole days from a to b: positive when b is later. */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return toDayNumber(b) - toDayNumber(a);
}

export function maxDate(first: IsoDate, ...rest: IsoDate[]): IsoDate {
  return rest.reduce((latest, d) => (d > latest ? d : latest), first);
}

export function minDate(first: IsoDate, ...rest: IsoDate[]): IsoDate {
  return rest.reduce((earliest, d) => (d < earliest ? d : earliest), first);
}

const londonDateFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit',
});

/** Today's date in England, whatever the server's own time zone is. */
export function todayInLondon(now: Date = new Date()): IsoDate {
  // England's date only changes on a whole minute (its offsets from UTC are whole hours), so the date
  // of one instant serves its whole minute: formatToParts was about 1 % of a busy server's time.
  const minute = Math.floor(now.getTime() / 60_000);
  if (minute !== lastLondonDay.minute) lastLondonDay = { minute, date: londonDateOf(now) };
  return lastLondonDay.date;
}

let lastLondonDay = { minute: Number.NaN, date: '' };

function londonDateOf(now: Date): IsoDate {
  const found = Object.fromEntries(londonDateFormat.formatToParts(now).map((p) => [p.type, p.value]));
  return `${found['year']}-${found['month']}-${found['day']}`;
}

/** A date as people read it in letters and on screen: "4 March 2024". */
export function formatDate(d: IsoDate): string {
  const { year, month, day } = parts(d);
  return `${day} ${MONTH_NAMES[month - 1]} ${year}`;
}
