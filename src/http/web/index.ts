// The pages. Every page needs a signed-in user except sign-in itself; every form carries a CSRF token.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services/index.ts';
import { registerComplaintPages } from './complaints.ts';
import { registerAuditPages } from './audit.ts';
import { registerAcrossPeoplePages } from './across-people.ts';
import { registerOrganisationDirectory } from './organisations.ts';
import { registerEndingPages } from './ending.ts';
import { registerLegalHistoryPages } from './legal-history.ts';
import { registerPeoplePages } from './people.ts';
import { registerKeyworkerPages } from './keyworkers.ts';
import { registerPlanningPages } from './planning.ts';
import { registerAdvocacyPages } from './advocacy.ts';
import { registerPlanPages } from './plans.ts';
import { registerRegisterPages } from './register.ts';
import { registerReviewPages } from './reviews.ts';
import { registerCareServicesPages } from './care-services.ts';
import { registerBudgetPages } from './budgets.ts';
import { registerFundingPolicyPages } from './funding-policies.ts';
import { registerMoneyPages } from './money.ts';
import { registerSubscriptionPages } from './subscriptions.ts';
import { registerUserPages } from './users.ts';
import { registerImportPages } from './imports.ts';
import { registerReportPages } from './reports.ts';
import { registerYourAftercarePages } from './your-aftercare.ts';

const STATIC = path.join(path.dirname(fileURLToPath(import.meta.url)), 'static');

export async function registerWeb(web: FastifyInstance, services: Services): Promise<void> {
  await web.register(fastifyStatic, { root: STATIC, prefix: '/assets/s117/', decorateReply: false, index: false });
  registerOrganisationDirectory(web, services);
  web.get('/', { schema: { hide: true } }, async (request, reply) => reply.redirect(request.actor ? '/register' : '/sign-in'));
  registerRegisterPages(web, services);
  registerAuditPages(web, services);
  registerAcrossPeoplePages(web, services);
  registerReviewPages(web, services);
  registerPeoplePages(web, services);
  registerCareServicesPages(web, services);
  registerBudgetPages(web, services);
  registerFundingPolicyPages(web, services);
  registerMoneyPages(web, services);
  registerKeyworkerPages(web, services);
  registerPlanningPages(web, services);
  registerAdvocacyPages(web, services);
  registerLegalHistoryPages(web, services);
  registerEndingPages(web, services);
  registerComplaintPages(web, services);
  registerPlanPages(web, services);
  registerSubscriptionPages(web, services);
  registerUserPages(web, services);
  await registerImportPages(web, services);
  registerReportPages(web, services);
  await registerYourAftercarePages(web, services);
}
