// One place for settings: every environment variable the register reads, in one schema. A wrong value
// stops start-up with a message naming the variable, and in production a missing secret stops start-up
// rather than running insecurely. An empty variable counts as unset.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { DEVELOPMENT_AUDIT_KEY } from './domain/audit-log.ts';
import { IdentityConfigError, identityEnvironment, identitySettings, type IdentitySettings } from './identity-config.ts';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const optional = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

const positiveInteger = (fallback: number) =>
  optional(z.coerce.number({ error: 'must be a positive whole number' }).int('must be a positive whole number').positive('must be a positive whole number')).transform((n) => n ?? fallback);

const wholeNumber = (fallback: number) =>
  optional(z.coerce.number({ error: 'must be a whole number, 0 or more' }).int('must be a whole number, 0 or more').min(0, 'must be a whole number, 0 or more')).transform((n) => n ?? fallback);

const flag = optional(z.enum(['true', 'false'], { error: 'must be true or false' })).transform((value) => value === 'true');

const environment = z.object({
  NODE_ENV: optional(z.string()),
  PORT: positiveInteger(3117),
  HOST: optional(z.string()).transform((v) => v ?? '127.0.0.1'),
  DATABASE_URL: optional(z.string()).transform((v) => v ?? null),
  // At least 3: the server's own jobs take connections from the same pool (the nightly reports refresh
  // holds one for its whole run, the audit sealer and the summariser one each while they work).
  S117_DATABASE_POOL_SIZE: optional(z.coerce.number({ error: 'must be a whole number, 3 or more' }).int('must be a whole number, 3 or more').min(3, 'must be a whole number, 3 or more')).transform((n) => n ?? 10),
  S117_DATA_DIR: optional(z.string()).transform((v) => path.resolve(v ?? './data')),
  SESSION_SECRET: optional(z.string()),
  S117_SESSION_HOURS: positiveInteger(8),
  S117_FIRST_REVIEW_DAYS: positiveInteger(42),
  S117_REVIEW_INTERVAL_MONTHS: positiveInteger(12),
  S117_REQUESTED_REVIEW_DAYS: positiveInteger(28),
  SMTP_URL: optional(z.string()).transform((v) => v ?? null),
  S117_MAIL_FROM: optional(z.string()).transform((v) => v ?? 's117-register@localhost'),
  S117_PUBLIC_URL: optional(z.string()),
  LOG_LEVEL: optional(z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` })).transform((v) => v ?? 'info'),
  S117_MHA2025_IMHA: flag,
  S117_FREE_PRESCRIPTIONS: flag,
  S117_MHA2025_JOINT_NOTICE: flag,
  /** MHA25-3: deemed ordinary residence for placements in specified accommodation (off by default). */
  S117_MHA2025_DEEMED_RESIDENCE: flag,
  S117_REFUND_INTEREST_BASIS_POINTS: optional(
    z.coerce.number({ error: 'must be a whole number of basis points from 0 to 10000' }).int('must be a whole number of basis points from 0 to 10000').min(0, 'must be a whole number of basis points from 0 to 10000').max(10_000, 'must be a whole number of basis points from 0 to 10000'),
  ).transform((n) => n ?? 800),
  S117_DP_CARE_HOME_SCH2: flag,
  S117_RELOAD_VIEWS: flag,
  S117_SIGN_IN_RATE_LIMIT: positiveInteger(10),
  S117_API_RATE_LIMIT: positiveInteger(600),
  S117_TRUST_PROXY: optional(z.string()).transform(trustProxyValue),
  S117_SECURE_COOKIES: optional(z.enum(['true', 'false'], { error: 'must be true or false' })),
  S117_AUDIT_KEY: optional(z.string().min(32, 'must be at least 32 characters')),
  S117_AUDIT_CHECKPOINTS_DIR: optional(z.string()),
  S117_AUDIT_CHECKPOINT_SECONDS: positiveInteger(60),
  S117_AUDIT_SEAL_MS: positiveInteger(1000),
  S117_IDENTITY_CACHE_SECONDS: wholeNumber(5),
  S117_SWEEP_SECONDS: positiveInteger(300),
  S117_REMINDERS_HOURS: optional(z.coerce.number({ error: 'must be a positive whole number' }).int('must be a positive whole number').positive('must be a positive whole number')).transform((n) => n ?? null),
  ...identityEnvironment,
});

/** "true", or the proxy's addresses or subnets (comma-separated); unset: no proxy is believed. */
function trustProxyValue(value: string | undefined): boolean | string {
  if (value === undefined || value === 'false') return false;
  return value === 'true' ? true : value;
}

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | null;
  /** Connections to PostgreSQL each server process keeps open at most (S117_DATABASE_POOL_SIZE; default 10). */
  databasePoolSize: number;
  dataDir: string;
  sessionSecret: string;
  production: boolean;
  /** Days in the first review interval after leaving hospital, and months between reviews (REV-1). */
  reviews: { firstReviewDays: number; reviewIntervalMonths: number; requestedReviewDays: number };
  /** Review reminders (npx s117 reminders): the SMTP server (smtp://host:port) and the sender address. */
  mail: { smtpUrl: string | null; from: string; publicUrl: string };
  sessionHours: number;
  logLevel: string;
  /** MHA25-4 (MHA 2025 Sch 3, not yet in force): IMHAs for informal patients. S117_MHA2025_IMHA=true; off by default. */
  mha2025Imha: boolean;
  /** SCOPE-7 (UNVERIFIED, for legal sign-off): say that prescriptions for s117 medication are free. Off by default; changes wording only. */
  freePrescriptions: boolean;
  /** MHA25-2 (MHA 2025 s46(2), not yet in force): aftercare ends only once the joint written notice is sent. S117_MHA2025_JOINT_NOTICE=true; off by default. */
  mha2025JointNotice: boolean;
  /** MHA25-3 (S117_MHA2025_DEEMED_RESIDENCE). */
  mha2025DeemedResidence: boolean;
  /** CHG-2 (interest basis UNVERIFIED): simple interest on refunds, annual rate in basis points. S117_REFUND_INTEREST_BASIS_POINTS; default 800 (8%). */
  refundInterestBasisPoints: number;
  /** DP-1(e): the local authority is listed in Sch 2 of the DP Regulations, so a direct payment may buy care-home accommodation beyond 4 weeks. S117_DP_CARE_HOME_SCH2=true; off by default. */
  dpCareHomeSch2: boolean;
  /** Development only: read the page templates again on every request, so that edits show without a restart. */
  reloadViews: boolean;
  /** Requests a minute from one address (sign-in) or one token or address (API) before 429. */
  rateLimit: { signInPerMinute: number; apiPerMinute: number };
  /** Believe X-Forwarded-* from this proxy (S117_TRUST_PROXY: true, or its addresses); off by default. */
  trustProxy: boolean | string;
  /** The session cookie is always Secure with the __Host- name (S117_SECURE_COOKIES; default on in production). */
  secureCookies: boolean;
  /**
   * The audit log (docs/adr/0016): the key of its chain and checkpoints (S117_AUDIT_KEY; null only in
   * production when unset, and then the register refuses to start: see requireProductionSecrets), the
   * folder its signed checkpoints are also written to (S117_AUDIT_CHECKPOINTS_DIR, default
   * <data folder>/audit-checkpoints), and how often the server seals and checkpoints.
   */
  audit: { key: string | null; checkpointsDir: string; checkpointEveryMs: number; sealIntervalMs: number };
  /** Seconds "who is asking" is remembered in each process, revocations honoured at once (S117_IDENTITY_CACHE_SECONDS; default 5, 0 off). */
  identityCacheSeconds: number;
  /** Seconds between sweeps of expired sessions and ended rate-limit counts, on one process (S117_SWEEP_SECONDS; default 300). */
  sweepSeconds: number;
  /** Hours between review reminder emails sent by the server, on one process (S117_REMINDERS_HOURS; off by default: run `s117 reminders` from cron). */
  remindersHours: number | null;
  /** Sign-in with OpenID Connect: staff single sign-on per organisation, NHS login for the person, local passwords on or off. */
  identity: IdentitySettings;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environment.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; '));
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const sessionSecret = e.SESSION_SECRET ?? (production ? '' : randomBytes(32).toString('hex'));
  if (production && sessionSecret.length < 32) {
    throw new ConfigError('SESSION_SECRET must be set to at least 32 characters when NODE_ENV=production');
  }
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.S117_DATABASE_POOL_SIZE,
    dataDir: e.S117_DATA_DIR,
    sessionSecret,
    production,
    reviews: { firstReviewDays: e.S117_FIRST_REVIEW_DAYS, reviewIntervalMonths: e.S117_REVIEW_INTERVAL_MONTHS, requestedReviewDays: e.S117_REQUESTED_REVIEW_DAYS },
    mail: { smtpUrl: e.SMTP_URL, from: e.S117_MAIL_FROM, publicUrl: e.S117_PUBLIC_URL ?? `http://localhost:${e.PORT}` },
    sessionHours: e.S117_SESSION_HOURS,
    logLevel: e.LOG_LEVEL,
    mha2025Imha: e.S117_MHA2025_IMHA,
    freePrescriptions: e.S117_FREE_PRESCRIPTIONS,
    mha2025JointNotice: e.S117_MHA2025_JOINT_NOTICE,
    mha2025DeemedResidence: e.S117_MHA2025_DEEMED_RESIDENCE,
    refundInterestBasisPoints: e.S117_REFUND_INTEREST_BASIS_POINTS,
    dpCareHomeSch2: e.S117_DP_CARE_HOME_SCH2,
    reloadViews: !production && e.S117_RELOAD_VIEWS,
    rateLimit: { signInPerMinute: e.S117_SIGN_IN_RATE_LIMIT, apiPerMinute: e.S117_API_RATE_LIMIT },
    trustProxy: e.S117_TRUST_PROXY,
    secureCookies: e.S117_SECURE_COOKIES === undefined ? production : e.S117_SECURE_COOKIES === 'true',
    audit: {
      key: e.S117_AUDIT_KEY ?? (production ? null : DEVELOPMENT_AUDIT_KEY),
      checkpointsDir: path.resolve(e.S117_AUDIT_CHECKPOINTS_DIR ?? path.join(e.S117_DATA_DIR, 'audit-checkpoints')),
      checkpointEveryMs: e.S117_AUDIT_CHECKPOINT_SECONDS * 1000,
      sealIntervalMs: e.S117_AUDIT_SEAL_MS,
    },
    identityCacheSeconds: e.S117_IDENTITY_CACHE_SECONDS,
    sweepSeconds: e.S117_SWEEP_SECONDS,
    remindersHours: e.S117_REMINDERS_HOURS,
    identity: asConfigError(() => identitySettings(e, env, { production, publicUrl: e.S117_PUBLIC_URL ?? `http://localhost:${e.PORT}` })),
  };
}

/**
 * Secrets the register cannot run without in production, checked when it opens (the command line and
 * the server): S117_AUDIT_KEY, which keys the audit log and must not be held by the database.
 */
export function requireProductionSecrets(config: Config): void {
  if (config.production && !config.audit.key) {
    throw new ConfigError('S117_AUDIT_KEY must be set to at least 32 characters when NODE_ENV=production (it keys the audit trail; keep it out of the database)');
  }
}

function asConfigError<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw error instanceof IdentityConfigError ? new ConfigError(error.message) : error;
  }
}
