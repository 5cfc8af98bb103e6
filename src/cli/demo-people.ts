// Demonstration people: about fifty synthetic people whose legal histories cover every aftercare
// status and the cases of domain-rules sections 1 and 2 (ELIG, RESP) and END-5 that people ask
// about. Everything is recorded through the services, acting as the demo users, so every change is
// checked, derived and audited exactly as it would be from the pages or the API. Dates are counted
// back from today, so the register always looks current; none is in the future.
// Only synthetic people: made-up names, NHS numbers from the 999 test range, fictional postcodes.
import { addDays, addMonths, todayInLondon, type IsoDate } from '../domain/dates.ts';
import { testNhsNumber } from '../domain/nhs-number.ts';
import type { SectionCode } from '../domain/sections.ts';
import type { Actor } from '../services/kernel/actor.ts';
import type { Services } from '../services/index.ts';

export const NORTHBRIDGE = 'E09000099';
const SOUTHVALE = 'E09000098';
export const NORTH_ICB = 'QZZ';
export const SOUTH_ICB = 'QZY';

const ACUTE = 'Northbridge Mental Health Unit';
const RIVERSIDE = 'Riverside Ward, Northbridge General Hospital';
const SECURE = 'Northbridge Medium Secure Unit';
const YOUNG_PEOPLE = 'Northbridge Young People’s Unit';
const SOUTHVALE_HOSPITAL = 'Southvale Community Hospital';

/** Where someone lives and who their GP is when they are registered. */
interface Home {
  line1: string;
  postcode: string;
  /** null: no ordinary residence recorded (RESP-2, s117(3)(c)). */
  localAuthority: string | null;
  icb: string | null;
  practice: string | null;
  /** Days ago they settled there (clamped to their date of birth). */
  since: number;
}

interface PersonSpec {
  given: string;
  family: string;
  /** Age in whole years today, and days past that birthday. */
  age: [number, number];
  home: Home;
  nhsNumber?: boolean;
}

const north = (line1: string, postcode: string, since = 3000, practice = 'Z99001'): Home =>
  ({ line1, postcode, localAuthority: NORTHBRIDGE, icb: NORTH_ICB, practice, since });
const south = (line1: string, postcode: string, since = 3000, practice = 'Z98001'): Home =>
  ({ line1, postcode, localAuthority: SOUTHVALE, icb: SOUTH_ICB, practice, since });

/** The story of one person, told through the services. */
export class DemoPerson {
  readonly id: string;
  /** The qualifying status (the episode's id) of their latest detention, for the casework below. */
  lastDetention: string | null = null;
  private readonly ctx: DemoContext;

  constructor(ctx: DemoContext, id: string) {
    this.ctx = ctx;
    this.id = id;
  }

  private get as(): Actor {
    return this.ctx.practitioner;
  }

  /** A hospital stay from `admitted` days ago, optionally left `discharged` days ago. */
  async stay(hospital: string, admitted: number, discharged: number | null = null): Promise<string> {
    const row = await this.ctx.services.legalHistory.addAdmission(this.as, this.id, { hospital, admittedOn: this.ctx.ago(admitted), dischargedOn: discharged === null ? null : this.ctx.ago(discharged) });
    return row.id;
  }

  async discharge(admissionId: string, daysAgo: number): Promise<void> {
    await this.ctx.services.legalHistory.recordDischarge(this.as, this.id, admissionId, null, { dischargedOn: this.ctx.ago(daysAgo) });
  }

  /** A legal status from `start` days ago, optionally ended `end` days ago; returns its id (an episode's id when it opens one). */
  async section(section: SectionCode, start: number, end: number | null = null, admissionId: string | null = null): Promise<string> {
    const row = await this.ctx.services.legalHistory.addLegalStatus(this.as, this.id, {
      section, startDate: this.ctx.ago(start), endDate: end === null ? null : this.ctx.ago(end), admissionId,
    });
    return row.id;
  }

  async end(statusId: string, daysAgo: number): Promise<void> {
    await this.ctx.services.legalHistory.endLegalStatus(this.as, this.id, statusId, null, { endDate: this.ctx.ago(daysAgo) });
  }

