// CHG-3: a top-up for preferred accommodation is the only payment a person may make towards s117
// accommodation (Care and Support and After-care (Choice of Accommodation) Regulations 2014, reg 4,
// 5(2)-(4), 9; MHA s117A). CHG-1 stays absolute for everything else: the service itself never carries
// a person's contribution. Pure: money is integer pence.
//
// Unlike a Care Act placement, a person receiving s117 aftercare may pay their own top-up without
// the 12-week property disregard or deferred-payment conditions (reg 4(3), compared with reg 5(5)).
import { addMonths, compareDates, type IsoDate } from './dates.ts';
import type { Violation } from './violations.ts';
import type { AccommodationType } from './care-services.ts';

/** CHG-3: the specified types of accommodation (reg 4). */
export const TOP_UP_ACCOMMODATION_TYPES = ['care-home', 'shared-lives', 'supported-living'] as const;
export type TopUpAccommodationType = (typeof TOP_UP_ACCOMMODATION_TYPES)[number];

export const PAYMENT_FREQUENCIES = ['weekly', 'four-weekly', 'monthly', 'quarterly'] as const;
export const TOP_UP_PAYEES = ['provider', 'local-authority'] as const;
export const PAYER_KINDS = ['person', 'third-party'] as const;

/** The conditions of reg 4, each recorded yes or no (null while not yet decided). */
export interface TopUpConditions {
  aged18OrOver: boolean | null;
  accommodationType: TopUpAccommodationType | null;
  sameTypeAsDecided: boolean | null;
  suitable: boolean | null;
  available: boolean | null;
  providerAcceptsTerms: boolean | null;
}

/** The written agreement's terms (reg 5(2)-(4)). */
export interface TopUpTerms {
  additionalCostPencePerWeek: number | null;
  localAuthorityPaysPencePerWeek: number | null;
  paymentFrequency: (typeof PAYMENT_FREQUENCIES)[number] | null;
  payee: (typeof TOP_UP_PAYEES)[number] | null;
  reviewProvision: string | null;
  consequencesOfStoppingPayment: string | null;
  consequencesOfPriceRise: string | null;
  consequencesOfMeansChange: string | null;
}

export interface TopUpPayer { kind: (typeof PAYER_KINDS)[number]; relationship: string | null }

export interface TopUpAgreement {
  conditions: TopUpConditions;
  terms: TopUpTerms;
  payer: TopUpPayer | null;
  signedOn: IsoDate | null;
  refusedOn: IsoDate | null;
  refusalReasons: string | null;
}

export const TOP_UP_STATUSES = ['draft', 'signed', 'refused'] as const;
export type TopUpStatus = (typeof TOP_UP_STATUSES)[number];
/** Who pays a top-up: the person, or someone else for them (CHG-3). */
export const TOP_UP_PAYER_KINDS = ['person', 'third-party'] as const;

/** Derived from what is recorded, never stored. */
export function topUpStatus(a: Pick<TopUpAgreement, 'signedOn' | 'refusedOn'>): TopUpStatus {
  return a.refusedOn ? 'refused' : a.signedOn ? 'signed' : 'draft';
}

/** CHG-3: aged 18 or over on the date of the agreement, from the date of birth. */
export function aged18OrOver(dateOfBirth: IsoDate, on: IsoDate): boolean {
  return compareDates(addMonths(dateOfBirth, 18 * 12), on) <= 0;
}

const CONDITION_LABELS: Record<Exclude<keyof TopUpConditions, 'accommodationType'>, string> = {
  aged18OrOver: 'the person is aged 18 or over',
  sameTypeAsDecided: 'the preferred place is of the same type the local authority decided on',
  suitable: 'the preferred place is suitable for the person’s needs',
  available: 'the preferred place is available',
  providerAcceptsTerms: 'the provider accepts the local authority’s terms',
};

