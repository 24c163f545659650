import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** Larger than any AWS mail; SES itself takes up to 40 MB, the reset and code mails are a few KB. */
const MAX_MAIL_BYTES = 10 * 1024 * 1024;

export interface SmtpDoor {
  port: number;
  stop(): Promise<void>;
}

/**
 * The local stack's mail door (DESIGN.md): an SMTP server on loopback that takes mail the way SES inbound does.
 * `store` keeps the raw message (the mail bucket); the door answers 250 only once it is stored, and a message it
 * could not store is refused with a temporary failure, so that the sender tries again.
 */
export async function startSmtpDoor(options: {
  host: string;
  port: number;
  store: (raw: Buffer, recipients: string[]) => Promise<void>;
}): Promise<SmtpDoor> {
  const server = new SMTPServer({
    name: 'inbound-smtp.local',
    banner: 'sandbox-teardown local mail door',
    // Nobody logs in to SES's inbound endpoint either; loopback only, and plain text (no certificate to trust).
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: MAX_MAIL_BYTES,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          callback(Object.assign(new Error('message too large'), { responseCode: 552 }));
          return;
        }
        const recipients = session.envelope.rcptTo.map((r) => r.address);
        options.store(Buffer.concat(chunks), recipients).then(
          () => callback(),
          () => callback(Object.assign(new Error('mail not stored, try again later'), { responseCode: 451 })),
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
  };
}
