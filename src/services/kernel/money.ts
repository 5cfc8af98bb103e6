// What the money features (refunds, top-ups, disputes, recharges) share: who sees a person's money,
// and how an amount and an organisation's code are entered.
import { z } from 'zod';
import { canSeeMoney } from '../../domain/access.ts';
import type { Actor } from './actor.ts';
import { ForbiddenError } from './errors.ts';

/** Money on a person's record is shown only to finance users, the responsible bodies and admins (403 otherwise). */
export function requireMoneySight(actor: Actor, responsibleBodies: readonly (string | null)[]): void {
  if (!canSeeMoney(actor, responsibleBodies)) throw new ForbiddenError('Only finance staff, the responsible bodies and admins see money');
}

/** The largest amount of money any field takes: £1,000,000,000 in pence. */
export const MAX_AMOUNT_PENCE = 1_000_000_000_00;

/**
 * Integer pence. Whole numbers are checked by the domain so that 1.5 pence is refused as invalid
 * (422) naming the field and rule; bounded so that a sum of many amounts stays an exact integer (and
 * fits PostgreSQL's bigint).
 */
export const AmountInput = z
  .number()
  .max(MAX_AMOUNT_PENCE, 'Enter an amount under £1,000,000,000')
  .min(-MAX_AMOUNT_PENCE, 'Enter an amount under £1,000,000,000')
  .describe('Integer pence');

export const OrganisationCodeInput = z.string().trim().toUpperCase().regex(/^[A-Z0-9]{3,9}$/, 'Enter the organisation’s code (ONS code of a council or ODS code of an ICB)');

export const requiredText = (label: string, max: number) => z.string().trim().min(1, `Enter the ${label}`).max(max, `The ${label} must be ${max} characters or fewer`);
