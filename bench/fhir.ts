// Feeding detentions over FHIR and reading $everything, through the real server (app.inject), on
// PostgreSQL (BENCH_DATABASE_URL's server, default postgres://postgres@127.0.0.1:5432/test; a
// database of its own, dropped at the end).
//
//   node bench/fhir.ts [--detentions 10000] [--per-bundle 50] [--everything 200]
//
// It reports figures; it never passes or fails.
import { parseArgs } from 'node:util';
import { adminQuery as runAdminQuery, openPostgres } from '../src/data/database.ts';
import { migrate } from '../src/data/migrate.ts';
import { testNhsNumber } from '../src/domain/nhs-number.ts';
import { buildApp } from '../src/http/app.ts';
import { createServices } from '../src/services/index.ts';

const ADMIN_URL = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const { values } = parseArgs({ options: { detentions: { type: 'string', default: '10000' }, 'per-bundle': { type: 'string', default: '50' }, everything: { type: 'string', default: '200' } } });
const detentions = Number(values.detentions);
const perBundle = Number(values['per-bundle']);
const everythingReads = Number(values.everything);
const SPELL = 'https://bench-trust.example.nhs.uk/Id/spell';
const LEGAL = 'https://fhir.hl7.org.uk/CodeSystem/UKCore-LegalStatusClassificationEngland';

function entries(n: number) {
  const nhs = testNhsNumber(50_000 + n);
  const start = `2025-0${1 + (n % 6)}-1${n % 10}`;
  return [
    { fullUrl: `urn:uuid:p-${n}`, resource: { resourceType: 'Patient', identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: nhs }], name: [{ family: `Bench${n}`, given: ['Fed'] }], birthDate: '1980-01-01' } },
    {
      fullUrl: `urn:uuid:e-${n}`,
      resource: {
        resourceType: 'Encounter', identifier: [{ system: SPELL, value: `spell-${n}` }], status: 'in-progress', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'IMP' },
        subject: { reference: `urn:uuid:p-${n}` }, period: { start }, location: [{ location: { display: 'Bench Hospital' } }],
        extension: [{ url: 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-LegalStatus', extension: [{ url: 'legalStatusClassification', valueCodeableConcept: { coding: [{ system: LEGAL, code: n % 3 === 0 ? '02' : '03' }] } }] }],
      },
    },
  ];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)]!;

async function main(): Promise<void> {
  const name = `s117_bench_fhir_${process.pid}`;
  await runAdminQuery(ADMIN_URL, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await runAdminQuery(ADMIN_URL, `CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const handle = openPostgres(url.toString());
  try {
    await migrate(handle);
    const services = createServices(handle.db);
    await services.accounts.addOrganisation({ code: 'RBT', name: 'Bench Trust', type: 'provider' });
    const system = await services.systemAccounts.create({ name: 'Bench EPR', organisationCode: 'RBT', scopes: ['read', 'feed-detentions'] });
    const token = await services.accounts.createToken(system.email);
    const app = await buildApp({ services, sessionSecret: 'bench-secret-that-is-long-enough-for-cookies', production: false, logLevel: 'silent', rateLimit: false });
    await app.ready();
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' };

    const bundleTimes: number[] = [];
    const started = performance.now();
    const ids: string[] = [];
    for (let from = 0; from < detentions; from += perBundle) {
      const entry = Array.from({ length: Math.min(perBundle, detentions - from) }, (_, i) => entries(from + i)).flat();
      const t0 = performance.now();
      const res = await app.inject({ method: 'POST', url: '/fhir/R4', headers, payload: JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry }) });
      bundleTimes.push(performance.now() - t0);
      if (res.statusCode !== 200) throw new Error(`bundle at ${from}: ${res.statusCode} ${res.body.slice(0, 300)}`);
      for (const e of res.json().entry) if (String(e.response.location).startsWith('Patient/')) ids.push(String(e.response.location).slice(8));
      if ((from / perBundle) % 20 === 0) process.stderr.write(`\r  fed ${from + perBundle} detentions`);
    }
    const totalMs = performance.now() - started;
    process.stderr.write('\n');

    // Re-sending the first 1,000 changes nothing.
    const resendTimes: number[] = [];
    for (let from = 0; from < Math.min(1000, detentions); from += perBundle) {
      const entry = Array.from({ length: perBundle }, (_, i) => entries(from + i)).flat();
      const t0 = performance.now();
      await app.inject({ method: 'POST', url: '/fhir/R4', headers, payload: JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry }) });
      resendTimes.push(performance.now() - t0);
    }

    const everything: number[] = [];
    for (let i = 0; i < everythingReads; i++) {
      const id = ids[(i * 7919) % ids.length]!;
      const t0 = performance.now();
      const res = await app.inject({ method: 'GET', url: `/fhir/R4/Patient/${id}/$everything`, headers: { authorization: `Bearer ${token}` } });
      everything.push(performance.now() - t0);
      if (res.statusCode !== 200) throw new Error(`$everything: ${res.statusCode}`);
    }
    await app.close();
    const fmt = (x: number) => Math.round(x);
    console.log('operation | count | median ms | p95 ms | total');
    console.log('---|---|---|---|---');
    console.log(`feed: new detentions, bundles of ${perBundle} (Patient + Encounter each) | ${bundleTimes.length} bundles, ${detentions} detentions | ${fmt(median(bundleTimes))} | ${fmt(p95(bundleTimes))} | ${(totalMs / 1000).toFixed(1)} s (${fmt(detentions / (totalMs / 1000))} detentions/s)`);
    console.log(`feed: the same bundles again (nothing changes) | ${resendTimes.length} bundles | ${fmt(median(resendTimes))} | ${fmt(p95(resendTimes))} | |`);
    console.log(`GET Patient/{id}/$everything | ${everything.length} | ${fmt(median(everything))} | ${fmt(p95(everything))} | |`);
  } finally {
    await handle.close();
    await runAdminQuery(ADMIN_URL, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

await main();
