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
  reviews: { firstReviewDays: number; reviewIntervalMonths: number };
  sessionHours: number;
  logLevel: string;
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
    },
    sessionHours: positiveInteger(env.S117_SESSION_HOURS, 8, 'S117_SESSION_HOURS'),
    logLevel: env.LOG_LEVEL ?? 'info',
  };
}

function positiveInteger(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive whole number`);
  return n;
}
