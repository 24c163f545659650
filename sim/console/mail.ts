import { createHash, randomBytes } from 'node:crypto';
import type { MailKind, SimMail } from './types';

// Mails as SES inbound stores them for the root address: AWS's own headers plus the verdict headers SES adds on
// receipt, multipart/alternative bodies in quoted-printable.

const AWS_SENDER = '"Amazon Web Services" <no-reply@signin.aws>';
const MARKETING_SENDER = '"Amazon Web Services" <aws-marketing-email-replies@amazon.com>';
const MAX_QP_LINE = 76;

/** RFC 2045 quoted-printable with CRLF line ends and soft breaks (`=` at the end of a line) at 76 characters. */
export function encodeQuotedPrintable(text: string): string {
  return text
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((line) => {
      const bytes = Buffer.from(line, 'utf8');
      const tokens: string[] = [];
      bytes.forEach((byte, index) => {
        const last = index === bytes.length - 1;
        const printable = byte >= 33 && byte <= 126 && byte !== 61;
        const blank = (byte === 32 || byte === 9) && !last;
        tokens.push(
          printable || blank
            ? String.fromCharCode(byte)
            : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`,
        );
      });
      const lines: string[] = [];
      let current = '';
      for (const token of tokens) {
        // Leave room for the soft break's `=`.
        if (current.length + token.length > MAX_QP_LINE - 1) {
          lines.push(`${current}=`);
          current = '';
        }
        current += token;
      }
      lines.push(current);
      return lines.join('\r\n');
    })
    .join('\r\n');
}

function mailDate(at: number): string {
  return new Date(at).toUTCString().replace('GMT', '+0000');
}

function sesHeaders(at: number, envelopeFrom: string, senderDomain: string, recipient: string): string[] {
  const ip = `54.240.8.${(at % 200) + 20}`;
  const helo = `a8-${(at % 200) + 20}.smtp-out.amazonses.com`;
  const receipt = randomBytes(96).toString('base64');
  const bodyHash = createHash('sha256').update(receipt).digest('base64');
  return [
    `Return-Path: <${envelopeFrom}>`,
    `Received: from ${helo} (${helo} [${ip}])`,
    ` by inbound-smtp.us-east-1.amazonaws.com with SMTP id ${randomBytes(10).toString('hex')}`,
    // The envelope recipient, as SES names it in the Received field it adds.
    ` for ${recipient}; ${mailDate(at)}`,
    'X-SES-Spam-Verdict: PASS',
    'X-SES-Virus-Verdict: PASS',
    `Received-SPF: pass (spfCheck: domain of amazonses.com designates ${ip} as permitted sender)`,
    ` client-ip=${ip}; envelope-from=${envelopeFrom}; helo=${helo};`,
    'Authentication-Results: amazonses.com;',
    ` spf=pass (spfCheck: domain of amazonses.com designates ${ip} as permitted sender) client-ip=${ip}; envelope-from=${envelopeFrom}; helo=${helo};`,
    ` dkim=pass header.i=@${senderDomain};`,
    ' dkim=pass header.i=@amazonses.com;',
    ` dmarc=pass header.from=${senderDomain};`,
    `X-SES-RECEIPT: ${receipt}`,
    `X-SES-DKIM-SIGNATURE: a=rsa-sha256; q=dns/txt; b=${randomBytes(48).toString('base64')}; c=relaxed/simple;`,
    ` s=224i4yxa5dv7c2xz3womw6peuasteono; d=amazonses.com; t=${Math.floor(at / 1000)}; v=1;`,
    ` bh=${bodyHash}; h=From:To:Cc:Bcc:Subject:Date:Message-ID:MIME-Version:Content-Type:X-SES-RECEIPT;`,
  ];
}

function buildMime(options: {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  at: number;
  senderDomain: string;
}): string {
  const boundary = `----=_Part_${randomBytes(8).toString('hex')}`;
  const envelopeFrom = `0100${randomBytes(12).toString('hex')}-000000@amazonses.com`;
  const headers = [
    ...sesHeaders(options.at, envelopeFrom, options.senderDomain, options.to),
    `From: ${options.from}`,
    `To: ${options.to}`,
    `Subject: ${options.subject}`,
    `Date: ${mailDate(options.at)}`,
    `Message-ID: <0100${randomBytes(16).toString('hex')}@email.amazonses.com>`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
  ];
  const part = (contentType: string, body: string) =>
    [
      `--${boundary}`,
      `Content-Type: ${contentType}; charset=UTF-8`,
      'Content-Transfer-Encoding: quoted-printable',
      '',
      encodeQuotedPrintable(body),
    ].join('\r\n');
  return [
    headers.join('\r\n'),
    '',
    part('text/plain', options.text),
    part('text/html', options.html),
    `--${boundary}--`,
    '',
  ].join('\r\n');
}

function mail(kind: MailKind, fields: Parameters<typeof buildMime>[0]): SimMail {
  return {
    kind,
    to: fields.to,
    from: fields.from,
    subject: fields.subject,
    at: fields.at,
    raw: buildMime(fields),
  };
}

export function resetMail(to: string, link: string, at: number): SimMail {
  const text = [
    'Greetings from Amazon Web Services,',
    '',
    'We received a request to reset the password for the AWS account root user associated with this email address. To reset your password, follow the link below:',
    '',
    link,
    '',
    'This link expires in 60 minutes. If you did not request a password reset, you can ignore this message; your password will not change.',
    '',
    'Sincerely,',
    'Amazon Web Services',
  ].join('\n');
  const htmlBody = [
    '<!DOCTYPE html>',
    '<html><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8"></head>',
    '<body style="font-family: Arial, sans-serif; font-size: 14px;">',
    '<p>Greetings from Amazon Web Services,</p>',
    '<p>We received a request to reset the password for the AWS account root user associated with this email address. To reset your password, follow the link below:</p>',
    `<p><a href="${link}">${link}</a><br></p>`,
    '<p>This link expires in 60 minutes. If you did not request a password reset, you can ignore this message; your password will not change.</p>',
    '<p>Sincerely,<br>Amazon Web Services</p>',
    '</body></html>',
  ].join('\n');
  return mail('reset', {
    from: AWS_SENDER,
    to,
    subject: 'Amazon Web Services Password Assistance',
    text,
    html: htmlBody,
    at,
    senderDomain: 'signin.aws',
  });
}

export function signInCodeMail(to: string, code: string, at: number): SimMail {
  const text = [
    'Hello,',
    '',
    'Someone signed in to your AWS account as the root user from a device or location we do not recognize. Enter this verification code to finish signing in:',
    '',
    code,
    '',
    'The code expires in 15 minutes. If you did not try to sign in, change your password right away.',
    '',
    'Amazon Web Services',
  ].join('\n');
  const htmlBody = [
    '<!DOCTYPE html>',
    '<html><body style="font-family: Arial, sans-serif; font-size: 14px;">',
    '<p>Hello,</p>',
    '<p>Someone signed in to your AWS account as the root user from a device or location we do not recognize. Enter this verification code to finish signing in:</p>',
    `<p style="font-size: 24px; font-weight: bold;">${code}</p>`,
    '<p>The code expires in 15 minutes. If you did not try to sign in, change your password right away.</p>',
    '<p>Amazon Web Services</p>',
    '</body></html>',
  ].join('\n');
  return mail('sign-in-code', {
    from: AWS_SENDER,
    to,
    subject: 'Your AWS sign-in verification code',
    text,
    html: htmlBody,
    at,
    senderDomain: 'signin.aws',
  });
}

/** Marketing the root address also receives: links to AWS hosts, none of them a reset link. */
export function promotionMail(to: string, at: number): SimMail {
  const links = [
    'https://aws.amazon.com/getting-started/?sc_channel=em&sc_campaign=welcome&sc_medium=em_welcome_1&trk=em_welcome',
    'https://aws.amazon.com/free/?sc_channel=em&sc_campaign=welcome&sc_medium=em_welcome_2&trk=em_welcome',
    'https://console.aws.amazon.com/console/home?sc_channel=em&sc_campaign=welcome',
  ];
  const text = [
    'Welcome to Amazon Web Services',
    '',
    'Thank you for choosing AWS. Here are a few resources to get started:',
    '',
    ...links,
    '',
    'To unsubscribe from marketing mail, visit https://aws.amazon.com/email-preferences/',
  ].join('\n');
  const htmlBody = [
    '<!DOCTYPE html>',
    '<html><body>',
    '<h1>Welcome to Amazon Web Services</h1>',
    '<p>Thank you for choosing AWS. Here are a few resources to get started:</p>',
    ...links.map((link) => `<p><a href="${link}">${link}</a><br></p>`),
    '<p><a href="https://aws.amazon.com/email-preferences/">Unsubscribe</a></p>',
    '</body></html>',
  ].join('\n');
  return mail('promotion', {
    from: MARKETING_SENDER,
    to,
    subject: 'Welcome to Amazon Web Services',
    text,
    html: htmlBody,
    at,
    senderDomain: 'amazon.com',
  });
}
