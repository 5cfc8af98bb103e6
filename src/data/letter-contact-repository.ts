// What a letter to the person names (LTR-1): the keyworker allocated now and the organisations the
// letter may name, as columns of the person's read-model statement (issue 14 item 3), so that a
// letter is read in one statement rather than one query per organisation.
import { sql, type RawBuilder } from 'kysely';
import { KEYWORKER_REASON, type KeyworkerRow } from './keyworkers-repository.ts';
import { withInstants, type Json } from './read-model-parts.ts';
import type { OrganisationRow } from './schema.ts';

/** The keyworker allocated now (as currentKeyworker) and organisations by code (as findOrganisationByCode). */
export interface LetterContactRows {
  keyworker: KeyworkerRow | undefined;
  /** A code not here is named by its code, as an organisation not on the register is. */
  organisations: ReadonlyMap<string, OrganisationRow>;
}

/**
 * LetterContactRows over the person `p`, aliased lc_keyworker and lc_organisations. The organisations
 * are every one a letter may name: the keyworker's, the sender's, and each body the person's facts
 * name, which the responsible bodies are derived from (residences' councils, GP registrations' ICBs,
 * responsibility decisions' bodies, the councils that arranged placements, MHA25-3); a handful of rows,
 * read before the aftercare is derived so that the letter needs no second query.
 */
export function letterContactColumns(senderOrganisationCode: string | null): RawBuilder<unknown> {
  return sql`(SELECT json_build_object('allocation_id', a.id, 'person_id', a.person_id, 'user_id', a.user_id, 'user_name', u.name, 'user_email', u.email, 'user_role', u.role,
          'organisation_code', o.code, 'organisation_name', o.name, 'allocated_at', a.allocated_at, 'ended_at', a.ended_at,
          'job_title', d.job_title, 'team', d.team, 'phone', d.phone, 'email', d.email)
        FROM person_allocations a JOIN users u ON u.id = a.user_id JOIN organisations o ON o.id = a.organisation_id
        LEFT JOIN keyworker_details d ON d.allocation_id = a.id
       WHERE a.person_id = p.id AND a.reason = ${KEYWORKER_REASON} AND a.ended_at IS NULL ORDER BY a.allocated_at DESC, a.id LIMIT 1) AS lc_keyworker,
      (SELECT coalesce(json_agg(o), '[]'::json) FROM organisations o
        WHERE o.code = ${senderOrganisationCode}::text
           OR o.id IN (SELECT a.organisation_id FROM person_allocations a WHERE a.person_id = p.id AND a.reason = ${KEYWORKER_REASON} AND a.ended_at IS NULL)
           OR o.code IN (SELECT r.local_authority_code FROM residences r WHERE r.person_id = p.id
                         UNION SELECT g.icb_code FROM gp_registrations g WHERE g.person_id = p.id
                         UNION SELECT d.local_authority_code FROM responsibility_decisions d WHERE d.person_id = p.id
                         UNION SELECT d.icb_code FROM responsibility_decisions d WHERE d.person_id = p.id
                         UNION SELECT pl.arranged_by_code FROM placements pl WHERE pl.person_id = p.id)) AS lc_organisations`;
}

export const LETTER_CONTACT_ALIASES = ['lc_keyworker', 'lc_organisations'] as const;

/** letterContactColumns back into the rows the per-table queries give. */
export function letterContactRowsOf(columns: Json): LetterContactRows {
  const keyworker = columns.lc_keyworker as Json | null;
  return {
    keyworker: keyworker ? (withInstants(keyworker, ['allocated_at', 'ended_at']) as unknown as KeyworkerRow) : undefined,
    organisations: new Map((columns.lc_organisations as Json[]).map((r) => [r.code as string, withInstants(r, ['created_at']) as unknown as OrganisationRow])),
  };
}
