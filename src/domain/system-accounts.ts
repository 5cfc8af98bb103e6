// System accounts: other systems (a trust's patient record, a council's charging system) that call
// the register with a token of their own, scoped to one organisation and to what they need.
import type { Action } from './access.ts';

export const SYSTEM_SCOPES = ['read', 'feed-detentions', 'subscriptions'] as const;
export type SystemScope = (typeof SYSTEM_SCOPES)[number];

/** What each scope lets a system do; a system may do nothing else, whatever its stored role. */
const SCOPE_ACTIONS: Record<SystemScope, readonly Action[]> = {
  read: ['person:read', 'plan:read'],
  // A provider's record sends detentions: it may register the person and record their legal history.
  'feed-detentions': ['detentions:feed'],
  subscriptions: ['subscriptions:manage'],
};

export function scopesAllow(scopes: readonly string[], action: Action): boolean {
  return scopes.some((scope) => (SCOPE_ACTIONS[scope as SystemScope] ?? []).includes(action));
}

/** Detentions are fed only by a provider organisation's system (it runs the hospitals). */
export function scopeProblem(scopes: readonly SystemScope[], organisationType: 'local-authority' | 'icb' | 'provider'): string | null {
  if (scopes.includes('feed-detentions') && organisationType !== 'provider') return 'Only a provider organisation’s system can feed detentions';
  return null;
}
