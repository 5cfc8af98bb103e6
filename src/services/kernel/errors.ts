// Failures a use case can report. The HTTP layer turns them into problem+json or an error page.

import type { Violation } from '../../domain/violations.ts';

/** A refusal naming the field (the domain's Violation). */
export type FieldError = Violation;

export class NotFoundError extends Error {
  constructor(what = 'record') {
    super(`The ${what} was not found`);
  }
}

/** Signed in but not allowed (403). */
export class ForbiddenError extends Error {
  constructor(message = 'You are not allowed to do this') {
    super(message);
  }
}

/** Not signed in, or a bad token (401). */
export class UnauthenticatedError extends Error {
  constructor(message = 'Sign in to continue') {
    super(message);
  }
}

/** Input that breaks a rule (422); nothing was changed. */
export class ValidationError extends Error {
  readonly errors: FieldError[];
  constructor(errors: FieldError[]) {
    super(errors.map((e) => e.message).join('; '));
    this.errors = errors;
  }
}

/** A duplicate or a stale version (409); nothing was changed. */
export class ConflictError extends Error {}

/**
 * Replacing an existing record without saying which version is replaced (428): without If-Match two
 * clients that read the same version would each overwrite the other's change, and one would be lost.
 */
export class PreconditionRequiredError extends Error {
  constructor(what: string) {
    super(`Send If-Match with the version of the ${what} you are replacing (or its version in the body): without it another change could be lost`);
  }
}

/** Too many failed sign-ins (429). */
export class ThrottledError extends Error {}
