// People, legal history, aftercare status and responsibility (api-contract: "People and legal
// history", "Aftercare status and episodes").
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../services/index.ts';
import { AdmissionInput, DischargeInput, LeaveInput, LegalStatusEndInput, LegalStatusInput, PlacementEndInput, PlacementInput, ResponsibilityInput } from '../../services/legal-history/legal-history-inputs.ts';
import { PLACEMENT_KINDS } from '../../domain/bodies.ts';
import { PersonCreateInput, PersonUpdateInput, RegisterQueryInput } from '../../services/people/people-inputs.ts';
import { actorOf, ifMatch } from './request.ts';
import { AdmissionSchema, AftercareSchema, LeaveSchema, LegalHistorySchema, LegalStatusSchema, PersonSchema, RegisterPageSchema, responses } from './schemas.ts';

const PlacementSchema = z.object({
  id: z.string().uuid(),
  version: z.number().int(),
  localAuthority: z.string().describe('The council of the area the accommodation is in'),
  kind: z.enum(PLACEMENT_KINDS),
  arrangedBy: z.string().describe('The council that arranged it'),
  s117: z.boolean().nullable().describe('Whether it was arranged as section 117 aftercare; null where not recorded'),
  from: z.string(),
  to: z.string().nullable().describe('The last day they lived there; null while they still do'),
  description: z.string().nullable(),
});

const PersonParams = z.object({ id: z.string().describe('The person’s id (UUID)') });
// Problems every route can give, plus those of reading a person's record or changing it.
const READ = [400, 401, 403, 404] as const;
const WRITE = [400, 401, 403, 404, 409, 413, 422] as const;

const IfMatch = z.object({ 'if-match': z.string().optional().describe('The version being changed; a stale one is refused with 409') });

