// The mail classifier against a corpus of raw messages as SES stores them (test/mail/corpus), and against the
// console simulator's own mails. Every reset token in the corpus begins "AYADe", so a reason that quoted a link's
// token would show it.
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { promotionMail, resetMail, signInCodeMail } from '../../sim/console/mail';
import { ConfigError } from '../../src/common/errors';
import {
  classifyMail,
  DEFAULT_TRUSTED_SENDERS,
  loadMailSettings,
  type MailSettings,
  type MailVerdict,
  normaliseAddress,
} from '../../src/mail/classify';

const CORPUS = join(dirname(fileURLToPath(import.meta.url)), 'corpus');
const SETTINGS: MailSettings = loadMailSettings({});
const ROOT = 'aws-root-sbx-0417@sandbox-mail.example.test';
const LINK = 'https://signin.aws.amazon.com/resetpassword?type=RootUser&token=';

async function corpus(file: string): Promise<Buffer> {
  return readFile(join(CORPUS, file));
}

async function classifyFile(file: string, settings = SETTINGS): Promise<MailVerdict> {
  return classifyMail(await corpus(file), settings);
}

/** What a verdict says, without the facts: the link or code, or the reason. */
function outcome(mail: MailVerdict): string {
  switch (mail.verdict) {
    case 'reset-link':
      return mail.link;
    case 'sign-in-code':
      return mail.code;
    default:
      return mail.reason;
  }
}

type Row = [file: string, verdict: MailVerdict['verdict'], outcome: string, recipients?: string[]];

