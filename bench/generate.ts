// A fast generator of synthetic people for the benchmarks: names, residence and GP histories,
// hospital stays, legal statuses, section 17 leave and some confirmed responsibility decisions,
// written with multi-row INSERTs straight through Kysely (not through the services: 100,000 people
// must load in minutes). Then the projections the register searches (person_summaries' status,
// responsible bodies and review date; person_organisations) are derived one of two ways:
// - 'fast' (default): computeAftercare on the facts in memory, the same derivation as
//   refreshProjections (src/services/person-record.ts), written with bulk INSERTs. The columns other
//   features add to person_summaries through their projection contributors keep their defaults.
// - 'services': the services' own refreshProjections for every person, in batched transactions:
//   exactly what the services write, contributors included, but about 30 queries a person.
// Only synthetic people: made-up names, NHS numbers from the 999 test range, fictional postcodes.
// A seeded PRNG makes every run with the same --seed and --people produce the same data.
import { setImmediate } from 'node:timers/promises';
import type { Insertable } from 'kysely';
import { organisationsWithSight } from '../src/domain/access.ts';
import { computeAftercare, DEFAULT_LAW_SETTINGS, type AftercareResult, type PersonFacts } from '../src/domain/aftercare.ts';
import type { IsoDate } from '../src/domain/dates.ts';
import { testNhsNumber, testNhsNumberCount } from '../src/domain/nhs-number.ts';
import { notificationState } from '../src/domain/notifications.ts';
import { DEFAULT_REVIEW_SETTINGS, episodeReviewDue } from '../src/domain/reviews.ts';
import type { SectionCode } from '../src/domain/sections.ts';
import type { Db } from '../src/data/database.ts';
import type { Database } from '../src/data/schema.ts';
import { latestBySince } from '../src/services/kernel/person-record.ts';
import { refreshProjections } from '../src/services/kernel/projections.ts';

// ---------------------------------------------------------------------------------------------
// Seeded random numbers (sfc32, seeded through splitmix32).

