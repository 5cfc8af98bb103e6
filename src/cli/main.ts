// The s117 command line (api-contract: "Organisations, users, tokens (command line)").
// Exit 0 on success; otherwise a one-line reason on stderr and a non-zero exit.
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { ConflictError, ValidationError } from '../services/kernel/errors.ts';
import { BadRequestError } from '../services/kernel/validation.ts';
import { openRegister, type Register } from '../services/register.ts';

const USAGE = `Usage: s117 <command>
  serve [--demo] [--workers N]   run the server on PORT (default 3117); --demo loads demonstration data first;
                                 --workers N runs N processes sharing the port (PostgreSQL only)
  migrate                        bring the database schema up to date
  reproject                      derive every person's status and register entries again from the facts
  demo                           load synthetic demonstration data (running it twice changes nothing)
  org add --code CODE --name NAME --type local-authority|icb|provider [--telephone NUMBER] [--email ADDRESS]
  user add --email E --name N --role ROLE --org CODE   (a password is read from standard input when given)
  user disable --email E         stop a user: their sessions end, their tokens are revoked, they cannot sign in
  token create --email E [--days N]  print a new API token for that user, valid N days (default 90, at most 366)
  token revoke --email E         revoke every token of that user; with no --email, the token read from standard input
  system-account create --name N --org CODE --scopes read,feed-detentions,subscriptions   an API client for another system
  system-account revoke --client-id ID   stop a system account and its tokens
  audit verify                   seal, then check the audit trail is whole and unaltered and matches its signed checkpoints
  audit seal                     chain the events written since the last seal and sign a checkpoint of the head
  audit prove EVENT              an inclusion proof of audit event EVENT (its number) against the latest checkpoint, verified
  db roles --role NAME           (PostgreSQL) create or update the application's role: INSERT and SELECT only on the audit tables
  charges import FILE --as EMAIL import charges people paid from the finance system's CSV (CHG-2), all or nothing
  import register|detentions FILE [--mapping M] [--dry-run|--commit] [--report R] --as EMAIL   move a spreadsheet register or detentions in
  reminders                      email keyworkers and s117 leads their reviews due and overdue (SMTP_URL, S117_MAIL_FROM)
  reports refresh                work out the reports' summaries as of today (nightly, after midnight; ADR 0014)
  reports summarise              bring the summaries in step with every fact recorded since (the server does it every few seconds)
Database: DATABASE_URL (postgres://...) or the embedded database in S117_DATA_DIR (default ./data).`;

// The web server, the demonstration data, mail and CSV are loaded only by the commands that use them:
// every command is a new process, and most need none of them.
type Command = (ctx: { config: Config; register: Register; services: Register['services']; args: string[] }) => Promise<number | 'keep-open'>;

