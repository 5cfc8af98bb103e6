// Forms for a person's legal history: hospital stays and leaving hospital, legal statuses and their
// end, section 17 leave, and confirming the responsible bodies of an aftercare episode.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can, responsibilityPartsConfirmedBy, responsibilityVersion } from '../../domain/access.ts';
import { isHospitalDetention, SECTION_CODES, sectionLabel, type SectionCode } from '../../domain/sections.ts';
import { formatDate } from '../../domain/dates.ts';
import { ForbiddenError, NotFoundError } from '../../services/kernel/errors.ts';
import { RESPONSIBILITY_CHANGED } from '../../services/legal-history/legal-history-service.ts';
import type { Services } from '../../services/index.ts';
import { requireSignIn } from '../auth/index.ts';
import { dateValues, formBody, readDate, required, submit, text, version, yesNo, type FormBody } from './forms.ts';

type PersonRecord = Awaited<ReturnType<Services['people']['record']>>;
import { personIdOf, signedIn } from './request.ts';
import { flashSuccess } from './success.ts';
import { organisationMarkup } from './organisations.ts';
import { PLACEMENT_KIND_LABELS } from './labels.ts';
import { organisationNamesIn } from './organisations.ts';

const PLACEMENT_KIND_OPTIONS = Object.entries(PLACEMENT_KIND_LABELS).map(([value, text]) => ({ value, text }));

const sentence = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export const SECTION_OPTIONS = SECTION_CODES.map((code) => ({ value: code, text: sentence(sectionLabel(code)) }));

function stayText(a: PersonRecord['legalHistory']['admissions'][number]): string {
  return `${a.hospital}, admitted ${formatDate(a.admittedOn)}${a.dischargedOn ? `, left ${formatDate(a.dischargedOn)}` : ''}`;
}

function param(request: FastifyRequest, name: string): string {
  return (request.params as Record<string, string>)[name] ?? '';
}

