// The two bodies that share the s117 duty (s117(2)): the local authority and the ICB. Each decides,
// approves and pays its own part, so many rules speak of "a body": this is the one list of them.

export const BODIES = ['local-authority', 'icb'] as const;
export type Body = (typeof BODIES)[number];
