// Pages for ending and reinstating aftercare (END-1 to END-6, MHA25-2) and the approvals waiting for
// an approver. The rules are in the domain and the services; these pages only reshape forms and show
// what the services answer. Complaints have their own pages (complaints.ts).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { can } from '../../domain/access.ts';
import { formatDate } from '../../domain/dates.ts';
import { isSectionCode, sectionLabel } from '../../domain/sections.ts';
import {
  awaitsApprovalFrom, canBeReinstated, episodeCannotEnd, FORBIDDEN_REASON_CODES, FORBIDDEN_REASONS, LAWFUL_REASON, LAWFUL_REASON_TEXT, reasonText,
} from '../../domain/ending.ts';
import type { Services } from '../../services/index.ts';
import { requireSignIn } from '../auth/index.ts';
import { allValues, formBody, readDate, required, submit, text, yesNo } from './forms.ts';
import { personIdOf, signedIn } from './request.ts';
import { flashSuccess } from './success.ts';
import { APPROVAL_SIDE_LABELS } from './labels.ts';

const sentence = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

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
            return { side: APPROVAL_SIDE_LABELS[s], code: s === 'local-authority' ? episode.localAuthority.code : episode.icb.code, approvedOn: a?.approvedOn ?? null, comment: a?.comment ?? null };
          }),
          canApprove: mayApprove && awaitsApprovalFrom(side, p),
          canWithdraw: mayPropose && p.status === 'pending',
          canRecordNotice: mayPropose && p.status !== 'withdrawn' && !p.noticeSentOn && p.awaiting.length === 0,
          base: `/people/${person.id}/episodes/${episode.id}/ending-proposals/${p.id}`,
        })),
        reinstatements: [...reinstatements].reverse().map((r) => ({
          ...r,
          approvalRows: (['local-authority', 'icb'] as const).map((s) => {
            const a = r.approvals.find((x) => x.side === s);
            return { side: APPROVAL_SIDE_LABELS[s], approvedOn: a?.approvedOn ?? null, comment: a?.comment ?? null };
          }),
          decisionSideLabel: r.decision?.side ? APPROVAL_SIDE_LABELS[r.decision.side] : null,
          canApprove: mayApprove && awaitsApprovalFrom(side, r),
          base: `/people/${person.id}/episodes/${episode.id}/reinstatements/${r.id}`,
        })),
      };
    });
    return { title: 'Ending aftercare', width: 'full', person, episodes, jointNoticeRequired, back: { href: `/people/${person.id}` } };
  }

  web.get('/people/:id/ending', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => reply.render('pages/ending.njk', await overview(request)));

  // ---- Proposing an ending ------------------------------------------------------------------------
  const proposeContext = async (request: FastifyRequest) => {
    const { person, episode, services: live } = await services.ending.proposePage(signedIn(request), personIdOf(request), param(request, 'episodeId'));
    const chosen = allValues(request, 'continuingServiceIds');
    const serviceItems = live.map((s) => ({ value: s.id, text: `${s.description} (${s.provider})`, checked: chosen.includes(s.id) }));
    return { person, episode, reasonItems: REASON_ITEMS, services: serviceItems, serviceNames: new Map(live.map((s) => [s.id, s.description])), back: { href: `/people/${person.id}/ending` } };
  };

  web.get('/people/:id/episodes/:episodeId/ending/new', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => reply.render('pages/ending-propose.njk', { ...(await proposeContext(request)), values: {} }));

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
      continuingServiceIds: allValues(request, 'continuingServiceIds'),
      ...(overrideReason && { override: { reason: overrideReason } }),
    };
    if (body.step === 'change') return reply.render('pages/ending-propose.njk', { ...(await proposeContext(request)), values: body });
    if (body.step !== 'confirm' && input.reasonCode === LAWFUL_REASON && input.reasons.trim() && input.reassessedOn && input.personInvolved !== undefined) {
      // Check your answers before the proposal goes to both bodies (issue 9 item 3); the service still checks every rule.
      const context = await proposeContext(request);
      const continuing = input.continuingServiceIds.map((id) => context.serviceNames.get(id) ?? id);
      const hidden: Record<string, string> = {};
      for (const [k, v] of Object.entries(request.body as Record<string, unknown>)) if (k !== '_csrf' && k !== 'step' && k !== 'continuingServiceIds' && typeof v === 'string') hidden[k] = v;
      return reply.render('pages/check-answers.njk', {
        title: 'Check your answers: propose ending aftercare',
        caption: `${context.person.givenName} ${context.person.familyName}`,
        rows: [
          { key: { text: 'Reason' }, value: { text: REASON_ITEMS.find((r) => 'value' in r && r.value === input.reasonCode)?.text ?? input.reasonCode } },
          { key: { text: 'Why' }, value: { text: input.reasons } },
          { key: { text: 'Needs reassessed on' }, value: { text: formatDate(input.reassessedOn) } },
          { key: { text: 'Person involved' }, value: { text: input.personInvolved ? 'Yes' : `No: ${input.personNotInvolvedReason ?? ''}` } },
          { key: { text: 'Others involved' }, value: { text: input.involved.join(', ') || 'None recorded' } },
          { key: { text: 'Section 117 services carrying on outside section 117' }, value: { text: continuing.join('; ') || 'None: every section 117 service ends with aftercare' } },
          { key: { text: 'Other services carrying on' }, value: { text: input.continuingOutsideS117 ?? 'Nothing' } },
        ],
        hidden,
        hiddenList: { continuingServiceIds: input.continuingServiceIds },
        declaration: 'The proposal then goes to the local authority’s and the ICB’s section 117 leads: aftercare ends only when both approve (END-1).',
        confirmText: 'Propose ending aftercare',
        changeable: true,
        cancelHref: `/people/${context.person.id}/ending`,
        back: context.back,
      });
    }
    return submit({ reply, body, template: 'pages/ending-propose.njk', context: () => proposeContext(request), words }, async () => {
      await services.ending.propose(signedIn(request), personIdOf(request), param(request, 'episodeId'), input);
      flashSuccess(reply, 'ending-proposed');
      return endingHref(request);
    });
  });

  // ---- Approving, withdrawing, the notice, the letter --------------------------------------------
  // Approving: the approver first reads the proposal beside the latest review, the s117 services in
  // place and the plan's needs, with a warning where they contradict it; then approves with a comment,
  // or refuses or sends it back with reasons (issue 9 item 3).
  const approveContext = async (request: FastifyRequest) => {
    const actor = signedIn(request);
    const view = await services.ending.approvalPage(actor, personIdOf(request), param(request, 'episodeId'), param(request, 'proposalId'));
    const base = `/people/${view.person.id}/episodes/${view.episode.id}/ending-proposals/${view.proposal.id}`;
    return {
      ...view,
      title: 'Check before you decide: ending aftercare',
      reason: reasonText(view.proposal.reasonCode).label,
      sideLabel: view.side ? APPROVAL_SIDE_LABELS[view.side] : null,
      mayDecide: can(actor.role, 'ending:approve') && awaitsApprovalFrom(view.side, view.proposal),
      approvalRows: view.approvals.map((a) => ({ ...a, sideLabel: APPROVAL_SIDE_LABELS[a.side] })),
      decisionSideLabel: view.decision?.side ? APPROVAL_SIDE_LABELS[view.decision.side] : null,
      base,
      back: { href: `/people/${view.person.id}/ending` },
    };
  };
  web.get('/people/:id/episodes/:episodeId/ending-proposals/:proposalId/approve', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) =>
    reply.render('pages/ending-approve.njk', { ...(await approveContext(request)), values: {} }));

  web.post('/people/:id/episodes/:episodeId/ending-proposals/:proposalId/approve', form, async (request, reply) => {
    const body = formBody(request);
    const comment = text(body, 'comment') ?? null;
    return submit({ reply, body, template: 'pages/ending-approve.njk', context: () => approveContext(request), words: { labels: { comment: 'comment' } } }, async () => {
      await services.ending.approve(signedIn(request), personIdOf(request), param(request, 'episodeId'), param(request, 'proposalId'), { comment });
      flashSuccess(reply, 'ending-approved');
      return body.next === 'approvals' ? '/approvals' : endingHref(request);
    });
  });

  web.post('/people/:id/episodes/:episodeId/ending-proposals/:proposalId/decision', form, async (request, reply) => {
    const body = formBody(request);
    const words = { labels: { outcome: 'decision', reasons: 'reasons' }, unanswered: { outcome: 'Select whether you refuse the proposal or send it back for reassessment' } };
    const input = { outcome: required(body, 'outcome'), reasons: required(body, 'reasons') };
    return submit({ reply, body, template: 'pages/ending-approve.njk', context: () => approveContext(request), words }, async () => {
      await services.ending.decide(signedIn(request), personIdOf(request), param(request, 'episodeId'), param(request, 'proposalId'), input);
      flashSuccess(reply, input.outcome === 'refused' ? 'ending-refused' : 'ending-sent-back');
      return endingHref(request);
    });
  });

  web.post('/people/:id/episodes/:episodeId/ending-proposals/:proposalId/withdraw', form, async (request, reply) => {
    await services.ending.withdraw(signedIn(request), personIdOf(request), param(request, 'episodeId'), param(request, 'proposalId'));
    return reply.redirect(endingHref(request), 303);
  });

  const noticeContext = async (request: FastifyRequest) => {
    const { person, proposal } = await services.ending.noticePage(signedIn(request), personIdOf(request), param(request, 'episodeId'), param(request, 'proposalId'));
    return { person, proposal, back: { href: `/people/${person.id}/ending` } };
  };
  web.get('/people/:id/episodes/:episodeId/ending-proposals/:proposalId/notice', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => reply.render('pages/ending-notice.njk', { ...(await noticeContext(request)), values: {} }));
  web.post('/people/:id/episodes/:episodeId/ending-proposals/:proposalId/notice', form, async (request, reply) => {
    const body = formBody(request);
    const words = { labels: { sentOn: 'date the notice was sent' }, dates: { sentOn: readDate(body, 'sentOn') } };
    return submit({ reply, body, template: 'pages/ending-notice.njk', context: () => noticeContext(request), words }, async () => {
      await services.ending.recordNotice(signedIn(request), personIdOf(request), param(request, 'episodeId'), param(request, 'proposalId'), { sentOn: words.dates.sentOn.value ?? '' });
      return endingHref(request);
    });
  });

  web.get('/people/:id/episodes/:episodeId/ending-proposals/:proposalId/letter', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => {
    const largePrint = (request.query as { largePrint?: string }).largePrint === 'true';
    const pdf = await services.ending.letter(signedIn(request), personIdOf(request), param(request, 'episodeId'), param(request, 'proposalId'), { largePrint });
    return reply.type('application/pdf').header('content-disposition', `attachment; filename="aftercare-ending-decision${largePrint ? '-large-print' : ''}.pdf"`).header('cache-control', 'no-store').send(pdf);
  });

  // ---- Reinstatement (END-6) ---------------------------------------------------------------------
  // Asking: the answers are checked on a page before the request goes to both bodies; approving: the
  // approver reads the request, how aftercare ended and who approved first, then approves with a
  // comment, or refuses or sends it back with reasons (issue 9 items 3 and 9).
  const reinstateContext = async (request: FastifyRequest) => {
    const { person, episode } = await services.ending.reinstatementFormPage(signedIn(request), personIdOf(request), param(request, 'episodeId'));
    return { person, episode, back: { href: `/people/${person.id}/ending` } };
  };
  web.get('/people/:id/episodes/:episodeId/reinstatements/new', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => reply.render('pages/reinstatement-new.njk', { ...(await reinstateContext(request)), values: {} }));
  web.post('/people/:id/episodes/:episodeId/reinstatements/new', form, async (request, reply) => {
    const body = formBody(request);
    const input = { reasons: required(body, 'reasons') };
    if (body.step === 'change') return reply.render('pages/reinstatement-new.njk', { ...(await reinstateContext(request)), values: body });
    if (body.step !== 'confirm' && input.reasons.trim()) {
      const context = await reinstateContext(request);
      return reply.render('pages/check-answers.njk', {
        title: 'Check your answers: ask for aftercare to be reinstated',
        caption: `${context.person.givenName} ${context.person.familyName}`,
        rows: [
          { key: { text: 'Aftercare' }, value: { text: `${sentence(isSectionCode(context.episode.qualifyingSection) ? sectionLabel(context.episode.qualifyingSection) : context.episode.qualifyingSection)} from ${formatDate(context.episode.qualifyingFrom)}${context.episode.endedOn ? `, ended ${formatDate(context.episode.endedOn)}` : ''}` } },
          { key: { text: 'Why it should be put back in place' }, value: { text: input.reasons } },
        ],
        hidden: { reasons: input.reasons },
        declaration: 'The request then goes to the local authority’s and the ICB’s section 117 leads: aftercare is in place again only when both approve (END-6).',
        confirmText: 'Ask for reinstatement',
        changeable: true,
        cancelHref: `/people/${context.person.id}/ending`,
        back: context.back,
      });
    }
    return submit({ reply, body, template: 'pages/reinstatement-new.njk', context: () => reinstateContext(request), words: { labels: { reasons: 'reasons' } } }, async () => {
      await services.ending.reinstate(signedIn(request), personIdOf(request), param(request, 'episodeId'), input);
      flashSuccess(reply, 'reinstatement-requested');
      return endingHref(request);
    });
  });

  const reinstatementApproveContext = async (request: FastifyRequest) => {
    const actor = signedIn(request);
    const view = await services.ending.reinstatementApprovalPage(actor, personIdOf(request), param(request, 'episodeId'), param(request, 'reinstatementId'));
    return {
      ...view,
      title: 'Check before you decide: reinstating aftercare',
      sideLabel: view.side ? APPROVAL_SIDE_LABELS[view.side] : null,
      mayDecide: can(actor.role, 'ending:approve') && awaitsApprovalFrom(view.side, view.reinstatement),
      approvalRows: view.approvals.map((a) => ({ ...a, sideLabel: APPROVAL_SIDE_LABELS[a.side] })),
      decisionSideLabel: view.decision?.side ? APPROVAL_SIDE_LABELS[view.decision.side] : null,
      base: `/people/${view.person.id}/episodes/${view.episode.id}/reinstatements/${view.reinstatement.id}`,
      back: { href: `/people/${view.person.id}/ending` },
    };
  };
  web.get('/people/:id/episodes/:episodeId/reinstatements/:reinstatementId/approve', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) =>
    reply.render('pages/reinstatement-approve.njk', { ...(await reinstatementApproveContext(request)), values: {} }));
  web.post('/people/:id/episodes/:episodeId/reinstatements/:reinstatementId/approve', form, async (request, reply) => {
    const body = formBody(request);
    const comment = text(body, 'comment') ?? null;
    return submit({ reply, body, template: 'pages/reinstatement-approve.njk', context: () => reinstatementApproveContext(request), words: { labels: { comment: 'comment' } } }, async () => {
      await services.ending.approveReinstatement(signedIn(request), personIdOf(request), param(request, 'episodeId'), param(request, 'reinstatementId'), { comment });
      flashSuccess(reply, 'reinstatement-approved');
      return body.next === 'approvals' ? '/approvals' : endingHref(request);
    });
  });
  web.post('/people/:id/episodes/:episodeId/reinstatements/:reinstatementId/decision', form, async (request, reply) => {
    const body = formBody(request);
    const words = { labels: { outcome: 'decision', reasons: 'reasons' }, unanswered: { outcome: 'Select whether you refuse the request or send it back to be reconsidered' } };
    const input = { outcome: required(body, 'outcome'), reasons: required(body, 'reasons') };
    return submit({ reply, body, template: 'pages/reinstatement-approve.njk', context: () => reinstatementApproveContext(request), words }, async () => {
      await services.ending.decideReinstatement(signedIn(request), personIdOf(request), param(request, 'episodeId'), param(request, 'reinstatementId'), input);
      flashSuccess(reply, input.outcome === 'refused' ? 'reinstatement-refused' : 'reinstatement-sent-back');
      return endingHref(request);
    });
  });

  // ---- Awaiting your approval --------------------------------------------------------------------
  web.get('/approvals', page, async (request, reply) => {
    const pending = await services.ending.pendingApprovals(signedIn(request));
    const items = pending.items.map((i) => ({
      ...i,
      what: i.kind === 'ending' ? 'End aftercare' : 'Reinstate aftercare',
      sideLabel: APPROVAL_SIDE_LABELS[i.side],
      // An ending or a reinstatement is approved only after its check page (issue 9 item 3).
      checkHref: `/people/${i.person.id}/episodes/${i.episodeId}/${i.kind === 'ending' ? 'ending-proposals' : 'reinstatements'}/${i.id}/approve`,
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
