// Issue 15 (task B): registrations of an NHS number already on the register, for the admins and s117
// leads who see the person registered first (access.ts, canSeeDuplicateRegistration). A pair another
// organisation may not see answers 404, exactly as one that does not exist.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DUPLICATE_ROUTES } from '../../domain/duplicates.ts';
import type { Services } from '../../services/index.ts';
import { KeepSeparateInput, MergeInput } from '../../services/duplicates/duplicates-service.ts';
import { PageQuery } from '../../services/kernel/paging.ts';
import { actorOf } from './request.ts';
import { responses } from './schemas.ts';

const TAGS = ['Duplicate registrations'];
const Params = z.object({ id: z.string().describe('The duplicate registration’s id (UUID)') });

export const DuplicatePairSchema = z.object({
  id: z.string().uuid(),
  person: z.object({ id: z.string().uuid(), nhsNumber: z.string().nullable(), givenName: z.string(), familyName: z.string(), dateOfBirth: z.string() }).describe('The person registered first with the NHS number, whom the caller may see'),
  registeredBy: z.object({ code: z.string(), name: z.string() }).nullable().describe('The organisation that registered the NHS number again (never what it recorded)'),
  registeredAt: z.string(),
  route: z.enum(DUPLICATE_ROUTES),
  routeText: z.string(),
});

const MergedSchema = z.object({
  id: z.string().uuid(),
  decision: z.literal('merged'),
  personId: z.string().uuid().describe('The surviving person'),
  status: z.string().describe('The surviving person’s aftercare status, derived again from every fact'),
  moved: z.record(z.string(), z.number().int()).describe('How many records of each kind moved into the surviving person'),
  leftBehind: z.array(z.string()).describe('What stayed with the closed record: "plan" where both had a care and support plan'),
});
const KeptSeparateSchema = z.object({ id: z.string().uuid(), decision: z.literal('not-the-same'), personId: z.string().uuid() });

export function registerDuplicatesApi(api: FastifyInstance, services: Services): void {
  const duplicates = services.duplicates;
  api.get('/people/duplicates', { schema: { tags: TAGS, summary: 'Registrations of an NHS number already on the register, waiting for a decision (admins; s117 leads who see the person registered first)', querystring: PageQuery, response: responses(200, 'The pairs, oldest first', z.object({ items: z.array(DuplicatePairSchema), nextCursor: z.string().nullable() }), [400, 401, 403, 422]) } }, async (request) =>
    duplicates.list(actorOf(request), request.query),
  );
  api.get('/people/duplicates/:id', { schema: { tags: TAGS, summary: 'One registration waiting for a decision', params: Params, response: responses(200, 'The pair', DuplicatePairSchema.extend({ registeredHasPlan: z.boolean() }), [400, 401, 403, 404, 409]) } }, async (request) =>
    duplicates.get(actorOf(request), (request.params as { id: string }).id),
  );
  api.post('/people/duplicates/:id/merge', { schema: { tags: TAGS, summary: 'The same person: move every fact of the later record into the person registered first and close it (REG-1)', params: Params, body: MergeInput, response: responses(200, 'Merged', MergedSchema, [400, 401, 403, 404, 409, 413, 422]) } }, async (request) =>
    duplicates.merge(actorOf(request), (request.params as { id: string }).id, request.body),
  );
  api.post('/people/duplicates/:id/not-the-same', { schema: { tags: TAGS, summary: 'Not the same person: keep both records, with the reason (REG-2)', params: Params, body: KeepSeparateInput, response: responses(200, 'Kept separate', KeptSeparateSchema, [400, 401, 403, 404, 409, 413, 422]) } }, async (request) =>
    duplicates.keepSeparate(actorOf(request), (request.params as { id: string }).id, request.body),
  );
}
