import { ConfigError } from './errors';

/**
 * One number of the phone-line pool. Our own lines are answered by the Amazon Connect contact flow (calls) and
 * receive SMS as a two-way AWS End User Messaging number; a person's own phone (`person`: their Slack user id)
 * is answered by that person, who is asked in the thread.
 */
export interface PhoneLine {
  /** E.164, e.g. +15550100. */
  number: string;
  person?: string;
  /**
   * What the line can take when it cannot take both: `calls` (an Amazon Connect number without two-way SMS) or
   * `texts` (an End User Messaging number Connect does not answer). A person's own phone takes both.
   */
  takes?: 'calls' | 'texts';
}

/** An E.164 phone number, such as +15550100. */
export const E164_NUMBER = /^\+[1-9]\d{6,14}$/;
const SLACK_USER = /^[UW][A-Z0-9]{2,}$/;

/**
 * `PHONE_LINES`: comma-separated entries, `+15550100` (our line, calls and texts), `+15550100:calls` or
 * `+15550101:texts` (our line that takes only those), or `+15557770000=U0123ABCD` (a person's own phone). Empty
 * or unset: no line (phone verification is handed to people).
 */
export function parsePhoneLines(value: string | undefined, variable = 'PHONE_LINES'): PhoneLine[] {
  const { lines, problems } = readPhoneLines(value, variable);
  if (problems.length > 0) throw new ConfigError(problems);
  return lines;
}

/** The lines, and what is wrong with the entries that are not lines (for a reader collecting every problem). */
export function readPhoneLines(
  value: string | undefined,
  variable = 'PHONE_LINES',
): { lines: PhoneLine[]; problems: Array<{ variable: string; problem: string }> } {
  const entries = (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const problems: Array<{ variable: string; problem: string }> = [];
  const lines: PhoneLine[] = [];
  for (const entry of entries) {
    const [numberPart = '', person, ...rest] = entry.split('=').map((part) => part.trim());
    const [number = '', takes, ...more] = numberPart.split(':').map((part) => part.trim());
    if (!E164_NUMBER.test(number) || rest.length > 0 || more.length > 0) {
      problems.push({
        variable,
        problem: `${variable}: "${entry}" is not an E.164 number such as +15550100.`,
      });
    } else if (takes !== undefined && takes !== 'calls' && takes !== 'texts') {
      problems.push({ variable, problem: `${variable}: "${entry}" may end in :calls or :texts only.` });
    } else if (person !== undefined && !SLACK_USER.test(person)) {
      problems.push({
        variable,
        problem: `${variable}: "${person}" (for ${number}) is not a Slack user id.`,
      });
    } else if (lines.some((line) => line.number === number)) {
      problems.push({ variable, problem: `${variable}: ${number} is listed twice.` });
    } else {
      lines.push({ number, ...(person ? { person } : {}), ...(takes && !person ? { takes } : {}) });
    }
  }
  return { lines, problems };
}