const TERM_LABELS: Record<keyof TopUpTerms, string> = {
  additionalCostPencePerWeek: 'the additional cost each week',
  localAuthorityPaysPencePerWeek: 'the amount the local authority pays each week',
  paymentFrequency: 'how often the top-up is paid',
  payee: 'who the top-up is paid to',
  reviewProvision: 'how the agreement will be reviewed',
  consequencesOfStoppingPayment: 'what happens if the payments stop',
  consequencesOfPriceRise: 'what happens if the provider’s price goes up',
  consequencesOfMeansChange: 'what happens if the payer’s means change',
};

/** CHG-3: the accommodation a top-up is for must be an s117 service of a specified type. */
export function topUpServiceViolations(service: { s117: boolean; accommodationType: AccommodationType | null }): Violation[] {
  if (!service.s117) return [{ field: 'serviceId', message: 'A top-up under section 117 is for accommodation provided as section 117 aftercare', rule: 'CHG-3' }];
  if (!service.accommodationType || !(TOP_UP_ACCOMMODATION_TYPES as readonly string[]).includes(service.accommodationType)) {
    return [{ field: 'serviceId', message: 'A top-up is only for a care home, shared lives or supported living (the specified types)', rule: 'CHG-3' }];
  }
  return [];
}

/** Amounts, when given, are whole pence and not negative; a reason, when refusing, is written. */
export function topUpViolations(a: TopUpAgreement): Violation[] {
  const out: Violation[] = [];
  for (const key of ['additionalCostPencePerWeek', 'localAuthorityPaysPencePerWeek'] as const) {
    const v = a.terms[key];
    if (v !== null && (!Number.isInteger(v) || v < 0)) out.push({ field: `terms.${key}`, message: `${TERM_LABELS[key]} must be a whole number of pence, 0 or more` });
  }
  if (a.signedOn && a.refusedOn) out.push({ field: 'refusedOn', message: 'An agreement cannot be both signed and refused', rule: 'CHG-3' });
  if (a.refusedOn && !(a.refusalReasons && a.refusalReasons.trim())) out.push({ field: 'refusalReasons', message: 'A refusal of preferred accommodation must be given with written reasons', rule: 'CHG-3' });
  if (a.signedOn) out.push(...signingViolations(a));
  return out;
}

/**
 * CHG-3: before the payer signs, every condition of reg 4 is met and every term of the written
 * agreement is recorded, and the payer is named (the person themselves or a third party).
 */
export function signingViolations(a: Pick<TopUpAgreement, 'conditions' | 'terms' | 'payer'>): Violation[] {
  const out: Violation[] = [];
  for (const [key, label] of Object.entries(CONDITION_LABELS) as [keyof typeof CONDITION_LABELS, string][]) {
    if (a.conditions[key] !== true) out.push({ field: `conditions.${key}`, message: `The local authority must arrange the preferred place only when ${label}: record yes before the agreement is signed, or refuse with written reasons`, rule: 'CHG-3' });
  }
  if (!a.conditions.accommodationType) out.push({ field: 'conditions.accommodationType', message: 'Choose the type of accommodation: care home, shared lives or supported living', rule: 'CHG-3' });
  for (const [key, label] of Object.entries(TERM_LABELS) as [keyof TopUpTerms, string][]) {
    const v = a.terms[key];
    if (v === null || (typeof v === 'string' && !v.trim())) out.push({ field: `terms.${key}`, message: `The written agreement must set out ${label}`, rule: 'CHG-3' });
  }
  if (!a.payer) out.push({ field: 'payer', message: 'Record who pays the top-up: the person or a third party who is willing and able to pay', rule: 'CHG-3' });
  else if (a.payer.kind === 'third-party' && !(a.payer.relationship && a.payer.relationship.trim())) {
    out.push({ field: 'payer.relationship', message: 'Record the third party’s relationship to the person', rule: 'CHG-3' });
  }
  return out;
}
