// RESP-6: disputes between authorities must not delay care or discharge. In an ordinary-residence
// dispute between local authorities (s117(4) applies Care Act s40; the Care and Support (Disputes
// Between Local Authorities) Regulations 2014, regs 2-4): the authority already meeting the needs
// goes on meeting them, the lead authority refers an unresolved dispute to the Secretary of State
// after 4 months, legal arguments are due 14 days after referral, and the person is kept informed.
// LA-v-ICB and ICB-v-ICB disputes follow the local joint policy and Who Pays? (timescales UNVERIFIED:
// no deadline is computed for them). Pure.
import { addDays, addMonths, compareDates, type IsoDate } from './dates.ts';
import type { Violation } from './violations.ts';

export const DISPUTE_SUBJECTS = ['ordinary-residence', 'responsible-icb', 'funding-split', 'eligibility', 'other'] as const;
export type DisputeSubject = (typeof DISPUTE_SUBJECTS)[number];
export const BODY_KINDS = ['local-authority', 'icb'] as const;
export type BodyKind = (typeof BODY_KINDS)[number];

export interface DisputeParty { kind: BodyKind; code: string }

export interface Dispute {
  partyA: DisputeParty;
  partyB: DisputeParty;
  subject: DisputeSubject;
  /** The body meeting the needs while the dispute lasts (required: care never waits). */
  interimFunderCode: string;
  raisedOn: IsoDate;
  referredOn: IsoDate | null;
  personToldOn: IsoDate | null;
  resolvedOn: IsoDate | null;
  resolution: string | null;
}

export const DISPUTE_KINDS = ['la-v-la', 'la-v-icb', 'icb-v-icb'] as const;
export type DisputeKind = (typeof DISPUTE_KINDS)[number];
export const DISPUTE_STATUSES = ['open', 'referred', 'resolved'] as const;
export type DisputeStatus = (typeof DISPUTE_STATUSES)[number];

export function disputeKind(d: Pick<Dispute, 'partyA' | 'partyB'>): DisputeKind {
  const kinds = [d.partyA.kind, d.partyB.kind].sort().join('|');
  return kinds === 'local-authority|local-authority' ? 'la-v-la' : kinds === 'icb|icb' ? 'icb-v-icb' : 'la-v-icb';
}

export function disputeStatus(d: Pick<Dispute, 'referredOn' | 'resolvedOn'>): DisputeStatus {
  return d.resolvedOn ? 'resolved' : d.referredOn ? 'referred' : 'open';
}

/** RESP-6: the statutory clocks apply to ordinary-residence disputes between local authorities. */
export function statutoryClocksApply(d: Pick<Dispute, 'partyA' | 'partyB' | 'subject'>): boolean {
  return disputeKind(d) === 'la-v-la' && d.subject === 'ordinary-residence';
}

export function disputeViolations(d: Dispute, today: IsoDate): Violation[] {
  const out: Violation[] = [];
  if (d.partyA.code === d.partyB.code) out.push({ field: 'partyB.code', message: 'A dispute is between two different bodies' });
  if (!d.interimFunderCode.trim()) {
    out.push({ field: 'interimFunderCode', message: 'Record who pays for the care while the dispute lasts: a dispute must not prevent, delay or interrupt care', rule: 'RESP-6' });
  } else if (![d.partyA.code, d.partyB.code].includes(d.interimFunderCode)) {
    out.push({ field: 'interimFunderCode', message: 'The interim funder must be one of the two bodies in the dispute', rule: 'RESP-6' });
  }
  for (const [field, date] of [['raisedOn', d.raisedOn], ['referredOn', d.referredOn], ['personToldOn', d.personToldOn], ['resolvedOn', d.resolvedOn]] as const) {
    if (date && compareDates(date, today) > 0) out.push({ field, message: `${field} must be today or in the past` });
    if (date && field !== 'raisedOn' && compareDates(date, d.raisedOn) < 0) out.push({ field, message: `${field} must be on or after the date the dispute was raised` });
  }
  if (d.resolvedOn && !(d.resolution && d.resolution.trim())) out.push({ field: 'resolution', message: 'Record how the dispute was resolved' });
  return out;
}

export interface DisputeDeadlines {
  kind: DisputeKind;
  status: DisputeStatus;
  statutoryClocks: boolean;
  referralDueOn: IsoDate | null;
  referralOverdue: boolean;
  legalArgumentsDueOn: IsoDate | null;
  legalArgumentsDue: boolean;
  personNotTold: boolean;
}

/**
 * RESP-6: the referral is due 4 months after the dispute began (while unresolved and not referred);
 * legal arguments are due 14 days after referral (while unresolved). The person must be kept informed.
 */
export function disputeDeadlines(d: Dispute, today: IsoDate): DisputeDeadlines {
  const status = disputeStatus(d);
  const clocks = statutoryClocksApply(d);
  const referralDueOn = clocks ? addMonths(d.raisedOn, 4) : null;
  const legalArgumentsDueOn = clocks && d.referredOn ? addDays(d.referredOn, 14) : null;
  return {
    kind: disputeKind(d),
    status,
    statutoryClocks: clocks,
    referralDueOn,
    referralOverdue: status === 'open' && referralDueOn !== null && compareDates(today, referralDueOn) > 0,
    legalArgumentsDueOn,
    legalArgumentsDue: status === 'referred' && legalArgumentsDueOn !== null && compareDates(today, legalArgumentsDueOn) <= 0,
    personNotTold: status !== 'resolved' && d.personToldOn === null,
  };
}