  /**
   * The usual path: admitted, detained (after any lead-in powers, each running straight into the
   * next), the section ended `sectionEnd` days ago and, unless they stayed on, discharged `left` days ago.
   * Returns the qualifying status's id.
   */
  async detained(o: { hospital: string; from: number; leadIn?: [SectionCode, number][]; section: SectionCode; sectionEnd?: number | null; left?: number | null }): Promise<string> {
    const stay = await this.stay(o.hospital, o.from);
    let start = o.from;
    for (const [section, days] of o.leadIn ?? []) {
      await this.section(section, start, start - days, stay);
      start -= days;
    }
    const id = await this.section(o.section, start, null, stay);
    if (o.sectionEnd !== undefined && o.sectionEnd !== null) await this.end(id, o.sectionEnd);
    if (o.left !== undefined && o.left !== null) await this.discharge(stay, o.left);
    this.lastDetention = id;
    return id;
  }

  async leave(kind: 'escorted' | 'unescorted' | 'trial-placement', from: number, to: number | null, triggersAftercare: boolean, reason: string): Promise<void> {
    await this.ctx.services.legalHistory.addLeave(this.as, this.id, { from: this.ctx.ago(from), to: to === null ? null : this.ctx.ago(to), kind, triggersAftercare, reason });
  }

  async moveTo(localAuthority: string, daysAgo: number, line1: string, postcode: string): Promise<void> {
    await this.ctx.services.people.update(this.as, this.id, null, { residence: { localAuthority, since: this.ctx.ago(daysAgo) }, address: { line1, postcode } });
  }

  async changeGp(icb: string, practiceCode: string, daysAgo: number): Promise<void> {
    await this.ctx.services.people.update(this.as, this.id, null, { gp: { icb, practiceCode, since: this.ctx.ago(daysAgo) } });
  }

  async died(daysAgo: number): Promise<void> {
    await this.ctx.services.people.update(this.as, this.id, null, { dateOfDeath: this.ctx.ago(daysAgo) });
  }

  /** RESP-2 to RESP-5: an s117 lead confirms the responsible bodies for an episode. */
  async confirm(approver: 'la' | 'icb', episodeId: string, localAuthority: [string, string], icb: [string, string]): Promise<void> {
    const actor = approver === 'la' ? this.ctx.laApprover : this.ctx.icbApprover;
    await this.ctx.services.legalHistory.confirmResponsibility(actor, this.id, episodeId, {
      localAuthority: { code: localAuthority[0], basis: localAuthority[1] },
      icb: { code: icb[0], basis: icb[1] },
    });
  }
}

export interface DemoContext {
  services: Services;
  practitioner: Actor;
  laApprover: Actor;
  icbApprover: Actor;
  today: IsoDate;
  ago(days: number): IsoDate;
}

type Story = [PersonSpec, (p: DemoPerson) => Promise<void>];

const OR_NORTH: [string, string] = [NORTHBRIDGE, 'Ordinarily resident in Northbridge immediately before detention; tenancy and council tax records checked (RESP-2).'];
const GP_NORTH: [string, string] = [NORTH_ICB, 'Registered with a Northbridge GP practice immediately before detention (RESP-5, Who Pays?).'];

// ---------------------------------------------------------------------------------------------
// The people. Each line says what the story shows.

