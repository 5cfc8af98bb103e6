// LTR-1, LTR-2 (issue 9 item 10): the named contact and the reference of a letter to the person, read
// in the caller's transaction: the allocated keyworker (PLAN-3) with their organisation's telephone,
// else the member of staff sending the letter, else the responsible body's section 117 team.
import { findOrganisationByCode } from '../../data/accounts-repository.ts';
import type { Db } from '../../data/database.ts';
import * as keyworkers from '../../data/keyworkers-repository.ts';
import type { IsoDate } from '../../domain/dates.ts';
import { letterContact, letterReference, type ContactOrganisation, type LetterContact, type LetterKindCode } from '../../domain/letters.ts';
import type { Actor } from './actor.ts';

/** Who sends a letter: a member of staff, or nobody (the person downloads their own letter, or a system account asks). */
export type LetterSender = Pick<Actor, 'name' | 'email' | 'organisationCode' | 'scopes'> | null;

async function organisation(trx: Db, code: string | null | undefined): Promise<ContactOrganisation | null> {
  if (!code) return null;
  const row = await findOrganisationByCode(trx, code);
  return row ? { code: row.code, name: row.name, telephone: row.telephone, email: row.email } : { code, name: code, telephone: null, email: null };
}

/** LTR-1: the contact a letter names; `bodies` are the responsible bodies' codes, local authority first. */
export async function letterContactPart(trx: Db, personId: string, sender: LetterSender, bodies: readonly (string | null | undefined)[]): Promise<LetterContact> {
  const k = await keyworkers.currentKeyworker(trx, personId);
  const keyworker = k
    ? { name: k.user_name, jobTitle: k.job_title, team: k.team, phone: k.phone, email: k.email, organisation: (await organisation(trx, k.organisation_code))! }
    : null;
  // A system account is not a person to call.
  const staff = sender && !sender.scopes ? { name: sender.name, email: sender.email, organisation: (await organisation(trx, sender.organisationCode))! } : null;
  let body: ContactOrganisation | null = null;
  for (const code of bodies) {
    body = await organisation(trx, code);
    if (body) break;
  }
  return letterContact({ keyworker, sender: staff, body });
}

/** LTR-1 and LTR-2 together, for a letter's input. */
export async function letterFooting(
  trx: Db,
  personId: string,
  sender: LetterSender,
  bodies: readonly (string | null | undefined)[],
  kind: LetterKindCode,
  which: { version: number } | { on: IsoDate },
): Promise<{ contact: LetterContact; reference: string }> {
  return { contact: await letterContactPart(trx, personId, sender, bodies), reference: letterReference(personId, kind, which) };
}
