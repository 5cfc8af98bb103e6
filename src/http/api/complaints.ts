// Complaints about a person's aftercare (api-contract: "Ending and reinstating aftercare"; CMP-1, CMP-2).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { COMPLAINT_AGAINST, COMPLAINT_ROUTES } from '../../domain/complaints.ts';
import type { Services } from '../../services/index.ts';
import { ComplaintInput, ComplaintUpdateInput } from '../../services/complaints/complaints-inputs.ts';
import { PageQuery } from '../../services/kernel/paging.ts';
import { actorOf, ifMatch } from './request.ts';
import { responses } from './schemas.ts';

const READ = [400, 401, 403, 404] as const;
const WRITE = [400, 401, 403, 404, 409, 413, 422] as const;
const IsoDate = z.string().describe('A UK date, YYYY-MM-DD');
const IfMatch = z.object({ 'if-match': z.string().optional().describe('The version being changed; a stale one is refused with 409') });

export const ComplaintSchema = z.object({
  id: z.string(),
  version: z.number().int(),
  personId: z.string(),
  against: z.enum(COMPLAINT_AGAINST),
  route: z.enum(COMPLAINT_ROUTES),
  routeLabel: z.string(),
  receivedOn: IsoDate,
  awareOn: IsoDate.describe('When the person knew of the problem'),
  subject: z.string(),
  linkedDecisionIds: z.array(z.string()),
  faults: z.array(z.string()).describe('CMP-2 faults'),
  outcome: z.string().nullable(),
  outcomeOn: IsoDate.nullable(),
  learning: z.string().nullable(),
  ombudsman: z.object({ windowUntil: IsoDate, withinWindow: z.boolean(), text: z.string() }).describe('CMP-1: the Ombudsman’s 12 months from awareOn'),
  recordedBy: z.string().nullable().describe('The user who recorded it; null when the person told us from their own pages'),
  recordedByPerson: z.boolean().describe('The person told us themselves, signed in with NHS login (/your-aftercare)'),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const list = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export function registerComplaintsApi(api: FastifyInstance, services: Services): void {
  const tags = ['Complaints'];
  const p = (request: FastifyRequest) => request.params as Record<string, string>;
  const ComplaintParams = z.object({ id: z.string(), complaintId: z.string() });
  api.get('/people/:id/complaints', { config: { personVisibilityInUseCase: true }, schema: { tags, summary: 'The person’s complaints (CMP-1)', params: z.object({ id: z.string() }), querystring: PageQuery, response: responses(200, 'The complaints', list(ComplaintSchema), [...READ, 422]) } }, async (request) =>
    services.complaints.list(actorOf(request), p(request).id!, request.query),
  );
  api.post('/people/:id/complaints', { config: { personVisibilityInUseCase: true }, schema: { tags, summary: 'Record a complaint (CMP-1, CMP-2)', params: z.object({ id: z.string() }), body: ComplaintInput, response: responses(201, 'The complaint', ComplaintSchema, WRITE) } }, async (request, reply) =>
    reply.status(201).send(await services.complaints.create(actorOf(request), p(request).id!, request.body)),
  );
  api.get('/people/:id/complaints/:complaintId', { config: { personVisibilityInUseCase: true }, schema: { tags, summary: 'One complaint', params: ComplaintParams, response: responses(200, 'The complaint', ComplaintSchema, READ) } }, async (request) =>
    services.complaints.get(actorOf(request), p(request).id!, p(request).complaintId!),
  );
  api.patch('/people/:id/complaints/:complaintId', { config: { personVisibilityInUseCase: true }, schema: { tags, summary: 'Change a complaint: its outcome, learning...', params: ComplaintParams, headers: IfMatch, body: ComplaintUpdateInput, response: responses(200, 'The complaint as changed', ComplaintSchema, WRITE) } }, async (request) =>
    services.complaints.update(actorOf(request), p(request).id!, p(request).complaintId!, ifMatch(request), request.body),
  );
}