const TABLE: Row[] = [
  // AWS's reset mail in the shapes it comes in.
  [
    'reset-multipart-qp.eml',
    'reset-link',
    `${LINK}AYADeHEEys6AoK8gJOEfwN1_ki_r6-9DZ6tzdAOzXMdTw6HfSSzKQ6FcdHO5Dl_Xt8vZ44X4VelRpqfB8EqFaMtIpfQNTBb7uTkmjlngomKW2`,
  ],
  [
    'reset-text-only-7bit.eml',
    'reset-link',
    `${LINK}AYADeKV08BVMh27r6Cp9oJqWHTacNmKCwIcsQE3s5pW0BNVseNUSwKQpkillPrSWJ-X1qBdlZ0lY_pBaf0Yas2fzE7gMfnWzhZmB1kc9nx_Im`,
  ],
  [
    'reset-html-only-base64.eml',
    'reset-link',
    `${LINK}AYADeGXw6Addk6Xtt3Z9-HjVQk2j_DXMkwhhemfiT-fh9c0Tu1yjsQqUypUBxkJR1_T2GUdB_pSb3vDGjcCsmtydXLw8GrqyHoQvoCgVKVaUx`,
  ],
  [
    'reset-encoded-subject-subaddressed.eml',
    'reset-link',
    `${LINK}AYADewrIhyA3iJKnVGBJy61KRkuUq8XTukLWQsHualDIGKXyps2LMh8QmBObQC_s4kr6c2YUhSgtwxEMZSE2Eob3jmQ37inz0nU8DhBexSCom`,
  ],
  // AWS's genuine mail sent to another address and passed on to a root address: never taken for that root user.
  [
    'reset-related-logo-cc.eml',
    'rejected',
    'delivered to an address it was not sent to',
    ['sandbox-platform@example.test', ROOT],
  ],
  [
    'reject-replayed-to-root.eml',
    'rejected',
    'delivered to an address it was not sent to',
    ['attacker@evil.test', ROOT],
  ],
  // AWS's mailed sign-in code.
  ['code-multipart-qp.eml', 'sign-in-code', '508213'],
  ['code-text-only-base64.eml', 'sign-in-code', '771904'],
  ['code-html-only-styled.eml', 'sign-in-code', '362118'],
  // Everything else a root address receives.
  ['other-welcome-promotional.eml', 'other', 'not a reset or code mail'],
  ['other-welcome-trusted-sender.eml', 'other', 'not a reset or code mail'],
  ['other-billing-statement-pdf.eml', 'other', 'not a reset or code mail'],
  ['other-budget-alert-non-ascii-subject.eml', 'other', 'not a reset or code mail'],
  ['other-third-party-newsletter.eml', 'other', 'not a reset or code mail'],
  ['forwarded-billing-as-attachment.eml', 'other', 'not a reset or code mail'],
  ['forwarded-reset-by-person.eml', 'rejected', 'sender not trusted: ops@example.test'],
  // The link.
  [
    'reject-lookalike-host-suffix.eml',
    'rejected',
    'link host is not signin.aws.amazon.com: signin.aws.amazon.com.evil.test',
  ],
  ['reject-userinfo-host.eml', 'rejected', 'link has userinfo'],
  ['reject-punycode-homograph.eml', 'rejected', 'link host is punycode or not ASCII'],
  ['reject-unicode-homograph.eml', 'rejected', 'link host is punycode or not ASCII'],
  [
    'reject-regional-host.eml',
    'rejected',
    'link host is not signin.aws.amazon.com: eu-central-1.signin.aws.amazon.com',
  ],
  ['reject-http.eml', 'rejected', 'link is not https'],
  ['reject-other-port.eml', 'rejected', 'link has a port'],
  ['reject-other-path.eml', 'rejected', 'link path is not /resetpassword'],
  ['reject-redirect-parameter.eml', 'rejected', 'link redirects through another host'],
  ['reject-redirect-wrapper.eml', 'rejected', 'link redirects through another host'],
  ['reject-several-links.eml', 'rejected', 'several reset links'],
  ['reject-href-differs-from-text.eml', 'rejected', 'HTML link text differs from its href'],
  ['reject-text-html-disagree.eml', 'rejected', 'text and HTML parts disagree'],
  ['reject-no-link.eml', 'rejected', 'no reset link'],
  // SES's verdicts.
  ['reject-spam-fail.eml', 'rejected', 'spam verdict FAIL'],
  // Results another server wrote on top of SES's: SES wrote none of its own here, so there is no DKIM result.
  ['reject-auth-results-not-ses.eml', 'rejected', 'no DKIM result'],
  ['reject-virus-fail.eml', 'rejected', 'virus verdict FAIL'],
  ['reject-spf-softfail.eml', 'rejected', 'SPF softfail'],
  ['reject-dkim-fail.eml', 'rejected', 'DKIM fail'],
  ['reject-dkim-other-domain.eml', 'rejected', 'DKIM does not match the sender'],
  ['reject-forged-verdict-below-ses.eml', 'rejected', 'spam verdict FAIL'],
  ['reject-no-verdicts.eml', 'rejected', 'no SES verdicts'],
  // The sender and the subject.
  ['reject-untrusted-sender.eml', 'rejected', 'sender not trusted: no-reply@signin-aws.evil.test'],
  ['reject-display-name-spoof.eml', 'rejected', 'sender not trusted: account-security@evil.test'],
  [
    'reject-two-from-addresses.eml',
    'rejected',
    'sender not trusted: no-reply@signin.aws, helpdesk@evil.test',
  ],
  ['reject-subject-homograph.eml', 'rejected', 'subject is not password assistance'],
  // Codes.
  ['reject-code-several.eml', 'rejected', 'several codes'],
  ['reject-code-none.eml', 'rejected', 'no code'],
  ['reject-code-untrusted-sender.eml', 'rejected', 'sender not trusted: verify@aws-signin.evil.test'],
  ['reject-code-text-html-disagree.eml', 'rejected', 'text and HTML parts disagree'],
  // Broken messages: nothing in them is read, not even the recipients.
  [
    'malformed-truncated-multipart.eml',
    'rejected',
    'malformed MIME: multipart without its closing boundary',
    [],
  ],
  ['malformed-header-line.eml', 'rejected', 'malformed MIME: header line without a name', []],
  ['malformed-bad-base64.eml', 'rejected', 'malformed MIME: base64 body with other characters', []],
  ['malformed-no-boundary.eml', 'rejected', 'malformed MIME: multipart without a boundary', []],
];

/** The codes written into the corpus (including the ones of rejected mails). */
const CORPUS_CODES = ['508213', '771904', '362118', '481516', '234200', '905531', '640072', '640027'];

