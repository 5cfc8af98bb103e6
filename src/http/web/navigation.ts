// Issue 9 item 5: the header follows the role and fits. Each role sees the few lists it uses most in
// the header and a "More" link to a page (/more) listing the rest it may open: a plain page, so it
// works without JavaScript, by keyboard and at 320 px, and no role is shown a list it cannot open.
import type { FastifyInstance } from 'fastify';
import { can, type OrganisationType, type Role } from '../../domain/access.ts';
import { requireSignIn } from '../auth/index.ts';
import { signedIn } from './request.ts';

export interface NavigationLink { href: string; text: string; description: string }

interface Viewer { role: Role; organisationType: OrganisationType }

/** Every list in the header or on the More page, with who may open it, in the order shown. */
const LINKS: readonly (NavigationLink & { shownTo: (v: Viewer) => boolean })[] = [
  { href: '/register', text: 'Register', description: 'Everyone entitled or being planned for, to search, sort and download', shownTo: () => true },
  { href: '/people/new', text: 'Add a person', description: 'Register someone detained or leaving hospital', shownTo: (v) => can(v.role, 'person:create') },
  { href: '/approvals', text: 'Awaiting your approval', description: 'Responsibility, endings and reinstatements waiting for your body’s decision', shownTo: (v) => v.role === 'approver' },
  { href: '/reviews', text: 'Reviews due', description: 'Reviews due in the next 4 weeks and overdue, by keyworker, council and ICB', shownTo: () => true },
  { href: '/caseload', text: 'My caseload', description: 'The people you are keyworker for', shownTo: () => true },
  { href: '/planning/tasks', text: 'Planning tasks', description: 'People who need an aftercare plan before they leave hospital', shownTo: () => true },
  { href: '/finance', text: 'Finance', description: 'Recharge statements, spend and the no-charge export', shownTo: (v) => ['finance', 'admin', 'auditor'].includes(v.role) },
  { href: '/reports', text: 'Reports', description: 'The register, reviews, disputes and spend as of a date, to download', shownTo: (v) => ['approver', 'finance', 'auditor', 'admin'].includes(v.role) },
  { href: '/audit', text: 'Audit trail', description: 'Who read or changed whose record, and when', shownTo: (v) => ['admin', 'auditor'].includes(v.role) },
  { href: '/complaints', text: 'Complaints', description: 'Complaints across the people you work with, with the Ombudsman window', shownTo: (v) => can(v.role, 'complaints:list') },
  { href: '/disputes', text: 'Disputes', description: 'Disputes between bodies across the people you work with', shownTo: (v) => can(v.role, 'disputes:list') },
  { href: '/funding-policies', text: 'Funding', description: 'The partnership’s policy for sharing the cost of aftercare', shownTo: () => true },
  { href: '/imports', text: 'Moving in', description: 'Import a spreadsheet register or a detentions extract', shownTo: (v) => v.role === 'admin' || (v.role === 'approver' && v.organisationType !== 'provider') },
  { href: '/people/duplicates', text: 'Duplicate records', description: 'The same person registered twice, to merge or keep apart', shownTo: (v) => ['admin', 'approver'].includes(v.role) },
  { href: '/subscriptions', text: 'Notifications', description: 'Change notifications sent to other systems', shownTo: (v) => v.role === 'admin' },
  { href: '/users', text: 'Users', description: 'Staff who sign in, their tokens and access', shownTo: (v) => v.role === 'admin' },
  { href: '/organisations', text: 'Organisations', description: 'Councils, ICBs and trusts, with their contact details', shownTo: (v) => v.role === 'admin' },
];

/** What each role uses most: in the header; everything else it may open is on the More page. */
const IN_THE_HEADER: Record<Role, readonly string[]> = {
  practitioner: ['/register', '/people/new', '/reviews', '/caseload', '/planning/tasks'],
  approver: ['/register', '/approvals', '/reviews', '/reports'],
  finance: ['/register', '/finance', '/reports'],
  auditor: ['/register', '/audit', '/reports'],
  admin: ['/register', '/people/new', '/reviews', '/reports', '/audit'],
};

export const MORE_HREF = '/more';

/** The header's links and the More page's, for one signed-in user. */
export function navigationFor(viewer: Viewer): { header: NavigationLink[]; more: NavigationLink[] } {
  const shown = LINKS.filter((l) => l.shownTo(viewer)).map(({ href, text, description }) => ({ href, text, description }));
  const header = IN_THE_HEADER[viewer.role] ?? ['/register'];
  return { header: shown.filter((l) => header.includes(l.href)), more: shown.filter((l) => !header.includes(l.href)) };
}

export function registerNavigationPages(web: FastifyInstance): void {
  web.get(MORE_HREF, { schema: { hide: true }, preHandler: requireSignIn }, async (request, reply) =>
    reply.render('pages/more.njk', { title: 'More', links: navigationFor(signedIn(request)).more }));
}
