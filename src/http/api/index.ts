// The JSON API, version 1 (docs/api-contract). Each route hands its input to a service.
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services/index.ts';
import { registerPeopleApi } from './people.ts';
import { registerEndingApi } from './ending.ts';
import { registerComplaintsApi } from './complaints.ts';
import { registerPlanningApi } from './planning.ts';
import { registerReviewsApi } from './reviews.ts';
import { registerPlansApi } from './plans.ts';
import { registerCareServicesApi } from './care-services.ts';
import { registerFundingPoliciesApi } from './funding-policies.ts';
import { registerBudgetsApi } from './budgets.ts';
import { registerRefundsApi } from './refunds.ts';
import { registerTopUpsApi } from './top-ups.ts';
import { registerDisputesApi } from './disputes.ts';
import { registerRechargesApi } from './recharges.ts';

export async function registerApi(api: FastifyInstance, services: Services): Promise<void> {
  // The response schemas (schemas.ts) describe the answers for the OpenAPI document; the services
  // build them, so they are sent as they are.
  api.setSerializerCompiler(() => (data) => JSON.stringify(data));
  // The API speaks JSON only (api-contract "Conventions"); forms are for the pages. Anything else: 415.
  api.removeContentTypeParser(['application/x-www-form-urlencoded', 'text/plain']);
  registerPeopleApi(api, services);
  registerEndingApi(api, services);
  registerComplaintsApi(api, services);
  registerPlanningApi(api, services);
  registerReviewsApi(api, services);
  registerPlansApi(api, services);
  registerCareServicesApi(api, services);
  registerFundingPoliciesApi(api, services);
  registerBudgetsApi(api, services);
  registerRefundsApi(api, services);
  registerTopUpsApi(api, services);
  registerDisputesApi(api, services);
  registerRechargesApi(api, services);
}
