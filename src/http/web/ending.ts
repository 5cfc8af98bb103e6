// Pages for ending and reinstating aftercare (END-1 to END-6, MHA25-2) and the approvals waiting for
// an approver. The rules are in the domain and the services; these pages only reshape forms and show
// what the services answer. Complaints have their own pages (complaints.ts).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { can } from '../../domain/access.ts';
import { formatDate } from '../../domain/dates.ts';
import {
  awaitsApprovalFrom, canBeReinstated, episodeCannotEnd, FORBIDDEN_REASON_CODES, FORBIDDEN_REASONS, LAWFUL_REASON, LAWFUL_REASON_TEXT, reasonText,
} from '../../domain/ending.ts';
import type { Services } from '../../services/index.ts';
import { requireSignIn } from '../auth/index.ts';
import { formBody, readDate, required, submit, text, yesNo } from './forms.ts';
import { personIdOf, signedIn } from './request.ts';
import { flashSuccess } from './success.ts';
import { APPROVAL_SIDE_LABELS } from './labels.ts';

function param(request: FastifyRequest, name: string): string {
  return (request.params as Record<string, string>)[name] ?? '';
}

/** One textarea line per person or organisation. */
const lines = (value: string | undefined): string[] => (value ?? '').split(/\r?\n/).map((s) => s.trim()).filter(Boolean);

export const REASON_ITEMS = [
  { value: LAWFUL_REASON, text: LAWFUL_REASON_TEXT.label, hint: { text: LAWFUL_REASON_TEXT.why } },
  { divider: 'These are not lawful reasons (END-3)' },
  ...FORBIDDEN_REASON_CODES.map((code) => ({ value: code, text: FORBIDDEN_REASONS[code].label, hint: { text: `Not a lawful reason: ${FORBIDDEN_REASONS[code].why}` } })),
];

