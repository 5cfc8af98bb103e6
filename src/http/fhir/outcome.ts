// Errors on the FHIR interface are OperationOutcomes, with the HTTP status of the API's conventions.
import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';
import { problemFor } from '../problem.ts';

const ISSUE_CODES: Record<number, OperationOutcomeIssue['code']> = {
  400: 'structure',
  401: 'login',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
  413: 'too-costly',
  415: 'not-supported',
  422: 'processing',
  429: 'throttled',
};

export function outcomeFor(error: unknown): { status: number; outcome: OperationOutcome } {
  const problem = problemFor(error);
  const code = ISSUE_CODES[problem.status] ?? 'exception';
  const issues: OperationOutcomeIssue[] = problem.errors?.length
    ? problem.errors.map((e) => ({ severity: 'error', code, diagnostics: e.message, ...(e.field && { expression: [e.field] }), ...(e.rule && { details: { text: e.rule } }) }))
    : [{ severity: 'error', code, diagnostics: problem.detail }];
  return { status: problem.status, outcome: { resourceType: 'OperationOutcome', issue: issues } };
}
