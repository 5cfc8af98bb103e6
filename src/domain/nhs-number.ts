// NHS numbers: 10 digits, the last a Modulus 11 check digit over the first nine.
// Only synthetic people are ever loaded here, so demo and benchmark data use the test
// range 999 000 0000 to 999 999 9999 (engineering guide).

const TEST_PREFIX = '999';
const SERIAL_COUNT = 1_000_000; // six free digits between the 999 prefix and the check digit

/** Removes the spaces and hyphens people type between the digit groups. */
export function normaliseNhsNumber(input: string): string {
  return input.replace(/[\s-]/g, '');
}

/** The check digit for nine digits, or null when the weighted sum gives 10 (no valid number). */
function checkDigit(firstNine: string): number | null {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(firstNine[i]) * (10 - i); // weights 10 down to 2
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  return check === 10 ? null : check;
}

export function isValidNhsNumber(input: string): boolean {
  const digits = normaliseNhsNumber(input);
  if (!/^\d{10}$/.test(digits)) return false;
  return checkDigit(digits.slice(0, 9)) === Number(digits[9]);
}

/** True for the range NHS England reserves for test data (999 000 0000 to 999 999 9999). */
export function isTestNhsNumber(n: string): boolean {
  return /^999\d{7}$/.test(normaliseNhsNumber(n));
}

/** "9991234567" becomes "999 123 4567"; anything that is not 10 digits is returned unchanged. */
export function formatNhsNumber(n: string): string {
  const digits = normaliseNhsNumber(n);
  if (!/^\d{10}$/.test(digits)) return n;
  return `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`;
}

let validTestSerials: Int32Array | null = null;

/** Every six-digit serial that gives a valid 999-range number, ascending (built once, ~909,000). */
function testSerials(): Int32Array {
  if (validTestSerials) return validTestSerials;
  const found: number[] = [];
  for (let serial = 0; serial < SERIAL_COUNT; serial++) {
    if (checkDigit(TEST_PREFIX + String(serial).padStart(6, '0')) !== null) found.push(serial);
  }
  validTestSerials = Int32Array.from(found);
  return validTestSerials;
}

/** How many different valid test-range numbers exist; testNhsNumber repeats after this many seeds. */
export function testNhsNumberCount(): number {
  return testSerials().length;
}

/**
 * A valid NHS number in the test range for a non-negative integer seed. Deterministic; different
 * seeds give different numbers up to testNhsNumberCount() (about 909,000: serials whose check digit
 * would be 10 are skipped, so the range holds no more), then the sequence repeats.
 */
export function testNhsNumber(seed: number): string {
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`Seed must be a non-negative integer: ${seed}`);
  const serials = testSerials();
  const serial = serials[seed % serials.length] ?? 0;
  const firstNine = TEST_PREFIX + String(serial).padStart(6, '0');
  return firstNine + String(checkDigit(firstNine));
}
