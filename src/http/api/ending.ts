// Ending and reinstating aftercare and the approvals waiting (api-contract: "Ending and reinstating
// aftercare"; END-1 to END-6, MHA25-2). Complaints are in complaints.ts.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { APPROVAL_SIDES, REASON_CODES } from '../../domain/ending.ts';
import type { Services } from '../../services/index.ts';
import { ApprovalInput, EmptyInput, EndingDecisionInput, EndingProposalInput, NoticeInput, ReinstatementDecisionInput, ReinstatementInput } from '../../services/ending/ending-inputs.ts';
import { actorOf } from './request.ts';
import { END_REASONS, EPISODE_STATUSES } from '../../domain/aftercare.ts';
import { ProblemSchema, responses } from './schemas.ts';
import { DECISION_STATUSES } from '../../domain/ending.ts';

const READ = [400, 401, 403, 404] as const;
const WRITE = [400, 401, 403, 404, 409, 413, 422] as const;
const IsoDate = z.string().describe('A UK date, YYYY-MM-DD');
const Side = z.enum(APPROVAL_SIDES as ['local-authority', 'icb']);

const Params = z.object({ id: z.string().describe('The person’s id (UUID)'), episodeId: z.string().describe('The episode’s id (the legal status that opened it)') });
const ProposalParams = Params.extend({ proposalId: z.string() });
const ReinstatementParams = Params.extend({ reinstatementId: z.string() });

const ApprovalSchema = z.object({ side: Side, organisationCode: z.string(), approverId: z.string(), approvedAt: z.string(), approvedOn: IsoDate, comment: z.string().nullable().optional().describe('The approver’s comment') });
/** Issue 9 items 3 and 9: a refusal or a sending back, by whom, when, for which body, why. */
const DecisionSchema = z.object({
  outcome: z.enum(['refused', 'sent-back']),
  side: Side.nullable().describe('The body the approver decided for'),
  decidedBy: z.string().describe('The approver’s user id'),
  decidedAt: z.string().nullable(),
  reasons: z.string().nullable(),
}).nullable().describe('Set when an approver refused the decision or sent it back, with their reasons');
const EpisodeStateSchema = z.object({ id: z.string(), status: z.enum(EPISODE_STATUSES), endedOn: IsoDate.nullable(), endReason: z.enum(END_REASONS).nullable() });

export const EndingProposalSchema = z.object({
  id: z.string(),
  version: z.number().int(),
  personId: z.string(),
  episodeId: z.string(),
  reasonCode: z.enum(REASON_CODES),
  reasons: z.string(),
  reassessedOn: IsoDate,
  personInvolved: z.boolean(),
  personNotInvolvedReason: z.string().nullable(),
  involved: z.array(z.string()),
  continuingOutsideS117: z.string().nullable(),
  override: z.object({ reason: z.string() }).nullable(),
  proposedBy: z.string(),
  proposedAt: z.string(),
  status: z.enum(DECISION_STATUSES).describe('approved: both bodies approved (and, with MHA25-2 on, the joint notice was sent): aftercare ended'),
  approvals: z.array(ApprovalSchema).describe('One per side at most (END-1)'),
  awaiting: z.array(Side).describe('Sides that have not approved yet'),
  jointNoticeRequired: z.boolean().describe('MHA25-2 in force (a setting)'),
  awaitingNotice: z.boolean(),
  noticeSentOn: IsoDate.nullable(),
  endedOn: IsoDate.nullable(),
  decision: DecisionSchema,
});
const ApprovalResult = EndingProposalSchema.extend({ created: z.boolean().describe('false: this side had already approved; nothing changed'), episode: EpisodeStateSchema });

export const ReinstatementSchema = z.object({
  id: z.string(),
  version: z.number().int(),
  personId: z.string(),
  episodeId: z.string(),
  reasons: z.string(),
  requestedBy: z.string(),
  requestedAt: z.string(),
  status: z.enum(DECISION_STATUSES),
  approvals: z.array(ApprovalSchema),
  awaiting: z.array(Side),
  reinstatedOn: IsoDate.nullable(),
  decision: DecisionSchema,
});
const ReinstatementApprovalResult = ReinstatementSchema.extend({ created: z.boolean(), episode: EpisodeStateSchema });

