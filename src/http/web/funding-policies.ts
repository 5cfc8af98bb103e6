// The joint funding policy page for the s117 leads (RESP-7): every version of every partnership's
// policy, and a form for a new version.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { can, canManageFundingPolicy } from '../../domain/access.ts';
import { SERVICE_CATEGORIES } from '../../domain/funding.ts';
import { ValidationError, type FieldError } from '../../services/kernel/errors.ts';
import type { Services } from '../../services/index.ts';
import { requireSignIn } from '../auth/index.ts';
import { options, whole } from './funding-fields.ts';
import { CATEGORY_LABELS } from './labels.ts';
import { formBody, readDate, required, submit } from './forms.ts';
import { signedIn } from './request.ts';

export function registerFundingPolicyPages(web: FastifyInstance, services: Services): void {
  const page = { schema: { hide: true }, preHandler: requireSignIn };
  const form = { ...page, preValidation: web.csrfProtection };

  // ---- Joint funding policies (RESP-7) ------------------------------------------------------------
  const policyContext = async (request: FastifyRequest) => {
    const actor = signedIn(request);
    const list = await services.fundingPolicies.list(actor, {});
    return {
      title: 'Joint funding policies',
      width: 'full',
      policies: [...list.items].reverse().map((p) => ({ ...p, rows: Object.entries(p.splits).map(([c, s]) => ({ category: CATEGORY_LABELS[c] ?? c, ...s })) })),
      categories: options(CATEGORY_LABELS, SERVICE_CATEGORIES),
      mayManage: can(actor.role, 'funding-policy:manage'),
      mayExport: can(actor.role, 'finance:export'),
    };
  };

  web.get('/funding-policies', page, async (request, reply) => reply.render('pages/funding-policies.njk', { ...(await policyContext(request)), values: {} }));

  web.post('/funding-policies', form, async (request, reply) => {
    const body = formBody(request);
    const problems: FieldError[] = [];
    const effective = readDate(body, 'effectiveFrom');
    const splits: Record<string, { localAuthorityPercent: number | undefined; icbPercent: number | undefined }> = {};
    for (const category of SERVICE_CATEGORIES) {
      const la = whole(body, `splits-${category}-localAuthorityPercent`, `local authority’s percentage for ${CATEGORY_LABELS[category]!.toLowerCase()}`, problems);
      const icb = whole(body, `splits-${category}-icbPercent`, `ICB’s percentage for ${CATEGORY_LABELS[category]!.toLowerCase()}`, problems);
      if (la !== undefined || icb !== undefined) splits[category] = { localAuthorityPercent: la ?? 0, icbPercent: icb ?? 0 };
    }
    const words = {
      labels: { partnershipName: 'partnership name', localAuthority: 'local authority code', icb: 'ICB code', effectiveFrom: 'date it takes effect' },
      dates: { effectiveFrom: effective },
    };
    const actor = signedIn(request);
    return submit({ reply, body, template: 'pages/funding-policies.njk', context: () => policyContext(request), words }, async () => {
      if (problems.length > 0) throw new ValidationError(problems);
      const input = { partnershipName: required(body, 'partnershipName'), localAuthority: required(body, 'localAuthority'), icb: required(body, 'icb'), effectiveFrom: effective.value ?? '', splits };
      if (!canManageFundingPolicy(actor, { localAuthority: input.localAuthority.toUpperCase(), icb: input.icb.toUpperCase() }) && actor.role !== 'admin') {
        // The service refuses it (403); say so on the form instead of an error page.
        throw new ValidationError([{ field: 'localAuthority', message: 'You can only change the policy of a partnership your organisation belongs to' }]);
      }
      await services.fundingPolicies.create(actor, input);
      return '/funding-policies';
    });
  });
}