const STORIES: Story[] = [
  // --- not entitled (ELIG-2): no qualifying detention -------------------------------------------
  [{ given: 'Oliver', family: 'Bennett', age: [34, 120], home: north('14 Mill Lane', 'NB1 2AB') }, async (p) => {
    // Section 2 only: assessed, then discharged.
    await p.detained({ hospital: ACUTE, from: 400, section: '2', sectionEnd: 374, left: 374 });
  }],
  [{ given: 'Chloe', family: 'Hargreaves', age: [27, 200], home: north('3 Station Road', 'NB2 4CD') }, async (p) => {
    // Section 136 to a place of safety, then stayed as an informal patient.
    const stay = await p.stay(ACUTE, 210);
    await p.section('136', 210, 209, stay);
    const informal = await p.section('informal', 209, null, stay);
    await p.end(informal, 180);
    await p.discharge(stay, 180);
  }],
  [{ given: 'Samuel', family: 'Okafor', age: [45, 10], home: north('22 Chapel Street', 'NB3 1EF') }, async () => {
    // Registered by the community team; nothing recorded yet.
  }],
  [{ given: 'Ruth', family: 'Pemberton', age: [61, 300], home: south('7 Orchard Close', 'SV1 3GH') }, async (p) => {
    // An informal patient held briefly under section 5(2), then stayed informally.
    const stay = await p.stay(SOUTHVALE_HOSPITAL, 95);
    await p.section('informal', 95, 41, stay);
    await p.section('5(2)', 60, 59, stay);
    await p.discharge(stay, 41);
  }],
  [{ given: 'Kieran', family: 'Doyle', age: [23, 45], home: north('Flat 2, 9 Victoria Parade', 'NB4 5JK') }, async (p) => {
    // Detained under section 2 now: not (yet) entitled.
    await p.detained({ hospital: ACUTE, from: 9, section: '2' });
  }],
  [{ given: 'Margaret', family: 'Ellison', age: [79, 150], home: north('41 The Green', 'NB5 6LM') }, async (p) => {
    // Section 4, then section 2, then home.
    await p.detained({ hospital: RIVERSIDE, from: 520, leadIn: [['4', 1]], section: '2', sectionEnd: 495, left: 490 });
  }],
  [{ given: 'Derek', family: 'Walsh', age: [56, 20], home: north('5 Foundry Court', 'NB6 7NP') }, async (p) => {
    // Guardianship (section 7) in the community: not a qualifying power (ELIG-2).
    await p.section('7', 300);
  }],

  // --- planning: detained under a qualifying section now (PLAN-1) --------------------------------
  [{ given: 'Amelia', family: 'Hughes', age: [38, 90], home: north('18 Beech Avenue', 'NB1 8QR') }, async (p) => {
    await p.detained({ hospital: ACUTE, from: 44, section: '3' });
  }],
  [{ given: 'Mohammed', family: 'Rahman', age: [29, 330], home: north('63 Canal Street', 'NB2 9ST') }, async (p) => {
    // Section 2 running straight into section 3 (RESP-4: responsibility as at the section 2).
    await p.detained({ hospital: ACUTE, from: 70, leadIn: [['2', 21]], section: '3' });
  }],
  [{ given: 'Lily', family: 'Ashworth', age: [16, 60], home: north('2 Rowan Way', 'NB3 2UV', 6000, 'Z99002') }, async (p) => {
    // A 16-year-old detained under section 3: no age limit (ELIG-10).
    await p.detained({ hospital: YOUNG_PEOPLE, from: 32, section: '3' });
  }],
  [{ given: 'Callum', family: 'Fraser', age: [42, 210], home: north('11 Quarry Road', 'NB4 3WX') }, async (p) => {
    // A hospital order with restrictions (37/41) in the secure unit for nearly two years.
    await p.detained({ hospital: SECURE, from: 640, leadIn: [['38', 84]], section: '37/41' });
  }],
  [{ given: 'Jordan', family: 'Mensah', age: [31, 15], home: north('27 Albert Terrace', 'NB5 4YZ') }, async (p) => {
    // Transferred from remand under section 48 three weeks ago.
    await p.detained({ hospital: SECURE, from: 21, section: '48' });
  }],
  [{ given: 'Harriet', family: 'Lowe', age: [52, 95], home: north('9 Willow Crescent', 'NB6 5AB') }, async (p) => {
    // Escorted section 17 leave does not start aftercare (ELIG-4, CXF): still planning.
    await p.detained({ hospital: ACUTE, from: 130, section: '3' });
    await p.leave('escorted', 40, 40, false, 'Escorted visit home with a nurse for the afternoon; the hospital kept control throughout (CXF).');
    await p.leave('escorted', 12, 12, false, 'Escorted trip to the shops with ward staff; returned the same day.');
  }],
  [{ given: 'Daniel', family: 'Price', age: [47, 180], nhsNumber: false, home: { line1: 'No fixed abode', postcode: '', localAuthority: null, icb: null, practice: null, since: 0 } }, async (p) => {
    // No residence and no GP recorded: the proposal is left open for a person to decide (RESP-2, RESP-5).
    await p.detained({ hospital: ACUTE, from: 18, leadIn: [['136', 1]], section: '3' });
  }],
  [{ given: 'Bethany', family: 'Clarke', age: [36, 20], home: south('50 Harbour View', 'SV2 6CD') }, async (p) => {
    // Southvale resident detained in Southvale: not visible to Northbridge.
    await p.detained({ hospital: SOUTHVALE_HOSPITAL, from: 58, section: '3' });
  }],

  // --- entitled, pending discharge (ELIG-7) --------------------------------------------------------
  [{ given: 'Thomas', family: 'Whitfield', age: [44, 250], home: north('33 Elm Grove', 'NB1 7EF') }, async (p) => {
    // Section 3 ended; stayed on informally while a placement is found.
    const stay = await p.stay(ACUTE, 160);
    const s3 = await p.section('3', 160, null, stay);
    await p.end(s3, 21);
    await p.section('informal', 21, null, stay);
  }],
  [{ given: 'Sophie', family: 'Nowak', age: [25, 75], home: north('8 Linden Mews', 'NB2 1GH', 1400, 'Z99003') }, async (p) => {
    // Section 2 into section 3, section discharged by the tribunal, still on the ward.
    await p.detained({ hospital: RIVERSIDE, from: 120, leadIn: [['2', 26]], section: '3', sectionEnd: 8 });
    await p.section('informal', 8);
  }],
  [{ given: 'George', family: 'Adeyemi', age: [58, 330], home: north('17 Lime Street', 'NB3 8JK') }, async (p) => {
    // Hospital order (37) discharged; waiting in hospital for supported accommodation.
    await p.detained({ hospital: SECURE, from: 700, section: '37', sectionEnd: 14 });
  }],
  [{ given: 'Isla', family: 'Campbell', age: [20, 40], home: south('4 Ferry Lane', 'SV3 7LM') }, async (p) => {
    await p.detained({ hospital: SOUTHVALE_HOSPITAL, from: 90, section: '3', sectionEnd: 5 });
  }],

  // --- active (ELIG-3, ELIG-5, ELIG-6) ---------------------------------------------------------------
  [{ given: 'Grace', family: "O'Connor", age: [39, 110], home: north('12 Meadow Road', 'NB4 9NP') }, async (p) => {
    const ep = await p.detained({ hospital: ACUTE, from: 410, section: '3', sectionEnd: 300, left: 300 });
    await p.confirm('la', ep, OR_NORTH, GP_NORTH);
  }],
  [{ given: 'Jack', family: 'Thompson', age: [28, 5], home: north('90 Park View', 'NB5 1QR') }, async (p) => {
    // Left hospital a month ago: the first review (six weeks) is coming up.
    await p.detained({ hospital: ACUTE, from: 120, section: '3', sectionEnd: 30, left: 30 });
  }],
  [{ given: 'Priya', family: 'Sharma', age: [33, 222], home: north('6 Tannery Walk', 'NB6 2ST') }, async (p) => {
    // Left hospital three years ago; aftercare does not lapse with time (ELIG-12).
    await p.detained({ hospital: RIVERSIDE, from: 1300, section: '3', sectionEnd: 1110, left: 1100 });
  }],
  [{ given: 'Ethan', family: 'Marsh', age: [41, 17], home: north('25 Hollybush Lane', 'NB1 3UV') }, async (p) => {
    // Hospital order (37) after an interim order (38), discharged by the tribunal.
    const ep = await p.detained({ hospital: SECURE, from: 980, leadIn: [['38', 70]], section: '37', sectionEnd: 610, left: 610 });
    await p.confirm('icb', ep, OR_NORTH, GP_NORTH);
  }],
  [{ given: 'Aisha', family: 'Begum', age: [46, 300], home: north('71 Cromwell Road', 'NB2 5WX') }, async (p) => {
    // 37/41, then conditionally discharged (ELIG-6).
    const stay = await p.stay(SECURE, 1600);
    const ep = await p.section('37/41', 1600, 420, stay);
    await p.discharge(stay, 420);
    await p.section('CD', 420);
    await p.confirm('la', ep, OR_NORTH, GP_NORTH);
  }],
  [{ given: 'Ryan', family: 'Gallagher', age: [37, 55], home: north('19 Ropewalk', 'NB3 6YZ') }, async (p) => {
    // Transferred sentenced prisoner (47/49); restrictions lapsed at the end of sentence, then discharged.
    await p.detained({ hospital: SECURE, from: 720, section: '47/49', sectionEnd: 260, left: 260 });
  }],
  [{ given: 'Nathan', family: 'Cole', age: [26, 140], home: north('3 Spinners Yard', 'NB4 7AB') }, async (p) => {
    // Transferred from remand (48); charges dropped, section ended, discharged home.
    await p.detained({ hospital: SECURE, from: 310, section: '48', sectionEnd: 205, left: 205 });
  }],
  [{ given: 'Stephen', family: 'Hale', age: [50, 260], home: north('44 Bridge Street', 'NB5 8CD') }, async (p) => {
    // Hospital and limitation direction (45A), then conditionally discharged.
    const stay = await p.stay(SECURE, 1450);
    await p.section('45A', 1450, 510, stay);
    await p.discharge(stay, 510);
    await p.section('CD', 510);
  }],
  [{ given: 'Hannah', family: 'Brooks', age: [30, 320], home: north('2 Kingfisher Close', 'NB6 9EF') }, async (p) => {
    // Discharged onto a community treatment order (ELIG-5): active, and cannot be ended (END-2).
    const stay = await p.stay(ACUTE, 220);
    const s3 = await p.section('3', 220, null, stay);
    await p.end(s3, 150);
    await p.discharge(stay, 150);
    await p.section('17A', 150);
  }],
  [{ given: 'Marcus', family: 'Reid', age: [35, 80], home: north('58 Wharf Road', 'NB1 4GH') }, async (p) => {
    // On a CTO for two years.
    const ep = await p.detained({ hospital: RIVERSIDE, from: 900, section: '3', sectionEnd: 730, left: 730 });
    await p.section('17A', 730);
    await p.confirm('icb', ep, OR_NORTH, GP_NORTH);
  }],
  [{ given: 'Eleanor', family: 'Fitzgerald', age: [64, 30], home: north('15 Abbey Gardens', 'NB2 7JK') }, async (p) => {
    // The CTO ended after a year; aftercare goes on (END-7).
    await p.detained({ hospital: ACUTE, from: 930, section: '3', sectionEnd: 700, left: 700 });
    const cto = await p.section('17A', 700);
    await p.end(cto, 335);
  }],
  [{ given: 'Liam', family: 'McCarthy', age: [32, 190], home: north('6 Forge Lane', 'NB3 9LM') }, async (p) => {
    // Still detained, but on a trial placement in a care home recorded as starting aftercare
    // (ELIG-4, Watson); an earlier escorted leave was recorded as not starting it (CXF).
    await p.detained({ hospital: ACUTE, from: 150, section: '3' });
    await p.leave('escorted', 75, 75, false, 'Escorted visit to the care home with a nurse; returned to the ward the same day.');
    await p.leave('trial-placement', 28, null, true, 'Living at Larch House care home on trial placement, with the care home providing the support; he has left hospital in fact (Watson).');
  }],
  [{ given: 'Zara', family: 'Ahmed', age: [27, 260], home: north('40 Silver Street', 'NB4 2NP') }, async (p) => {
    // Unescorted leave was not a discharge in fact; a trial placement later was.
    await p.detained({ hospital: RIVERSIDE, from: 200, section: '3' });
    await p.leave('unescorted', 90, 88, false, 'Weekend at her mother’s; the ward kept her bed and expected her back on Sunday.');
    await p.leave('trial-placement', 45, null, true, 'Trial placement in supported living with the tenancy in her name; the ward no longer holds her bed.');
  }],
  [{ given: 'Peter', family: 'Lindqvist', age: [49, 70], home: north('13 Garden Row', 'NB5 3ST') }, async (p) => {
    // ELIG-8a: active, then an informal readmission and a section 2 readmission; still active.
    const ep = await p.detained({ hospital: ACUTE, from: 1210, section: '3', sectionEnd: 1000, left: 1000 });
    const informalStay = await p.stay(RIVERSIDE, 500, 478);
    await p.section('informal', 500, 478, informalStay);
    await p.detained({ hospital: ACUTE, from: 205, section: '2', sectionEnd: 180, left: 180 });
    await p.confirm('la', ep, OR_NORTH, GP_NORTH);
  }],
  [{ given: 'Megan', family: 'Parry', age: [22, 300], home: north('7 Cobble Yard', 'NB6 4UV') }, async (p) => {
    // Section 136, straight into section 2, straight into section 3 (RESP-4): responsibility is
    // worked out as at the section 136, the start of the continuous detention.
    await p.detained({ hospital: ACUTE, from: 400, leadIn: [['136', 1], ['2', 27]], section: '3', sectionEnd: 250, left: 250 });
  }],
  [{ given: 'Arthur', family: 'Jennings', age: [73, 100], home: north('1 Church Walk', 'NB1 6WX', 9000, 'Z99004') }, async (p) => {
    await p.detained({ hospital: RIVERSIDE, from: 2700, section: '3', sectionEnd: 2500, left: 2490 });
  }],
  [{ given: 'Dorothy', family: 'Pearce', age: [88, 45], home: north('Flat 6, Elmwood Court', 'NB2 8YZ', 5000, 'Z99004') }, async (p) => {
    const ep = await p.detained({ hospital: RIVERSIDE, from: 190, section: '3', sectionEnd: 95, left: 95 });
    await p.confirm('la', ep, OR_NORTH, GP_NORTH);
  }],
  [{ given: 'Ben', family: 'Turner', age: [19, 150], home: north('29 Poplar Drive', 'NB3 4AB', 7000, 'Z99002') }, async (p) => {
    // Detained at 17 (ELIG-10), now an adult in the community.
    await p.detained({ hospital: YOUNG_PEOPLE, from: 700, section: '3', sectionEnd: 560, left: 560 });
  }],
  [{ given: 'Fiona', family: 'MacLeod', age: [54, 210], home: north('10 Heather Close', 'NB4 1CD') }, async (p) => {
    // A hospital order (37) discharged onto a CTO.
    const stay = await p.stay(SECURE, 620);
    await p.section('37', 620, 400, stay);
    await p.discharge(stay, 400);
    await p.section('17A', 400);
  }],
  [{ given: 'Owen', family: 'Griffiths', age: [43, 5], home: south('21 Marine Parade', 'SV4 2EF') }, async (p) => {
    // Southvale resident with a Southvale GP: Southvale and its ICB are responsible.
    await p.detained({ hospital: SOUTHVALE_HOSPITAL, from: 330, section: '3', sectionEnd: 240, left: 240 });
  }],
  [{ given: 'Rosa', family: 'Silva', age: [40, 66], home: south('3 Lighthouse Road', 'SV5 8GH') }, async (p) => {
    await p.detained({ hospital: SOUTHVALE_HOSPITAL, from: 800, section: '3', sectionEnd: 640, left: 640 });
    await p.section('17A', 640);
  }],
  [{ given: 'Imran', family: 'Qureshi', age: [38, 12], home: north('36 Tower Hill', 'NB5 2JK') }, async (p) => {
    // ELIG-9 then release: returned to prison after a 47, released; aftercare kept throughout.
    await p.detained({ hospital: SECURE, from: 900, section: '47', sectionEnd: 610, left: 610 });
    const custody = await p.section('custody', 610);
    await p.end(custody, 200);
  }],

  // --- in custody (ELIG-9) ----------------------------------------------------------------------------
  [{ given: 'Craig', family: 'Dunmore', age: [34, 90], home: north('8 Barrack Lane', 'NB6 3LM') }, async (p) => {
    // A sentenced prisoner transferred under 47, remitted to prison: entitlement kept, plan for release.
    await p.detained({ hospital: SECURE, from: 420, section: '47', sectionEnd: 100, left: 100 });
    await p.section('custody', 100);
  }],
  [{ given: 'Lewis', family: 'Armstrong', age: [29, 240], home: north('52 Kiln Street', 'NB1 5NP') }, async (p) => {
    await p.detained({ hospital: SECURE, from: 600, section: '47/49', sectionEnd: 180, left: 180 });
    await p.section('custody', 180);
  }],
  [{ given: 'Tyrone', family: 'Baptiste', age: [45, 15], home: south('16 Dock Street', 'SV6 4ST') }, async (p) => {
    // Hospital and limitation direction (45A), remitted to prison to finish the sentence.
    await p.detained({ hospital: SECURE, from: 1100, section: '45A', sectionEnd: 300, left: 300 });
    await p.section('custody', 300);
  }],

  // --- an earlier episode superseded by a new qualifying detention (END-5, ELIG-8b) ----------------
  [{ given: 'Emily', family: 'Rowlands', age: [37, 160], home: north('4 Sycamore Road', 'NB2 3UV', 4000) }, async (p) => {
    // RESP-3 (Worcestershire): Northbridge placed her in Southvale as aftercare; she settled there, was
    // detained again from Southvale, so the new episode falls to Southvale while the originating
    // ICB (Northbridge) keeps the health side (RESP-5).
    const first = await p.detained({ hospital: ACUTE, from: 1500, section: '3', sectionEnd: 1310, left: 1300 });
    await p.confirm('la', first, OR_NORTH, GP_NORTH);
    await p.moveTo(SOUTHVALE, 1200, 'Flat 3, Larchfield House, 12 Cliff Road', 'SV1 9WX');
    await p.changeGp(SOUTH_ICB, 'Z98003', 1150);
    const second = await p.detained({ hospital: SOUTHVALE_HOSPITAL, from: 150, section: '3', sectionEnd: 62, left: 60 });
    await p.confirm('icb', second,
      [SOUTHVALE, 'Ordinarily resident in Southvale immediately before the new detention, having settled there of her own choice (RESP-3, Worcestershire).'],
      [NORTH_ICB, 'Originating ICB under Who Pays?: responsible for the earlier detention and keeps responsibility through re-detention (RESP-5).']);
  }],
  [{ given: 'William', family: 'Ashby', age: [48, 15], home: north('77 Mill Road', 'NB3 7WX', 4000) }, async (p) => {
    // RESP-5: a GP change to a Southvale practice before re-detention; the originating ICB keeps it.
    await p.detained({ hospital: ACUTE, from: 1000, section: '3', sectionEnd: 900, left: 900 });
    await p.changeGp(SOUTH_ICB, 'Z98002', 600);
    await p.detained({ hospital: ACUTE, from: 100, section: '3' });
  }],
  [{ given: 'Natalie', family: 'Kerr', age: [31, 270], home: north('20 Tanner Street', 'NB4 5YZ') }, async (p) => {
    // ELIG-8c: recalled from a CTO and the CTO revoked: a new detention while the CTO was in force.
    // Whether the old duty ended is unsettled, so the register asks for a decision.
    await p.detained({ hospital: ACUTE, from: 700, section: '3', sectionEnd: 505, left: 505 });
    const cto = await p.section('17A', 505);
    await p.end(cto, 88);
    await p.detained({ hospital: ACUTE, from: 88, section: '3' });
  }],
  [{ given: 'Adrian', family: 'Voss', age: [51, 200], home: north('9 Foundry Lane', 'NB5 6AB') }, async (p) => {
    // ELIG-8c: recalled from conditional discharge to the secure unit.
    await p.detained({ hospital: SECURE, from: 1650, section: '37/41', sectionEnd: 900, left: 900 });
    const cd = await p.section('CD', 900);
    await p.end(cd, 62);
    await p.detained({ hospital: SECURE, from: 62, section: '37/41' });
  }],
  [{ given: 'Sean', family: 'Murphy', age: [40, 310], home: north('15 Weavers Row', 'NB6 8CD', 5000) }, async (p) => {
    // Three section 3 detentions: two superseded episodes and a current, active one.
    await p.detained({ hospital: ACUTE, from: 2200, section: '3', sectionEnd: 2050, left: 2050 });
    await p.detained({ hospital: RIVERSIDE, from: 1400, section: '3', sectionEnd: 1290, left: 1285 });
    const third = await p.detained({ hospital: ACUTE, from: 240, leadIn: [['2', 20]], section: '3', sectionEnd: 120, left: 120 });
    await p.confirm('la', third, OR_NORTH, GP_NORTH);
  }],
  [{ given: 'Laura', family: 'Jenkins', age: [35, 130], home: north('31 Orchard Street', 'NB1 9EF') }, async (p) => {
    // Active, then a new section 3 after an informal admission: the earlier duty ends (ELIG-8b)
    // and, because she was already in hospital, the local authority needs confirming (RESP-4).
    await p.detained({ hospital: RIVERSIDE, from: 900, section: '3', sectionEnd: 780, left: 780 });
    const stay = await p.stay(ACUTE, 75);
    await p.section('informal', 75, 60, stay);
    await p.section('3', 60, null, stay);
  }],

  // --- deceased (END-7) -----------------------------------------------------------------------------
  [{ given: 'Roger', family: 'Blackwood', age: [67, 80], home: north('6 Lantern Close', 'NB2 6GH') }, async (p) => {
    await p.detained({ hospital: RIVERSIDE, from: 820, section: '3', sectionEnd: 700, left: 700 });
    await p.died(30);
  }],
  [{ given: 'Janet', family: 'Holloway', age: [71, 200], home: north('12 Vicarage Lane', 'NB3 3JK') }, async (p) => {
    // Died while on a CTO.
    await p.detained({ hospital: ACUTE, from: 500, section: '3', sectionEnd: 400, left: 400 });
    await p.section('17A', 400, 140);
    await p.died(140);
  }],
  [{ given: 'Victor', family: 'Osei', age: [59, 10], home: north('48 Foundry Road', 'NB4 8LM') }, async (p) => {
    // Died while detained in the secure unit.
    await p.detained({ hospital: SECURE, from: 1300, section: '37/41' });
    await p.died(12);
  }],
];

