// npx s117 reminders, spawned as an operator's cron job would run it, sending to a real SMTP server
// (smtp-server on 127.0.0.1) on both databases: one email per keyworker and s117 lead, initials and
// links only, progress and a summary line, exit 0.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { addDays, todayInLondon } from '../../src/domain/dates.ts';
import { actorFromUser } from '../../src/services/kernel/actor.ts';
import { findUserByEmail } from '../../src/data/accounts-repository.ts';
import { createServices } from '../../src/services/index.ts';
import { seedAccounts } from '../support/app.ts';
import { createTestDatabase, testEngines, type TestDatabase } from '../support/databases.ts';
import { NORTHBRIDGE_PERSON } from '../support/services.ts';

const BIN = path.resolve('bin/s117.js');

interface Received { from: string; to: string[]; raw: string }

/** Enough of quoted-printable to read the body nodemailer sends. */
function decode(raw: string): string {
  return raw.replace(/\r\n[ \t]+/g, ' ').replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

for (const { engine, skip } of await testEngines()) {
  describe(`s117 reminders on ${engine}`, { skip }, () => {
    let database: TestDatabase;
    let smtp: SMTPServer;
    let port = 0;
    const received: Received[] = [];
    const ids: Record<string, string> = {};

    before(async () => {
      database = await createTestDatabase(engine);
      const services = createServices(database.db);
      await seedAccounts(services);
      const practitioner = actorFromUser((await findUserByEmail(database.db, 'practitioner@s117.test'))!);
      const today = todayInLondon();
      // Overdue: left hospital long ago. Due soon: left hospital 40 days ago (first review in 2 days).
      for (const [key, givenName, familyName, dischargedOn] of [['overdue', 'Oliver', 'Oakfield', '2024-03-01'], ['soon', 'Sally', 'Sandford', addDays(today, -40)]] as const) {
        const person = await services.people.create(practitioner, { ...NORTHBRIDGE_PERSON, nhsNumber: null, givenName, familyName });
        const admittedOn = addDays(dischargedOn, -50);
        const stay = await services.legalHistory.addAdmission(practitioner, person.id, { hospital: 'Northbridge Hospital', admittedOn, dischargedOn });
        await services.legalHistory.addLegalStatus(practitioner, person.id, { section: '3', startDate: admittedOn, endDate: dischargedOn, admissionId: stay.id });
        ids[key] = person.id;
      }
      // A proposal to end the due-soon person's aftercare waits for the leads' approval (END-1).
      const aftercare = await services.legalHistory.aftercare(practitioner, ids.soon!);
      await services.ending.propose(practitioner, ids.soon!, aftercare.episodes[0]!.id, {
        reasonCode: 'no-longer-needed', reasons: 'Reassessed: needs met without aftercare', reassessedOn: addDays(today, -1), personInvolved: true, involved: ['Keyworker'],
      });
      const keyworker = (await findUserByEmail(database.db, 'la-practitioner@s117.test'))!;
      await database.db.insertInto('person_allocations').values({ id: randomUUID(), person_id: ids.overdue!, user_id: keyworker.id, organisation_id: keyworker.organisation_id, reason: 'keyworker' }).execute();

      smtp = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS', 'AUTH'],
        logger: false,
        onData(stream, session, callback) {
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => {
            received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw: decode(Buffer.concat(chunks).toString('utf8')) });
            callback();
          });
        },
      });
      await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
      port = (smtp.server.address() as AddressInfo).port;
      // The embedded database belongs to one process at a time: hand it to the command.
      if (engine === 'pglite') await database.close();
    });

    after(async () => {
      await new Promise<void>((resolve) => smtp?.close(() => resolve()));
      if (engine === 'pglite') rmSync((database.location as { dataDir: string }).dataDir, { recursive: true, force: true });
      else await database?.dispose();
    });

    function s117(args: string[], extraEnv: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
      const env = { ...process.env, ...('dataDir' in database.location ? { S117_DATA_DIR: database.location.dataDir, DATABASE_URL: '' } : { DATABASE_URL: database.location.databaseUrl }), ...extraEnv };
      return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [BIN, ...args], { env });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('error', reject);
        child.on('close', (status) => resolve({ status, stdout, stderr }));
      });
    }

    test('each keyworker and s117 lead gets one email with initials and links, never names', async () => {
      const run = await s117(['reminders'], { SMTP_URL: `smtp://127.0.0.1:${port}`, S117_MAIL_FROM: 'reminders@s117.test', S117_PUBLIC_URL: 'https://register.example' });
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /Sending 3 reminder emails/);
      assert.match(run.stdout, /Reminders: 3 sent, 0 failed, 2 people/);
      const to = received.map((m) => m.to.join(',')).sort();
      assert.deepEqual(to, ['icb-approver@s117.test', 'la-approver@s117.test', 'la-practitioner@s117.test']);
      for (const message of received) {
        assert.equal(message.from, 'reminders@s117.test');
        for (const name of ['Oliver', 'Oakfield', 'Sally', 'Sandford']) assert.ok(!message.raw.includes(name), `no name in the email to ${message.to.join()}`);
      }
      const keyworker = received.find((m) => m.to.includes('la-practitioner@s117.test'))!;
      assert.match(keyworker.raw, /Subject: Section 117 reviews: 1 overdue, 0 due in the next 14 days/);
      assert.ok(keyworker.raw.includes(`O.O. review was due 12 April 2024: https://register.example/people/${ids.overdue}`), keyworker.raw);
      const lead = received.find((m) => m.to.includes('la-approver@s117.test'))!;
      assert.match(lead.raw, /Subject: Section 117 reviews: 1 overdue, 1 due in the next 14 days, 1 waiting for approval/);
      assert.ok(lead.raw.includes(`Decisions waiting for approval (ending or reinstating aftercare):\r\n- S.S.: https://register.example/people/${ids.soon}`), lead.raw);
      assert.ok(lead.raw.includes(`S.S. review due`) && lead.raw.includes(`https://register.example/people/${ids.soon}`));
    });

    test('without SMTP_URL it stops with a one-line reason', async () => {
      const run = await s117(['reminders'], { SMTP_URL: '' });
      assert.notEqual(run.status, 0);
      assert.match(run.stderr.trim(), /^s117: SMTP_URL must be set/);
      assert.equal(run.stderr.trim().split('\n').length, 1);
    });
  });
}