export function registerPeopleApi(api: FastifyInstance, services: Services): void {
  const tag = (t: string) => [t];

  api.get('/people', { schema: { tags: tag('People'), summary: 'Search the register', querystring: RegisterQueryInput, response: responses(200, 'A page of people the caller may see', RegisterPageSchema, [400, 401, 403, 422]) } }, async (request) =>
    services.people.search(actorOf(request), request.query),
  );

  api.post('/people', { schema: { tags: tag('People'), summary: 'Add a person', body: PersonCreateInput, response: responses(201, 'The person', PersonSchema, [400, 401, 403, 409, 413, 422]) } }, async (request, reply) =>
    reply.status(201).send(await services.people.create(actorOf(request), request.body)),
  );

  api.get('/people/:id', { config: { personVisibilityInUseCase: true }, schema: { tags: tag('People'), summary: 'A person', params: PersonParams, response: responses(200, 'The person', PersonSchema, READ) } }, async (request) =>
    services.people.get(actorOf(request), paramsOf(request).id),
  );

  api.patch('/people/:id', { config: { personVisibilityInUseCase: true }, schema: { tags: tag('People'), summary: 'Change a person’s details; a new residence or GP is added to the history', params: PersonParams, headers: IfMatch, body: PersonUpdateInput, response: responses(200, 'The person as changed', PersonSchema, WRITE) } }, async (request) =>
    services.people.update(actorOf(request), paramsOf(request).id, ifMatch(request), request.body),
  );

  api.get('/people/:id/legal-history', { config: { personVisibilityInUseCase: true }, schema: { tags: tag('Legal history'), summary: 'Hospital stays, legal statuses and leave', params: PersonParams, response: responses(200, 'The legal history', LegalHistorySchema, READ) } }, async (request) =>
    services.legalHistory.legalHistory(actorOf(request), paramsOf(request).id),
  );

  api.post('/people/:id/admissions', { config: { personVisibilityInUseCase: true }, schema: { tags: tag('Legal history'), summary: 'Record a hospital stay', params: PersonParams, body: AdmissionInput, response: responses(201, 'The hospital stay', AdmissionSchema, WRITE) } }, async (request, reply) =>
    reply.status(201).send(await services.legalHistory.addAdmission(actorOf(request), paramsOf(request).id, request.body)),
  );

  // MHA25-3: accommodation a council arranged (used by the deemed residence rule when S117_MHA2025_DEEMED_RESIDENCE is on).
  api.post('/people/:id/placements', { config: { personVisibilityInUseCase: true }, schema: { tags: tag('Legal history'), summary: 'Record accommodation a council arranged (MHA25-3)', params: PersonParams, body: PlacementInput, response: responses(201, 'The placement', PlacementSchema, WRITE) } }, async (request, reply) =>
    reply.status(201).send(await services.legalHistory.recordPlacement(actorOf(request), paramsOf(request).id, request.body)),
  );

  api.get('/people/:id/placements', { config: { personVisibilityInUseCase: true }, schema: { tags: tag('Legal history'), summary: 'Accommodation councils arranged for the person, oldest first (MHA25-3)', params: PersonParams, response: responses(200, 'The placements', z.object({ items: z.array(PlacementSchema) }), READ) } }, async (request) =>
    services.legalHistory.placements(actorOf(request), paramsOf(request).id),
  );

  api.post(
    '/people/:id/placements/:placementId/end',
    { config: { personVisibilityInUseCase: true }, schema: { tags: tag('Legal history'), summary: 'Record the last day they lived in a placement (MHA25-3); once only', params: PersonParams.extend({ placementId: z.string() }), headers: IfMatch, body: PlacementEndInput, response: responses(200, 'The placement, ended', PlacementSchema, WRITE) } },
    async (request) => {
      const { id, placementId } = request.params as { id: string; placementId: string };
      return services.legalHistory.endPlacement(actorOf(request), id, placementId, ifMatch(request), request.body);
    },
  );

  api.patch(
    '/people/:id/admissions/:admissionId',
    { config: { personVisibilityInUseCase: true }, schema: { tags: tag('Legal history'), summary: 'Record leaving hospital', params: PersonParams.extend({ admissionId: z.string() }), headers: IfMatch, body: DischargeInput, response: responses(200, 'The hospital stay as changed', AdmissionSchema, WRITE) } },
    async (request) => {
      const { id, admissionId } = request.params as { id: string; admissionId: string };
      return services.legalHistory.recordDischarge(actorOf(request), id, admissionId, ifMatch(request), request.body);
    },
  );

  api.post('/people/:id/legal-statuses', { config: { personVisibilityInUseCase: true }, schema: { tags: tag('Legal history'), summary: 'Record a legal status (a section, CTO, conditional discharge, custody...)', params: PersonParams, body: LegalStatusInput, response: responses(201, 'The legal status', LegalStatusSchema, WRITE) } }, async (request, reply) =>
    reply.status(201).send(await services.legalHistory.addLegalStatus(actorOf(request), paramsOf(request).id, request.body)),
  );

  api.patch(
    '/people/:id/legal-statuses/:statusId',
    { config: { personVisibilityInUseCase: true }, schema: { tags: tag('Legal history'), summary: 'Record the end of a legal status', params: PersonParams.extend({ statusId: z.string() }), headers: IfMatch, body: LegalStatusEndInput, response: responses(200, 'The legal status as changed', LegalStatusSchema, WRITE) } },
    async (request) => {
      const { id, statusId } = request.params as { id: string; statusId: string };
      return services.legalHistory.endLegalStatus(actorOf(request), id, statusId, ifMatch(request), request.body);
    },
  );

  api.post('/people/:id/leave', { config: { personVisibilityInUseCase: true }, schema: { tags: tag('Legal history'), summary: 'Record section 17 leave and whether it starts aftercare (ELIG-4)', params: PersonParams, body: LeaveInput, response: responses(201, 'The leave and its recorded decision', LeaveSchema, WRITE) } }, async (request, reply) =>
    reply.status(201).send(await services.legalHistory.addLeave(actorOf(request), paramsOf(request).id, request.body)),
  );

  api.get('/people/:id/aftercare', { config: { personVisibilityInUseCase: true }, schema: { tags: tag('Aftercare'), summary: 'Aftercare status, episodes and the rules that decided them', params: PersonParams, response: responses(200, 'The aftercare status', AftercareSchema, READ) } }, async (request) =>
    services.legalHistory.aftercare(actorOf(request), paramsOf(request).id),
  );

  api.put(
    '/people/:id/episodes/:episodeId/responsibility',
    { config: { personVisibilityInUseCase: true }, schema: { tags: tag('Aftercare'), summary: 'Confirm the responsible local authority and ICB (RESP-2 to RESP-5)', params: PersonParams.extend({ episodeId: z.string() }), body: ResponsibilityInput, response: {
          ...responses(200, 'The aftercare status with the confirmed bodies (and `disputeId` when naming a different body for the other body’s part opened a dispute, RESP-6)', ConfirmedSchema, WRITE),
          202: { description: 'Nothing of the caller’s own to confirm: naming a different body for the other body’s part opened a dispute (RESP-6), `disputeId`', content: { 'application/json': { schema: ConfirmedSchema } } },
        } } },
    async (request, reply) => {
      const { id, episodeId } = request.params as { id: string; episodeId: string };
      const { recorded, ...answer } = await services.legalHistory.confirmResponsibility(actorOf(request), id, episodeId, request.body);
      // RESP-6 (issue 15 probe 7): only a dispute was opened, nothing of the caller's own recorded.
      if (!recorded) reply.code(202);
      return answer;
    },
  );
}

/** The aftercare status after a confirmation, with the dispute it opened, if any (RESP-6). */
const ConfirmedSchema = AftercareSchema.extend({ disputeId: z.string().uuid().optional().describe('The dispute opened with the other body about its part (RESP-6)') });

function paramsOf(request: FastifyRequest): { id: string } {
  return request.params as { id: string };
}
