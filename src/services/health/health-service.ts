// Whether the service can do its work: the database answers. Asked by the load balancer (/healthz),
// so it needs no sign-in and writes no audit event.
import { databaseAnswers, type Db } from '../../data/database.ts';

export function createHealthService(db: Db) {
  return {
    check: (): Promise<boolean> => databaseAnswers(db),
  };
}

export type HealthService = ReturnType<typeof createHealthService>;
