// The browser for end-to-end tests: Debian's Chromium. No browser download is possible here.
import { existsSync } from 'node:fs';

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

export function chromiumPath(): string | null {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => Boolean(p));
  return candidates.find((p) => existsSync(p)) ?? null;
}

/** false when the browser tests can run; a reason to skip otherwise; throws in CI without a browser. */
export function browserSkipReason(): string | false {
  if (chromiumPath()) return false;
  if (process.env.CI === 'true') throw new Error('Chromium is required in CI but /usr/bin/chromium is missing (apt-get install chromium)');
  return 'Chromium is not installed (apt-get install chromium)';
}
