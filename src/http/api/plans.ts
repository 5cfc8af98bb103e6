// The care and support plan (api-contract: "Plans, services, reviews"): the draft, finalising it,
// its versions, the person's copy as a PDF, and who still needs a plan (PLAN-1).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../services/index.ts';
import { PlanInput, PlanListQuery } from '../../services/plans/plans-inputs.ts';
import { actorOf, ifMatch } from './request.ts';
import { FieldErrorSchema, ProblemSchema, responses } from './schemas.ts';
import { SERVICE_STATUSES } from '../../domain/care-services.ts';

const PersonParams = z.object({ id: z.string().describe('The person’s id (UUID)') });
const READ = [400, 401, 403, 404] as const;
const WRITE = [400, 401, 403, 404, 409, 413, 422] as const;
const IfMatch = z.object({ 'if-match': z.string().optional().describe('The plan’s version; a stale one is refused with 409') });
const IsoDate = z.string().describe('A UK date, YYYY-MM-DD');

const Need = z.object({
  id: z.string().describe('UUID, stable across versions; services link to it (needId)'),
  domain: z.string().describe('Code of Practice domain (PLAN-4)'),
  description: z.string(),
  arisesFromMentalDisorder: z.boolean().describe('SCOPE-1 limb (a)'),
  reducesRiskOfDeterioration: z.boolean().describe('SCOPE-1 limb (b)'),
  rationale: z.string(),
  howMet: z.string(),
  who: z.string().describe('The owner (CMP-2)'),
  s117: z.boolean().describe('SCOPE-6'),
  services: z
    .array(
      z.object({
        id: z.string(),
        description: z.string(),
        s117: z.boolean(),
        provider: z.string(),
        confirmedOn: IsoDate.nullable().describe('PLAN-7: null while planned'),
        endDate: IsoDate.nullable(),
        status: z.enum(SERVICE_STATUSES),
        weeklyCostPence: z.number().int().nullable().describe('Integer pence; null for someone who may not see money'),
      }),
    )
    .optional()
    .describe('The services linked to this need (their needId); on the current plan only'),
});

const PlanContentSchema = {
  needs: z.array(Need),
  goals: z.string().nullable(),
  personViews: z.string().nullable(),
  carerViews: z.string().nullable(),
  accommodation: z.object({ details: z.string().nullable(), endsOn: IsoDate.nullable(), moveOnPlan: z.string().nullable() }),
  keyworker: z.object({ name: z.string().nullable(), contact: z.string().nullable() }),
  nextReviewOn: IsoDate.nullable().describe(
    'The register’s next review date (REV-1), worked out from the record as everywhere else, fixed in a final version; null before the person leaves hospital and after aftercare ends. A nextReviewOn sent in PUT .../plan is ignored.',
  ),
  contingency: z.object({
    triggers: z.string().nullable(),
    earlyWarningSigns: z.string().nullable(),
    actions: z.string().nullable(),
    whatHelps: z.string().nullable(),
    crisisContacts: z.string().nullable(),
    onAdmission: z.string().nullable(),
  }),
  signature: z.object({ signedOn: IsoDate.nullable(), notSignedReason: z.string().nullable() }),
  copyGivenOn: IsoDate.nullable(),
  sharing: z.array(z.object({ name: z.string(), relationship: z.string().nullable(), consentedOn: IsoDate.nullable() })),
  cpa: z.boolean().nullable().describe('PLAN-8: legacy, optional'),
  sharedWith: z.array(z.string()).describe('PLAN-6: the names the person consented to share the plan with'),
  itemisation: z.object({ s117: z.array(z.string()), notS117: z.array(z.string()) }).describe('SCOPE-6: need ids met under s117 and not'),
};

export const PlanSchema = z.object({
  id: z.string(),
  personId: z.string(),
  ...PlanContentSchema,
  version: z.number().int().describe('Send it back in If-Match'),
  status: z.enum(['draft', 'final']).describe('final: the draft is unchanged since it was finalised'),
  finalisedVersion: z.number().int().nullable().describe('The final version the draft equals, if it does'),
  latestFinalVersion: z.number().int().nullable(),
  finaliseProblems: z.array(FieldErrorSchema).describe('What stops the draft being finalised (PLAN-4, PLAN-5, PLAN-6)'),
  warnings: z.array(FieldErrorSchema).describe('Points to check that do not block (SCOPE-1)'),
  dischargeReadiness: z.object({ level: z.enum(['ok', 'warning']), reasons: z.array(z.string()) }).describe('PLAN-7'),
  updatedAt: z.string(),
});

