// "404 before 403" (issue 15): a request about one person's record is answered 404, exactly as for a
// person who does not exist, when the caller's organisation may not see that person. It is checked
// here, once for every API route and page under /people/{id}, before the role, the body, the If-Match
// or anything else is looked at, so that no answer (403, 409, 422...) tells a stranger that the record
// exists. The use cases check visibility again inside their transaction.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Services } from '../services/index.ts';
import { NotFoundError } from '../services/kernel/errors.ts';

const PERSON_ROUTE = /^(?:\/api\/v1)?\/people\/:id(?:\/|$)/;

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * A read (GET) whose one use case finds the person with the caller's visibility before it looks at
     * anything else, answering 404 first (use-case.ts: readModel, readModelAtOnce, read), and which
     * parses no input before it: this guard's separate query would only repeat it (issue 14, "fewer
     * round trips"). Set on such reads only.
     */
    personVisibilityInUseCase?: boolean;
  }
}

export function guardPersonRoutes(app: FastifyInstance, services: Services): void {
  app.addHook('preHandler', async (request) => {
    if (request.method === 'GET' && request.routeOptions.config?.personVisibilityInUseCase === true) return;
    const personId = personOf(request);
    if (personId === null || !request.actor) return;
    if (!(await services.people.canSee(request.actor, personId))) throw new NotFoundError('person');
  });
}

/** The person a route is about (its `:id`), or null for a route about no one person. */
function personOf(request: FastifyRequest): string | null {
  if (!PERSON_ROUTE.test(request.routeOptions.url ?? '')) return null;
  const id = (request.params as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' ? id : null;
}
