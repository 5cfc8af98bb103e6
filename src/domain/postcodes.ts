// Postcodes, for proposing the responsible local authority (issue 9 item 1; RESP-2 makes the council
// of ordinary residence responsible). Pure: the reference data is read by the data layer.

/**
 * RESP-2 (a proposal only; RESP-4: a person confirms it): the keys a postcode is looked up by, longest first: the full postcode without its
 * space ("NB12AB"), its sector ("NB1 2") and its district ("NB1"). A district alone ("NB1") gives
 * itself. Anything that is not a UK postcode's shape gives nothing, so nothing is proposed.
 */
export function postcodeLookupKeys(postcode: string | null | undefined): string[] {
  const compact = (postcode ?? '').toUpperCase().replace(/\s+/g, '');
  if (/^[A-Z]{1,2}\d[A-Z\d]?$/.test(compact)) return [compact];
  const match = /^([A-Z]{1,2}\d[A-Z\d]?)(\d)([A-Z]{2})$/.exec(compact);
  if (!match) return [];
  const [, district, sectorDigit] = match;
  return [compact, `${district} ${sectorDigit}`, district!];
}

/** RESP-5 (a proposal only): a GP practice's ODS code as the reference data keeps it (upper case, no spaces), or null. */
export function practiceLookupKey(practiceCode: string | null | undefined): string | null {
  const code = (practiceCode ?? '').toUpperCase().replace(/\s+/g, '');
  return /^[A-Z0-9]{3,8}$/.test(code) ? code : null;
}

/** A postcode as people write it: upper case, one space before the inward code ("NB1 2AB"). */
export function formatPostcode(postcode: string): string {
  const compact = postcode.toUpperCase().replace(/\s+/g, '');
  return /^[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}$/.test(compact) ? `${compact.slice(0, -3)} ${compact.slice(-3)}` : compact;
}
