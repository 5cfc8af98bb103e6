// Pages for the named keyworker (PLAN-3) and "My caseload", and the register's keyworker filter.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Services } from '../../services/index.ts';
import { requireSignIn } from '../auth/index.ts';
import { formBody, required, submit } from './forms.ts';
import { personIdOf, signedIn } from './request.ts';
import { flashSuccess } from './success.ts';

export function registerKeyworkerPages(web: FastifyInstance, services: Services): void {
  const page = { schema: { hide: true }, preHandler: requireSignIn };
  const form = { ...page, preValidation: web.csrfProtection };
  const personHref = (request: FastifyRequest) => `/people/${personIdOf(request)}`;

  // ---- My caseload ----------------------------------------------------------------------------
  web.get('/caseload', page, async (request, reply) => {
    const caseload = await services.keyworkers.caseload(signedIn(request));
    return reply.render('pages/caseload.njk', { items: caseload.items, width: 'full' });
  });

  // ---- Keyworker (PLAN-3) --------------------------------------------------------------------
  const keyworkerContext = async (request: FastifyRequest) => {
    const { person, keyworker, mayAllocate, candidates } = await services.keyworkers.page(signedIn(request), personIdOf(request));
    return {
      person,
      keyworker,
      mayAllocate,
      userOptions: [{ value: '', text: 'Choose a person' }, ...candidates.map((u) => ({ value: u.id, text: `${u.name} (${u.role}, ${u.organisation.name})` }))],
      back: { href: `/people/${person.id}` },
    };
  };

  web.get('/people/:id/keyworker', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => {
    const context = await keyworkerContext(request);
    const current = context.keyworker.current;
    const values = current ? { userId: current.userId, jobTitle: current.jobTitle ?? '', team: current.team ?? '', phone: current.phone ?? '', email: current.email ?? '' } : {};
    return reply.render('pages/keyworker.njk', { ...context, values });
  });

  web.post('/people/:id/keyworker', form, async (request, reply) => {
    const body = formBody(request);
    const words = { labels: { userId: 'keyworker', jobTitle: 'job title', team: 'team', phone: 'phone number', email: 'email address' }, unanswered: { userId: 'Choose the keyworker' } };
    const input = { userId: required(body, 'userId'), jobTitle: required(body, 'jobTitle'), team: required(body, 'team'), phone: required(body, 'phone'), email: required(body, 'email') };
    return submit({ reply, body, template: 'pages/keyworker.njk', context: () => keyworkerContext(request), words }, async () => {
      await services.keyworkers.allocate(signedIn(request), personIdOf(request), input);
      flashSuccess(reply, 'keyworker-allocated');
      return personHref(request);
    });
  });
}

/** The register's keyworker filter: whom it can be filtered by. */
export async function keyworkerFilterOptions(services: Services, actor: Parameters<Services['keyworkers']['colleagues']>[0]) {
  const users = await services.keyworkers.colleagues(actor);
  return [{ value: '', text: 'Any keyworker' }, ...users.map((u) => ({ value: u.id, text: actor.role === 'admin' ? `${u.name} (${u.organisation.name})` : u.name }))];
}
