// Demonstration people (placeholder until the full set is written).
import type { Db } from '../data/database.ts';
import type { Services } from '../services/index.ts';

export async function loadDemoPeople(_services: Services, _db: Db, _progress: (message: string) => void): Promise<number> {
  return 0;
}
