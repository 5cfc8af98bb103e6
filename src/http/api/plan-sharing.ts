// Whom the person shares their plan with now (PLAN-5, PLAN-6): the final plan's list with what the
// person has added or withdrawn since from their own pages (/your-aftercare/sharing). Staff check it
// before sending the plan to anyone.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../services/index.ts';
import { actorOf } from './request.ts';
import { responses } from './schemas.ts';

const PersonParams = z.object({ id: z.string().describe('The person’s id (UUID)') });
const Sharing = z.object({
  items: z.array(z.object({
    name: z.string(),
    relationship: z.string().nullable(),
    since: z.string().nullable().describe('The day the person agreed (YYYY-MM-DD)'),
  })),
});

export function registerPlanSharingApi(api: FastifyInstance, services: Services): void {
  api.get(
    '/people/:id/plan/sharing',
    { config: { personVisibilityInUseCase: true }, schema: { tags: ['Plans'], summary: 'Whom the person shares their plan with now (PLAN-5, PLAN-6), including their own changes', params: PersonParams, response: responses(200, 'The people the plan may be shared with', Sharing, [400, 401, 403, 404]) } },
    async (request: FastifyRequest) => services.yourAftercare.planSharing(actorOf(request), (request.params as { id: string }).id),
  );
}
