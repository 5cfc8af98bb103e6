// Success banners after a change (issue 9 item 4): the page a form redirects to says what was done.
// The redirect sets a short-lived cookie holding a fixed key (`person-added`), never personal data, and
// the next page shows the words kept here and clears it; an unknown key shows nothing. URLs stay as they were.
import type { FastifyReply } from 'fastify';

export const SUCCESS_MESSAGES = {
  'person-added': 'Person added to the register',
  'person-updated': 'Details saved',
  'admission-added': 'Hospital stay recorded',
  'discharge-recorded': 'Leaving hospital recorded',
  'legal-status-added': 'Legal status recorded',
  'legal-status-ended': 'End of the legal status recorded',
  'leave-added': 'Section 17 leave recorded',
  'responsibility-confirmed': 'Responsibility confirmed',
  'placement-recorded': { text: 'Placement recorded', href: '#placements', linkText: 'See their placements' },
  'referral-updated': 'Referral updated',
  'subscription-stopped': 'Notifications stopped',
  'placement-ended': { text: 'End of the placement recorded', href: '#placements', linkText: 'See their placements' },
  'meeting-scheduled': 'Planning meeting scheduled',
  'meeting-recorded': 'Planning meeting recorded',
  'plan-saved': 'Plan saved',
  'plan-finalised': 'Plan finalised',
  'keyworker-allocated': 'Keyworker allocated',
  'ending-proposed': 'Proposal to end aftercare sent for approval',
  'ending-approved': 'Your approval is recorded',
  'ending-refused': 'Your refusal is recorded',
  'ending-sent-back': 'The proposal is sent back for reassessment',
  'ending-withdrawn': 'Proposal withdrawn',
  'reinstatement-requested': 'Request to reinstate aftercare sent for approval',
  'reinstatement-approved': 'Your approval is recorded',
  'reinstatement-refused': 'Your refusal is recorded: aftercare stays ended',
  'reinstatement-sent-back': 'The request is sent back to be reconsidered',
  'review-recorded': 'Review recorded',
  'service-saved': 'Service saved',
  'refund-paid': 'Refund recorded as paid',
  'payment-recorded': 'Payment recorded',
  'organisation-contact-saved': 'Contact details saved: letters give them from now on',
  // RESP-6 (issue 15 probe 7): naming a different body for the other body's part opened a dispute.
  'responsibility-dispute-opened': { text: 'A dispute has been opened with the other body about its part of the responsibility', href: '#disputes', linkText: 'See the dispute' },
} as const;

export type SuccessKey = keyof typeof SUCCESS_MESSAGES;

/** The short-lived cookie that carries the key to the next page (a flash): no personal data in it or in the URL. */
export const SUCCESS_COOKIE = 's117_done';

/** After a change has been saved: the next page shows its success banner. */
export function flashSuccess(reply: FastifyReply, key: SuccessKey): void {
  reply.setCookie(SUCCESS_COOKIE, key, { path: '/', httpOnly: true, sameSite: 'lax', secure: reply.request.secureSession, maxAge: 60 });
}

/** The banner's words for the request's flash (read once: the cookie is cleared), or null. */
export function takeSuccess(reply: FastifyReply): (typeof SUCCESS_MESSAGES)[SuccessKey] | null {
  const key = reply.request.cookies?.[SUCCESS_COOKIE];
  if (key === undefined) return null;
  reply.clearCookie(SUCCESS_COOKIE, { path: '/' });
  return Object.hasOwn(SUCCESS_MESSAGES, key) ? SUCCESS_MESSAGES[key as SuccessKey] : null;
}