describe('classifyMail on the corpus', () => {
  it.each(TABLE)('%s → %s: %s', async (file, verdict, expected, recipients = [ROOT]) => {
    const mail = await classifyFile(file);
    expect(mail.verdict).toBe(verdict);
    expect(outcome(mail)).toBe(expected);
    expect(mail.recipients).toEqual(recipients);
  });

  it('covers every file of the corpus, and no reason quotes a token, a link or a code', async () => {
    const { readdir } = await import('node:fs/promises');
    const files = (await readdir(CORPUS)).filter((file) => file.endsWith('.eml')).sort();
    expect(files).toEqual(TABLE.map(([file]) => file).sort());
    for (const file of files) {
      const mail = await classifyFile(file);
      if (mail.verdict !== 'other' && mail.verdict !== 'rejected') continue;
      expect(mail.reason, file).not.toContain('AYADe');
      expect(mail.reason, file).not.toMatch(/token|resetpassword\?|\d{6}/i);
      for (const code of CORPUS_CODES) expect(mail.reason, file).not.toContain(code);
    }
  });

  it('reports the facts of a mail: Message-ID, sender, decoded subject, date', async () => {
    expect(await classifyFile('other-budget-alert-non-ascii-subject.eml')).toEqual({
      verdict: 'other',
      reason: 'not a reset or code mail',
      messageId: expect.stringMatching(/^<0100019[0-9a-f-]+-000000@email\.amazonses\.com>$/),
      from: 'no-reply@budgets.amazonaws.com',
      subject: 'AWS Budgets: Sandbox-Monat hat den Schwellenwert überschritten',
      date: Date.parse('2026-01-13T12:31:17Z'),
      recipients: [ROOT],
    });
    const reset = await classifyFile('reset-encoded-subject-subaddressed.eml');
    expect(reset.subject).toBe('Amazon Web Services Password Assistance');
    expect(reset.from).toBe('no-reply@signin.aws');
  });

  it('reads the same verdict from a string as from bytes', async () => {
    const bytes = await corpus('reset-multipart-qp.eml');
    expect(await classifyMail(bytes.toString('utf8'), SETTINGS)).toEqual(await classifyMail(bytes, SETTINGS));
    expect(await classifyMail(new Uint8Array(bytes), SETTINGS)).toEqual(await classifyMail(bytes, SETTINGS));
  });
});

describe('settings change the verdicts', () => {
  it('takes a mail without SES verdicts only when verdicts are not required, and a failing verdict never', async () => {
    const local = { ...SETTINGS, requireVerdicts: false };
    const mail = await classifyFile('reject-no-verdicts.eml', local);
    expect(mail.verdict).toBe('reset-link');
    expect(outcome(mail)).toMatch(
      /^https:\/\/signin\.aws\.amazon\.com\/resetpassword\?type=RootUser&token=AYADe/,
    );
    expect(outcome(await classifyFile('reject-spam-fail.eml', local))).toBe('spam verdict FAIL');
    expect(outcome(await classifyFile('reject-dkim-other-domain.eml', local))).toBe(
      'DKIM does not match the sender',
    );
  });

  it('trusts only the configured senders', async () => {
    const others = loadMailSettings({ MAIL_TRUSTED_SENDERS: 'aws-verification@amazon.com' });
    expect(outcome(await classifyFile('reset-multipart-qp.eml', others))).toBe(
      'sender not trusted: no-reply@signin.aws',
    );
    expect((await classifyFile('code-text-only-base64.eml', others)).verdict).toBe('sign-in-code');
  });

  it('rejects a message over the size limit unread, and takes one exactly at it', async () => {
    const bytes = await corpus('reset-multipart-qp.eml');
    expect((await classifyMail(bytes, { ...SETTINGS, maxBytes: bytes.length })).verdict).toBe('reset-link');
    expect(await classifyMail(bytes, { ...SETTINGS, maxBytes: bytes.length - 1 })).toEqual({
      verdict: 'rejected',
      reason: 'message too large',
      recipients: [],
    });
  });

  it('rejects a reset mail with a large attachment above the default 10 MiB', async () => {
    const text = (await corpus('reset-multipart-qp.eml')).toString('latin1');
    const [head = '', body = ''] = text.split(/\r\n\r\n([\s\S]*)/);
    const alternative =
      /^Content-Type: multipart\/alternative;[^\r]*\r\n\tboundary="[^"]+"/m.exec(head)?.[0] ?? '';
    const line = `${'QUJD'.repeat(19)}\r\n`;
    const attachment = line.repeat(Math.ceil((11 * 1024 * 1024) / line.length));
    const raw = [
      head.replace(alternative, 'Content-Type: multipart/mixed; boundary="outer"'),
      '',
      '--outer',
      alternative,
      '',
      body,
      '--outer',
      'Content-Type: application/octet-stream; name="dump.bin"',
      'Content-Transfer-Encoding: base64',
      'Content-Disposition: attachment; filename="dump.bin"',
      '',
      attachment,
      '--outer--',
      '',
    ].join('\r\n');
    expect(raw.length).toBeGreaterThan(SETTINGS.maxBytes);
    expect(await classifyMail(raw, SETTINGS)).toEqual({
      verdict: 'rejected',
      reason: 'message too large',
      recipients: [],
    });
  });
});

