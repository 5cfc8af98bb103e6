// Synthetic demonstration data: two local authorities, two ICBs, a trust, a user of each role and
// people covering every aftercare status. Only synthetic people; NHS numbers from the 999 range.
import type { Services } from '../services/index.ts';
import { loadDemoCasework } from './demo-casework.ts';
import { loadDemoPeople } from './demo-people.ts';

export const DEMO_PASSWORD = 'demo-password-117';

export const DEMO_ORGANISATIONS = [
  // Telephone numbers from Ofcom's ranges for drama (01632 960000 to 960999): never a real line.
  { code: 'E09000099', name: 'Northbridge Borough Council', type: 'local-authority', telephone: '01632 960001', email: 's117@northbridge.demo.s117.test' },
  { code: 'E09000098', name: 'Southvale Borough Council', type: 'local-authority', telephone: '01632 960002', email: 's117@southvale.demo.s117.test' },
  { code: 'QZZ', name: 'NHS Northbridge Integrated Care Board', type: 'icb', telephone: '01632 960003', email: 's117@northbridge-icb.demo.s117.test' },
  { code: 'QZY', name: 'NHS Southvale Integrated Care Board', type: 'icb', telephone: '01632 960004', email: 's117@southvale-icb.demo.s117.test' },
  { code: 'RZZ', name: 'Northbridge Mental Health NHS Foundation Trust', type: 'provider', telephone: '01632 960005', email: 'aftercare@northbridge-trust.demo.s117.test' },
] as const;

export const DEMO_USERS = [
  { email: 'admin@demo.s117.test', name: 'Alex Admin', role: 'admin', organisationCode: 'E09000099' },
  { email: 'practitioner@demo.s117.test', name: 'Priya Practitioner', role: 'practitioner', organisationCode: 'RZZ' },
  { email: 'la-approver@demo.s117.test', name: 'Lee Lead (council)', role: 'approver', organisationCode: 'E09000099' },
  { email: 'icb-approver@demo.s117.test', name: 'Ivy Lead (ICB)', role: 'approver', organisationCode: 'QZZ' },
  { email: 'keyworker@demo.s117.test', name: 'Kim Keyworker (council)', role: 'practitioner', organisationCode: 'E09000099' },
  { email: 'finance@demo.s117.test', name: 'Fin Officer', role: 'finance', organisationCode: 'E09000099' },
  { email: 'auditor@demo.s117.test', name: 'Ada Auditor', role: 'auditor', organisationCode: 'E09000099' },
] as const;

/** Everything is recorded through the services; the database handle callers pass is no longer needed. */
export async function loadDemoData(services: Services, progress: (message: string) => void = () => {}): Promise<{ created: boolean; people: number }> {
  if (await services.accounts.hasOrganisation(DEMO_ORGANISATIONS[0].code)) return { created: false, people: 0 };
  for (const org of DEMO_ORGANISATIONS) await services.accounts.addOrganisation(org);
  for (const user of DEMO_USERS) await services.accounts.addUser({ ...user, password: DEMO_PASSWORD });
  const { ctx, people } = await loadDemoPeople(services, progress);
  await loadDemoCasework(ctx, people, progress);
  return { created: true, people: people.size };
}