const COMMANDS: Record<string, Command> = {
  async serve({ config, register, args }) {
    const { values } = parseArgs({ args, options: { demo: { type: 'boolean' }, workers: { type: 'string' } } });
    const { default: cluster } = await import('node:cluster');
    if (values.demo && !cluster.isWorker) await runDemo(register);
    if (values.workers !== undefined && cluster.isPrimary) {
      // This process has migrated the database (and loaded the demonstration data); the workers serve.
      const { serveWorkers } = await import('./workers.ts');
      return serveWorkers(config, register, values.workers);
    }
    const demoIdentity = values.demo && !cluster.isWorker ? await startDemoIdentity(config, register) : null;
    const { buildApp } = await import('../http/app.ts');
    const app = await buildApp({
      services: register.services,
      sessionSecret: config.sessionSecret,
      production: config.production,
      logLevel: config.logLevel,
      reloadViews: config.reloadViews,
      rateLimit: config.rateLimit,
      trustProxy: config.trustProxy,
      secureCookies: config.secureCookies,
    });
    await register.maintenance.keepStatisticsFresh();
    if (!cluster.isWorker) await register.services.imports.failAbandoned(); // import jobs a stopped server left "running" (the primary did it for its workers)
    const address = await app.listen({ port: config.port, host: config.host });
    // Change notifications: the outbox's delivery worker (safe with several servers).
    register.services.deliveries.start();
    // The audit log's sealer (one at a time across servers: the others find it busy and skip).
    await register.services.audit.sealer.runOnce(); // at once: a wrong S117_AUDIT_KEY is said on standard error before the first request
    register.services.audit.sealer.start();
    // Jobs on a timer, each on one process at a time (several processes: docs/adr/0018-several-processes.md).
    if (config.remindersHours) {
      const { sendReminders } = await import('./reminders.ts');
      register.scheduler.scheduleJob({ name: 'reminders', everyMs: config.remindersHours * 3_600_000, leaseMs: 600_000, run: () => sendReminders(register.services, config, () => {}) });
    }
    // The reports' summaries (ADR 0014), once a day on one process; `s117 reports refresh` makes them at once.
    register.scheduler.scheduleJob({ name: 'reports-refresh', everyMs: 86_400_000, leaseMs: 600_000, run: () => register.services.reports.refreshSummariesIfStale() });
    // And the summariser, which keeps them in step with each change (a report is exact without it; it keeps the report's own work small).
    register.scheduler.scheduleJob({ name: 'reports-summarise', everyMs: 5_000, run: () => register.services.reports.summariseInRounds() });
    register.scheduler.start();
    console.log(`Section 117 register is running at ${address.replace('127.0.0.1', 'localhost')} (${register.engine === 'pglite' ? `embedded database in ${config.dataDir}` : 'PostgreSQL'})`);
    if (values.demo) await printDemoSignIns();
    if (demoIdentity) printDemoIdentity(demoIdentity);
    const stop = async () => {
      await register.services.deliveries.stop();
      await register.services.audit.sealer.stop();
      await register.scheduler.stop();
      await app.close();
      await demoIdentity?.provider.close();
      await register.close();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return 'keep-open';
  },
  async reproject({ register }) {
    await reproject(register);
    return 0;
  },
  async migrate({ register }) {
    // Opening the register has already applied them; say what the schema is now.
    console.log(`Database schema is up to date (${register.migrations.current ?? 'empty'})`);
    return 0;
  },
  async demo({ register }) {
    await runDemo(register);
    await printDemoSignIns();
    return 0;
  },
  async org({ services, args }) {
    const [sub, ...rest] = args;
    if (sub !== 'add') return usage();
    const { values } = parseArgs({ args: rest, options: { code: { type: 'string' }, name: { type: 'string' }, type: { type: 'string' }, telephone: { type: 'string' }, email: { type: 'string' } } });
    const org = await services.accounts.addOrganisation(values);
    console.log(`Added ${org.type} ${org.code} (${org.name})`);
    return 0;
  },
  async user({ services, args }) {
    const [sub, ...rest] = args;
    if (sub === 'disable') {
      const { values } = parseArgs({ args: rest, options: { email: { type: 'string' } } });
      if (!values.email) throw new ValidationError([{ field: 'email', message: '--email is required' }]);
      const { tokensRevoked } = await services.accounts.disableUser(values.email);
      console.log(`Disabled ${values.email.trim().toLowerCase()}: signed out everywhere, ${tokensRevoked} API token${tokensRevoked === 1 ? '' : 's'} revoked`);
      return 0;
    }
    if (sub !== 'add') return usage();
    const { values } = parseArgs({ args: rest, options: { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, org: { type: 'string' } } });
    const password = await readPasswordFromStdin();
    const user = await services.accounts.addUser({ email: values.email, name: values.name, role: values.role, organisationCode: values.org, ...(password && { password }) });
    console.log(`Added ${user.role} ${user.email} at ${user.organisationCode}${password ? ' with a password' : ' (no password: API tokens only)'}`);
    return 0;
  },
  async token({ services, args }) {
    const [sub, ...rest] = args;
    if (sub === 'revoke') {
      // A token is a secret: it is read from standard input, never from the command line (shell history).
      const { values } = parseArgs({ args: rest, options: { email: { type: 'string' } } });
      const token = values.email ? undefined : await readPasswordFromStdin();
      if (!values.email && !token) throw new ValidationError([{ field: 'email', message: '--email is required, or the token on standard input' }]);
      const revoked = await services.accounts.revokeTokens({ email: values.email, token });
      console.log(`Revoked ${revoked} API token${revoked === 1 ? '' : 's'}`);
      return 0;
    }
    if (sub !== 'create') return usage();
    const { values } = parseArgs({ args: rest, options: { email: { type: 'string' }, days: { type: 'string' } } });
    if (!values.email) throw new ValidationError([{ field: 'email', message: '--email is required' }]);
    process.stdout.write(`${await services.accounts.createToken(values.email, { ...(values.days !== undefined && { days: values.days }) })}\n`);
    return 0;
  },
  async 'system-account'({ services, args }) {
    const { systemAccountCommand } = await import('./system-accounts.ts');
    return systemAccountCommand(services, args);
  },
  async charges({ services, args }) {
    const { importChargesCommand } = await import('./charges.ts');
    return importChargesCommand(services, args);
  },
  async import({ services, args }) {
    return (await import('./imports.ts')).importCommand(services, args);
  },
  async reminders({ services, config }) {
    const { sendReminders } = await import('./reminders.ts');
    return sendReminders(services, config);
  },
  async reports({ services, args }) {
    if (args[0] === 'summarise') {
      let people = 0;
      for (;;) {
        const round = await services.reports.summarise();
        people += round.people;
        if (round.skipped || round.marks === 0) break;
      }
      console.log(`Reports' summaries in step: ${people} people summarised`);
      return 0;
    }
    if (args[0] !== 'refresh') return usage();
    const result = await services.reports.refreshSummaries((people) => process.stderr.write(`\r${people} people`));
    process.stderr.write('\n');
    console.log(`Reports' summaries as of ${result.builtOn}: ${result.people} people, ${result.rows} rows, ${result.seconds} s`);
    return 0;
  },
  async audit({ services, args }) {
    const { auditCommand } = await import('./audit.ts');
    return auditCommand(services, args);
  },
  async db({ register, args }) {
    const { dbCommand } = await import('./audit.ts');
    return dbCommand(register, args);
  },
};

async function runDemo(register: Register): Promise<void> {
  const { loadDemoData } = await import('./demo.ts');
  const result = await loadDemoData(register.services, (message) => process.stderr.write(`${message}\n`));
  console.log(result.created ? `Loaded demonstration data: ${result.people} people` : 'Demonstration data is already loaded');
}

async function printDemoSignIns(): Promise<void> {
  const { DEMO_ORGANISATIONS, DEMO_PASSWORD, DEMO_USERS } = await import('./demo.ts');
  // Organisations by name, the code beside (issue 9).
  const name = (code: string) => DEMO_ORGANISATIONS.find((o) => o.code === code)?.name ?? code;
  console.log(`Demo sign-ins (password for all: ${DEMO_PASSWORD}):`);
  for (const user of DEMO_USERS) console.log(`  ${user.email.padEnd(30)} ${user.role} at ${name(user.organisationCode)} (${user.organisationCode})`);
}

/** The demonstration identity provider (issue 11), on the port after the register's; never in production. */
async function startDemoIdentity(config: Config, register: Register) {
  if (config.production) {
    console.log('The demonstration identity provider is not started: NODE_ENV=production');
    return null;
  }
  const { startDemoIdentityProvider } = await import('./demo-identity.ts');
  try {
    return await startDemoIdentityProvider(register.services, { production: config.production, port: config.port + 1, identity: config.identity });
  } catch (error) {
    // The register runs without it (password sign-in still works); say why.
    console.error(`The demonstration identity provider did not start: ${(error as Error).message}`);
    return null;
  }
}

function printDemoIdentity({ provider, logins }: { provider: { issuer: string }; logins: { login: string; who: string }[] }): void {
  console.log(`DEMONSTRATION identity provider (not NHS login, not a real sign-in service) at ${provider.issuer}: type any of these logins, with any password:`);
  for (const l of logins) console.log(`  ${l.login.padEnd(30)} ${l.who}`);
  console.log('  The person signs in at /your-aftercare; staff choose their organisation on /sign-in.');
}

async function reproject(register: Register): Promise<void> {
  const count = await register.maintenance.reproject(reprojectProgress);
  if (count > 0) process.stderr.write('\n');
}

const reprojectProgress = (done: number) => process.stderr.write(`\rre-deriving projections: ${done} people`);

function usage(): number {
  console.error(USAGE);
  return 2;
}

async function readPasswordFromStdin(): Promise<string | undefined> {
  if (process.stdin.isTTY) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  return text === '' ? undefined : text;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = name ? COMMANDS[name] : undefined;
  if (!command) return usage();
  const config = loadConfig();
  // New migrations may add projections or change how they are derived: opening derives them again for
  // everyone (reproject does so itself, once).
  let reprojected = 0;
  const register = await openRegister(config, {
    reprojectAfterMigrating: name !== 'reproject',
    onReprojectProgress: (done) => reprojectProgress((reprojected = done)),
  });
  if (reprojected > 0) process.stderr.write('\n');
  let keepOpen = false;
  try {
    const result = await command({ config, register, services: register.services, args });
    keepOpen = result === 'keep-open';
    return result === 'keep-open' ? 0 : result;
  } finally {
    if (!keepOpen) await register.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`s117: ${oneLine(error)}`);
    process.exitCode = 1;
  },
);

function oneLine(error: unknown): string {
  if (error instanceof ValidationError || error instanceof BadRequestError) return error.errors.map((e) => `${e.field}: ${e.message}`).join('; ');
  if (error instanceof ConflictError || error instanceof ConfigError) return error.message;
  if (error instanceof Error) return error.message.split('\n')[0] ?? 'failed';
  return String(error);
}
