// Who a person is in any list of people (caseload, planning needed...): the same six fields, named
// as the contract names them, so each list adds only what is particular to it.

interface PersonIdentityRow {
  id: string;
  nhs_number: string | null;
  local_id: string | null;
  given_name: string;
  family_name: string;
  date_of_birth: string;
}

export function personIdentity(r: PersonIdentityRow) {
  return { id: r.id, nhsNumber: r.nhs_number, localId: r.local_id, givenName: r.given_name, familyName: r.family_name, dateOfBirth: r.date_of_birth };
}
