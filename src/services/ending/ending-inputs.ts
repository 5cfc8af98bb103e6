// Input schemas for ending and reinstating aftercare (api-contract: "Ending and reinstating
// aftercare"). Shared by the API (and its OpenAPI document) and the pages.
import { z } from 'zod';
import { REASON_CODES } from '../../domain/ending.ts';
import { IsoDateInput } from '../people/people-inputs.ts';

const text = (max: number) => z.string().trim().max(max, `Use ${max} characters or fewer`);
const optionalText = (max: number) => text(max).transform((s) => (s === '' ? null : s)).nullable().optional();

export const EndingProposalInput = z.object({
  reasonCode: z.enum(REASON_CODES).describe('no-longer-needed, or one of the reasons END-3 forbids (refused with 422)'),
  reasons: text(5000).describe('Why the person no longer needs aftercare (END-4)'),
  reassessedOn: IsoDateInput.nullable().optional().describe('The date of the reassessment of needs (END-4); required'),
  personInvolved: z.boolean().describe('Whether the person was involved in the decision (END-4)'),
  personNotInvolvedReason: optionalText(2000).describe('Why not, when the person was not involved'),
  involved: z.array(text(200).min(1, 'Enter who was involved')).max(30).optional().default([]).describe('Who else was involved: carers, family, advocate, professionals'),
  continuingOutsideS117: optionalText(2000).describe('Services that carry on outside section 117 (they may then be charged for)'),
  override: z.object({ reason: text(2000) }).nullable().optional().describe('END-2: why aftercare may end although the person is conditionally discharged'),
  continuingServiceIds: z.array(z.uuid()).max(50).optional().default([]).describe('END-7: the s117 services that carry on outside section 117 once aftercare ends; every other s117 service ends with it'),
});
export type EndingProposalData = z.output<typeof EndingProposalInput>;

export const NoticeInput = z.object({ sentOn: IsoDateInput.describe('The day the joint written notice was sent to the person (MHA25-2)') });

export const ReinstatementInput = z.object({ reasons: text(5000).describe('Why aftercare should be put back in place (END-6)') });

export const EmptyInput = z.object({}).describe('No fields');

/** END-1: an approval for the approver's body, with their comment (optional). */
export const ApprovalInput = z.object({ comment: optionalText(2000).describe('The approver’s comment, kept with the approval') });

/** Issue 9 item 3: an approver refuses a proposal to end aftercare, or sends it back for reassessment, with reasons. */
export const EndingDecisionInput = z.object({
  outcome: z.enum(['refused', 'sent-back']).describe('refused: aftercare continues; sent-back: reassess and propose again'),
  reasons: text(5000).min(1, 'Say why').describe('Why, for the proposer and the record'),
});

/** Issue 9 items 3 and 9: an approver refuses a request to reinstate aftercare, or sends it back to be reconsidered, with reasons (END-6). */
export const ReinstatementDecisionInput = z.object({
  outcome: z.enum(['refused', 'sent-back']).describe('refused: aftercare stays ended; sent-back: reconsider, and ask again if it is still needed'),
  reasons: text(5000).min(1, 'Say why').describe('Why, for the person who asked and the record'),
});
