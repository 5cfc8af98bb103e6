// Issue 9 item 4: leaving hospital while the section is still in force asks whether the section ended
// or the person is on section 17 leave, and takes the answer to the form that records it; with the
// section ended first, leaving hospital goes straight back to the person (with its success banner).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../support/app.ts';
import { testEngines } from '../support/databases.ts';
import { created, createPerson, nextNhsNumber, signedInBrowser } from './helpers.ts';

for (const { engine, skip } of await testEngines()) {
  describe(`leaving hospital with the section in force, on ${engine}`, { skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(engine);
    });
    after(async () => t?.close());

    test('the section still in force: the question, then the form that records the answer', async () => {
      const id = (await createPerson(t, { nhsNumber: nextNhsNumber() })).id;
      const stay = await created(t, `/api/v1/people/${id}/admissions`, { hospital: 'Northbridge Hospital', admittedOn: '2024-01-01' });
      const s3 = await created(t, `/api/v1/people/${id}/legal-statuses`, { section: '3', startDate: '2024-01-01', admissionId: stay.id });
      const b = await signedInBrowser(t.app, 'practitioner');
      const form = await b.get(`/people/${id}/admissions/${stay.id}/discharge`);
      const version = /name="version" value="(\d+)"/.exec(form.body)?.[1] ?? '1';
      const saved = await b.post(`/people/${id}/admissions/${stay.id}/discharge`, form.body, { version, 'dischargedOn-day': '1', 'dischargedOn-month': '3', 'dischargedOn-year': '2024' });
      assert.equal(saved.statusCode, 303, saved.body);
      assert.equal(saved.headers.location, `/people/${id}/admissions/${stay.id}/what-next`);
      const question = await b.follow(saved);
      assert.equal(question.statusCode, 200);
      assert.match(question.body, /Leaving hospital recorded/, 'the success banner');
      assert.match(question.body, /section 3[^<]* from 1 January 2024 has no end date/);
      const unanswered = await b.post(String(saved.headers.location), question.body, {});
      assert.equal(unanswered.statusCode, 422);
      assert.match(unanswered.body, /Select whether the section ended/);
      const ended = await b.post(String(saved.headers.location), question.body, { answer: 'section-ended' });
      assert.equal(ended.headers.location, `/people/${id}/legal-statuses/${s3.id}/end`);
      const leave = await b.post(String(saved.headers.location), question.body, { answer: 'section-17-leave' });
      assert.equal(leave.headers.location, `/people/${id}/leave/new`);
    });

    test('the section ended before leaving hospital: straight back to the person', async () => {
      const id = (await createPerson(t, { nhsNumber: nextNhsNumber() })).id;
      const stay = await created(t, `/api/v1/people/${id}/admissions`, { hospital: 'Northbridge Hospital', admittedOn: '2024-01-01' });
      await created(t, `/api/v1/people/${id}/legal-statuses`, { section: '3', startDate: '2024-01-01', endDate: '2024-02-01', admissionId: stay.id });
      const b = await signedInBrowser(t.app, 'practitioner');
      const form = await b.get(`/people/${id}/admissions/${stay.id}/discharge`);
      const saved = await b.post(`/people/${id}/admissions/${stay.id}/discharge`, form.body, { version: '1', 'dischargedOn-day': '1', 'dischargedOn-month': '3', 'dischargedOn-year': '2024' });
      assert.equal(saved.headers.location, `/people/${id}`);
      assert.equal((await b.get(`/people/${id}/admissions/${stay.id}/what-next`)).headers.location, `/people/${id}`);
    });
  });
}
