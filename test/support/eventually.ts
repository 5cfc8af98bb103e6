// For a change that reaches another process a moment after its commit (a database notification): ask
// again until the answer awaited comes, for a bounded time, so that a test still fails if it never does.

/** What `check` answers once it answers `expected`, asked every `everyMs` for up to `withinMs`; else its last answer. */
export async function eventually<T>(check: () => Promise<T>, expected: T, { everyMs = 10, withinMs = 2000 } = {}): Promise<T> {
  const giveUpAt = Date.now() + withinMs;
  for (;;) {
    const value = await check();
    if (value === expected || Date.now() >= giveUpAt) return value;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
