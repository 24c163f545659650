// AWS's root password rules, as the reset page enforces them.

export const PASSWORD_SYMBOLS = "!@#$%^&*()_+-=[]{}|'";
const MIN_LENGTH = 8;
const MAX_LENGTH = 128;

/** What is wrong with a new root password, or undefined when AWS would take it. */
export function passwordProblem(password: string, email: string): string | undefined {
  if (password.length < MIN_LENGTH || password.length > MAX_LENGTH) {
    return `use ${MIN_LENGTH} to ${MAX_LENGTH} characters.`;
  }
  const kinds = [
    /[A-Z]/.test(password),
    /[a-z]/.test(password),
    /[0-9]/.test(password),
    [...password].some((char) => PASSWORD_SYMBOLS.includes(char)),
  ].filter(Boolean).length;
  if (kinds < 3) {
    return `use at least three of: uppercase letters, lowercase letters, numbers, symbols (${PASSWORD_SYMBOLS}).`;
  }
  if (password.toLowerCase() === email.trim().toLowerCase()) {
    return 'the password must not be your email address.';
  }
  return undefined;
}

/** How the pages show a root email: enough to recognise it, not enough to read it off a screenshot. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***@${email.slice(at + 1)}`;
}
