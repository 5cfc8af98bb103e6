// "404 before 403" (issue 15): a request about one person's record is answered 404, exactly as for a
// person who does not exist, when the caller's organisation may not see that person. It is checked
// here, once for every API route and page under /people/{id}, before the role, the body, the If-Match
// or anything else is looked at, so that no answer (403, 409, 422...) tells a stranger that the record
// exists. The use cases check visibility again inside their transaction.
//
// A route whose use case finds the person with the caller's visibility before it does anything else
// (`personVisibilityInUseCase`) skips this guard's query, which would only repeat the use case's
// (issue 14, "fewer round trips"). If such a route fails before its use case has looked (its input
// refused, the caller's role), `hiddenPersonProblem` asks then, on the error's path alone, so the
// answer is still 404 for a person the caller may not see.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Services } from '../services/index.ts';
import { NotFoundError } from '../services/kernel/errors.ts';

const PERSON_ROUTE = /^(?:\/api\/v1)?\/people\/:id(?:\/|$)/;

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route's one use case finds the person with the caller's visibility first, answering 404
     * before anything else (use-case.ts: change, readModel, readModelAtOnce, read). A read or a change
     * may refuse its input (a body, a query such as a page's cursor) or the caller's role before calling
     * the use case, as those refusals are checked against visibility on their way out
     * (hiddenPersonProblem); nothing else may touch the database or answer before it. Set only on such
     * routes.
     */
    personVisibilityInUseCase?: boolean;
  }
  interface FastifyRequest {
    /** The person whose visibility this request left to its use case (set by the guard), or null. */
    personVisibilityDeferred: string | null;
  }
}

export function guardPersonRoutes(app: FastifyInstance, services: Services): void {
  // Declared up front, so that every request keeps one shape (Fastify's advice for decorations).
  app.decorateRequest('personVisibilityDeferred', null);
  app.addHook('preHandler', async (request) => {
    const personId = personOf(request);
    if (personId === null || !request.actor) return;
    if (request.routeOptions.config?.personVisibilityInUseCase === true) {
      request.personVisibilityDeferred = personId;
      return;
    }
    if (!(await services.people.canSee(request.actor, personId))) throw new NotFoundError('person');
  });
}

/**
 * The 404 to answer instead of `status` when a route that left visibility to its use case failed
 * (before or in it) about a person the caller may not see; null otherwise. A 404 stays a 404, and a
 * failure before the guard ran (sign-in, rate limit, CSRF) is left as it is, as it was before.
 */
export async function hiddenPersonProblem(request: FastifyRequest, status: number, services: Services): Promise<NotFoundError | null> {
  const personId = request.personVisibilityDeferred;
  if (personId === null || status === 404 || !request.actor) return null;
  return (await services.people.canSee(request.actor, personId)) ? null : new NotFoundError('person');
}

/** The person a route is about (its `:id`), or null for a route about no one person. */
function personOf(request: FastifyRequest): string | null {
  if (!PERSON_ROUTE.test(request.routeOptions.url ?? '')) return null;
  const id = (request.params as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' ? id : null;
}
