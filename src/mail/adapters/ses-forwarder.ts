import { randomUUID } from 'node:crypto';
import { type SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import { asAwsCallError } from '../../common/errors';
import type { MailForwarder } from '../ports';

/**
 * Sends the operators a copy of a mail that came to a root address, attached whole to a note from our own
 * (SES-verified) sender: AWS's own From could not be sent from us.
 */
export class SesForwarder implements MailForwarder {
  constructor(
    private readonly ses: SESClient,
    private readonly addresses: { from: string; to: string },
  ) {}

  async forward(raw: Uint8Array, note: string): Promise<void> {
    const boundary = `fwd-${randomUUID()}`;
    const subject = `[sandbox-teardown] ${note}`.replace(/[\r\n]+/g, ' ').slice(0, 200);
    const head = [
      `From: ${this.addresses.from}`,
      `To: ${this.addresses.to}`,
      `Subject: =?UTF-8?B?${Buffer.from(subject, 'utf8').toString('base64')}?=`,
      'MIME-Version: 1.0',
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      `${note}\r\nThe message is attached as it arrived.`,
      `--${boundary}`,
      'Content-Type: message/rfc822',
      'Content-Disposition: attachment; filename="received.eml"',
      '',
      '',
    ].join('\r\n');
    const tail = `\r\n--${boundary}--\r\n`;
    const data = Buffer.concat([Buffer.from(head, 'utf8'), Buffer.from(raw), Buffer.from(tail, 'utf8')]);
    try {
      await this.ses.send(
        new SendRawEmailCommand({
          Source: this.addresses.from,
          Destinations: [this.addresses.to],
          RawMessage: { Data: data },
        }),
      );
    } catch (error) {
      throw asAwsCallError('Forwarding the mail to the operators', error);
    }
  }
}
