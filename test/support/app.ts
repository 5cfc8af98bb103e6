// A running app on a fresh test database, with organisations, a user of each role and their API
// tokens, for API and browser tests.
import type { FastifyInstance } from 'fastify';
import type { Engine } from '../../src/data/database.ts';
import { buildApp } from '../../src/http/app.ts';
import { createServices, type Services, type ServicesOptions } from '../../src/services/index.ts';
import { createTestDatabase, type TestDatabase } from './databases.ts';

export const PASSWORD = 'test-password-117';

export const ORGS = {
  la: { code: 'E09000099', name: 'Northbridge Borough Council', type: 'local-authority' },
  otherLa: { code: 'E09000098', name: 'Southvale Borough Council', type: 'local-authority' },
  icb: { code: 'QZZ', name: 'NHS Northbridge ICB', type: 'icb' },
  otherIcb: { code: 'QZY', name: 'NHS Southvale ICB', type: 'icb' },
  trust: { code: 'RZZ', name: 'Northbridge Mental Health Trust', type: 'provider' },
} as const;

export const USERS = {
  admin: { email: 'admin@s117.test', name: 'Test Admin', role: 'admin', org: 'la' },
  practitioner: { email: 'practitioner@s117.test', name: 'Test Practitioner', role: 'practitioner', org: 'trust' },
  laPractitioner: { email: 'la-practitioner@s117.test', name: 'Council Practitioner', role: 'practitioner', org: 'la' },
  laApprover: { email: 'la-approver@s117.test', name: 'Council Lead', role: 'approver', org: 'la' },
  icbApprover: { email: 'icb-approver@s117.test', name: 'ICB Lead', role: 'approver', org: 'icb' },
  finance: { email: 'finance@s117.test', name: 'Finance Officer', role: 'finance', org: 'la' },
  auditor: { email: 'auditor@s117.test', name: 'Auditor', role: 'auditor', org: 'la' },
  otherLaPractitioner: { email: 'other-la@s117.test', name: 'Southvale Practitioner', role: 'practitioner', org: 'otherLa' },
  otherLaApprover: { email: 'other-la-approver@s117.test', name: 'Southvale Lead', role: 'approver', org: 'otherLa' },
  otherIcbApprover: { email: 'other-icb-approver@s117.test', name: 'Southvale ICB Lead', role: 'approver', org: 'otherIcb' },
} as const;

export type UserKey = keyof typeof USERS;

export interface TestApp {
  app: FastifyInstance;
  database: TestDatabase;
  services: Services;
  tokens: Record<UserKey, string>;
  /** Headers for an API call as that user. */
  as(user: UserKey, extra?: Record<string, string>): Record<string, string>;
  close(): Promise<void>;
}

export async function seedAccounts(services: Services): Promise<Record<UserKey, string>> {
  for (const org of Object.values(ORGS)) await services.accounts.addOrganisation(org);
  const tokens = {} as Record<UserKey, string>;
  for (const [key, user] of Object.entries(USERS) as [UserKey, (typeof USERS)[UserKey]][]) {
    await services.accounts.addUser({ email: user.email, name: user.name, role: user.role, organisationCode: ORGS[user.org].code, password: PASSWORD });
    tokens[key] = await services.accounts.createToken(user.email);
  }
  return tokens;
}

async function appOf(services: Services): Promise<FastifyInstance> {
  const app = await buildApp({ services, sessionSecret: 'test-secret-that-is-long-enough-for-cookies', production: false, logLevel: 'silent', rateLimit: false });
  await app.ready();
  return app;
}

export async function createTestApp(engine: Engine = 'pglite', options: { clock?: () => Date } = {}): Promise<TestApp> {
  const database = await createTestDatabase(engine);
  const services = createServices(database.db, { clock: options.clock });
  const tokens = await seedAccounts(services);
  const app = await appOf(services);
  return {
    app,
    database,
    services,
    tokens,
    as: (user, extra = {}) => ({ authorization: `Bearer ${tokens[user]}`, ...extra }),
    async close() {
      await app.close();
      await database.dispose();
    },
  };
}

/**
 * A second app on the test app's database, its services made with other settings (a register
 * configured otherwise, such as S117_MHA2025_DEEMED_RESIDENCE on). The same users, tokens and
 * sessions work on it. The caller closes it, before the test app.
 */
export async function createOtherApp(t: TestApp, options: ServicesOptions): Promise<FastifyInstance> {
  return appOf(createServices(t.database.db, options));
}
