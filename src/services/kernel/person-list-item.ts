// Who a person is in any list of people (caseload, planning needed...): the same six fields, named
// as the contract names them, so each list adds only what is particular to it.
import type { PersonRow } from '../../data/schema.ts';

type PersonIdentityRow = Pick<PersonRow, 'id' | 'nhs_number' | 'local_id' | 'given_name' | 'family_name' | 'date_of_birth'>;

export function personIdentity(r: PersonIdentityRow) {
  return { id: r.id, nhsNumber: r.nhs_number, localId: r.local_id, givenName: r.given_name, familyName: r.family_name, dateOfBirth: r.date_of_birth };
}