describe('classifyMail never throws', () => {
  it.each([
    ['an empty message', '', 'malformed MIME: no header'],
    ['a blank line only', '\r\n', 'malformed MIME: no header'],
    [
      'binary noise',
      Uint8Array.from({ length: 512 }, (_, i) => (i * 7919) % 256),
      'malformed MIME: header line without a name',
    ],
    [
      'a body without headers',
      'Hello,\r\n\r\nhttps://signin.aws.amazon.com/resetpassword?token=x\r\n',
      'malformed MIME: header line without a name',
    ],
    [
      'a folded first line',
      ' Subject: x\r\n\r\nbody\r\n',
      'malformed MIME: header starts with a continuation line',
    ],
    [
      'an unknown transfer encoding',
      'From: a@b.test\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\nbegin 644 x\r\n',
      'malformed MIME: unknown transfer encoding',
    ],
  ])('%s is rejected', async (_, raw, reason) => {
    expect(await classifyMail(raw, SETTINGS)).toEqual({ verdict: 'rejected', reason, recipients: [] });
  });
});

describe("the console simulator's mails", () => {
  const at = Date.UTC(2026, 0, 15, 12, 0, 0);
  const token = 'AYADeSimulatorToken_0123456789-abcdefghijklmnopqrstuvwxyz';

  it('are a reset link, a sign-in code and other mail, addressed to the root address from the Received clause too', async () => {
    const reset = await classifyMail(
      resetMail('Root+Teardown@Example.com', `${LINK}${token}`, at).raw,
      SETTINGS,
    );
    expect(reset).toMatchObject({
      verdict: 'reset-link',
      link: `${LINK}${token}`,
      from: 'no-reply@signin.aws',
      date: at,
      recipients: ['root@example.com'],
    });
    const code = await classifyMail(signInCodeMail('root@example.com', '493817', at).raw, SETTINGS);
    expect(code).toMatchObject({ verdict: 'sign-in-code', code: '493817' });
    const promotion = await classifyMail(promotionMail('root@example.com', at).raw, SETTINGS);
    expect(promotion).toMatchObject({ verdict: 'other', reason: 'not a reset or code mail' });
  });

  it('names the recipient in the Received field as SES does', () => {
    const raw = resetMail('root+a@example.com', `${LINK}${token}`, at).raw;
    expect(raw).toMatch(/\r\n for root\+a@example\.com; /);
  });

  // The simulator writes the link into both parts unchanged, so each trick below reaches every check.
  it.each([
    [
      'an upper-case host',
      'https://SIGNIN.AWS.AMAZON.COM/resetpassword?type=RootUser&token=T0KEN',
      undefined,
    ],
    [
      'the default port written out',
      'https://signin.aws.amazon.com:443/resetpassword?token=T0KEN',
      'link has a port',
    ],
    [
      'a trailing dot',
      'https://signin.aws.amazon.com./resetpassword?token=T0KEN',
      'link host is not signin.aws.amazon.com: signin.aws.amazon.com.',
    ],
    [
      'a percent-encoded host',
      'https://signin%2Eaws.amazon.com/resetpassword?token=T0KEN',
      'link host is not signin.aws.amazon.com: (unreadable host)',
    ],
    [
      'a backslash before userinfo',
      'https://evil.test\\@signin.aws.amazon.com/resetpassword?token=T0KEN',
      'link redirects through another host',
    ],
    [
      'a password in userinfo',
      'https://signin.aws.amazon.com:x@evil.test/resetpassword?token=T0KEN',
      'link has userinfo',
    ],
    [
      'a fragment holding a host',
      'https://signin.aws.amazon.com/resetpassword?token=T0KEN#//evil.test',
      'link redirects through another host',
    ],
    [
      'a twice-encoded redirect',
      'https://signin.aws.amazon.com/resetpassword?token=T0KEN&next=https%253A%252F%252Fevil.test',
      'link redirects through another host',
    ],
    [
      'a path made of dots',
      'https://signin.aws.amazon.com/x/../resetpassword?token=T0KEN',
      'link path is not /resetpassword',
    ],
    [
      'an encoded path',
      'https://signin.aws.amazon.com/reset%70assword?token=T0KEN',
      'link path is not /resetpassword',
    ],
    [
      'a javascript: link',
      'javascript:go(0)//signin.aws.amazon.com/resetpassword?token=T0KEN',
      'link is not https',
    ],
    ['no scheme', 'signin.aws.amazon.com/resetpassword?token=T0KEN', 'link is not https'],
  ])('with %s: %s', async (_, link, reason) => {
    const mail = await classifyMail(resetMail('root@example.com', link, at).raw, SETTINGS);
    if (reason === undefined) expect(mail).toMatchObject({ verdict: 'reset-link', link });
    else expect(mail).toMatchObject({ verdict: 'rejected', reason });
    if (mail.verdict === 'rejected') expect(mail.reason).not.toContain('T0KEN');
  });
});