/** The demonstration people, by name, and what the casework needs to go on acting as the demo users. */
export interface DemoPeople {
  ctx: DemoContext;
  people: Map<string, DemoPerson>;
}

/** Registers the demonstration people and records their legal histories through the services. */
export async function loadDemoPeople(services: Services, progress: (message: string) => void): Promise<DemoPeople> {
  const today = todayInLondon();
  const ctx: DemoContext = {
    services,
    practitioner: await demoActor(services, 'practitioner@demo.s117.test'),
    laApprover: await demoActor(services, 'la-approver@demo.s117.test'),
    icbApprover: await demoActor(services, 'icb-approver@demo.s117.test'),
    today,
    ago: (days) => addDays(today, -days),
  };
  let count = 0;
  const people = new Map<string, DemoPerson>();
  for (const [spec, story] of STORIES) {
    const person = await register(ctx, spec, count);
    await story(person);
    people.set(`${spec.given} ${spec.family}`, person);
    count += 1;
    if (count % 10 === 0 || count === STORIES.length) progress(`Demonstration people: ${count} of ${STORIES.length}`);
  }
  return { ctx, people };
}

/** A demo user as the actor of the steps that are their job. */
export async function demoActor(services: Services, email: string): Promise<Actor> {
  const actor = await services.accounts.actorForEmail(email, 'demo-data');
  if (!actor) throw new Error(`The demonstration user ${email} is missing`);
  return actor;
}

async function register(ctx: DemoContext, spec: PersonSpec, index: number): Promise<DemoPerson> {
  const dateOfBirth = addDays(addMonths(ctx.today, -12 * spec.age[0]), -spec.age[1]);
  const settled = maxIso(dateOfBirth, ctx.ago(spec.home.since));
  const { home } = spec;
  const created = await ctx.services.people.create(ctx.practitioner, {
    nhsNumber: spec.nhsNumber === false ? null : testNhsNumber(117_000 + index),
    localId: `RZZ${String(40_100 + index * 7)}`,
    givenName: spec.given,
    familyName: spec.family,
    dateOfBirth,
    address: { line1: home.line1, postcode: home.postcode },
    residence: home.localAuthority ? { localAuthority: home.localAuthority, since: settled } : null,
    gp: home.icb ? { practiceCode: home.practice, icb: home.icb, since: settled } : null,
  });
  return new DemoPerson(ctx, created.id);
}

function maxIso(a: IsoDate, b: IsoDate): IsoDate {
  return a > b ? a : b;
}
