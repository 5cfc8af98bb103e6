// Complaint pages (CMP-1, CMP-2): a person's complaints, and the form to record or change one. The
// rules are in the domain and the complaints service; these pages only reshape the form.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { can } from '../../domain/access.ts';
import { COMPLAINT_FAULTS, COMPLAINT_ROUTE_LABELS, COMPLAINT_ROUTES } from '../../domain/complaints.ts';
import type { Services } from '../../services/index.ts';
import { requireSignIn } from '../auth/index.ts';
import { dateValues, formBody, readDate, required, submit, text, version, type FormBody } from './forms.ts';
import { personIdOf, signedIn } from './request.ts';
import { COMPLAINT_AGAINST_LABELS, COMPLAINT_FAULT_LABELS } from './labels.ts';

type PersonHeading = Awaited<ReturnType<Services['complaints']['formPage']>>['person'];

function param(request: FastifyRequest, name: string): string {
  return (request.params as Record<string, string>)[name] ?? '';
}

export function registerComplaintPages(web: FastifyInstance, services: Services): void {
  const page = { schema: { hide: true }, preHandler: requireSignIn };
  const form = { ...page, preValidation: web.csrfProtection };

  const complaintsHref = (request: FastifyRequest) => `/people/${personIdOf(request)}/complaints`;
  web.get('/people/:id/complaints', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => {
    const actor = signedIn(request);
    const { person, complaints } = await services.complaints.page(actor, personIdOf(request));
    return reply.render('pages/complaints.njk', {
      title: 'Complaints', width: 'full', person, back: { href: `/people/${person.id}` }, mayRecord: can(actor.role, 'complaint:record'),
      items: complaints.items.map((c) => ({ ...c, againstLabel: COMPLAINT_AGAINST_LABELS[c.against] })),
    });
  });

  /** What the complaint form shows besides its values: the person (read with the page) and the choices. */
  const complaintContext = (person: PersonHeading) => ({
    person,
    back: { href: `/people/${person.id}/complaints` },
    routeItems: COMPLAINT_ROUTES.map((r) => ({ value: r, text: COMPLAINT_ROUTE_LABELS[r] })),
    againstItems: Object.entries(COMPLAINT_AGAINST_LABELS).map(([value, text]) => ({ value, text })),
    faultItems: COMPLAINT_FAULTS.map((f) => ({ value: f, text: COMPLAINT_FAULT_LABELS[f] })),
  });
  const formContext = async (request: FastifyRequest) => complaintContext((await services.complaints.formPage(signedIn(request), personIdOf(request))).person);
  const complaintWords = (body: FormBody) => ({
    labels: { against: 'body', route: 'route', receivedOn: 'date received', awareOn: 'date they knew of the problem', subject: 'what the complaint is about', outcomeOn: 'date of the outcome' },
    dates: { receivedOn: readDate(body, 'receivedOn'), awareOn: readDate(body, 'awareOn'), outcomeOn: readDate(body, 'outcomeOn') },
    unanswered: { against: 'Select which body the complaint is about', route: 'Select the route' },
  });
  const faultsOf = (request: FastifyRequest): string[] => {
    const raw = (request.body as Record<string, unknown> | undefined)?.faults;
    return (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter((x): x is string => typeof x === 'string');
  };
  const complaintInput = (request: FastifyRequest, body: FormBody, words: ReturnType<typeof complaintWords>) => ({
    against: required(body, 'against'),
    route: required(body, 'route'),
    receivedOn: words.dates.receivedOn.value ?? '',
    awareOn: words.dates.awareOn.value,
    subject: required(body, 'subject'),
    faults: faultsOf(request),
    outcome: text(body, 'outcome') ?? null,
    outcomeOn: words.dates.outcomeOn.value,
    learning: text(body, 'learning') ?? null,
  });

  web.get('/people/:id/complaints/new', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => reply.render('pages/complaint-form.njk', { ...(await formContext(request)), title: 'Record a complaint', values: {}, faults: [] }));
  web.post('/people/:id/complaints/new', form, async (request, reply) => {
    const body = formBody(request);
    const words = complaintWords(body);
    const context = async () => ({ ...(await formContext(request)), title: 'Record a complaint', faults: faultsOf(request) });
    return submit({ reply, body, template: 'pages/complaint-form.njk', context, words }, async () => {
      await services.complaints.create(signedIn(request), personIdOf(request), complaintInput(request, body, words));
      return complaintsHref(request);
    });
  });

  web.get('/people/:id/complaints/:complaintId', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => {
    const { person, complaint: c } = await services.complaints.editPage(signedIn(request), personIdOf(request), param(request, 'complaintId'));
    const values = {
      version: String(c.version), against: c.against, route: c.route, subject: c.subject, outcome: c.outcome ?? '', learning: c.learning ?? '',
      ...dateValues('receivedOn', c.receivedOn), ...dateValues('awareOn', c.awareOn), ...dateValues('outcomeOn', c.outcomeOn),
    };
    return reply.render('pages/complaint-form.njk', { ...complaintContext(person), title: 'Change a complaint', complaint: c, values, faults: c.faults });
  });
  web.post('/people/:id/complaints/:complaintId', form, async (request, reply) => {
    const body = formBody(request);
    const words = complaintWords(body);
    const context = async () => ({ ...(await formContext(request)), title: 'Change a complaint', complaint: { id: param(request, 'complaintId') }, faults: faultsOf(request) });
    return submit({ reply, body, template: 'pages/complaint-form.njk', context, words }, async () => {
      await services.complaints.update(signedIn(request), personIdOf(request), param(request, 'complaintId'), version(body), complaintInput(request, body, words));
      return complaintsHref(request);
    });
  });
}
