// Proposing a person's responsible bodies while their details are typed (issue 9 item 1): the
// local authority of the postcode (RESP-2) and the ICB of the GP practice (RESP-5), from the
// reference data of migration 0123. A proposal only preselects a list: the person typing sees why,
// may change it, and the bodies confirm responsibility later (RESP-4). No person's record is read
// (the practice's ICB may come from anyone's registration there, never who was registered), so
// nothing is audited.
import { can } from '../../domain/access.ts';
import { formatPostcode, postcodeLookupKeys, practiceLookupKey } from '../../domain/postcodes.ts';
import type { Db } from '../../data/database.ts';
import { findOrganisationByCode } from '../../data/accounts-repository.ts';
import { icbForPractice, localAuthorityForPostcode } from '../../data/reference-repository.ts';
import { requirePermission, type Actor } from '../kernel/actor.ts';

export interface BodyProposals {
  /** The local authority the postcode lies in, with the postcode as typed (formatted). */
  localAuthority: { code: string; postcode: string } | null;
  /** The ICB of the GP practice, with the practice's code. */
  icb: { code: string; practiceCode: string } | null;
}

export function createBodyProposalService(db: Db) {
  return {
    async propose(actor: Actor, input: { postcode?: string | null; practiceCode?: string | null }): Promise<BodyProposals> {
      // Offered on the forms that add a person or record a new residence or GP registration.
      requirePermission(actor, can(actor.role, 'person:create') ? 'person:create' : 'person:update');
      const knownAs = async (code: string, type: string) => (await findOrganisationByCode(db, code))?.type === type;
      const postcode = (input.postcode ?? '').trim();
      const area = await localAuthorityForPostcode(db, postcodeLookupKeys(postcode));
      const practice = practiceLookupKey(input.practiceCode);
      const icb = practice ? await icbForPractice(db, practice) : undefined;
      return {
        localAuthority: area && (await knownAs(area.code, 'local-authority')) ? { code: area.code, postcode: formatPostcode(postcode) } : null,
        icb: icb && practice && (await knownAs(icb.code, 'icb')) ? { code: icb.code, practiceCode: practice } : null,
      };
    },
  };
}

export type BodyProposalService = ReturnType<typeof createBodyProposalService>;
