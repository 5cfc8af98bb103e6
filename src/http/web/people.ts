// Adding a person, the person page, and changing a person's details.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Services } from '../../services/index.ts';
import { requirePermission } from '../../services/kernel/actor.ts';
import { requireSignIn } from '../auth/index.ts';
import { personIdOf, signedIn } from './request.ts';
import { flashSuccess } from './success.ts';
import { dateValues, formBody, readDate, required, submit, text, version, type FormBody } from './forms.ts';
import { personPage } from './person-page.ts';
import { PERSON_FIELD_LABELS } from './labels.ts';
import { organisationText } from './organisations.ts';



/** The person form as the service's input: PersonCreateInput, or PersonUpdateInput when editing. */
function personInput(body: FormBody, editing: boolean) {
  const dates = {
    dateOfBirth: readDate(body, 'dateOfBirth'),
    'residence.since': readDate(body, 'residence.since'),
    'gp.since': readDate(body, 'gp.since'),
    ...(editing && { dateOfDeath: readDate(body, 'dateOfDeath') }),
  };
  // A residence or GP is optional: any of its boxes filled in means one is being recorded.
  const residenceGiven = Boolean(text(body, 'residence-localAuthority')) || !dates['residence.since'].empty;
  const gpGiven = Boolean(text(body, 'gp-practiceCode') || text(body, 'gp-icb')) || !dates['gp.since'].empty;
  const input = {
    givenName: required(body, 'givenName'),
    familyName: required(body, 'familyName'),
    dateOfBirth: dates.dateOfBirth.value ?? '',
    nhsNumber: text(body, 'nhsNumber') ?? null,
    localId: required(body, 'localId'),
    address: { line1: required(body, 'address-line1'), postcode: required(body, 'address-postcode') },
    ...(residenceGiven && { residence: { localAuthority: required(body, 'residence-localAuthority'), since: dates['residence.since'].value ?? '' } }),
    ...(gpGiven && { gp: { practiceCode: text(body, 'gp-practiceCode') ?? null, icb: required(body, 'gp-icb'), since: dates['gp.since'].value ?? '' } }),
    ...(editing && { dateOfDeath: dates.dateOfDeath?.value ?? null }),
  };
  return { input, words: { labels: PERSON_FIELD_LABELS, dates } };
}

type PersonView = Awaited<ReturnType<Services['people']['get']>>;

const compactPostcode = (value: string | undefined) => (value ?? '').toUpperCase().replace(/\s+/g, '');

/**
 * Issue 9 item 1: the local authority proposed from the postcode and the ICB from the GP practice,
 * for a list left unchosen. Once per form: when something is proposed the form is shown again with
 * it chosen and the reason beside it (the person checks it, may change it, and saves again); the
 * form then carries proposalsShown, and what is posted next is saved as it is. When changing a
 * person's details, a postcode is a reason to propose only when it changed, and a council only when
 * it is not the one already recorded.
 */
async function proposeBodies(services: Services, request: FastifyRequest, body: FormBody, editing: boolean) {
  if (body.proposalsShown === '1') return null;
  const postcode = text(body, 'address-postcode');
  const practiceCode = text(body, 'gp-practiceCode');
  const wantLa = !text(body, 'residence-localAuthority') && postcode !== undefined && (!editing || compactPostcode(postcode) !== compactPostcode(body.postcodeBefore));
  const wantIcb = !text(body, 'gp-icb') && practiceCode !== undefined;
  if (!wantLa && !wantIcb) return null;
  const found = await services.bodyProposals.propose(signedIn(request), { postcode: wantLa ? postcode : null, practiceCode: wantIcb ? practiceCode : null });
  const localAuthority = found.localAuthority && found.localAuthority.code !== body.residenceNow ? found.localAuthority : null;
  const icb = found.icb;
  if (!localAuthority && !icb) return null;
  if (localAuthority) body['residence-localAuthority'] = localAuthority.code;
  if (icb) body['gp-icb'] = icb.code;
  body.proposalsShown = '1';
  return { localAuthority, icb };
}

function personFormValues(person: PersonView): FormBody {
  return {
    givenName: person.givenName,
    familyName: person.familyName,
    nhsNumber: person.nhsNumber ? `${person.nhsNumber.slice(0, 3)} ${person.nhsNumber.slice(3, 6)} ${person.nhsNumber.slice(6)}` : '',
    localId: person.localId ?? '',
    'address-line1': person.address.line1 ?? '',
    'address-postcode': person.address.postcode ?? '',
    postcodeBefore: person.address.postcode ?? '',
    residenceNow: person.residence?.localAuthority ?? '',
    version: String(person.version),
    ...dateValues('dateOfBirth', person.dateOfBirth),
    ...dateValues('dateOfDeath', person.dateOfDeath),
  };
}