export const PlanVersionSchema = z.object({
  number: z.number().int(),
  finalisedAt: z.string(),
  finalisedBy: z.object({ id: z.string(), name: z.string().nullable() }),
  ...PlanContentSchema,
});

const PlanVersionListSchema = z.object({
  items: z.array(z.object({ number: z.number().int(), finalisedAt: z.string(), finalisedBy: z.object({ id: z.string(), name: z.string().nullable() }), needs: z.number().int() })),
  nextCursor: z.string().nullable(),
});

const PlanningNeededSchema = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      nhsNumber: z.string().nullable(),
      localId: z.string().nullable(),
      givenName: z.string(),
      familyName: z.string(),
      dateOfBirth: IsoDate,
      status: z.string(),
      localAuthority: z.string().nullable(),
      icb: z.string().nullable(),
    }),
  ),
  nextCursor: z.string().nullable(),
});

export function registerPlansApi(api: FastifyInstance, services: Services): void {
  const tags = ['Plans'];
  const id = (request: { params: unknown }) => (request.params as { id: string }).id;

  api.get('/people/:id/plan', { config: { personVisibilityInUseCase: true }, schema: { tags, summary: 'The current draft of the care and support plan (PLAN-4 to PLAN-6)', params: PersonParams, response: responses(200, 'The plan', PlanSchema, READ) } }, async (request) =>
    services.plans.get(actorOf(request), id(request)),
  );

  api.put(
    '/people/:id/plan',
    { config: { personVisibilityInUseCase: true }, schema: { tags, summary: 'Replace the draft (SCOPE-1, CMP-2); after a finalisation this starts a new draft', params: PersonParams, headers: IfMatch, body: PlanInput, response: responses(200, 'The plan as saved', PlanSchema, [...WRITE, 428]) } },
    async (request) => services.plans.update(actorOf(request), id(request), ifMatch(request), request.body),
  );

  api.post(
    '/people/:id/plan/finalise',
    { config: { personVisibilityInUseCase: true }, schema: { tags, summary: 'Finalise the draft into an immutable version (refused without a contingency plan, or a signature and copy date or notSignedReason)', params: PersonParams, headers: IfMatch, response: responses(201, 'The new final version', PlanVersionSchema, WRITE) } },
    async (request, reply) => reply.status(201).send(await services.plans.finalise(actorOf(request), id(request), ifMatch(request))),
  );

  api.get('/people/:id/plan/versions', { config: { personVisibilityInUseCase: true }, schema: { tags, summary: 'The finalised versions, newest first', params: PersonParams, response: responses(200, 'The versions', PlanVersionListSchema, READ) } }, async (request) =>
    services.plans.versions(actorOf(request), id(request)),
  );

  api.get(
    '/people/:id/plan/versions/:number',
    { config: { personVisibilityInUseCase: true }, schema: { tags, summary: 'One finalised version', params: PersonParams.extend({ number: z.string().describe('1, 2, ...') }), response: responses(200, 'The version', PlanVersionSchema, READ) } },
    async (request) => services.plans.version(actorOf(request), id(request), (request.params as { number: string }).number),
  );

  api.get(
    '/people/:id/plan.pdf',
    {
      config: { personVisibilityInUseCase: true },
      schema: {
        tags,
        summary: 'The person’s copy of the latest final version: an accessible tagged PDF in plain English',
        params: PersonParams,
        querystring: z.object({ largePrint: z.enum(['true', 'false']).optional().describe('true: large print') }),
        response: {
          200: { description: 'The PDF', content: { 'application/pdf': { schema: z.string().describe('binary') } } },
          ...Object.fromEntries(READ.map((code) => [code, { description: 'A problem', content: { 'application/problem+json': { schema: ProblemSchema } } }])),
        },
      },
    },
    async (request, reply) => {
      const largePrint = (request.query as { largePrint?: string } | undefined)?.largePrint === 'true';
      const { pdf, number } = await services.plans.pdf(actorOf(request), id(request), { largePrint });
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="care-and-support-plan-v${number}${largePrint ? '-large-print' : ''}.pdf"`)
        .header('cache-control', 'no-store')
        .send(pdf);
    },
  );

  api.get(
    '/planning/needed',
    { schema: { tags, summary: 'PLAN-1: people detained or awaiting discharge without a final plan, that the caller’s organisation can see', querystring: PlanListQuery, response: responses(200, 'A page of people', PlanningNeededSchema, [400, 401, 403, 422]) } },
    async (request) => services.plans.planningNeeded(actorOf(request), request.query ?? {}),
  );
}
