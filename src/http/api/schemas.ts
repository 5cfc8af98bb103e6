// What the API answers, for the OpenAPI document (api-contract version 1). The services build the
// answers, and each JSON answer is sent through its schema (src/http/api/index.ts): a field not declared
// here is not sent, so a field added to an answer must be added here too. Records may gain optional
// fields in later versions (the contract allows it), so clients must accept fields they do not know.
import { z } from 'zod';
import { AFTERCARE_STATUSES, END_REASONS, EPISODE_STATUSES, LEAVE_KINDS } from '../../domain/aftercare.ts';

const Id = z.string().describe('UUID');
const Version = z.number().int().describe('Increases by one with every change; send it back in If-Match');
const IsoDate = z.string().describe('A UK date, YYYY-MM-DD');
const Instant = z.string().describe('ISO 8601 instant with Z');


export const FieldErrorSchema = z.object({
  field: z.string().describe('The field at fault, e.g. nhsNumber or residence.since'),
  message: z.string(),
  rule: z.string().optional().describe('The rule that refused it, e.g. END-3 (domain-rules.md)'),
});

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(FieldErrorSchema).optional().describe('For invalid input (422) and some malformed requests (400)'),
  })
  .describe('RFC 9457 problem details (application/problem+json)');

const Residence = z.object({ localAuthority: z.string().describe('ONS code'), since: IsoDate });
const Gp = z.object({ practiceCode: z.string().nullable(), icb: z.string().describe('ODS code'), since: IsoDate });

export const PersonSchema = z.object({
  id: Id,
  version: Version,
  nhsNumber: z.string().nullable().describe('10 digits, no spaces'),
  localId: z.string().nullable(),
  givenName: z.string(),
  familyName: z.string(),
  dateOfBirth: IsoDate,
  dateOfDeath: IsoDate.nullable(),
  address: z.object({ line1: z.string().nullable(), postcode: z.string().nullable() }),
  residence: Residence.nullable().describe('The latest ordinary residence'),
  residenceHistory: z.array(Residence).describe('Every residence recorded, earliest first (RESP-2)'),
  gp: Gp.nullable().describe('The latest GP registration'),
  gpHistory: z.array(Gp).describe('Every GP registration recorded, earliest first (RESP-5)'),
  status: z.enum(AFTERCARE_STATUSES),
  nextReviewDue: IsoDate.nullable(),
  createdAt: Instant,
  updatedAt: Instant,
});

export const RegisterPageSchema = z.object({
  items: z.array(
    z.object({
      id: Id,
      version: Version,
      nhsNumber: z.string().nullable(),
      localId: z.string().nullable(),
      givenName: z.string(),
      familyName: z.string(),
      dateOfBirth: IsoDate,
      dateOfDeath: IsoDate.nullable(),
      status: z.enum(AFTERCARE_STATUSES),
      localAuthority: z.string().nullable().describe('The responsible local authority of the latest episode'),
      icb: z.string().nullable().describe('The responsible ICB of the latest episode'),
      nextReviewDue: IsoDate.nullable(),
      reviewOverdue: z.boolean().describe('REV-1: the next review date has passed for active (or in-custody) aftercare'),
      dischargeWarning: z.string().nullable().optional().describe('PLAN-7: why leaving hospital is not ready (no final plan, unconfirmed services); null when all is well'),
    }),
  ),
  nextCursor: z.string().nullable().describe('Pass as cursor for the next page; null on the last page'),
});

export const AdmissionSchema = z.object({ id: Id, version: Version, hospital: z.string(), admittedOn: IsoDate, dischargedOn: IsoDate.nullable(), provider: z.string().nullable().describe('The provider organisation running the hospital (ODS code)') });
export const LegalStatusSchema = z.object({ id: Id, version: Version, section: z.string(), startDate: IsoDate, endDate: IsoDate.nullable(), admissionId: Id.nullable() });
export const LeaveSchema = z.object({
  id: Id,
  version: Version,
  from: IsoDate,
  to: IsoDate.nullable(),
  kind: z.enum(LEAVE_KINDS),
  triggersAftercare: z.boolean(),
  reason: z.string(),
});
export const LegalHistorySchema = z.object({ admissions: z.array(AdmissionSchema), legalStatuses: z.array(LegalStatusSchema), leave: z.array(LeaveSchema) });

const Explanation = z.object({ rule: z.string().describe('e.g. ELIG-3'), text: z.string().describe('Plain English') });
const ResponsibleBody = z.object({
  code: z.string().nullable().describe('ONS code (local authority) or ODS code (ICB); null when none can be proposed'),
  basis: z.string().describe('Why this body is responsible'),
  confirmed: z.boolean().describe('false while it is only proposed (RESP-2 to RESP-5)'),
  confirmedBy: z.object({ name: z.string(), organisation: z.string() }).optional().describe('Who confirmed this part (only when confirmed): each body confirms its own part'),
  confirmedAt: z.string().optional().describe('When this part was confirmed (an instant; only when confirmed)'),
});
export const EpisodeSchema = z.object({
  id: Id.describe('The episode id (the id of the legal status that opened it)'),
  status: z.enum(EPISODE_STATUSES),
  qualifyingSection: z.string(),
  qualifyingFrom: IsoDate,
  leftHospitalOn: IsoDate.nullable().describe('When the duty started (ELIG-3)'),
  endedOn: IsoDate.nullable(),
  endReason: z.enum(END_REASONS).nullable(),
  localAuthority: ResponsibleBody,
  icb: ResponsibleBody,
  detentionFrom: IsoDate.optional().describe('Start of the continuous detention that led to the qualifying section (RESP-4)'),
  sectionEndedOn: IsoDate.nullable().optional(),
  communityTreatmentOrder: z.boolean().optional(),
  conditionallyDischarged: z.boolean().optional(),
  decisionsNeeded: z.array(Explanation).optional().describe('Contested points a person must decide'),
  explanation: z.array(Explanation).optional(),
});
export const AftercareSchema = z.object({
  status: z.enum(AFTERCARE_STATUSES).describe('The latest episode’s status, or not-entitled'),
  episodes: z.array(EpisodeSchema),
  explanation: z.array(Explanation).describe('Each rule that decided the status, in plain English'),
});

const PROBLEMS: Record<number, string> = {
  400: 'Malformed JSON, a value of the wrong type, or a bad If-Match',
  401: 'No API token, or a bad one',
  403: 'Your role or organisation may not do this',
  404: 'Not found, or a record your organisation may not see',
  409: 'A duplicate NHS number, or a stale If-Match version',
  413: 'The body is larger than 256 KB',
  422: 'Invalid input: errors names each field (and the rule, for a rule refusal)',
};

/** The OpenAPI responses of a route: its answer, and the problems it can give. */
export function responses(status: 200 | 201, description: string, schema: z.ZodType, problems: readonly number[]) {
  const answer = { description, content: { 'application/json': { schema } } };
  const errors = Object.fromEntries(
    problems.map((code) => [code, { description: PROBLEMS[code] ?? 'A problem', content: { 'application/problem+json': { schema: ProblemSchema } } }]),
  );
  return { [status]: answer, ...errors };
}
