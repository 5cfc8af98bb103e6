// One place for settings. In production a missing secret stops start-up rather than running insecurely.
import { randomBytes } from 'node:crypto';
import path from 'node:path';

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | null;
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
  /** CHG-2 (interest basis UNVERIFIED): simple interest on refunds, annual rate in basis points. S117_REFUND_INTEREST_BASIS_POINTS; default 800 (8%). */
  refundInterestBasisPoints: number;
  /** DP-1(e): the local authority is listed in Sch 2 of the DP Regulations, so a direct payment may buy care-home accommodation beyond 4 weeks. S117_DP_CARE_HOME_SCH2=true; off by default. */
  dpCareHomeSch2: boolean;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const production = env.NODE_ENV === 'production';
  const sessionSecret = env.SESSION_SECRET ?? (production ? '' : randomBytes(32).toString('hex'));
  if (production && sessionSecret.length < 32) {
    throw new Error('SESSION_SECRET must be set to at least 32 characters when NODE_ENV=production');
  }
  return {
    port: positiveInteger(env.PORT, 3117, 'PORT'),
    host: env.HOST ?? '127.0.0.1',
    databaseUrl: env.DATABASE_URL || null,
    dataDir: path.resolve(env.S117_DATA_DIR ?? './data'),
    sessionSecret,
    production,
    reviews: {
      firstReviewDays: positiveInteger(env.S117_FIRST_REVIEW_DAYS, 42, 'S117_FIRST_REVIEW_DAYS'),
      reviewIntervalMonths: positiveInteger(env.S117_REVIEW_INTERVAL_MONTHS, 12, 'S117_REVIEW_INTERVAL_MONTHS'),
      requestedReviewDays: positiveInteger(env.S117_REQUESTED_REVIEW_DAYS, 28, 'S117_REQUESTED_REVIEW_DAYS'),
    },
    mail: { smtpUrl: env.SMTP_URL || null, from: env.S117_MAIL_FROM || 's117-register@localhost', publicUrl: env.S117_PUBLIC_URL || `http://localhost:${env.PORT || 3117}` },
    sessionHours: positiveInteger(env.S117_SESSION_HOURS, 8, 'S117_SESSION_HOURS'),
    logLevel: env.LOG_LEVEL ?? 'info',
    mha2025Imha: env.S117_MHA2025_IMHA === 'true',
    freePrescriptions: env.S117_FREE_PRESCRIPTIONS === 'true',
    mha2025JointNotice: env.S117_MHA2025_JOINT_NOTICE === 'true',
    refundInterestBasisPoints: basisPoints(env.S117_REFUND_INTEREST_BASIS_POINTS, 800, 'S117_REFUND_INTEREST_BASIS_POINTS'),
    dpCareHomeSch2: env.S117_DP_CARE_HOME_SCH2 === 'true',
  };
}

function positiveInteger(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive whole number`);
  return n;
}

function basisPoints(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 10_000) throw new Error(`${name} must be a whole number of basis points from 0 to 10000`);
  return n;
}
