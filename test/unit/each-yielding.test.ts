// Issue 14: the nightly refresh and the summariser run inside the server, between its requests. They
// work a few milliseconds at a time, whatever one person costs on the machine, and then let the
// requests waiting in.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eachYielding } from '../../src/services/reports/reports-service.ts';

/** Work that takes at least `ms` of the event loop, however fast the machine. */
function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

test('eachYielding lets waiting work in once 5 ms have gone by, not after a fixed number of items', async () => {
  let done = 0;
  let doneWhenLetIn: number | null = null;
  setImmediate(() => { doneWhenLetIn = done; });
  await eachYielding(Array.from({ length: 20 }), () => { busyFor(2); done += 1; });
  assert.equal(done, 20, 'every item worked');
  assert.ok(doneWhenLetIn !== null && doneWhenLetIn <= 3, `let in after ${doneWhenLetIn} items of 2 ms`);
});
