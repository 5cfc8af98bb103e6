// "Who is asking", remembered for a few seconds in this process (issue 14, items 3 and 5): a request
// with a session or an API token seen a moment ago needs no database round trip to find its user,
// organisation and role. Revocation is honoured at once in every process:
// - whatever ends or changes a sign-in (sign-out, token revoked or expired, user disabled or given
//   another role, organisation changed, system account revoked) is announced by the database on commit
//   (migration 0090: a NOTIFY naming the user or organisation), and each process drops what it holds
//   for them; the process that made the change drops it directly as well;
// - a credential's own expiry is kept with it and checked on every use, against the service's clock;
// - only sign-ins found valid are kept, so a new token or session never waits for anything;
// - while the notifications cannot be trusted (the listening connection dropped, or not yet listening)
//   nothing is kept and everything held is dropped: every request asks the database, as before;
// - a lookup that was in flight when a change arrived is not kept (a generation count), so an answer
//   read just before a revocation cannot outlive it;
// - whatever happens, nothing is kept longer than the time to live (a few seconds).
import type { UserWithOrganisation } from '../../data/accounts-repository.ts';

/** The database's notification channel for these changes (migration 0090). */
export const IDENTITY_CHANNEL = 's117_identity';

export interface IdentityCacheOptions {
  /** How long an answer is kept, in milliseconds; 0 keeps nothing. */
  ttlMs: number;
  /** At most this many answers; beyond it everything is dropped and kept afresh. */
  maxEntries?: number;
  /** The monotonic time in milliseconds (tests). */
  now?: () => number;
}

interface Entry { user: UserWithOrganisation; credentialExpiresAt: number; keptUntil: number }

export interface IdentityCache {
  /** The user behind a credential key ('token:<hash>', 'session:<hash>'), when kept and not expired at `at`. */
  get(key: string, at: Date): UserWithOrganisation | undefined;
  /** The generation to hand back to `set`: an answer read before a later change is not kept. */
  generation(): number;
  set(key: string, user: UserWithOrganisation, credentialExpiresAt: Date, generation: number): void;
  /** A change announced by the database: 'user:<id>', 'organisation:<id>', anything else drops everything. */
  changed(payload: string): void;
  /** The notifications cannot be trusted (connection lost): drop everything and keep nothing until `trusted`. */
  untrusted(): void;
  trusted(): void;
  /** Called when organisations change (the pages' directory of names). */
  onOrganisationsChanged(listener: () => void): void;
  readonly size: number;
}

export function createIdentityCache(options: IdentityCacheOptions): IdentityCache {
  const now = options.now ?? (() => performance.now());
  const maxEntries = options.maxEntries ?? 10_000;
  const entries = new Map<string, Entry>();
  const organisationListeners: (() => void)[] = [];
  let generation = 0;
  // Nothing is kept until the notifications are known to arrive.
  let trusted = false;

  const dropAll = () => {
    generation += 1;
    entries.clear();
  };

  return {
    get(key, at) {
      if (!trusted) return undefined;
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.keptUntil <= now() || entry.credentialExpiresAt <= at.getTime()) {
        entries.delete(key);
        return undefined;
      }
      return entry.user;
    },
    generation: () => generation,
    set(key, user, credentialExpiresAt, seen) {
      if (!trusted || options.ttlMs <= 0 || seen !== generation) return;
      if (entries.size >= maxEntries) entries.clear();
      entries.set(key, { user, credentialExpiresAt: credentialExpiresAt.getTime(), keptUntil: now() + options.ttlMs });
    },
    changed(payload) {
      generation += 1;
      const [kind, id] = payload.split(':', 2);
      if (kind === 'user' && id) {
        for (const [key, entry] of entries) if (entry.user.id === id) entries.delete(key);
        return;
      }
      if (kind === 'organisation') {
        // Rare (an organisation renamed or added): everyone's organisation name may have changed.
        entries.clear();
        for (const listener of organisationListeners) listener();
        return;
      }
      entries.clear();
    },
    untrusted() {
      trusted = false;
      dropAll();
      for (const listener of organisationListeners) listener();
    },
    trusted() {
      dropAll();
      trusted = true;
      for (const listener of organisationListeners) listener();
    },
    onOrganisationsChanged(listener) {
      organisationListeners.push(listener);
    },
    get size() {
      return entries.size;
    },
  };
}
