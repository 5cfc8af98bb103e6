// The JSON API, version 1 (docs/api-contract). Each route hands its input to a service.
import type { FastifyInstance, FastifySerializerCompiler } from 'fastify';
import { serializerCompiler } from 'fastify-type-provider-zod';
import type { Services } from '../../services/index.ts';
import { registerPeopleApi } from './people.ts';
import { registerDuplicatesApi } from './duplicates.ts';
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
import { registerSubscriptionsApi } from './subscriptions.ts';
import { registerImportsApi } from './imports.ts';
import { registerReportsApi } from './reports.ts';
import { registerPlanSharingApi } from './plan-sharing.ts';

export async function registerApi(api: FastifyInstance, services: Services): Promise<void> {
  api.setSerializerCompiler(compileAnswerSerializer);
  // The API speaks JSON only (api-contract "Conventions"); forms are for the pages. Anything else: 415.
  api.removeContentTypeParser(['application/x-www-form-urlencoded', 'text/plain']);
  registerDuplicatesApi(api, services);
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
  registerSubscriptionsApi(api, services);
  await registerImportsApi(api, services);
  registerReportsApi(api, services);
  registerPlanSharingApi(api, services);
}

type AnswerSchema = Parameters<typeof serializerCompiler>[0]['schema'];

/**
 * A JSON answer (2xx, application/json) is sent through its response schema (schemas.ts and the route
 * files), so the OpenAPI document cannot drift from what is sent: a field the schema does not declare
 * is left out, and an answer that does not match its schema is a 500 instead of a wrong answer.
 * Problems (application/problem+json) are sent as built; CSV and PDF answers are strings and buffers,
 * which Fastify sends without a serializer. Fields come in the schema's order (JSON objects have none).
 */
const compileAnswerSerializer: FastifySerializerCompiler<AnswerSchema> = (route) =>
  String(route.httpStatus).startsWith('2') && route.contentType === 'application/json' ? serializerCompiler(route) : (data) => JSON.stringify(data);