export function registerLegalHistoryPages(web: FastifyInstance, services: Services): void {
  const page = { schema: { hide: true }, preHandler: requireSignIn };
  // The token is in the form body, so the check runs once the body is parsed (preValidation, not onRequest).
  const form = { ...page, preValidation: web.csrfProtection };

  /** The person's record for a form page; the page's heading names the person. */
  const recordOf = (request: FastifyRequest) => services.people.record(signedIn(request), personIdOf(request));
  const personHref = (request: FastifyRequest) => `/people/${personIdOf(request)}`;
  const base = (record: PersonRecord) => ({ person: record.person, back: { href: `/people/${record.person.id}` } });

  // ---- A hospital stay --------------------------------------------------------------------------
  const admissionWords = (body: FormBody) => ({
    labels: { hospital: 'hospital', provider: 'provider organisation', admittedOn: 'date they were admitted', dischargedOn: 'date they left hospital' },
    dates: { admittedOn: readDate(body, 'admittedOn'), dischargedOn: readDate(body, 'dischargedOn') },
  });

  web.get('/people/:id/admissions/new', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => reply.render('pages/admission-new.njk', { ...base(await recordOf(request)), values: {} }));

  web.post('/people/:id/admissions/new', form, async (request, reply) => {
    const body = formBody(request);
    const words = admissionWords(body);
    const input = { hospital: required(body, 'hospital'), provider: text(body, 'provider') ?? null, admittedOn: words.dates.admittedOn.value ?? '', dischargedOn: words.dates.dischargedOn.value };
    return submit({ reply, body, template: 'pages/admission-new.njk', context: async () => base(await recordOf(request)), words }, async () => {
      await services.legalHistory.addAdmission(signedIn(request), personIdOf(request), input);
      flashSuccess(reply, 'admission-added');
      return personHref(request);
    });
  });

  // ---- Leaving hospital -------------------------------------------------------------------------
  const dischargeContext = async (request: FastifyRequest) => {
    const record = await recordOf(request);
    const admission = record.legalHistory.admissions.find((a) => a.id === param(request, 'admissionId'));
    if (!admission) throw new NotFoundError('hospital stay');
    return { ...base(record), admission, stay: stayText(admission) };
  };

  web.get('/people/:id/admissions/:admissionId/discharge', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => {
    const context = await dischargeContext(request);
    return reply.render('pages/discharge.njk', { ...context, values: { version: String(context.admission.version), ...dateValues('dischargedOn', context.admission.dischargedOn) } });
  });

  web.post('/people/:id/admissions/:admissionId/discharge', form, async (request, reply) => {
    const body = formBody(request);
    const words = { labels: { dischargedOn: 'date they left hospital' }, dates: { dischargedOn: readDate(body, 'dischargedOn') } };
    return submit({ reply, body, template: 'pages/discharge.njk', context: () => dischargeContext(request), words }, async () => {
      await services.legalHistory.recordDischarge(signedIn(request), personIdOf(request), param(request, 'admissionId'), version(body), { dischargedOn: words.dates.dischargedOn.value ?? '' });
      flashSuccess(reply, 'discharge-recorded');
      // Issue 9 item 4: left hospital while a detention is still in force: ask what happened to it.
      const open = openDetention(await recordOf(request));
      return open ? `${personHref(request)}/admissions/${param(request, 'admissionId')}/what-next` : personHref(request);
    });
  });

  /** The detention still in force (a hospital section with no end date), if any: why aftercare has not started (ELIG-3). */
  const openDetention = (record: PersonRecord) => [...record.legalHistory.legalStatuses].reverse().find((st) => st.endDate === null && isHospitalDetention(st.section));

  // ---- Left hospital with the section in force: did it end, or is it section 17 leave? ----------
  const whatNextContext = async (request: FastifyRequest) => {
    const record = await recordOf(request);
    const admission = record.legalHistory.admissions.find((a) => a.id === param(request, 'admissionId'));
    if (!admission) throw new NotFoundError('hospital stay');
    const status = openDetention(record);
    return { ...base(record), admission, status, sectionText: status ? sectionLabel(status.section as SectionCode) : null, startText: status ? formatDate(status.startDate) : null };
  };

  web.get('/people/:id/admissions/:admissionId/what-next', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => {
    const context = await whatNextContext(request);
    if (!context.status) return reply.redirect(personHref(request), 303);
    return reply.render('pages/discharge-what-next.njk', { ...context, values: {} });
  });

  web.post('/people/:id/admissions/:admissionId/what-next', form, async (request, reply) => {
    const body = formBody(request);
    const context = await whatNextContext(request);
    if (!context.status) return reply.redirect(personHref(request), 303);
    // Each answer is recorded on its own form (the end of the section, or the leave with its ELIG-4 decision).
    if (body.answer === 'section-ended') return reply.redirect(`${personHref(request)}/legal-statuses/${context.status.id}/end`, 303);
    if (body.answer === 'section-17-leave') return reply.redirect(`${personHref(request)}/leave/new`, 303);
    if (body.answer === 'not-yet-known') return reply.redirect(personHref(request), 303);
    return reply.status(422).render('pages/discharge-what-next.njk', { ...context, values: body, errors: [{ field: 'answer', message: 'Select whether the section ended or they are on section 17 leave' }] });
  });

  // ---- A legal status ---------------------------------------------------------------------------
  const legalStatusContext = async (request: FastifyRequest) => {
    const record = await recordOf(request);
    return { ...base(record), sections: SECTION_OPTIONS, stays: [...record.legalHistory.admissions].reverse().map((a) => ({ value: a.id, text: stayText(a) })) };
  };

  web.get('/people/:id/legal-statuses/new', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => reply.render('pages/legal-status-new.njk', { ...(await legalStatusContext(request)), values: {} }));

  web.post('/people/:id/legal-statuses/new', form, async (request, reply) => {
    const body = formBody(request);
    const words = {
      labels: { section: 'legal status', startDate: 'start date', endDate: 'end date', admissionId: 'hospital stay' },
      dates: { startDate: readDate(body, 'startDate'), endDate: readDate(body, 'endDate') },
      unanswered: { section: 'Select the legal status' },
    };
    const input = { section: required(body, 'section'), startDate: words.dates.startDate.value ?? '', endDate: words.dates.endDate.value, admissionId: text(body, 'admissionId') ?? null };
    return submit({ reply, body, template: 'pages/legal-status-new.njk', context: () => legalStatusContext(request), words }, async () => {
      await services.legalHistory.addLegalStatus(signedIn(request), personIdOf(request), input);
      flashSuccess(reply, 'legal-status-added');
      return personHref(request);
    });
  });

  // ---- The end of a legal status ----------------------------------------------------------------
  const endContext = async (request: FastifyRequest) => {
    const record = await recordOf(request);
    const status = record.legalHistory.legalStatuses.find((s) => s.id === param(request, 'statusId'));
    if (!status) throw new NotFoundError('legal status');
    return { ...base(record), status };
  };

  web.get('/people/:id/legal-statuses/:statusId/end', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => {
    const context = await endContext(request);
    return reply.render('pages/legal-status-end.njk', { ...context, values: { version: String(context.status.version), ...dateValues('endDate', context.status.endDate) } });
  });

  web.post('/people/:id/legal-statuses/:statusId/end', form, async (request, reply) => {
    const body = formBody(request);
    const words = { labels: { endDate: 'end date' }, dates: { endDate: readDate(body, 'endDate') } };
    return submit({ reply, body, template: 'pages/legal-status-end.njk', context: () => endContext(request), words }, async () => {
      await services.legalHistory.endLegalStatus(signedIn(request), personIdOf(request), param(request, 'statusId'), version(body), { endDate: words.dates.endDate.value ?? '' });
      flashSuccess(reply, 'legal-status-ended');
      return personHref(request);
    });
  });

  // ---- Section 17 leave (ELIG-4) ----------------------------------------------------------------
  web.get('/people/:id/leave/new', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => reply.render('pages/leave-new.njk', { ...base(await recordOf(request)), values: {} }));

  web.post('/people/:id/leave/new', form, async (request, reply) => {
    const body = formBody(request);
    const words = {
      labels: { from: 'date the leave started', to: 'date the leave ended', kind: 'kind of leave', triggersAftercare: 'decision', reason: 'reason' },
      dates: { from: readDate(body, 'from'), to: readDate(body, 'to') },
      unanswered: { kind: 'Select the kind of leave', triggersAftercare: 'Select yes if this leave starts aftercare, or no if it does not' },
    };
    const input = { from: words.dates.from.value ?? '', to: words.dates.to.value, kind: required(body, 'kind'), triggersAftercare: yesNo(body, 'triggersAftercare'), reason: required(body, 'reason') };
    return submit({ reply, body, template: 'pages/leave-new.njk', context: async () => base(await recordOf(request)), words }, async () => {
      await services.legalHistory.addLeave(signedIn(request), personIdOf(request), input);
      flashSuccess(reply, 'leave-added');
      return personHref(request);
    });
  });

  // ---- Accommodation a council arranged (MHA25-3) -----------------------------------------------
  // Where (the council of its area), of what kind, which council arranged it, under s117 or not, and
  // when; the same permission as the API (legal-history:record), checked after the person is found.
  const mayRecord = (request: FastifyRequest) => {
    if (!can(signedIn(request).role, 'legal-history:record')) throw new ForbiddenError('You may not record placements');
  };
  const placementContext = async (request: FastifyRequest) => {
    const record = await recordOf(request);
    mayRecord(request);
    return { ...base(record), back: { href: `/people/${record.person.id}#placements` }, kinds: PLACEMENT_KIND_OPTIONS };
  };
  const placementWords = (body: FormBody) => ({
    labels: { localAuthority: 'council of the area the accommodation is in', kind: 'kind of accommodation', arrangedBy: 'council that arranged it', s117: 'answer', from: 'date they moved in', to: 'last day they lived there', description: 'name of the accommodation' },
    dates: { from: readDate(body, 'from'), to: readDate(body, 'to') },
    unanswered: { localAuthority: 'Choose the council of the area the accommodation is in', arrangedBy: 'Choose the council that arranged it', kind: 'Select the kind of accommodation' },
  });

  web.get('/people/:id/placements/new', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => reply.render('pages/placement-new.njk', { ...(await placementContext(request)), values: {} }));

  web.post('/people/:id/placements/new', form, async (request, reply) => {
    const body = formBody(request);
    const words = placementWords(body);
    const s117 = body.s117 === 'yes' ? true : body.s117 === 'no' ? false : null;
    const input = {
      localAuthority: required(body, 'localAuthority'), kind: required(body, 'kind'), arrangedBy: required(body, 'arrangedBy'), s117,
      from: words.dates.from.value ?? '', to: words.dates.to.value, description: text(body, 'description') ?? null,
    };
    return submit({ reply, body, template: 'pages/placement-new.njk', context: () => placementContext(request), words }, async () => {
      // The service checks, as for the API: 404 for a person not seen, then 403 for a role that may not.
      await services.legalHistory.recordPlacement(signedIn(request), personIdOf(request), input);
      flashSuccess(reply, 'placement-recorded');
      return `${personHref(request)}#placements`;
    });
  });

  const placementEndContext = async (request: FastifyRequest) => {
    const record = await recordOf(request);
    mayRecord(request);
    const { items } = await services.legalHistory.placements(signedIn(request), personIdOf(request));
    const placement = items.find((p) => p.id === param(request, 'placementId'));
    if (!placement) throw new NotFoundError('placement');
    return { ...base(record), back: { href: `/people/${record.person.id}#placements` }, placement: { ...placement, kindText: PLACEMENT_KIND_LABELS[placement.kind] ?? placement.kind } };
  };

  web.get('/people/:id/placements/:placementId/end', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => {
    const context = await placementEndContext(request);
    return reply.render('pages/placement-end.njk', { ...context, values: { version: String(context.placement.version), ...dateValues('to', context.placement.to) } });
  });

  web.post('/people/:id/placements/:placementId/end', form, async (request, reply) => {
    const body = formBody(request);
    const words = { labels: { to: 'last day they lived there' }, dates: { to: readDate(body, 'to') } };
    return submit({ reply, body, template: 'pages/placement-end.njk', context: () => placementEndContext(request), words }, async () => {
      await services.legalHistory.endPlacement(signedIn(request), personIdOf(request), param(request, 'placementId'), version(body), { to: words.dates.to.value ?? '' });
      flashSuccess(reply, 'placement-ended');
      return `${personHref(request)}#placements`;
    });
  });

  // ---- Confirming the responsible bodies (RESP-2 to RESP-6) -------------------------------------
  // Each body confirms its own part (issue 9 item 2): the form offers the approver's own part, shows
  // the other body's, and asks to check the answers before anything is recorded (item 3).
  const responsibilityContext = async (request: FastifyRequest) => {
    const actor = signedIn(request);
    if (!can(actor.role, 'responsibility:confirm')) throw new ForbiddenError('Only a local authority’s or ICB’s section 117 lead (an approver) can confirm responsibility');
    const record = await recordOf(request);
    const episode = record.aftercare.episodes.find((e) => e.id === param(request, 'episodeId'));
    if (!episode) throw new NotFoundError('episode');
    const parts = responsibilityPartsConfirmedBy({ role: actor.role, organisationType: actor.organisationType, system: false });
    const heading = parts.localAuthority && parts.icb ? 'Confirm the responsible local authority and ICB' : parts.localAuthority ? 'Confirm the responsible local authority' : 'Confirm the responsible ICB';
    return { ...base(record), episode, parts, heading };
  };
  const responsibilityWords = { labels: { 'localAuthority.code': 'local authority code', 'localAuthority.basis': 'reason for the local authority', 'icb.code': 'ICB code', 'icb.basis': 'reason for the ICB', 'correction.reason': 'reason for the correction' } };

  /**
   * The form's values drawn from the episode as it is: prefilled with the proposal (or the confirmed
   * bodies), for the approver to check and change, and the version they were drawn from (RESP-6: a
   * post drawn from an older version is refused, not read as naming another body for the other part).
   */
  const responsibilityValues = (request: FastifyRequest, context: Awaited<ReturnType<typeof responsibilityContext>>): Record<string, string> => {
    const { episode, parts } = context;
    const { localAuthority, icb } = episode;
    const proposed = (b: { basis: string; confirmed: boolean }) => (b.confirmed ? b.basis : b.basis.replace(/^Proposed: /, '').replace(/ To be confirmed\.$/, ''));
    // Issue 9 item 1: the reason the approver reads and edits names the organisations, the code beside;
    // the other body's part is sent back as it is (RESP-6).
    const basis = (b: { basis: string; confirmed: boolean }, own: boolean) => (own ? organisationNamesIn(request.organisations, proposed(b)) : proposed(b));
    return {
      'localAuthority-code': localAuthority.code ?? '', 'localAuthority-basis': basis(localAuthority, parts.localAuthority),
      'icb-code': icb.code ?? '', 'icb-basis': basis(icb, parts.icb), 'responsibility-version': responsibilityVersion(episode),
    };
  };

  web.get('/people/:id/episodes/:episodeId/responsibility', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => {
    const context = await responsibilityContext(request);
    return reply.render('pages/responsibility.njk', { ...context, values: responsibilityValues(request, context) });
  });

  /**
   * RESP-6 (issue 15 probe 7): a form drawn from a responsibility that has changed since is shown again
   * as the record is now (the other body's part, the version), keeping what the approver typed for their
   * own part; nothing is recorded and no dispute opened.
   */
  const staleResponsibility = async (request: FastifyRequest, reply: FastifyReply, body: FormBody) => {
    const context = await responsibilityContext(request);
    const fresh = responsibilityValues(request, context);
    const own = [...(context.parts.localAuthority ? ['localAuthority'] : []), ...(context.parts.icb ? ['icb'] : [])].flatMap((part) => [`${part}-code`, `${part}-basis`]);
    const typed = Object.fromEntries(['correction-reason', ...own].filter((f) => typeof body[f] === 'string').map((f) => [f, String(body[f])]));
    const otherBody = context.parts.localAuthority && context.parts.icb ? 'The responsibility' : context.parts.localAuthority ? 'The ICB’s part of the responsibility' : 'The local authority’s part of the responsibility';
    return reply.status(409).render('pages/responsibility.njk', {
      ...context,
      values: { ...fresh, ...typed },
      conflict: true,
      conflictTitle: RESPONSIBILITY_CHANGED,
      conflictText: `${otherBody} changed while you had this page open, so nothing was recorded and no dispute was opened. The page now shows it as it is: check it, then continue again.`,
    });
  };

  web.post('/people/:id/episodes/:episodeId/responsibility', form, async (request, reply) => {
    const body = formBody(request);
    const correction = text(body, 'correction-reason');
    const input = {
      localAuthority: { code: required(body, 'localAuthority-code'), basis: required(body, 'localAuthority-basis') },
      icb: { code: required(body, 'icb-code'), basis: required(body, 'icb-basis') },
      ...(correction && { correction: { reason: correction } }),
    };
    const drawnFrom = text(body, 'responsibility-version');
    // Every step of the form is drawn from the version it showed: a changed record is shown again as it is now.
    const current = await responsibilityContext(request);
    if (drawnFrom !== responsibilityVersion(current.episode)) return staleResponsibility(request, reply, body);
    if (body.step === 'change') return reply.render('pages/responsibility.njk', { ...current, values: body });
    if (body.step !== 'confirm') {
      // Check your answers first; a form with an answer missing goes straight to its messages.
      const context = current;
      const missing = [...(context.parts.localAuthority ? ['localAuthority'] : []), ...(context.parts.icb ? ['icb'] : [])]
        .flatMap((part) => (['code', 'basis'] as const).filter((f) => !text(body, `${part}-${f}`)).map((f) => `${part}.${f}`));
      if (missing.length === 0 && !(context.episode.endedOn && !correction)) {
        const rows = [];
        const bodyRows = (part: 'localAuthority' | 'icb', label: string) => [
          { key: { text: label }, value: { html: organisationMarkup(request.organisations, input[part].code) } },
          { key: { text: 'Why' }, value: { text: input[part].basis } },
        ];
        if (context.parts.localAuthority) rows.push(...bodyRows('localAuthority', 'Responsible local authority'));
        if (context.parts.icb) rows.push(...bodyRows('icb', 'Responsible ICB'));
        if (correction) rows.push({ key: { text: 'Why this is corrected' }, value: { text: correction } });
        const { _csrf, step, ...hidden } = body;
        void _csrf; void step;
        return reply.render('pages/check-answers.njk', {
          title: `Check your answers: ${context.heading.charAt(0).toLowerCase()}${context.heading.slice(1)}`,
          caption: `${context.person.givenName} ${context.person.familyName}`,
          rows,
          hidden,
          declaration: `You confirm this for ${signedIn(request).organisationName}. It is recorded with your name and the time.`,
          confirmText: 'Confirm responsibility',
          changeable: true,
          cancelHref: `/people/${context.person.id}`,
          back: context.back,
        });
      }
    }
    const conflict = () => staleResponsibility(request, reply, body);
    return submit({ reply, body, template: 'pages/responsibility.njk', context: () => responsibilityContext(request), words: responsibilityWords, conflict }, async () => {
      const done = await services.legalHistory.confirmResponsibility(signedIn(request), personIdOf(request), param(request, 'episodeId'), input, { drawnFrom });
      // RESP-6: a different body named for the other body's part opened a dispute: its page shows it.
      if (done.disputeId) {
        flashSuccess(reply, 'responsibility-dispute-opened');
        return `/people/${personIdOf(request)}/money`;
      }
      flashSuccess(reply, 'responsibility-confirmed');
      return personHref(request);
    });
  });
}
