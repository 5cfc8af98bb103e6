// Issue 9, closed networks: the design system's stylesheet names no other origin (no web fonts from
// assets.nhs.uk) and every image it names is served by the register itself.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sameOriginStylesheet } from '../../src/http/design-system.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

describe('the design system on a closed network', () => {
  let t: TestApp;
  before(async () => { t = await createTestApp('pglite'); });
  after(async () => { await t?.close(); });

  test('the stylesheet asks no other origin for anything', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/assets/nhsuk/nhsuk-frontend.min.css' });
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /^text\/css/);
    assert.doesNotMatch(res.body, /url\(\s*["']?(https?:)?\/\//);
    assert.doesNotMatch(res.body, /assets\.nhs\.uk/);
  });

  test('every image the stylesheet names is served (the cross icon of the error summary included)', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/assets/nhsuk/nhsuk-frontend.min.css' });
    const urls = [...new Set([...res.body.matchAll(/url\(\s*["']?([^"')]+)["']?\s*\)/g)].map((m) => m[1]!).filter((u) => !u.startsWith('data:')))];
    assert.ok(urls.some((u) => u.endsWith('nhsuk-icon-cross.svg')));
    for (const url of urls) {
      const image = await t.app.inject({ method: 'GET', url });
      assert.equal(image.statusCode, 200, url);
    }
  });

  test('only @font-face rules that point to another host are dropped', () => {
    const css = '@font-face{font-family:A;src:url(https://fonts.example/a.woff2)}@font-face{font-family:B;src:url(/assets/b.woff2)}a{background:url("/assets/images/x.svg")}';
    assert.equal(sameOriginStylesheet(css), '@font-face{font-family:B;src:url(/assets/nhsuk/assets/b.woff2)}a{background:url("/assets/nhsuk/assets/images/x.svg")}');
  });
});
