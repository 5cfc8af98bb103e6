// The register: search and filter the people the signed-in user's organisation may see.
import type { FastifyInstance } from 'fastify';
import { can } from '../../domain/access.ts';
import { ValidationError } from '../../services/kernel/errors.ts';
import type { Services } from '../../services/index.ts';
import { BadRequestError } from '../../services/kernel/validation.ts';
import { requireSignIn } from '../auth/index.ts';
import { AFTERCARE_STATUS_LABELS } from './labels.ts';
import { signedIn } from './request.ts';
import { keyworkerFilterOptions } from './keyworkers.ts';

const FILTERS = ['q', 'status', 'localAuthority', 'icb', 'reviewOverdue', 'caseload', 'keyworker'] as const;

export function registerRegisterPages(web: FastifyInstance, services: Services): void {
  web.get('/register', { schema: { hide: true }, preHandler: requireSignIn }, async (request, reply) => {
    const actor = signedIn(request);
    const raw = (request.query ?? {}) as Record<string, unknown>;
    // Empty boxes of the GET form mean "no filter", not an empty value to match.
    const values: Record<string, string> = {};
    for (const name of [...FILTERS, 'cursor'] as const) {
      const value = raw[name];
      if (typeof value === 'string' && value.trim() !== '') values[name] = value.trim();
    }
    const filtered = FILTERS.some((name) => values[name] !== undefined);
    const context = {
      values,
      filtered,
      cursor: values.cursor ?? null,
      mayAdd: can(actor.role, 'person:create'),
      statusOptions: [{ value: '', text: 'Any status' }, ...Object.entries(AFTERCARE_STATUS_LABELS).map(([value, text]) => ({ value, text }))],
      keyworkerOptions: await keyworkerFilterOptions(services, actor),
    };
    try {
      const result = await services.people.search(actor, values);
      const filters = new URLSearchParams(Object.entries(values).filter(([name]) => name !== 'cursor'));
      const withCursor = (cursor: string) => `/register?${new URLSearchParams([...filters, ['cursor', cursor]]).toString()}`;
      const first = filters.toString() ? `/register?${filters.toString()}` : '/register';
      return reply.render('pages/register.njk', {
        ...context,
        items: result.items,
        nextCursor: result.nextCursor,
        nextHref: result.nextCursor ? withCursor(result.nextCursor) : null,
        firstHref: values.cursor ? first : null,
      });
    } catch (error) {
      if (!(error instanceof ValidationError || error instanceof BadRequestError)) throw error;
      return reply.status(422).render('pages/register.njk', { ...context, items: [], errors: error.errors.map((e) => (e.field === 'cursor' ? { field: 'q', message: 'That page of results is no longer available. Search again.' } : e)) });
    }
  });
}
