// Wires the use cases to the database. The API, the pages and the command line all call these.
import { DEFAULT_REVIEW_SETTINGS, type ReviewSettings } from '../domain/reviews.ts';
import type { Db } from '../data/database.ts';
import { createAccountService } from './account-service.ts';
import { createAuditService } from './audit-service.ts';
import { createLegalHistoryService } from './legal-history-service.ts';
import { createPeopleService } from './people-service.ts';

export interface ServicesOptions {
  clock?: () => Date;
  reviews?: Partial<ReviewSettings>;
  sessionHours?: number;
}

export function createServices(db: Db, options: ServicesOptions = {}) {
  const clock = options.clock ?? (() => new Date());
  const reviews = { ...DEFAULT_REVIEW_SETTINGS, ...options.reviews };
  const shared = { clock, reviews };
  return {
    accounts: createAccountService(db, { clock, sessionHours: options.sessionHours ?? 8 }),
    people: createPeopleService(db, shared),
    legalHistory: createLegalHistoryService(db, shared),
    audit: createAuditService(db, { clock }),
  };
}

export type Services = ReturnType<typeof createServices>;