const PendingSchema = z.object({
  items: z.array(z.object({
    kind: z.enum(['ending', 'reinstatement']),
    id: z.string(),
    person: z.object({ id: z.string(), givenName: z.string(), familyName: z.string(), nhsNumber: z.string().nullable() }),
    side: Side.describe('The side the caller signs for'),
    episode: EpisodeStateSchema,
  }).loose()),
  nextCursor: z.string().nullable(),
});

const list = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });
const LetterQuery = z.object({ largePrint: z.enum(['true', 'false']).optional().describe('Large print') });
const pdf = (description: string) => ({
  200: { description, content: { 'application/pdf': { schema: z.string().describe('A tagged, accessible PDF') } } },
  ...Object.fromEntries(READ.map((code) => [code, { description: 'A problem', content: { 'application/problem+json': { schema: ProblemSchema } } }])),
});

export function registerEndingApi(api: FastifyInstance, services: Services): void {
  const tags = ['Ending aftercare'];
  const p = (request: FastifyRequest) => request.params as Record<string, string>;
  const base = '/people/:id/episodes/:episodeId';

  api.post(`${base}/ending-proposals`, { config: { personVisibilityInUseCase: true }, schema: { tags, summary: 'Propose ending aftercare (END-2, END-3, END-4 refusals name their rule)', params: Params, body: EndingProposalInput, response: responses(201, 'The proposal, waiting for both bodies', EndingProposalSchema, WRITE) } }, async (request, reply) => {
    const { id, episodeId } = p(request);
    return reply.status(201).send(await services.ending.propose(actorOf(request), id!, episodeId!, request.body));
  });

  api.get(`${base}/ending-proposals`, { config: { personVisibilityInUseCase: true }, schema: { tags, summary: 'The proposals to end this episode’s aftercare', params: Params, response: responses(200, 'The proposals', list(EndingProposalSchema), READ) } }, async (request) => {
    const { id, episodeId } = p(request);
    return services.ending.list(actorOf(request), id!, episodeId!);
  });

  api.get(`${base}/ending-proposals/:proposalId`, { config: { personVisibilityInUseCase: true }, schema: { tags, summary: 'One proposal', params: ProposalParams, response: responses(200, 'The proposal', EndingProposalSchema, READ) } }, async (request) => {
    const { id, episodeId, proposalId } = p(request);
    return services.ending.get(actorOf(request), id!, episodeId!, proposalId!);
  });

  api.post(
    `${base}/ending-proposals/:proposalId/approvals`,
    { config: { personVisibilityInUseCase: true }, schema: { tags, summary: 'Approve for the caller’s body (END-1): 201 when recorded, 200 when that side had already approved (nothing changes); 403 for any other organisation', params: ProposalParams, body: ApprovalInput, response: { ...responses(201, 'The approval was recorded; the proposal and the episode status', ApprovalResult, WRITE), 200: { description: 'That side had already approved: nothing changed', content: { 'application/json': { schema: ApprovalResult } } } } } },
    async (request, reply) => {
      const { id, episodeId, proposalId } = p(request);
      const result = await services.ending.approve(actorOf(request), id!, episodeId!, proposalId!, request.body ?? {});
      return (reply as FastifyReply).status(result.created ? 201 : 200).send(result);
    },
  );

  api.post(`${base}/ending-proposals/:proposalId/decision`, { config: { personVisibilityInUseCase: true }, schema: { tags, summary: 'Refuse a proposal to end aftercare (it continues), or send it back for reassessment, with reasons, for the caller’s body; 403 for any other organisation, 409 once it is no longer waiting', params: ProposalParams, body: EndingDecisionInput, response: responses(200, 'The proposal, refused or sent back', EndingProposalSchema, WRITE) } }, async (request) => {
    const { id, episodeId, proposalId } = p(request);
    return services.ending.decide(actorOf(request), id!, episodeId!, proposalId!, request.body);
  });

  api.post(`${base}/ending-proposals/:proposalId/withdrawal`, { config: { personVisibilityInUseCase: true }, schema: { tags, summary: 'Withdraw a proposal that is still waiting', params: ProposalParams, body: EmptyInput, response: responses(200, 'The proposal, withdrawn', EndingProposalSchema, WRITE) } }, async (request) => {
    const { id, episodeId, proposalId } = p(request);
    return services.ending.withdraw(actorOf(request), id!, episodeId!, proposalId!);
  });

  api.post(`${base}/ending-proposals/:proposalId/notice`, { config: { personVisibilityInUseCase: true }, schema: { tags, summary: 'Record that the joint written notice was sent (MHA25-2: with the setting on, aftercare ends on that day)', params: ProposalParams, body: NoticeInput, response: responses(200, 'The proposal and the episode status', ApprovalResult.omit({ created: true }), WRITE) } }, async (request) => {
    const { id, episodeId, proposalId } = p(request);
    return services.ending.recordNotice(actorOf(request), id!, episodeId!, proposalId!, request.body);
  });

  api.get(`${base}/ending-proposals/:proposalId/letter`, { config: { personVisibilityInUseCase: true }, schema: { tags, summary: 'The decision letter to the person (PDF); the joint written notice with MHA25-2 on', params: ProposalParams, querystring: LetterQuery, response: pdf('The decision letter') } }, async (request, reply) => {
    const { id, episodeId, proposalId } = p(request);
    const largePrint = (request.query as { largePrint?: string } | undefined)?.largePrint === 'true';
    const body = await services.ending.letter(actorOf(request), id!, episodeId!, proposalId!, { largePrint });
    return reply.type('application/pdf').header('content-disposition', `inline; filename="aftercare-ending-decision${largePrint ? '-large-print' : ''}.pdf"`).header('cache-control', 'no-store').send(body);
  });

  api.post(`${base}/reinstatements`, { config: { personVisibilityInUseCase: true }, schema: { tags, summary: 'Ask for jointly ended aftercare to be reinstated (END-6, CONTESTED)', params: Params, body: ReinstatementInput, response: responses(201, 'The reinstatement, waiting for both bodies', ReinstatementSchema, WRITE) } }, async (request, reply) => {
    const { id, episodeId } = p(request);
    return reply.status(201).send(await services.ending.reinstate(actorOf(request), id!, episodeId!, request.body));
  });

  api.get(`${base}/reinstatements`, { config: { personVisibilityInUseCase: true }, schema: { tags, summary: 'Reinstatements of this episode', params: Params, response: responses(200, 'The reinstatements', list(ReinstatementSchema), READ) } }, async (request) => {
    const { id, episodeId } = p(request);
    return services.ending.listReinstatements(actorOf(request), id!, episodeId!);
  });

  api.post(
    `${base}/reinstatements/:reinstatementId/approvals`,
    { config: { personVisibilityInUseCase: true }, schema: { tags, summary: 'Approve a reinstatement for the caller’s body (END-6), with an optional comment: once both have, the episode is active again', params: ReinstatementParams, body: ApprovalInput, response: { ...responses(201, 'The approval was recorded', ReinstatementApprovalResult, WRITE), 200: { description: 'That side had already approved: nothing changed', content: { 'application/json': { schema: ReinstatementApprovalResult } } } } } },
    async (request, reply) => {
      const { id, episodeId, reinstatementId } = p(request);
      const result = await services.ending.approveReinstatement(actorOf(request), id!, episodeId!, reinstatementId!, request.body ?? {});
      return (reply as FastifyReply).status(result.created ? 201 : 200).send(result);
    },
  );

  api.post(`${base}/reinstatements/:reinstatementId/decision`, { config: { personVisibilityInUseCase: true }, schema: { tags, summary: 'Refuse a request to reinstate aftercare (it stays ended), or send it back to be reconsidered, with reasons, for the caller’s body (END-6); 403 for any other organisation, 409 once it is no longer waiting', params: ReinstatementParams, body: ReinstatementDecisionInput, response: responses(200, 'The reinstatement, refused or sent back', ReinstatementSchema, WRITE) } }, async (request) => {
    const { id, episodeId, reinstatementId } = p(request);
    return services.ending.decideReinstatement(actorOf(request), id!, episodeId!, reinstatementId!, request.body);
  });

  api.get('/approvals/pending', { schema: { tags, summary: 'Endings and reinstatements waiting for the caller’s organisation to approve', response: responses(200, 'Waiting for your approval', PendingSchema, [401, 403]) } }, async (request) =>
    services.ending.pendingApprovals(actorOf(request)),
  );
}