const localAuthorityReason = (request: FastifyRequest, p: { code: string; postcode: string }) =>
  `Proposed from the postcode ${p.postcode}: ${organisationText(request.organisations, p.code)}. Change it if they usually live somewhere else.`;
const icbReason = (request: FastifyRequest, p: { code: string; practiceCode: string }) =>
  `Proposed from the GP practice ${p.practiceCode}: ${organisationText(request.organisations, p.code)}. Change it if the practice belongs to another ICB.`;

function proposalReasons(request: FastifyRequest, p: NonNullable<Awaited<ReturnType<typeof proposeBodies>>>) {
  return { localAuthority: p.localAuthority && localAuthorityReason(request, p.localAuthority), icb: p.icb && icbReason(request, p.icb) };
}

export function registerPeoplePages(web: FastifyInstance, services: Services): void {
  const page = { schema: { hide: true }, preHandler: requireSignIn };
  // The token is in the form body, so the check runs once the body is parsed (preValidation, not onRequest).
  const form = { ...page, preValidation: web.csrfProtection };

  web.get('/people/new', page, async (request, reply) => {
    // Refused before the form, not after someone has filled it in (issue 9, item 9).
    requirePermission(signedIn(request), 'person:create');
    return reply.render('pages/person-form.njk', { editing: false, values: {}, back: { href: '/register' } });
  });

  // The same proposals for the page's script, as the postcode or practice is typed (static/proposals.js).
  // POST, so that the postcode is not in a URL (nor in the logs).
  web.post('/people/body-proposals', form, async (request, reply) => {
    const body = formBody(request);
    const found = await services.bodyProposals.propose(signedIn(request), { postcode: text(body, 'postcode') ?? null, practiceCode: text(body, 'practiceCode') ?? null });
    return reply.header('cache-control', 'no-store').send({
      localAuthority: found.localAuthority && { code: found.localAuthority.code, reason: localAuthorityReason(request, found.localAuthority) },
      icb: found.icb && { code: found.icb.code, reason: icbReason(request, found.icb) },
    });
  });

  web.post('/people/new', form, async (request, reply) => {
    const actor = signedIn(request);
    const body = formBody(request);
    const proposals = await proposeBodies(services, request, body, false);
    if (proposals) return reply.render('pages/person-form.njk', { editing: false, values: body, proposals: proposalReasons(request, proposals), back: { href: '/register' } });
    const { input, words } = personInput(body, false);
    return submit(
      { reply, body, template: 'pages/person-form.njk', context: async () => ({ editing: false, back: { href: '/register' } }), words, conflictField: async () => 'nhsNumber' },
      async () => {
        const id = (await services.people.create(actor, input)).id;
        flashSuccess(reply, 'person-added');
        return `/people/${id}`;
      },
    );
  });

  web.get('/people/:id', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => {
    const actor = signedIn(request);
    const view = await services.personPage.view(actor, personIdOf(request));
    return reply.render('pages/person.njk', { ...personPage(view, actor), back: { href: '/register', text: 'Back to the register' } });
  });

  web.get('/people/:id/edit', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => {
    const person = await services.people.get(signedIn(request), personIdOf(request));
    return reply.render('pages/person-form.njk', { editing: true, person, values: personFormValues(person), back: { href: `/people/${person.id}` } });
  });

  web.post('/people/:id/edit', form, async (request, reply) => {
    const actor = signedIn(request);
    const id = personIdOf(request);
    const body = formBody(request);
    const proposals = await proposeBodies(services, request, body, true);
    if (proposals) return reply.render('pages/person-form.njk', { editing: true, person: await services.people.get(actor, id), values: body, proposals: proposalReasons(request, proposals), back: { href: `/people/${id}` } });
    const { input, words } = personInput(body, true);
    return submit(
      {
        reply,
        body,
        template: 'pages/person-form.njk',
        context: async () => ({ editing: true, person: await services.people.get(actor, id), back: { href: `/people/${id}` } }),
        words,
        // A duplicate NHS number, unless the record itself changed since the form was opened.
        conflictField: async () => (input.nhsNumber && (await services.people.get(actor, id)).version === version(body) ? 'nhsNumber' : undefined),
      },
      async () => `/people/${(await services.people.update(actor, id, version(body), input)).id}`,
    );
  });
}