describe('loadMailSettings', () => {
  it('has defaults: AWS sign-in and verification senders, verdicts required, 10 MiB', () => {
    expect(loadMailSettings({})).toEqual({
      trustedSenders: [
        'no-reply@signin.aws',
        'no-reply@signin.aws.amazon.com',
        'aws-verification@amazon.com',
        'no-reply-aws@amazon.com',
      ],
      requireVerdicts: true,
      maxBytes: 10 * 1024 * 1024,
    });
    expect(DEFAULT_TRUSTED_SENDERS).toEqual(loadMailSettings({}).trustedSenders);
  });

  it('reads a comma-separated sender list (lower-cased), the verdict switch and the size', () => {
    expect(
      loadMailSettings({
        MAIL_TRUSTED_SENDERS: 'No-Reply@Signin.AWS, aws-verification@amazon.com',
        MAIL_REQUIRE_VERDICTS: 'false',
        MAIL_MAX_BYTES: '2048',
      }),
    ).toEqual({
      trustedSenders: ['no-reply@signin.aws', 'aws-verification@amazon.com'],
      requireVerdicts: false,
      maxBytes: 2048,
    });
  });

  it('names every bad variable', () => {
    let error: unknown;
    try {
      loadMailSettings({
        MAIL_TRUSTED_SENDERS: 'aws, x@y.test',
        MAIL_REQUIRE_VERDICTS: 'maybe',
        MAIL_MAX_BYTES: '10MB',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variables).toEqual([
      'MAIL_TRUSTED_SENDERS',
      'MAIL_REQUIRE_VERDICTS',
      'MAIL_MAX_BYTES',
    ]);
    expect(() => loadMailSettings({ MAIL_MAX_BYTES: '0' })).toThrow(/MAIL_MAX_BYTES must be above 0/);
  });
});

describe('normaliseAddress', () => {
  it.each([
    ['Root@Example.COM', 'root@example.com'],
    ['AWS-Root-SBX-0417+Reset@Sandbox-Mail.Example.TEST', 'aws-root-sbx-0417@sandbox-mail.example.test'],
    ['root+a+b@example.com', 'root@example.com'],
    ['  <root@example.com>  ', 'root@example.com'],
    ['first.last@sub.example.com', 'first.last@sub.example.com'],
  ])('%s → %s', (input, expected) => {
    expect(normaliseAddress(input)).toBe(expected);
  });

  it.each([
    '',
    'root',
    '@example.com',
    '+tag@example.com',
    'root@localhost',
    'root@exa mple.com',
    'a b@example.com',
    'röot@example.com',
    'root@-example.com',
    '"root"@example.com',
  ])('refuses %j', (input) => {
    expect(normaliseAddress(input)).toBeUndefined();
  });
});
