// Issue 11: the sign-in settings read at start-up: NHS login, single sign-on per organisation from
// the environment, local passwords switched off only where someone can still sign in, https only in production.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { clientKeyPair } from '../../../src/cli/identity-provider.ts';
import { ConfigError, loadConfig } from '../../../src/config.ts';

describe('sign-in settings (issue 11)', () => {
  test('by default: local passwords, no NHS login, no single sign-on', () => {
    const { identity } = loadConfig({});
    assert.equal(identity.localPasswords, true);
    assert.equal(identity.nhsLogin, null);
    assert.deepEqual(identity.staff, []);
    assert.equal(identity.publicUrl, 'http://localhost:3117');
  });

  test('NHS login and one provider per organisation, from the environment', () => {
    const { identity } = loadConfig({
      S117_NHS_LOGIN_ISSUER: 'https://auth.login.nhs.uk', S117_NHS_LOGIN_CLIENT_ID: 'register', S117_NHS_LOGIN_CLIENT_SECRET: 's',
      S117_SSO_ORGANISATIONS: 'e09000099, QZZ',
      S117_SSO_E09000099_ISSUER: 'https://login.microsoftonline.com/tenant/v2.0', S117_SSO_E09000099_CLIENT_ID: 'a', S117_SSO_E09000099_CLIENT_SECRET: 'b', S117_SSO_E09000099_KIND: 'entra-id',
      S117_SSO_QZZ_ISSUER: 'https://am.nhsidentity.spineservices.nhs.uk/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare', S117_SSO_QZZ_CLIENT_ID: 'c', S117_SSO_QZZ_CLIENT_SECRET: 'd', S117_SSO_QZZ_KIND: 'cis2',
      S117_LOCAL_PASSWORDS: 'false',
    });
    assert.equal(identity.nhsLogin?.issuer, 'https://auth.login.nhs.uk');
    assert.deepEqual(identity.staff.map((p) => [p.organisationCode, p.kind]), [['E09000099', 'entra-id'], ['QZZ', 'cis2']]);
    assert.equal(identity.localPasswords, false);
  });

  test('a wrong or missing value stops start-up naming the variable', () => {
    assert.throws(() => loadConfig({ S117_NHS_LOGIN_ISSUER: 'https://auth.login.nhs.uk' }), (e: unknown) => e instanceof ConfigError && /S117_NHS_LOGIN_CLIENT_ID/.test(e.message));
    assert.throws(() => loadConfig({ S117_SSO_ORGANISATIONS: 'QZZ', S117_SSO_QZZ_ISSUER: 'https://x.example' }), (e: unknown) => e instanceof ConfigError && /S117_SSO_QZZ_CLIENT_ID/.test(e.message));
    assert.throws(() => loadConfig({ S117_SSO_ORGANISATIONS: 'QZZ', S117_SSO_QZZ_ISSUER: 'https://x.example', S117_SSO_QZZ_CLIENT_ID: 'a', S117_SSO_QZZ_CLIENT_SECRET: 'b', S117_SSO_QZZ_KIND: 'saml' }), (e: unknown) => e instanceof ConfigError && /S117_SSO_QZZ_KIND/.test(e.message));
    assert.throws(() => loadConfig({ S117_LOCAL_PASSWORDS: 'maybe' }), ConfigError);
  });

  test('passwords cannot be switched off with no single sign-on, and production needs https identity providers', () => {
    assert.throws(() => loadConfig({ S117_LOCAL_PASSWORDS: 'false' }), (e: unknown) => e instanceof ConfigError && /S117_SSO_ORGANISATIONS/.test(e.message));
    const secret = 'x'.repeat(40);
    assert.throws(() => loadConfig({ NODE_ENV: 'production', SESSION_SECRET: secret, S117_NHS_LOGIN_ISSUER: 'http://127.0.0.1:9000', S117_NHS_LOGIN_CLIENT_ID: 'a', S117_NHS_LOGIN_CLIENT_SECRET: 'b' }), /https/);
    assert.equal(loadConfig({ NODE_ENV: 'production', SESSION_SECRET: secret }).identity.allowHttpIssuers, false);
  });

  test('NHS login signs with the register\'s own key (private_key_jwt) read from a PEM file; a secret and a key together are refused', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 's117-key-'));
    try {
      const file = path.join(dir, 'nhs-login.pem');
      writeFileSync(file, clientKeyPair().privateKeyPem);
      const base = { S117_NHS_LOGIN_ISSUER: 'https://auth.login.nhs.uk', S117_NHS_LOGIN_CLIENT_ID: 'register' };
      const { identity } = loadConfig({ ...base, S117_NHS_LOGIN_PRIVATE_KEY_FILE: file, S117_NHS_LOGIN_KEY_ID: 'key-1' });
      assert.match(identity.nhsLogin?.privateKey?.pem ?? '', /BEGIN PRIVATE KEY/);
      assert.equal(identity.nhsLogin?.privateKey?.keyId, 'key-1');
      assert.equal(identity.nhsLogin?.clientSecret, undefined);
      assert.throws(() => loadConfig({ ...base, S117_NHS_LOGIN_PRIVATE_KEY_FILE: file, S117_NHS_LOGIN_CLIENT_SECRET: 's' }), (e: unknown) => e instanceof ConfigError && /not both/.test(e.message));
      assert.throws(() => loadConfig({ ...base, S117_NHS_LOGIN_PRIVATE_KEY_FILE: path.join(dir, 'missing.pem') }), (e: unknown) => e instanceof ConfigError && /cannot be read/.test(e.message));
      writeFileSync(file, 'not a key');
      assert.throws(() => loadConfig({ ...base, S117_NHS_LOGIN_PRIVATE_KEY_FILE: file }), (e: unknown) => e instanceof ConfigError && /PEM private key/.test(e.message));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
