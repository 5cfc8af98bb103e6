// Proposals to end aftercare, reinstatements and their approvals (END-1, END-6, MHA25-2).
import { sql, type RawBuilder } from 'kysely';
import type { Db } from './database.ts';
import { LETTER_CONTACT_ALIASES, letterContactColumns, letterContactRowsOf, type LetterContactRows } from './letter-contact-repository.ts';
import { partsTogether, withInstants, type Json, type ReadModelPart } from './read-model-parts.ts';
import type { EndingApprovalRow, EndingProposalRow, ReinstatementApprovalRow, ReinstatementRow } from './schema.ts';

export type Side = 'local-authority' | 'icb';

export interface NewEndingProposal {
  id: string;
  personId: string;
  episodeId: string;
  reasonCode: string;
  reasons: string;
  reassessedOn: string;
  personInvolved: boolean;
  personNotInvolvedReason: string | null;
  involved: string[];
  continuingOutsideS117: string | null;
  overrideReason: string | null;
  proposedBy: string;
  proposedAt: Date;
  /** END-7: the s117 services that carry on outside s117 once aftercare ends. */
  continuingServiceIds?: readonly string[];
}

export async function insertEndingProposal(db: Db, p: NewEndingProposal): Promise<void> {
  await db.insertInto('ending_proposals').values({
    id: p.id,
    person_id: p.personId,
    episode_id: p.episodeId,
    reason_code: p.reasonCode,
    reasons: p.reasons,
    reassessed_on: p.reassessedOn,
    person_involved: p.personInvolved,
    person_not_involved_reason: p.personNotInvolvedReason,
    involved: JSON.stringify(p.involved),
    continuing_outside_s117: p.continuingOutsideS117,
    override_reason: p.overrideReason,
    proposed_by: p.proposedBy,
    proposed_at: p.proposedAt,
    notice_sent_on: null,
    notice_recorded_by: null,
    ended_on: null,
    withdrawn_by: null,
    withdrawn_at: null,
    continuing_service_ids: JSON.stringify(p.continuingServiceIds ?? []),
    decided_at: null,
  }).execute();
}