export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** A number in [0, 1). */
  next(): number {
    return this.u32() / 4_294_967_296;
  }

  /** An integer from min to max, both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Earlier items more often (roughly how common names are spread). */
  pickSkewed<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() ** 1.4 * items.length)] as T;
  }

  weighted<T>(choices: readonly (readonly [T, number])[]): T {
    const total = choices.reduce((sum, [, w]) => sum + w, 0);
    let r = this.next() * total;
    for (const [value, weight] of choices) {
      r -= weight;
      if (r < 0) return value;
    }
    return (choices[choices.length - 1] as readonly [T, number])[0];
  }

  /** A version-4-shaped UUID from this generator, so that ids repeat between runs too. */
  uuid(): string {
    const hex = (n: number) => n.toString(16).padStart(8, '0');
    const a = hex(this.u32());
    const b = hex(this.u32());
    const c = hex(this.u32());
    const d = hex(this.u32());
    const variant = ((parseInt(c[0] as string, 16) & 0x3) | 0x8).toString(16);
    return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${variant}${c.slice(1, 4)}-${c.slice(4)}${d}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Synthetic names, places and organisations (the organisation codes are those of src/cli/demo.ts).

export const FAMILY_NAMES = [
  'Smith', 'Jones', 'Williams', 'Taylor', 'Brown', 'Davies', 'Evans', 'Wilson', 'Thomas', 'Johnson', 'Roberts', 'Robinson',
  'Thompson', 'Wright', 'Walker', 'White', 'Edwards', 'Hughes', 'Green', 'Hall', 'Lewis', 'Harris', 'Clarke', 'Patel',
  'Jackson', 'Wood', 'Turner', 'Martin', 'Cooper', 'Hill', 'Ward', 'Morris', 'Moore', 'Clark', 'Lee', 'King', 'Baker',
  'Harrison', 'Morgan', 'Allen', 'James', 'Scott', 'Phillips', 'Watson', 'Davis', 'Parker', 'Price', 'Bennett', 'Young',
  'Griffiths', 'Mitchell', 'Kelly', 'Cook', 'Carter', 'Richardson', 'Bailey', 'Collins', 'Bell', 'Shaw', 'Murphy', 'Miller',
  'Cox', 'Richards', 'Khan', 'Marshall', 'Anderson', 'Simpson', 'Ellis', 'Adams', 'Singh', 'Begum', 'Wilkinson', 'Foster',
  'Chapman', 'Powell', 'Webb', 'Rogers', 'Gray', 'Mason', 'Ali', 'Hunt', 'Hussain', 'Campbell', 'Matthews', 'Owen', 'Palmer',
  'Holmes', 'Mills', 'Barnes', 'Knight', 'Lloyd', 'Butler', 'Russell', 'Barker', 'Fisher', 'Stevens', 'Jenkins', 'Murray',
  'Dixon', 'Harvey', 'Graham', 'Pearson', 'Ahmed', 'Fletcher', 'Walsh', 'Kaur', 'Gibson', 'Howard', 'Andrews', 'Stewart',
  'Elliott', 'Reynolds', 'Saunders', 'Payne', 'Fox', 'Ford', 'Pearce', 'Day', 'Brooks', 'West', 'Lawrence', 'Cole', 'Atkinson',
  'Bradley', 'Spencer', 'Gill', 'Dawson', 'Ball', 'Burton', "O'Brien", 'Watts', 'Rose', 'Booth', 'Perry', 'Ryan', 'Grant',
  'Wells', 'Armstrong', 'Francis', 'Rees', 'Hayes', 'Hart', 'Hudson', 'Newman', 'Barrett', 'Webster', 'Hunter', 'Gregory',
  'Carr', 'Lowe', 'Page', 'Marsh', 'Riley', 'Dunn', 'Woods', 'Parsons', 'Berry', 'Stone', 'Reid', 'Holland', 'Hawkins',
  'Harding', 'Porter', 'Robertson', 'Newton', 'Oliver', 'Reed', 'Kennedy', 'Williamson', 'Bird', 'Gardner', 'Shah', 'Dean',
  'Lane', 'Cooke', 'Bates', 'Henderson', 'Parry', 'Burgess', 'Bishop', 'Walton', 'Burns', 'Nicholson', 'Shepherd', 'Ross',
  'Cross', 'Long', 'Freeman', 'Warren', 'Nicholls', 'Hamilton', 'Byrne', 'Sutton', 'McDonald', 'Yates', 'Hodgson', 'Robson',
  'Curtis', 'Hopkins', 'Mensah', 'Okafor', 'Nowak', 'Kowalski', 'Osei', 'Adeyemi', 'Rahman', 'Chowdhury', 'Nguyen', 'Silva',
] as const;

export const GIVEN_NAMES = [
  'Oliver', 'George', 'Harry', 'Jack', 'Jacob', 'Noah', 'Charlie', 'Muhammad', 'Thomas', 'Oscar', 'William', 'James', 'Henry',
  'Leo', 'Alfie', 'Joshua', 'Freddie', 'Archie', 'Ethan', 'Isaac', 'Alexander', 'Joseph', 'Edward', 'Samuel', 'Max', 'Daniel',
  'Arthur', 'Lucas', 'Mohammed', 'Logan', 'Dylan', 'Harrison', 'Adam', 'Ryan', 'Lewis', 'Liam', 'Connor', 'Callum', 'Kieran',
  'David', 'John', 'Michael', 'Paul', 'Mark', 'Andrew', 'Stephen', 'Peter', 'Richard', 'Christopher', 'Robert', 'Gary',
  'Olivia', 'Amelia', 'Isla', 'Ava', 'Emily', 'Isabella', 'Mia', 'Poppy', 'Ella', 'Lily', 'Jessica', 'Sophie', 'Grace',
  'Evie', 'Sophia', 'Ruby', 'Chloe', 'Freya', 'Charlotte', 'Daisy', 'Alice', 'Florence', 'Phoebe', 'Holly', 'Megan', 'Hannah',
  'Lucy', 'Eleanor', 'Zara', 'Aisha', 'Fatima', 'Priya', 'Amira', 'Nadia', 'Sarah', 'Laura', 'Rebecca', 'Rachel', 'Claire',
  'Emma', 'Helen', 'Susan', 'Karen', 'Julie', 'Margaret', 'Patricia', 'Linda', 'Deborah', 'Janet', 'Dorothy', 'Joan',
  'Kwame', 'Chinedu', 'Tomasz', 'Agnieszka', 'Mei', 'Anil', 'Deepa', 'Siobhan', 'Niamh', 'Rhys', 'Cerys', 'Morag', 'Ewan',
] as const;

// Place-name surnames (Ashby, Blackwood, Hartley ...) make the long tail that real registers have:
// about half of people have a surname outside the common list above.
const SURNAME_STEMS = [
  'Ash', 'Black', 'Brad', 'Brook', 'Cald', 'Fair', 'Green', 'Hart', 'Holt', 'Kings', 'Lang', 'Mid', 'New', 'North', 'Oak', 'Red', 'Rock', 'Stan',
  'Thorn', 'West', 'White', 'Wood', 'Hal', 'Wal', 'Brom', 'Ather', 'Bux', 'Cliff', 'Dun', 'Elm', 'Fen', 'Gold', 'Hep', 'Ick', 'Jes', 'Kel', 'Lud',
  'Moss', 'Nor', 'Orm', 'Pem', 'Quen', 'Rad', 'Sel', 'Tad', 'Ux', 'Ver', 'Yar',
] as const;
const SURNAME_ENDINGS = ['bury', 'by', 'croft', 'field', 'ford', 'ham', 'hurst', 'ley', 'ton', 'well', 'wood', 'worth', 'more', 'dale', 'gate', 'stone'] as const;
export const PLACE_SURNAMES: readonly string[] = [...new Set(SURNAME_STEMS.flatMap((stem) => SURNAME_ENDINGS.map((end) => stem + end)))];

const STREETS = ['High Street', 'Station Road', 'Church Lane', 'Mill Lane', 'Park Road', 'Victoria Road', 'Green Lane', 'Manor Road', 'Kings Road', 'Queens Road', 'The Crescent', 'Chapel Street', 'Canal Walk', 'Orchard Close', 'Elm Grove'] as const;
const HOSPITALS = ['Northbridge Mental Health Unit', 'Riverside Ward, Northbridge General Hospital', 'Southvale Community Hospital'] as const;
const SECURE_HOSPITAL = 'Northbridge Medium Secure Unit';
const LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

export const BENCH_LA = { north: 'E09000099', south: 'E09000098' } as const;
export const BENCH_ICB = { north: 'QZZ', south: 'QZY' } as const;
export const BENCH_TRUST = 'RZZ';

// ---------------------------------------------------------------------------------------------
// Calendar days as integers (days since 1970-01-01), so that the generator does little date work.

const MS_PER_DAY = 86_400_000;
const YEAR = 365;
const dayOf = (d: IsoDate): number => Math.round(Date.parse(`${d}T00:00:00Z`) / MS_PER_DAY);
const iso = (day: number): IsoDate => new Date(day * MS_PER_DAY).toISOString().slice(0, 10);

// ---------------------------------------------------------------------------------------------
// One person's generated record.

type PersonInsert = Insertable<Database['people']>;
type Row<T extends keyof Database> = Insertable<Database[T]>;

interface Generated {
  person: PersonInsert;
  residences: Row<'residences'>[];
  gps: Row<'gp_registrations'>[];
  admissions: Row<'admissions'>[];
  statuses: Row<'legal_statuses'>[];
  leaves: Row<'leaves'>[];
  decisions: Row<'responsibility_decisions'>[];
}

export interface GenerateOptions {
  people: number;
  seed: number;
  /** The day the data is generated for; every date is on or before it. */
  today: IsoDate;
  /** The trust practitioner who "registered" everyone (an allocation gives the trust sight, as the services do). */
  registeredBy: { userId: string; organisationId: string; organisationCode: string };
  /** The s117 lead who confirms responsibility for some episodes. */
  approverUserId: string;
  batchSize?: number;
  /** How the projections are derived (see the top of this file); default 'fast'. */
  projections?: 'fast' | 'services';
  /** Transactions at once (PostgreSQL: a few; PGlite: 1): inserting batches, and with 'services' deriving projections. */
  concurrency?: number;
  progress?: (message: string) => void;
}

export interface GenerateResult {
  people: number;
  rows: Record<string, number>;
  statuses: Record<string, number>;
  episodes: Record<string, number>;
  /** Seconds spent making the facts in memory, inserting them, and deriving the projections. */
  seconds: { generate: number; insertFacts: number; projections: number; total: number };
}

/** Everything the generator knows about one person, as the services would see it. */
class PersonGenerator {
  private readonly rng: Prng;
  private readonly today: number;
  private readonly options: GenerateOptions;
  private g!: Generated;
  private last = 0;
  private nhsNumbersGiven = 0;

  constructor(rng: Prng, options: GenerateOptions) {
    this.rng = rng;
    this.options = options;
    this.today = dayOf(options.today);
  }

  /**
   * The next unused number of the 999 test range, or null once all ~909,000 are given (about 5 % more
   * people without an NHS number at 1,000,000): never the same number twice, so any size loads.
   */
  private nextNhsNumber(): string | null {
    if (this.nhsNumbersGiven >= testNhsNumberCount()) return null;
    return testNhsNumber(this.nhsNumbersGiven++);
  }

  make(index: number): Generated {
    const { rng } = this;
    const id = rng.uuid();
    const ageDays = rng.weighted<[number, number]>([[[16, 25], 18], [[25, 45], 40], [[45, 65], 30], [[65, 92], 12]]);
    const born = this.today - rng.int(ageDays[0] * YEAR, ageDays[1] * YEAR);
    const northern = rng.chance(0.78);
    const side = northern ? 'north' : 'south';
    this.g = {
      person: {
        id,
        nhs_number: rng.chance(0.96) ? this.nextNhsNumber() : null,
        local_id: rng.chance(0.9) ? `RZZ${String(1_000_000 + index)}` : null,
        given_name: rng.pickSkewed(GIVEN_NAMES),
        family_name: rng.chance(0.55) ? rng.pickSkewed(FAMILY_NAMES) : rng.pick(PLACE_SURNAMES),
        date_of_birth: iso(born),
        date_of_death: null,
        address_line1: `${rng.int(1, 240)} ${rng.pick(STREETS)}`,
        postcode: `${northern ? 'NB' : 'SV'}${rng.int(1, 9)} ${rng.int(1, 9)}${rng.pick([...LETTERS])}${rng.pick([...LETTERS])}`,
      },
      residences: [],
      gps: [],
      admissions: [],
      statuses: [],
      leaves: [],
      decisions: [],
    };
    this.last = born;
    // Residence and GP histories: most people have both; some move or change GP later (RESP-3, RESP-5).
    const settled = Math.min(this.today, Math.max(born, this.today - rng.int(200, 9000)));
    if (rng.chance(0.985)) this.g.residences.push({ id: rng.uuid(), person_id: id, local_authority_code: BENCH_LA[side], since: iso(settled) });
    if (rng.chance(0.98)) {
      const icb = rng.chance(0.95) ? BENCH_ICB[side] : BENCH_ICB[northern ? 'south' : 'north'];
      this.g.gps.push({ id: rng.uuid(), person_id: id, practice_code: `Z${northern ? 99 : 98}${String(rng.int(1, 40)).padStart(3, '0')}`, icb_code: icb, since: iso(settled) });
    }
    this.history(id, born);
    if (this.g.residences.length > 0 && rng.chance(0.08) && settled < this.today - 30) {
      const moved = rng.int(settled + 1, this.today);
      this.g.residences.push({ id: rng.uuid(), person_id: id, local_authority_code: BENCH_LA[northern ? 'south' : 'north'], since: iso(moved) });
    }
    if (this.g.gps.length > 0 && rng.chance(0.06) && settled < this.today - 30) {
      const changed = rng.int(settled + 1, this.today);
      this.g.gps.push({ id: rng.uuid(), person_id: id, practice_code: `Z${northern ? 98 : 99}${String(rng.int(1, 40)).padStart(3, '0')}`, icb_code: BENCH_ICB[northern ? 'south' : 'north'], since: iso(changed) });
    }
    // Deaths: a few, after everything else recorded.
    if (this.g.statuses.length > 0 && rng.chance(0.03) && this.last < this.today) {
      this.g.person.date_of_death = iso(rng.int(this.last + 1, this.today));
    }
    return this.g;
  }

  // -- legal history --------------------------------------------------------------------------

  private stay(personId: string, hospital: string, from: number, to: number | null): string {
    const id = this.rng.uuid();
    this.g.admissions.push({ id, person_id: personId, hospital, admitted_on: iso(from), discharged_on: to === null ? null : iso(to) });
    this.seen(to ?? from);
    return id;
  }

  private status(personId: string, section: SectionCode, from: number, to: number | null, admissionId: string | null): Row<'legal_statuses'> {
    const row = { id: this.rng.uuid(), person_id: personId, section, start_date: iso(from), end_date: to === null ? null : iso(to), admission_id: admissionId };
    this.g.statuses.push(row);
    this.seen(to ?? from);
    return row;
  }

  private leave(personId: string, kind: Row<'leaves'>['kind'], from: number, to: number | null, triggers: boolean, reason: string): void {
    this.g.leaves.push({
      id: this.rng.uuid(), person_id: personId, from_date: iso(from), to_date: to === null ? null : iso(to), kind, triggers_aftercare: triggers, reason,
      decided_by: this.options.registeredBy.userId,
    });
    this.seen(to ?? from);
  }

  private seen(day: number): void {
    if (day > this.last) this.last = day;
  }

  /** null when the end would be after today: still going. */
  private ends(start: number, length: number): number | null {
    const end = start + length;
    return end <= this.today ? end : null;
  }

  private history(personId: string, born: number): void {
    const { rng } = this;
    const stays = rng.weighted([[0, 30], [1, 42], [2, 18], [3, 7], [4, 3]]);
    let t = Math.max(born + 14 * YEAR, this.today - rng.int(200, 5000));
    // A CTO, conditional discharge or return to prison still running when the next stay begins.
    let running: Row<'legal_statuses'> | null = null;
    for (let k = 0; k < stays && t < this.today - 1; k++) {
      if (running && (running.end_date == null || running.end_date > iso(t))) {
        if (running.section === 'custody') break; // still in prison: nothing more happens here
        running.end_date = iso(t); // recalled (ELIG-8c)
      }
      const kind = rng.weighted([['informal', 14], ['section-2', 16], ['136-informal', 5], ['qualifying', 65]] as const);
      const result = kind === 'qualifying' ? this.qualifying(personId, t) : this.nonQualifying(personId, t, kind);
      if (result.next === null) break;
      running = result.running;
      t = result.next + rng.int(30, 900);
    }
  }

  private nonQualifying(personId: string, t: number, kind: 'informal' | 'section-2' | '136-informal'): { next: number | null; running: null } {
    const { rng } = this;
    const hospital = rng.pick(HOSPITALS);
    if (kind === 'informal') {
      const end = this.ends(t, rng.int(3, 60));
      const stay = this.stay(personId, hospital, t, end);
      this.status(personId, 'informal', t, end, stay);
      return { next: end, running: null };
    }
    if (kind === '136-informal') {
      const end = this.ends(t + 1, rng.int(2, 30));
      const stay = this.stay(personId, hospital, t, end);
      this.status(personId, '136', t, t + 1, stay); // t is at least two days before today
      this.status(personId, 'informal', t + 1, end, stay);
      return { next: end, running: null };
    }
    // Section 2, sometimes after a section 136, sometimes staying on informally.
    let start = t;
    const s2End = this.ends(start, rng.int(7, 28) + (rng.chance(0.3) ? 1 : 0));
    const stayOn = s2End !== null && rng.chance(0.3) ? this.ends(s2End, rng.int(1, 20)) : s2End;
    const stay = this.stay(personId, hospital, t, stayOn);
    if (rng.chance(0.3) && (s2End === null || s2End > t + 1)) {
      this.status(personId, '136', t, t + 1, stay);
      start = t + 1;
    }
    this.status(personId, '2', start, s2End, stay);
    if (s2End !== null && stayOn !== s2End) this.status(personId, 'informal', s2End, stayOn, stay);
    return { next: stayOn, running: null };
  }

  private qualifying(personId: string, t: number): { next: number | null; running: Row<'legal_statuses'> | null } {
    const { rng } = this;
    const section = rng.weighted<SectionCode>([['3', 70], ['37', 8], ['37/41', 6], ['45A', 2], ['47', 4], ['47/49', 3], ['48', 4], ['48/49', 3]]);
    const secure = section !== '3';
    const hospital = secure ? SECURE_HOSPITAL : rng.pick(HOSPITALS);
    const length = { '3': rng.int(28, 400), '37': rng.int(120, 900), '37/41': rng.int(300, 2500), '48': rng.int(14, 300), '48/49': rng.int(14, 300) }[section as string] ?? rng.int(90, 1200);
    // Lead-in detentions that ran straight into the qualifying section (RESP-4).
    const leadIn: [SectionCode, number][] = section === '3'
      ? rng.weighted<[SectionCode, number][]>([[[], 50], [[['2', rng.int(7, 27)]], 35], [[['136', 1], ['2', rng.int(7, 27)]], 10], [[['5(2)', rng.int(1, 3)]], 5]])
      : section.startsWith('37') && rng.chance(0.25) ? [['38', rng.int(28, 120)]] : [];
    // Work out the ending first, so that the stay's discharge date is known when it is written.
    const leadDays = leadIn.reduce((sum, [, days]) => sum + days, 0);
    const mainStart = t + leadDays;
    if (mainStart > this.today) return { next: null, running: null }; // keep it simple: no partial lead-ins
    const mainEnd = this.ends(mainStart, length);
    // Some whose section ended lately are still in hospital informally (ELIG-7).
    const stillIn = mainEnd !== null && this.today - mainEnd < 90 && rng.chance(0.3);
    const ending = stillIn ? 'stay-on' : this.ending(section);
    const stayOnDays = ending === 'stay-on' ? rng.int(1, 60) : 0;
    const left = mainEnd === null || stillIn ? null : this.ends(mainEnd, stayOnDays);
    const stay = this.stay(personId, hospital, t, ending === 'custody' || ending === 'cto' || ending === 'cd' ? mainEnd : left);
    let start = t;
    for (const [leadSection, days] of leadIn) {
      this.status(personId, leadSection, start, start + days, stay);
      start += days;
    }
    this.status(personId, section, mainStart, mainEnd, stay);
    // Section 17 leave: escorted leave that does not start aftercare (CXF), and now and then a
    // trial placement that does (Watson).
    const detainedUntil = mainEnd ?? this.today;
    if (!secure && detainedUntil - mainStart > 10 && rng.chance(0.2)) {
      const day = rng.int(mainStart + 1, detainedUntil - 1);
      this.leave(personId, 'escorted', day, day, false, 'Escorted leave with ward staff; the hospital kept control (CXF).');
    }
    if (mainEnd === null) {
      if (!secure && detainedUntil - mainStart > 30 && rng.chance(0.15)) {
        this.leave(personId, 'trial-placement', rng.int(mainStart + 20, detainedUntil), null, true, 'Trial placement in supported accommodation; left hospital in fact (Watson).');
      }
      return { next: null, running: null };
    }
    if (ending === 'stay-on') {
      this.status(personId, 'informal', mainEnd, left, stay);
      return { next: left, running: null };
    }
    if (ending === 'cto' || ending === 'cd' || ending === 'custody') {
      const code: SectionCode = ending === 'cto' ? '17A' : ending === 'cd' ? 'CD' : 'custody';
      const lasts = ending === 'cto' ? rng.int(180, 1100) : ending === 'cd' ? rng.int(365, 4000) : rng.int(30, 1500);
      const end = rng.chance(0.5) ? this.ends(mainEnd, lasts) : null;
      const running = this.status(personId, code, mainEnd, end, null);
      return { next: mainEnd, running };
    }
    return { next: mainEnd, running: null };
  }

  private ending(section: SectionCode): 'discharge' | 'stay-on' | 'cto' | 'cd' | 'custody' {
    const { rng } = this;
    switch (section) {
      case '3': return rng.weighted([['discharge', 55], ['stay-on', 15], ['cto', 30]] as const);
      case '37': return rng.weighted([['discharge', 60], ['cto', 40]] as const);
      case '37/41': return rng.weighted([['discharge', 25], ['cd', 75]] as const);
      case '47': case '48': return rng.weighted([['discharge', 50], ['custody', 50]] as const);
      default: return rng.weighted([['discharge', 20], ['cd', 55], ['custody', 25]] as const);
    }
  }
}

// ---------------------------------------------------------------------------------------------

/** The generated facts as the entitlement engine takes them (as people-repository's loadFacts gives them). */
function factsOf(g: Generated): PersonFacts {
  return {
    dateOfDeath: g.person.date_of_death ?? null,
    residences: [...g.residences].sort((a, b) => (a.since < b.since ? -1 : a.since > b.since ? 1 : 0)).map((r) => ({ localAuthority: r.local_authority_code, since: r.since })),
    gpRegistrations: [...g.gps].sort((a, b) => (a.since < b.since ? -1 : a.since > b.since ? 1 : 0)).map((r) => ({ practiceCode: r.practice_code ?? null, icb: r.icb_code, since: r.since })),
    admissions: g.admissions.map((a) => ({ id: a.id, hospital: a.hospital, admittedOn: a.admitted_on, dischargedOn: a.discharged_on ?? null })),
    legalStatuses: g.statuses.map((s) => ({ id: s.id, section: s.section as SectionCode, startDate: s.start_date, endDate: s.end_date ?? null, admissionId: s.admission_id ?? null })),
    leaves: g.leaves.map((l) => ({ id: l.id, from: l.from_date, to: l.to_date ?? null, kind: l.kind, triggersAftercare: l.triggers_aftercare, reason: l.reason })),
    responsibilityDecisions: g.decisions.map((d) => ({
      episodeId: d.episode_id, localAuthority: { code: d.local_authority_code, basis: d.local_authority_basis }, icb: { code: d.icb_code, basis: d.icb_basis },
      decidedAt: new Date(d.decided_at).toISOString(),
    })),
    jointEndings: [],
  };
}

/**
 * The projection refreshProjections writes (person-record.ts), derived from facts in memory: a person
 * without reviews, so the review date is the first one (REV-1). run.ts checks a sample against the
 * services' own code after loading, in case the two drift apart.
 */
function projectionOf(personId: string, facts: PersonFacts, aftercare: AftercareResult, allocated: readonly string[]) {
  const latest = aftercare.episodes.at(-1);
  const sight = organisationsWithSight({
    responsibleBodies: aftercare.episodes.flatMap((e) => [e.localAuthority.code, e.icb.code]),
    currentLocalAuthority: facts.residences.at(-1)?.localAuthority ?? null,
    currentIcb: latestBySince(facts.gpRegistrations)?.icb ?? null,
    allocatedOrganisations: allocated,
  });
  return {
    summary: {
      person_id: personId,
      status: aftercare.status,
      local_authority_code: latest?.localAuthority.code ?? null,
      icb_code: latest?.icb.code ?? null,
      left_hospital_on: latest?.leftHospitalOn ?? null,
      next_review_due: latest ? episodeReviewDue(latest, [], [], DEFAULT_REVIEW_SETTINGS) : null,
    },
    organisations: sight.map((code) => ({ person_id: personId, organisation_code: code })),
    // What subscribers were last told, as the services hold it once a person's facts are recorded
    // (they save it after every change): without it, the first change to each generated person
    // announced every episode as new, looking up the subscriptions and saving the state, two round
    // trips a change to the register's own people does not make.
    notification: { person_id: personId, state: JSON.stringify(notificationState(aftercare, [])) },
  };
}

// ---------------------------------------------------------------------------------------------
// Writing it all.

/** Inserts rows in statements of at most ~30,000 parameters (PostgreSQL allows 65,535). */
async function insertMany<T extends keyof Database & string>(db: Db, table: T, rows: Insertable<Database[T]>[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0] as object).length;
  const chunk = Math.max(1, Math.floor(30_000 / columns));
  for (let i = 0; i < rows.length; i += chunk) {
    // The table is generic here, so Kysely cannot check the row type; the callers' types do.
    await db.insertInto(table).values(rows.slice(i, i + chunk) as never).execute();
  }
}

