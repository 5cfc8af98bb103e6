// PLAN-1 projection: the register and the planning task list need to know, in SQL, whose latest
// episode still needs a planning meeting. Derived here from the facts on every refresh.
import { planningStatus } from '../../domain/planning.ts';
import { meetingFacts, setPlanningNeededSince } from '../../data/planning-repository.ts';
import type { ProjectionContributor } from '../kernel/projection-contributor.ts';

export const planningContributor: ProjectionContributor = async (db, person, aftercare, today) => {
  const status = planningStatus(aftercare.episodes.at(-1), await meetingFacts(db, person.id), today);
  await setPlanningNeededSince(db, person.id, status.needed ? status.since : null);
};
