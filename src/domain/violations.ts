// A rule's refusal of some input: the field it concerns, a sentence for the person who typed it, and
// the rule that refused it. Every rule in the domain reports with this one type.

export interface Violation { field: string; message: string; rule?: string }

/** A refusal that always names its rule. */
export type RuleViolation = Violation & { rule: string };
