// LTR-1, LTR-2 (issue 9 item 10): the named contact and the reference of a letter to the person, read
// in the caller's transaction: the allocated keyworker (PLAN-3) with their organisation's telephone,
// else the member of staff sending the letter, else the responsible body's section 117 team.
import { findOrganisationByCode } from '../../data/accounts-repository.ts';
import type { Db } from '../../data/database.ts';
import * as keyworkers from '../../data/keyworkers-repository.ts';
import type { LetterContactRows } from '../../data/letter-contact-repository.ts';
import type { IsoDate } from '../../domain/dates.ts';
import { letterContact, letterReference, type ContactOrganisation, type LetterContact, type LetterKindCode } from '../../domain/letters.ts';
import type { Actor } from './actor.ts';

/** Who sends a letter: a member of staff, or nobody (the person downloads their own letter, or a system account asks). */
export type LetterSender = Pick<Actor, 'name' | 'email' | 'organisationCode' | 'scopes'> | null;

type Bodies = readonly (string | null | undefined)[];

/** The member of staff named as the contact: a system account is not a person to call. */
function staffOf(sender: LetterSender) {
  return sender && !sender.scopes ? sender : null;
}

/** An organisation as a letter names it; one not on the register by its code. */
function organisation({ organisations }: LetterContactRows, code: string | null | undefined): ContactOrganisation | null {
  if (!code) return null;
  const row = organisations.get(code);
  return row ? { code: row.code, name: row.name, telephone: row.telephone, email: row.email } : { code, name: code, telephone: null, email: null };
}

/**
 * The keyworker allocated now and the organisations the contact may name (the keyworker's, the
 * sender's, the first body's), read one query each; `codes`: further organisations the letter names.
 */
export async function readLetterContactRows(trx: Db, personId: string, sender: LetterSender, bodies: Bodies, codes: Bodies = []): Promise<LetterContactRows> {
  const keyworker = await keyworkers.currentKeyworker(trx, personId);
  const organisations = new Map<string, NonNullable<Awaited<ReturnType<typeof findOrganisationByCode>>>>();
  for (const code of [keyworker?.organisation_code, staffOf(sender)?.organisationCode, bodies.find(Boolean), ...codes]) {
    if (!code || organisations.has(code)) continue;
    const row = await findOrganisationByCode(trx, code);
    if (row) organisations.set(code, row);
  }
  return { keyworker, organisations };
}

/** LTR-1 from the rows already read (a read model's): the contact a letter names; `bodies` are the responsible bodies' codes, local authority first. */
export function letterContactOf(rows: LetterContactRows, sender: LetterSender, bodies: Bodies): LetterContact {
  const k = rows.keyworker;
  const keyworker = k ? { name: k.user_name, jobTitle: k.job_title, team: k.team, phone: k.phone, email: k.email, organisation: organisation(rows, k.organisation_code)! } : null;
  const staffMember = staffOf(sender);
  const staff = staffMember ? { name: staffMember.name, email: staffMember.email, organisation: organisation(rows, staffMember.organisationCode)! } : null;
  const body = organisation(rows, bodies.find(Boolean));
  return letterContact({ keyworker, sender: staff, body });
}

/** LTR-1: the contact a letter names; `bodies` are the responsible bodies' codes, local authority first. */
export async function letterContactPart(trx: Db, personId: string, sender: LetterSender, bodies: Bodies): Promise<LetterContact> {
  return letterContactOf(await readLetterContactRows(trx, personId, sender, bodies), sender, bodies);
}

/** LTR-1 and LTR-2 together from the rows already read, for a letter's input. */
export function letterFootingOf(
  rows: LetterContactRows,
  personId: string,
  sender: LetterSender,
  bodies: Bodies,
  kind: LetterKindCode,
  which: { version: number } | { on: IsoDate },
): { contact: LetterContact; reference: string } {
  return { contact: letterContactOf(rows, sender, bodies), reference: letterReference(personId, kind, which) };
}