export function registerEndingPages(web: FastifyInstance, services: Services): void {
  const page = { schema: { hide: true }, preHandler: requireSignIn };
  const form = { ...page, preValidation: web.csrfProtection };
  const endingHref = (request: FastifyRequest) => `/people/${personIdOf(request)}/ending`;

  async function overview(request: FastifyRequest) {
    const actor = signedIn(request);
    const { person, episodes: endingEpisodes, jointNoticeRequired } = await services.ending.page(actor, personIdOf(request));
    const mayPropose = can(actor.role, 'ending:propose');
    const mayApprove = can(actor.role, 'ending:approve');
    const episodes = [...endingEpisodes].reverse().map(({ episode, side, proposals, reinstatements }) => {
      const pending = proposals.find((p) => p.status === 'pending');
      const pendingReinstatement = reinstatements.find((r) => r.status === 'pending');
      const endable = episodeCannotEnd(episode) === null;
      return {
        episode,
        title: `${episode.qualifyingSection} from ${formatDate(episode.qualifyingFrom)}`,
        side,
        sideLabel: side ? APPROVAL_SIDE_LABELS[side] : null,
        proposeHref: mayPropose && endable && !pending ? `/people/${person.id}/episodes/${episode.id}/ending/new` : null,
        reinstateHref: mayPropose && canBeReinstated(episode) && !pendingReinstatement ? `/people/${person.id}/episodes/${episode.id}/reinstatements/new` : null,
        proposals: [...proposals].reverse().map((p) => ({
          ...p,
          reason: reasonText(p.reasonCode).label,
          approvalRows: (['local-authority', 'icb'] as const).map((s) => {
            const a = p.approvals.find((x) => x.side === s);
            return { side: APPROVAL_SIDE_LABELS[s], code: s === 'local-authority' ? episode.localAuthority.code : episode.icb.code, approvedOn: a?.approvedOn ?? null };
          }),
          canApprove: mayApprove && awaitsApprovalFrom(side, p),
          canWithdraw: mayPropose && p.status === 'pending',
          canRecordNotice: mayPropose && p.status !== 'withdrawn' && !p.noticeSentOn && p.awaiting.length === 0,
          base: `/people/${person.id}/episodes/${episode.id}/ending-proposals/${p.id}`,
        })),
        reinstatements: [...reinstatements].reverse().map((r) => ({
          ...r,
          approvalRows: (['local-authority', 'icb'] as const).map((s) => ({ side: APPROVAL_SIDE_LABELS[s], approvedOn: r.approvals.find((x) => x.side === s)?.approvedOn ?? null })),
          canApprove: mayApprove && awaitsApprovalFrom(side, r),
          base: `/people/${person.id}/episodes/${episode.id}/reinstatements/${r.id}`,
        })),
      };
    });
    return { title: 'Ending aftercare', width: 'full', person, episodes, jointNoticeRequired, back: { href: `/people/${person.id}` } };
  }

  web.get('/people/:id/ending', page, async (request, reply) => reply.render('pages/ending.njk', await overview(request)));

  // ---- Proposing an ending ------------------------------------------------------------------------
  const proposeContext = async (request: FastifyRequest) => {
    const { person, episode } = await services.ending.proposePage(signedIn(request), personIdOf(request), param(request, 'episodeId'));
    return { person, episode, reasonItems: REASON_ITEMS, back: { href: `/people/${person.id}/ending` } };
  };

  web.get('/people/:id/episodes/:episodeId/ending/new', page, async (request, reply) => reply.render('pages/ending-propose.njk', { ...(await proposeContext(request)), values: {} }));

  web.post('/people/:id/episodes/:episodeId/ending/new', form, async (request, reply) => {
    const body = formBody(request);
    const words = {
      labels: { reasonCode: 'reason', reasons: 'reasons', reassessedOn: 'date of the reassessment', personInvolved: 'answer', personNotInvolvedReason: 'reason they were not involved', 'override.reason': 'reason for ending during a conditional discharge' },
      dates: { reassessedOn: readDate(body, 'reassessedOn') },
      unanswered: { reasonCode: 'Select the reason for ending aftercare', personInvolved: 'Select yes if the person was involved in the decision' },
    };
    const overrideReason = text(body, 'override-reason');
    const input = {
      reasonCode: required(body, 'reasonCode'),
      reasons: required(body, 'reasons'),
      reassessedOn: words.dates.reassessedOn.value,
      personInvolved: yesNo(body, 'personInvolved'),
      personNotInvolvedReason: text(body, 'personNotInvolvedReason') ?? null,
      involved: lines(body.involved),
      continuingOutsideS117: text(body, 'continuingOutsideS117') ?? null,
      ...(overrideReason && { override: { reason: overrideReason } }),
    };
    return submit({ reply, body, template: 'pages/ending-propose.njk', context: () => proposeContext(request), words }, async () => {
      await services.ending.propose(signedIn(request), personIdOf(request), param(request, 'episodeId'), input);
      flashSuccess(reply, 'ending-proposed');
      return endingHref(request);
    });
  });

  // ---- Approving, withdrawing, the notice, the letter --------------------------------------------
  web.post('/people/:id/episodes/:episodeId/ending-proposals/:proposalId/approve', form, async (request, reply) => {
    await services.ending.approve(signedIn(request), personIdOf(request), param(request, 'episodeId'), param(request, 'proposalId'));
    return reply.redirect(formBody(request).next === 'approvals' ? '/approvals' : endingHref(request), 303);
  });

  web.post('/people/:id/episodes/:episodeId/ending-proposals/:proposalId/withdraw', form, async (request, reply) => {
    await services.ending.withdraw(signedIn(request), personIdOf(request), param(request, 'episodeId'), param(request, 'proposalId'));
    return reply.redirect(endingHref(request), 303);
  });

  const noticeContext = async (request: FastifyRequest) => {
    const { person, proposal } = await services.ending.noticePage(signedIn(request), personIdOf(request), param(request, 'episodeId'), param(request, 'proposalId'));
    return { person, proposal, back: { href: `/people/${person.id}/ending` } };
  };
  web.get('/people/:id/episodes/:episodeId/ending-proposals/:proposalId/notice', page, async (request, reply) => reply.render('pages/ending-notice.njk', { ...(await noticeContext(request)), values: {} }));
  web.post('/people/:id/episodes/:episodeId/ending-proposals/:proposalId/notice', form, async (request, reply) => {
    const body = formBody(request);
    const words = { labels: { sentOn: 'date the notice was sent' }, dates: { sentOn: readDate(body, 'sentOn') } };
    return submit({ reply, body, template: 'pages/ending-notice.njk', context: () => noticeContext(request), words }, async () => {
      await services.ending.recordNotice(signedIn(request), personIdOf(request), param(request, 'episodeId'), param(request, 'proposalId'), { sentOn: words.dates.sentOn.value ?? '' });
      return endingHref(request);
    });
  });

  web.get('/people/:id/episodes/:episodeId/ending-proposals/:proposalId/letter', page, async (request, reply) => {
    const largePrint = (request.query as { largePrint?: string }).largePrint === 'true';
    const pdf = await services.ending.letter(signedIn(request), personIdOf(request), param(request, 'episodeId'), param(request, 'proposalId'), { largePrint });
    return reply.type('application/pdf').header('content-disposition', `attachment; filename="aftercare-ending-decision${largePrint ? '-large-print' : ''}.pdf"`).header('cache-control', 'no-store').send(pdf);
  });

  // ---- Reinstatement (END-6) ---------------------------------------------------------------------
  const reinstateContext = async (request: FastifyRequest) => {
    const { person } = await services.ending.formPage(signedIn(request), personIdOf(request));
    return { person, back: { href: `/people/${person.id}/ending` } };
  };
  web.get('/people/:id/episodes/:episodeId/reinstatements/new', page, async (request, reply) => reply.render('pages/reinstatement-new.njk', { ...(await reinstateContext(request)), values: {} }));
  web.post('/people/:id/episodes/:episodeId/reinstatements/new', form, async (request, reply) => {
    const body = formBody(request);
    return submit({ reply, body, template: 'pages/reinstatement-new.njk', context: () => reinstateContext(request), words: { labels: { reasons: 'reasons' } } }, async () => {
      await services.ending.reinstate(signedIn(request), personIdOf(request), param(request, 'episodeId'), { reasons: required(body, 'reasons') });
      flashSuccess(reply, 'reinstatement-requested');
      return endingHref(request);
    });
  });
  web.post('/people/:id/episodes/:episodeId/reinstatements/:reinstatementId/approve', form, async (request, reply) => {
    await services.ending.approveReinstatement(signedIn(request), personIdOf(request), param(request, 'episodeId'), param(request, 'reinstatementId'));
    return reply.redirect(formBody(request).next === 'approvals' ? '/approvals' : endingHref(request), 303);
  });

  // ---- Awaiting your approval --------------------------------------------------------------------
  web.get('/approvals', page, async (request, reply) => {
    const pending = await services.ending.pendingApprovals(signedIn(request));
    const items = pending.items.map((i) => ({
      ...i,
      what: i.kind === 'ending' ? 'End aftercare' : 'Reinstate aftercare',
      sideLabel: APPROVAL_SIDE_LABELS[i.side],
      approveAction: `/people/${i.person.id}/episodes/${i.episodeId}/${i.kind === 'ending' ? 'ending-proposals' : 'reinstatements'}/${i.id}/approve`,
      letterHref: i.kind === 'ending' ? `/people/${i.person.id}/episodes/${i.episodeId}/ending-proposals/${i.id}/letter` : null,
    }));
    // Each body confirms its own part of the responsibility (issue 9 item 2): those awaiting this approver's.
    const responsibility = (await services.legalHistory.responsibilityAwaiting(signedIn(request))).items.map((i) => ({
      ...i,
      sideLabel: APPROVAL_SIDE_LABELS[i.side],
      href: `/people/${i.person.id}/episodes/${i.episodeId}/responsibility`,
    }));
    return reply.render('pages/approvals.njk', { title: 'Awaiting your approval', width: 'full', items, responsibility });
  });
}
