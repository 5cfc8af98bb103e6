// Issue 15, probe 12: which passwords are refused. NCSC and NIST SP 800-63B advise a length minimum
// and a check against passwords known to be common or compromised, rather than composition rules.
// No list of breached passwords is installed with the register, so this holds the most common ones
// (and their patterns); a deployment with a breached-password service should check that as well.
import type { FieldError } from '../kernel/errors.ts';

export const MIN_PASSWORD_LENGTH = 12;

/** Common passwords and the words they are built from, compared without case, spaces or trailing digits and symbols. */
const COMMON = new Set([
  'password', 'passw0rd', 'p@ssword', 'p@ssw0rd', 'qwerty', 'qwertyuiop', 'qwertyuiopasdfghjkl', 'asdfghjkl', 'zxcvbnm', 'letmein', 'welcome', 'welcometo', 'admin', 'administrator',
  'iloveyou', 'monkey', 'dragon', 'football', 'baseball', 'sunshine', 'princess', 'superman', 'batman', 'trustno', 'abc', 'abcdef', 'abcdefgh', 'abcdefghijkl',
  'changeme', 'changeit', 'default', 'secret', 'master', 'login', 'access', 'starwars', 'whatever', 'shadow', 'michael', 'jennifer', 'charlie', 'liverpool', 'chelsea', 'arsenal',
  'nhs', 'thenhs', 'nhspassword', 'council', 'section', 'sectionone', 'aftercare', 'register', 'hospital', 'summer', 'winter', 'spring', 'autumn',
  'january', 'february', 'march', 'april', 'june', 'july', 'august', 'september', 'october', 'november', 'december', 'monday', 'friday',
  'correcthorsebatterystaple', 'passwordpassword', 'mypassword', 'newpassword', 'yourpassword', 'thisismypassword', 'temp', 'temppassword', 'test', 'testing', 'guest', 'user',
]);

const SEQUENCES = ['0123456789012345678901234567890', '9876543210987654321098765432109', 'abcdefghijklmnopqrstuvwxyz', 'qwertyuiopasdfghjklzxcvbnm'];

/** The reasons a password is refused (none when it may be used), naming the field. */
export function passwordProblems(password: string, field = 'password'): FieldError[] {
  if (password.trim() === '') return [{ field, message: 'Enter a password: a blank one cannot be used' }];
  if (password.trim().length < MIN_PASSWORD_LENGTH) return [{ field, message: `A password needs at least ${MIN_PASSWORD_LENGTH} characters, not counting spaces at either end` }];
  const plain = password.toLowerCase().replace(/\s+/g, '');
  const core = plain.replace(/[\d\W_]+$/u, '').replace(/^[\d\W_]+/u, '');
  const oneCharacter = new Set(plain).size <= 2;
  const sequence = SEQUENCES.some((s) => s.includes(plain));
  if (oneCharacter || sequence || COMMON.has(plain) || COMMON.has(core) || repeats(core)) {
    return [{ field, message: 'That password is too commonly used or too easy to guess: choose a longer phrase of unrelated words' }];
  }
  return [];
}

/** A short word repeated (passwordpassword, abcabcabcabc) or a common word repeated. */
function repeats(text: string): boolean {
  for (let size = 1; size <= text.length / 2; size += 1) {
    if (text.length % size === 0 && text.slice(0, size).repeat(text.length / size) === text) return true;
  }
  return false;
}