const FACT_TABLES = ['people', 'residences', 'gp_registrations', 'admissions', 'legal_statuses', 'leaves', 'responsibility_decisions', 'person_allocations'] as const;

export async function generate(db: Db, options: GenerateOptions): Promise<GenerateResult> {
  const progress = options.progress ?? (() => {});
  const batchSize = options.batchSize ?? 1000;
  // Separate streams, each used in person order, so that the batch size does not change the data.
  const maker = new PersonGenerator(new Prng(options.seed), options);
  const decisionRng = new Prng(options.seed + 1);
  const allocationRng = new Prng(options.seed + 2);
  const rows: Record<string, number> = Object.fromEntries(FACT_TABLES.map((t) => [t, 0]));
  const episodes: Record<string, number> = {};
  const seconds = { generate: 0, insertFacts: 0, projections: 0, total: 0 };
  const fast = (options.projections ?? 'fast') === 'fast';
  const allocated = [options.registeredBy.organisationCode];
  const started = performance.now();
  const decidedOn = (day: IsoDate) => new Date(`${day}T12:00:00Z`);
  const ids: string[] = [];
  const rate = (done: number, since: number) => Math.round(done / ((performance.now() - since) / 1000)).toLocaleString('en-GB');

  // 1. The facts.
  // PostgreSQL: up to `concurrency` batches inserting at once, on connections of their own; PGlite: one.
  const inFlight: Promise<void>[] = [];
  const maxInFlight = Math.max(1, options.concurrency ?? 1);
  for (let from = 0; from < options.people; from += batchSize) {
    const count = Math.min(batchSize, options.people - from);
    const t = performance.now();
    const batch: Generated[] = [];
    const projections: ReturnType<typeof projectionOf>[] = [];
    for (let i = 0; i < count; i++) {
      const g = maker.make(from + i);
      // Confirm the responsible bodies of some episodes as an s117 lead would (RESP-2 to RESP-5);
      // an episode's id is the id of the legal status that opened it.
      const aftercare = computeAftercare(factsOf(g), options.today);
      for (const episode of aftercare.episodes) {
        if (episode.localAuthority.code && episode.icb.code && episode.status !== 'planning' && decisionRng.chance(0.2)) {
          const day = episode.leftHospitalOn ?? episode.qualifyingFrom;
          g.decisions.push({
            id: decisionRng.uuid(), person_id: g.person.id, episode_id: episode.id,
            local_authority_code: episode.localAuthority.code, local_authority_basis: 'Ordinarily resident there immediately before detention (RESP-2).',
            icb_code: episode.icb.code, icb_basis: 'GP registration immediately before detention (RESP-5).',
            decided_by: options.approverUserId, decided_at: decidedOn(day > options.today ? options.today : day),
          });
        }
        episodes[episode.status] = (episodes[episode.status] ?? 0) + 1;
      }
      if (fast) {
        // A confirmation changes the bodies' basis and 'confirmed', so derive again when there is one.
        const facts = factsOf(g);
        projections.push(projectionOf(g.person.id, facts, g.decisions.length > 0 ? computeAftercare(facts, options.today) : aftercare, allocated));
      }
      batch.push(g);
      ids.push(g.person.id);
    }
    seconds.generate += (performance.now() - t) / 1000;

    // The batch goes to the database while the next one is made (the database and Node.js each
    // have a core): at most maxInFlight batches in flight, so memory stays bounded.
    const facts = {
      people: batch.map((g) => g.person),
      residences: batch.flatMap((g) => g.residences),
      gp_registrations: batch.flatMap((g) => g.gps),
      admissions: batch.flatMap((g) => g.admissions),
      legal_statuses: batch.flatMap((g) => g.statuses),
      leaves: batch.flatMap((g) => g.leaves),
      responsibility_decisions: batch.flatMap((g) => g.decisions),
      person_allocations: batch.map((g) => ({
        id: allocationRng.uuid(), person_id: g.person.id, user_id: options.registeredBy.userId, organisation_id: options.registeredBy.organisationId, reason: 'registered the person',
      })),
    };
    while (inFlight.length >= maxInFlight) await inFlight.shift();
    const insert = (async () => {
      let w = performance.now();
      await db.transaction().execute(async (trx) => {
        for (const table of FACT_TABLES) await insertMany(trx, table, facts[table] as Insertable<Database[typeof table]>[]);
      });
      for (const table of FACT_TABLES) rows[table] = (rows[table] ?? 0) + facts[table].length;
      seconds.insertFacts += (performance.now() - w) / 1000;
      if (fast) {
        w = performance.now();
        await db.transaction().execute(async (trx) => {
          await insertMany(trx, 'person_summaries', projections.map((p) => p.summary));
          await insertMany(trx, 'person_organisations', projections.flatMap((p) => p.organisations));
          await insertMany(trx, 'notification_states', projections.map((p) => p.notification));
        });
        seconds.projections += (performance.now() - w) / 1000;
      }
    })();
    // A failed insert stops the run when it is awaited (below or at the end), never unobserved.
    insert.catch(() => {});
    inFlight.push(insert);
    await setImmediate(); // let signals (Ctrl-C) in between batches: PGlite never yields by itself
    const done = from + count;
    progress(`facts: ${done.toLocaleString('en-GB')} of ${options.people.toLocaleString('en-GB')} people (${rate(done, started)} a second)`);
  }

  while (inFlight.length > 0) await inFlight.shift();

  // 2. With 'services': the projections by the services' own code, in batched transactions; several
  // at once on PostgreSQL (its pool has several connections), one at a time on PGlite (it has one).
  const projectionsStarted = performance.now();
  const projectionBatch = 250;
  let next = 0;
  let done = 0;
  const worker = async () => {
    for (;;) {
      const from = next;
      next += projectionBatch;
      if (from >= ids.length) return;
      const batchIds = ids.slice(from, from + projectionBatch);
      await db.transaction().execute(async (trx) => {
        const persons = await trx.selectFrom('people').selectAll().where('id', 'in', batchIds).execute();
        for (const person of persons) await refreshProjections(trx, person, options.today, DEFAULT_REVIEW_SETTINGS, DEFAULT_LAW_SETTINGS);
      });
      done += batchIds.length;
      await setImmediate();
      progress(`projections: ${done.toLocaleString('en-GB')} of ${ids.length.toLocaleString('en-GB')} people (${rate(done, projectionsStarted)} a second)`);
    }
  };
  if (!fast) {
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 1) }, worker));
    seconds.projections = (performance.now() - projectionsStarted) / 1000;
  }
  seconds.total = (performance.now() - started) / 1000;

  const statusRows = await db.selectFrom('person_summaries').select('status').select((eb) => eb.fn.countAll<number>().as('n')).groupBy('status').execute();
  const statuses = Object.fromEntries(statusRows.map((r) => [r.status, Number(r.n)]));
  for (const table of ['person_summaries', 'person_organisations', 'notification_states'] as const) {
    const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    rows[table] = Number(row?.n ?? 0);
  }
  return { people: options.people, rows, statuses, episodes, seconds };
}
