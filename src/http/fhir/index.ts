// The FHIR R4 interface at /fhir/R4 (api-contract: "FHIR R4"), its own plugin: FHIR's JSON
// (application/fhir+json), the API's bearer tokens, errors as OperationOutcomes. Routes only
// translate HTTP to the FHIR services and back.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Resource } from '@medplum/fhirtypes';
import { z } from 'zod';
import type { Services } from '../../services/index.ts';
import { searchBundle } from '../../services/fhir/fhir-resources.ts';
import { BadRequestError } from '../../services/kernel/validation.ts';
import { actorOf } from '../api/request.ts';
import { capabilityStatement } from './capability.ts';
import { outcomeFor } from './outcome.ts';

export const FHIR_BASE = '/fhir/R4';
const FHIR_JSON = 'application/fhir+json';
const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';
const DEFAULT_COUNT = 50;
const MAX_COUNT = 500;

const Id = z.object({ id: z.string() });
const tags = ['FHIR R4'];
const Search = z.object({
  identifier: z.string().optional().describe('Patient: https://fhir.nhs.uk/Id/nhs-number|NNNNNNNNNN'),
  patient: z.string().optional().describe('Encounter, EpisodeOfCare, CarePlan: the patient’s id (or Patient/{id})'),
  status: z.string().optional().describe('EpisodeOfCare: planned, active, onhold or finished'),
  _lastUpdated: z.union([z.string(), z.array(z.string())]).optional().describe('ge, gt, le or lt followed by a date or instant; may be repeated'),
  _count: z.string().optional().describe(`Page size (default ${DEFAULT_COUNT}, at most ${MAX_COUNT})`),
  _cursor: z.string().optional().describe('Patient: the next page (from the Bundle’s next link)'),
  _offset: z.string().optional().describe('Encounter, EpisodeOfCare, CarePlan: the next page (from the Bundle’s next link)'),
});
type SearchQuery = z.infer<typeof Search>;

export async function registerFhir(fhir: FastifyInstance, services: Services): Promise<void> {
  fhir.addContentTypeParser(FHIR_JSON, { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(new BadRequestError([{ field: '', message: 'The body is not valid JSON' }]), undefined);
    }
  });
  fhir.setErrorHandler((error, request, reply) => {
    const { status, outcome } = outcomeFor(error);
    if (status >= 500) request.log.error({ err: error }, 'FHIR request failed');
    return reply.status(status).type(FHIR_JSON).send(outcome);
  });
  fhir.setNotFoundHandler((_request, reply) => {
    const { outcome } = outcomeFor(Object.assign(new Error('Not found'), { statusCode: 404 }));
    return reply.status(404).type(FHIR_JSON).send(outcome);
  });
  fhir.addHook('onSend', async (_request, reply, payload) => {
    reply.type(FHIR_JSON);
    return payload;
  });

  fhir.get('/metadata', { schema: { tags, summary: 'The CapabilityStatement', security: [] } }, async (request) => capabilityStatement(baseUrl(request), '2026-12-01'));

  fhir.get('/Patient/:id', { schema: { tags, summary: 'A Patient (UKCore-Patient)', params: Id } }, async (request) => services.fhir.patient(actorOf(request), idOf(request)));
  fhir.get('/Patient/:id/$everything', { schema: { tags, summary: 'The Patient and every resource about them', params: Id } }, async (request) =>
    searchBundle(baseUrl(request), await services.fhir.everything(actorOf(request), idOf(request)), { self: selfUrl(request), next: null }),
  );
  fhir.get('/Encounter/:id', { schema: { tags, summary: 'A hospital stay (UKCore-Encounter) with its legal statuses', params: Id } }, async (request) => services.fhir.encounter(actorOf(request), idOf(request)));
  fhir.get('/EpisodeOfCare/:id', { schema: { tags, summary: 'An s117 aftercare episode (UKCore-EpisodeOfCare)', params: Id } }, async (request) => services.fhir.episodeOfCare(actorOf(request), idOf(request)));
  fhir.get('/CarePlan/:id', { schema: { tags, summary: 'The final care and support plan (UKCore-CarePlan)', params: Id } }, async (request) => services.fhir.carePlan(actorOf(request), idOf(request)));
  fhir.get('/Organization/:id', { schema: { tags, summary: 'An organisation (UKCore-Organization)', params: Id } }, async (request) => services.fhir.organization(actorOf(request), idOf(request)));

  fhir.get('/Patient', { schema: { tags, summary: 'Search patients by NHS number and last change', querystring: Search } }, async (request) => {
    const query = request.query as SearchQuery;
    const count = countOf(query);
    const nhsNumber = query.identifier === undefined ? undefined : nhsNumberOf(query.identifier);
    const page = await services.fhir.searchPatients(actorOf(request), { nhsNumber, updated: lastUpdatedOf(query), afterId: query._cursor ?? null, count });
    return searchBundle(baseUrl(request), page.resources, { self: selfUrl(request), next: page.more && page.lastId ? pageUrl(request, { _cursor: page.lastId }) : null });
  });

  const personSearch = (path: string, summary: string, find: (request: FastifyRequest, patientId: string, query: SearchQuery) => Promise<Resource[]>) =>
    fhir.get(path, { schema: { tags, summary, querystring: Search } }, async (request) => {
      const query = request.query as SearchQuery;
      if (!query.patient) throw new BadRequestError([{ field: 'patient', message: `Search ${path.slice(1)} by patient: ?patient={id}` }]);
      const count = countOf(query);
      const offset = offsetOf(query);
      const all = filterUpdated(await find(request, query.patient.replace(/^Patient\//, ''), query), lastUpdatedOf(query));
      const page = all.slice(offset, offset + count);
      return searchBundle(baseUrl(request), page, { self: selfUrl(request), next: offset + count < all.length ? pageUrl(request, { _offset: String(offset + count) }) : null }, all.length);
    });
  personSearch('/Encounter', 'A patient’s hospital stays', (request, id) => services.fhir.encounters(actorOf(request), id));
  personSearch('/EpisodeOfCare', 'A patient’s aftercare episodes, by status', (request, id, query) => services.fhir.episodesOfCare(actorOf(request), id, query.status ?? null));
  personSearch('/CarePlan', 'A patient’s final care and support plan', (request, id) => services.fhir.carePlans(actorOf(request), id));

  fhir.post('/', { schema: { tags, summary: 'A transaction Bundle of Patient and Encounter resources from a provider’s system (detentions fed in)' } }, async (request, reply: FastifyReply) => {
    const response = await services.fhirFeed.receive(actorOf(request), request.body);
    return reply.status(200).send(response);
  });
}

function idOf(request: FastifyRequest): string {
  return (request.params as { id: string }).id;
}

function baseUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}${FHIR_BASE}`;
}

function selfUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}${request.url}`;
}

