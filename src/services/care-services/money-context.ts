// What the money rules need to know about a person: their episodes, which bodies are responsible for
// them (who may see the money: canSeeMoney), and where they live and their GP's ICB now (the
// partnership whose funding policy applies before any episode: RESP-7).
import { computeAftercare, type AftercareResult, type LawSettings, type PersonFacts } from '../../domain/aftercare.ts';
import type { IsoDate } from '../../domain/dates.ts';
import type { PartnershipFacts } from '../../domain/funding.ts';
import type { Db } from '../../data/database.ts';
import type { PersonRow } from '../../data/schema.ts';
import { latestBySince, loadPersonFacts } from '../kernel/person-record.ts';

export interface MoneyContext extends PartnershipFacts {
  aftercare: AftercareResult;
  /** Every episode's local authority and ICB, or before any episode where they live and their GP's ICB. */
  responsibleBodies: string[];
  currentLocalAuthority: string | null;
  currentIcb: string | null;
}

export async function moneyContext(db: Db, person: PersonRow, today: IsoDate, law: LawSettings): Promise<MoneyContext> {
  return moneyContextOf(await loadPersonFacts(db, person, law), today);
}

/** moneyContext from facts already read (the person read model's). */
export function moneyContextOf(facts: PersonFacts, today: IsoDate): MoneyContext {
  const aftercare = computeAftercare(facts, today);
  const currentLocalAuthority = latestBySince(facts.residences)?.localAuthority ?? null;
  const currentIcb = latestBySince(facts.gpRegistrations)?.icb ?? null;
  const fromEpisodes = aftercare.episodes.flatMap((e) => [e.localAuthority.code, e.icb.code]).filter((c): c is string => Boolean(c));
  const responsibleBodies = fromEpisodes.length > 0 ? [...new Set(fromEpisodes)] : [currentLocalAuthority, currentIcb].filter((c): c is string => Boolean(c));
  return { aftercare, responsibleBodies, currentLocalAuthority, currentIcb };
}
