// Services over a fresh test database with the test organisations and users, and the actors to
// call them as.
import type { Engine } from '../../src/data/database.ts';
import { findUserByEmail } from '../../src/data/accounts-repository.ts';
import { actorFromUser, type Actor } from '../../src/services/kernel/actor.ts';
import { createServices, type Services } from '../../src/services/index.ts';
import { seedAccounts, USERS, type UserKey } from './app.ts';
import { createTestDatabase, type TestDatabase } from './databases.ts';

export interface ServiceFixture {
  database: TestDatabase;
  services: Services;
  actors: Record<UserKey, Actor>;
  close(): Promise<void>;
}

export async function createServiceFixture(engine: Engine, options: { clock?: () => Date } = {}): Promise<ServiceFixture> {
  const database = await createTestDatabase(engine);
  const services = createServices(database.db, { clock: options.clock });
  await seedAccounts(services);
  const actors = {} as Record<UserKey, Actor>;
  for (const [key, user] of Object.entries(USERS) as [UserKey, (typeof USERS)[UserKey]][]) {
    actors[key] = actorFromUser((await findUserByEmail(database.db, user.email))!, `test-${key}`);
  }
  return { database, services, actors, close: () => database.dispose() };
}

export const NORTHBRIDGE_PERSON = {
  nhsNumber: '999 000 0018',
  givenName: 'Sam',
  familyName: 'Example',
  dateOfBirth: '1980-05-01',
  residence: { localAuthority: 'E09000099', since: '2015-01-01' },
  gp: { icb: 'QZZ', since: '2015-01-01' },
};