/** The same search with one paging parameter replaced. */
function pageUrl(request: FastifyRequest, replace: Record<string, string>): string {
  const url = new URL(selfUrl(request));
  for (const [key, value] of Object.entries(replace)) url.searchParams.set(key, value);
  return url.toString();
}

function countOf(query: SearchQuery): number {
  if (query._count === undefined) return DEFAULT_COUNT;
  const count = Number(query._count);
  if (!Number.isInteger(count) || count < 1) throw new BadRequestError([{ field: '_count', message: '_count must be a whole number of 1 or more' }]);
  return Math.min(count, MAX_COUNT);
}

function offsetOf(query: SearchQuery): number {
  if (query._offset === undefined) return 0;
  const offset = Number(query._offset);
  if (!Number.isInteger(offset) || offset < 0) throw new BadRequestError([{ field: '_offset', message: '_offset must be a whole number of 0 or more' }]);
  return offset;
}

function nhsNumberOf(identifier: string): string {
  const [system, value] = identifier.includes('|') ? identifier.split('|', 2) : [NHS_NUMBER_SYSTEM, identifier];
  if (system !== NHS_NUMBER_SYSTEM && system !== '') throw new BadRequestError([{ field: 'identifier', message: `Search patients by ${NHS_NUMBER_SYSTEM}|NNNNNNNNNN` }]);
  const digits = (value ?? '').replace(/\s/g, '');
  if (!/^\d{10}$/.test(digits)) throw new BadRequestError([{ field: 'identifier', message: 'An NHS number is 10 digits' }]);
  return digits;
}

const PREFIXES = { ge: '>=', gt: '>', le: '<=', lt: '<' } as const;

function lastUpdatedOf(query: SearchQuery): ['>' | '>=' | '<' | '<=', Date][] {
  const values = query._lastUpdated === undefined ? [] : Array.isArray(query._lastUpdated) ? query._lastUpdated : [query._lastUpdated];
  return values.map((raw) => {
    const match = /^(ge|gt|le|lt)?(\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)$/.exec(raw);
    const at = match ? new Date(match[2]!.length === 10 ? `${match[2]}T00:00:00Z` : match[2]!) : null;
    if (!match || !at || Number.isNaN(at.getTime())) throw new BadRequestError([{ field: '_lastUpdated', message: '_lastUpdated is ge, gt, le or lt followed by a date (YYYY-MM-DD) or an instant' }]);
    return [PREFIXES[(match[1] ?? 'ge') as keyof typeof PREFIXES], at];
  });
}

function filterUpdated(resources: Resource[], bounds: ['>' | '>=' | '<' | '<=', Date][]): Resource[] {
  return resources.filter((r) => {
    const at = r.meta?.lastUpdated ? new Date(r.meta.lastUpdated).getTime() : null;
    if (at === null) return bounds.length === 0;
    return bounds.every(([op, bound]) => (op === '>' ? at > bound.getTime() : op === '>=' ? at >= bound.getTime() : op === '<' ? at < bound.getTime() : at <= bound.getTime()));
  });
}
