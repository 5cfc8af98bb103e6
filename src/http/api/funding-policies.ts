// The partnerships' joint funding policies (RESP-7), in versions that never change once made.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../services/index.ts';
import { FundingPolicyInput, FundingPolicyQuery } from '../../services/funding-policies/funding-policies-inputs.ts';
import { actorOf } from './request.ts';
import { responses } from './schemas.ts';

const Id = z.string().describe('UUID');
const IsoDate = z.string().describe('A UK date, YYYY-MM-DD');
const Split = z.object({ localAuthorityPercent: z.number().int(), icbPercent: z.number().int() });

export const FundingPolicySchema = z.object({
  id: Id,
  version: z.number().int(),
  partnershipName: z.string(),
  localAuthority: z.string(),
  icb: z.string(),
  effectiveFrom: IsoDate,
  splits: z.record(z.string(), Split),
  notes: z.string().nullable(),
  createdBy: Id,
  createdAt: z.string(),
});

export function registerFundingPoliciesApi(api: FastifyInstance, services: Services): void {
  const tags = ['Services and funding'];

  api.get('/funding-policies', { schema: { tags, summary: 'Joint funding policies, every version (RESP-7)', querystring: FundingPolicyQuery, response: responses(200, 'The policies', z.object({ items: z.array(FundingPolicySchema), nextCursor: z.string().nullable() }), [400, 401, 403, 422]) } }, async (request) =>
    services.fundingPolicies.list(actorOf(request), request.query),
  );

  api.post(
    '/funding-policies',
    { schema: { tags, summary: 'A new version of a partnership’s joint funding policy (RESP-7)', body: FundingPolicyInput, response: responses(201, 'The new version', FundingPolicySchema, [400, 401, 403, 409, 413, 422]) } },
    async (request, reply) => reply.status(201).send(await services.fundingPolicies.create(actorOf(request), request.body)),
  );
}