export function findEndingProposal(db: Db, id: string): Promise<EndingProposalRow | undefined> {
  return db.selectFrom('ending_proposals').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The proposal, locked until the transaction ends: two approvers at once take turns (END-1). */
export function lockEndingProposal(db: Db, id: string): Promise<EndingProposalRow | undefined> {
  return db.selectFrom('ending_proposals').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export function listEndingProposals(db: Db, personId: string, episodeId?: string): Promise<EndingProposalRow[]> {
  let q = db.selectFrom('ending_proposals').selectAll().where('person_id', '=', personId);
  if (episodeId) q = q.where('episode_id', '=', episodeId);
  return q.orderBy('proposed_at').orderBy('id').execute();
}

export function pendingEndingProposal(db: Db, episodeId: string): Promise<EndingProposalRow | undefined> {
  return db.selectFrom('ending_proposals').selectAll().where('episode_id', '=', episodeId).where('status', '=', 'pending').executeTakeFirst();
}

export async function updateEndingProposal(
  db: Db,
  id: string,
  changes: Partial<Pick<EndingProposalRow, 'status' | 'notice_sent_on' | 'notice_recorded_by' | 'ended_on' | 'withdrawn_by' | 'withdrawn_at' | 'decided_by' | 'decided_at' | 'decision_side' | 'decision_reasons'>>,
): Promise<void> {
  await db.updateTable('ending_proposals').set({ ...changes, version: sql`version + 1` }).where('id', '=', id).execute();
}

export function endingApprovals(db: Db, proposalIds: readonly string[]): Promise<EndingApprovalRow[]> {
  if (proposalIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('ending_approvals').selectAll().where('proposal_id', 'in', proposalIds).orderBy('approved_at').execute();
}

/** Records a side's approval; false when that side had already approved (UNIQUE (proposal_id, side)). */
export async function insertEndingApproval(db: Db, a: { id: string; proposalId: string; side: Side; organisationCode: string; approverId: string; approvedAt: Date; approvedOn: string; comment?: string | null }): Promise<boolean> {
  const result = await db.insertInto('ending_approvals').values({
    id: a.id, proposal_id: a.proposalId, side: a.side, organisation_code: a.organisationCode, approver_id: a.approverId, approved_at: a.approvedAt, approved_on: a.approvedOn, comment: a.comment ?? null,
  }).onConflict((oc) => oc.columns(['proposal_id', 'side']).doNothing()).executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

// Reinstatements (END-6)

export async function insertReinstatement(db: Db, r: { id: string; personId: string; episodeId: string; reasons: string; requestedBy: string; requestedAt: Date }): Promise<void> {
  await db.insertInto('reinstatements').values({
    id: r.id, person_id: r.personId, episode_id: r.episodeId, reasons: r.reasons, requested_by: r.requestedBy, requested_at: r.requestedAt, reinstated_on: null,
  }).execute();
}

export function findReinstatement(db: Db, id: string): Promise<ReinstatementRow | undefined> {
  return db.selectFrom('reinstatements').selectAll().where('id', '=', id).executeTakeFirst();
}

export function lockReinstatement(db: Db, id: string): Promise<ReinstatementRow | undefined> {
  return db.selectFrom('reinstatements').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export function pendingReinstatement(db: Db, episodeId: string): Promise<ReinstatementRow | undefined> {
  return db.selectFrom('reinstatements').selectAll().where('episode_id', '=', episodeId).where('status', '=', 'pending').executeTakeFirst();
}

export async function updateReinstatement(
  db: Db,
  id: string,
  changes: Partial<Pick<ReinstatementRow, 'status' | 'reinstated_on' | 'decided_by' | 'decided_at' | 'decision_side' | 'decision_reasons'>>,
): Promise<void> {
  await db.updateTable('reinstatements').set({ ...changes, version: sql`version + 1` }).where('id', '=', id).execute();
}

export function reinstatementApprovals(db: Db, ids: readonly string[]): Promise<ReinstatementApprovalRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('reinstatement_approvals').selectAll().where('reinstatement_id', 'in', ids).orderBy('approved_at').execute();
}

export async function insertReinstatementApproval(db: Db, a: { id: string; reinstatementId: string; side: Side; organisationCode: string; approverId: string; approvedAt: Date; approvedOn: string; comment?: string | null }): Promise<boolean> {
  const result = await db.insertInto('reinstatement_approvals').values({
    id: a.id, reinstatement_id: a.reinstatementId, side: a.side, organisation_code: a.organisationCode, approver_id: a.approverId, approved_at: a.approvedAt, approved_on: a.approvedOn, comment: a.comment ?? null,
  }).onConflict((oc) => oc.columns(['reinstatement_id', 'side']).doNothing()).executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** END-1, END-6: the approved endings and reinstatements, as facts for the entitlement engine. */
export async function endingFacts(db: Db, personId: string): Promise<{ jointEndings: { episodeId: string; endedOn: string }[]; reinstatements: { episodeId: string; reinstatedOn: string }[] }> {
  const [endings, reinstated] = await Promise.all([
    db.selectFrom('ending_proposals').select(['episode_id', 'ended_on']).where('person_id', '=', personId).where('status', '=', 'approved').execute(),
    db.selectFrom('reinstatements').select(['episode_id', 'reinstated_on']).where('person_id', '=', personId).where('status', '=', 'approved').execute(),
  ]);
  return {
    jointEndings: endings.filter((e) => e.ended_on !== null).map((e) => ({ episodeId: e.episode_id, endedOn: e.ended_on as string })),
    reinstatements: reinstated.filter((r) => r.reinstated_on !== null).map((r) => ({ episodeId: r.episode_id, reinstatedOn: r.reinstated_on as string })),
  };
}

/** Pending proposals and reinstatements for episodes whose responsible body is one of `codes` (narrowed further in the service). */
export async function pendingForPeople(db: Db, personIds: readonly string[] | null) {
  let proposals = db.selectFrom('ending_proposals').selectAll().where('status', '=', 'pending');
  let reinstatements = db.selectFrom('reinstatements').selectAll().where('status', '=', 'pending');
  if (personIds !== null) {
    if (personIds.length === 0) return { proposals: [], reinstatements: [] };
    proposals = proposals.where('person_id', 'in', personIds);
    reinstatements = reinstatements.where('person_id', 'in', personIds);
  }
  const [p, r] = await Promise.all([proposals.orderBy('proposed_at').execute(), reinstatements.orderBy('requested_at').execute()]);
  return { proposals: p, reinstatements: r };
}

/** People with something pending whom an organisation can see. */
export async function peopleWithPending(db: Db, organisationCode: string | null): Promise<string[]> {
  const ids = db.selectFrom('ending_proposals').select('person_id').where('status', '=', 'pending')
    .union(db.selectFrom('reinstatements').select('person_id').where('status', '=', 'pending'));
  const rows = await db.selectFrom(ids.as('pending')).select('pending.person_id')
    .$if(organisationCode !== null, (q) => q.where((eb) => eb.exists(eb.selectFrom('person_organisations').select(sql`1`.as('one')).whereRef('person_organisations.person_id', '=', 'pending.person_id').where('person_organisations.organisation_code', '=', organisationCode as string))))
    .execute();
  return [...new Set(rows.map((r) => r.person_id))];
}

/**
 * Whether a proposal (or reinstatement) with this id exists for this person and episode, whoever
 * can see the person: the approvals tell an approver of another area 403 rather than 404 for one.
 */
export async function decisionExists(db: Db, table: 'ending_proposals' | 'reinstatements', personId: string, episodeId: string, id: string): Promise<boolean> {
  const row = await db.selectFrom(table).select('id').where('id', '=', id).where('person_id', '=', personId).where('episode_id', '=', episodeId).executeTakeFirst();
  return row !== undefined;
}

// The ending reads' rows in the person's read-model statement (issue 14 item 3: the read model and
// its audit event, not one query per table). An id from the address is a bound parameter, null when
// it is not a UUID (it then matches nothing, as the per-table queries are never asked).

/** The timestamps of each table, which JSON carries as text. */
const PROPOSAL_INSTANTS = ['proposed_at', 'withdrawn_at', 'decided_at'] as const;
const REINSTATEMENT_INSTANTS = ['requested_at', 'decided_at'] as const;
const APPROVAL_INSTANTS = ['approved_at'] as const;

const rowsWithInstants = <T>(rows: unknown, instants: readonly string[]) => (rows as Json[]).map((r) => withInstants(r, instants) as unknown as T);

/** Proposals (as listEndingProposals) and their approvals (as endingApprovals). */
export interface ProposalsRows { proposals: EndingProposalRow[]; approvals: EndingApprovalRow[] }

/** The person's proposals and their approvals, narrowed by `where` over the proposal `t`. */
function proposalsPartWhere(where: RawBuilder<unknown>): ReadModelPart<ProposalsRows> {
  return {
    columns: sql`(SELECT coalesce(json_agg(t ORDER BY t.proposed_at, t.id), '[]'::json) FROM ending_proposals t WHERE t.person_id = p.id${where}) AS en_proposals,
      (SELECT coalesce(json_agg(a ORDER BY a.approved_at), '[]'::json) FROM ending_approvals a JOIN ending_proposals t ON t.id = a.proposal_id
        WHERE t.person_id = p.id${where}) AS en_approvals`,
    aliases: ['en_proposals', 'en_approvals'],
    decode: (columns) => ({
      proposals: rowsWithInstants<EndingProposalRow>(columns.en_proposals, PROPOSAL_INSTANTS),
      approvals: rowsWithInstants<EndingApprovalRow>(columns.en_approvals, APPROVAL_INSTANTS),
    }),
  };
}

export function episodeProposalsPart(episodeId: string | null): ReadModelPart<ProposalsRows> {
  return proposalsPartWhere(sql` AND t.episode_id = ${episodeId}::uuid`);
}

/** Reinstatements (oldest request first) and their approvals (as reinstatementApprovals). */
export interface ReinstatementsRows { reinstatements: ReinstatementRow[]; approvals: ReinstatementApprovalRow[] }

/** The person's reinstatements and their approvals, narrowed by `where` over the reinstatement `t`. */
function reinstatementsPartWhere(where: RawBuilder<unknown>): ReadModelPart<ReinstatementsRows> {
  return {
    columns: sql`(SELECT coalesce(json_agg(t ORDER BY t.requested_at, t.id), '[]'::json) FROM reinstatements t WHERE t.person_id = p.id${where}) AS en_reinstatements,
      (SELECT coalesce(json_agg(a ORDER BY a.approved_at), '[]'::json) FROM reinstatement_approvals a JOIN reinstatements t ON t.id = a.reinstatement_id
        WHERE t.person_id = p.id${where}) AS en_reinstatement_approvals`,
    aliases: ['en_reinstatements', 'en_reinstatement_approvals'],
    decode: (columns) => ({
      reinstatements: rowsWithInstants<ReinstatementRow>(columns.en_reinstatements, REINSTATEMENT_INSTANTS),
      approvals: rowsWithInstants<ReinstatementApprovalRow>(columns.en_reinstatement_approvals, APPROVAL_INSTANTS),
    }),
  };
}

export function episodeReinstatementsPart(episodeId: string | null): ReadModelPart<ReinstatementsRows> {
  return reinstatementsPartWhere(sql` AND t.episode_id = ${episodeId}::uuid`);
}

/** Every one of the person's proposals and reinstatements with their approvals (the ending page). */
export const ENDINGS_PART = partsTogether({ proposals: proposalsPartWhere(sql``), reinstatements: reinstatementsPartWhere(sql``) });
export type EndingsRows = { proposals: ProposalsRows; reinstatements: ReinstatementsRows };

/** The person's proposal with this id (as findEndingProposal; undefined when not theirs) and its approvals (as endingApprovals). */
export interface ProposalRows { proposal: EndingProposalRow | undefined; approvals: EndingApprovalRow[] }

export function proposalRowsPart(proposalId: string | null): ReadModelPart<ProposalRows> {
  return {
    columns: sql`(SELECT row_to_json(t) FROM ending_proposals t WHERE t.id = ${proposalId}::uuid AND t.person_id = p.id) AS en_proposal,
      (SELECT coalesce(json_agg(a ORDER BY a.approved_at), '[]'::json) FROM ending_approvals a JOIN ending_proposals t ON t.id = a.proposal_id
        WHERE t.id = ${proposalId}::uuid AND t.person_id = p.id) AS en_proposal_approvals`,
    aliases: ['en_proposal', 'en_proposal_approvals'],
    decode: (columns) => ({
      proposal: columns.en_proposal ? (withInstants(columns.en_proposal as Json, PROPOSAL_INSTANTS) as unknown as EndingProposalRow) : undefined,
      approvals: rowsWithInstants<EndingApprovalRow>(columns.en_proposal_approvals, APPROVAL_INSTANTS),
    }),
  };
}

/** What the decision letter reads besides the facts: the proposal and its approvals, and whom the letter names (LTR-1). */
export interface EndingLetterRows extends ProposalRows { contact: LetterContactRows }

export function endingLetterRowsPart(proposalId: string | null, senderOrganisationCode: string | null): ReadModelPart<EndingLetterRows> {
  const proposal = proposalRowsPart(proposalId);
  return {
    columns: sql`${proposal.columns},
      ${letterContactColumns(senderOrganisationCode)}`,
    aliases: [...proposal.aliases, ...LETTER_CONTACT_ALIASES],
    decode: (columns) => ({ ...proposal.decode(columns), contact: letterContactRowsOf(columns) }),
  };
}

/** The names of the staff who asked, approved or decided, by user id (shown with their approvals: who, when, for which body). */
export type StaffNames = Map<string, { name: string; organisation: string }>;

/** The names (and organisations) of the users `u` for whom `whose` holds, as one JSON column. */
function staffNamesColumn(whose: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`(SELECT coalesce(json_agg(json_build_object('id', u.id, 'name', u.name, 'organisation', o.name)), '[]'::json)
    FROM users u JOIN organisations o ON o.id = u.organisation_id WHERE ${whose})`;
}

const staffNamesOf = (column: unknown): StaffNames =>
  new Map((column as { id: string; name: string; organisation: string }[]).map((r) => [r.id, { name: r.name, organisation: r.organisation }]));

/** `part` with the names of the users for whom `whose` holds, decoded as `names`. */
function withStaffNames<E>(part: ReadModelPart<E>, whose: RawBuilder<unknown>, alias: string): ReadModelPart<E & { names: StaffNames }> {
  return {
    columns: sql`${part.columns},
      ${staffNamesColumn(whose)} AS ${sql.raw(alias)}`,
    aliases: [...part.aliases, alias],
    decode: (columns) => ({ ...part.decode(columns), names: staffNamesOf(columns[alias]) }),
  };
}

/** What an approver reads of a proposal before deciding: the proposal and its approvals (proposalRowsPart) and who proposed, approved and decided. */
export interface ProposalDecisionRows extends ProposalRows { names: StaffNames }

export function proposalDecisionRowsPart(proposalId: string | null): ReadModelPart<ProposalDecisionRows> {
  const proposal = proposalRowsPart(proposalId);
  const whose = sql`EXISTS (SELECT 1 FROM ending_proposals t WHERE t.id = ${proposalId}::uuid AND t.person_id = p.id
    AND (u.id IN (t.proposed_by, t.decided_by) OR u.id IN (SELECT a.approver_id FROM ending_approvals a WHERE a.proposal_id = t.id)))`;
  return withStaffNames(proposal, whose, 'en_proposal_names');
}

/** What an approver reads of a request to reinstate before deciding: the request (undefined when not the person's), its approvals and who asked, approved and decided. */
export interface ReinstatementDecisionRows { reinstatement: ReinstatementRow | undefined; approvals: ReinstatementApprovalRow[]; names: StaffNames }

export function reinstatementDecisionRowsPart(reinstatementId: string | null): ReadModelPart<ReinstatementDecisionRows> {
  const matching = reinstatementsPartWhere(sql` AND t.id = ${reinstatementId}::uuid`);
  const reinstatement: ReadModelPart<Omit<ReinstatementDecisionRows, 'names'>> = {
    ...matching,
    decode: (columns) => {
      const { reinstatements, approvals } = matching.decode(columns);
      return { reinstatement: reinstatements[0], approvals };
    },
  };
  const whose = sql`EXISTS (SELECT 1 FROM reinstatements t WHERE t.id = ${reinstatementId}::uuid AND t.person_id = p.id
    AND (u.id IN (t.requested_by, t.decided_by) OR u.id IN (SELECT a.approver_id FROM reinstatement_approvals a WHERE a.reinstatement_id = t.id)))`;
  return withStaffNames(reinstatement, whose, 'en_reinstatement_names');
}
