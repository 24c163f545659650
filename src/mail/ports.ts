/** Where SES left the raw messages (an S3 bucket). */
export interface MailObjects {
  /** The raw message; MailTooLargeError (without reading it) when it is over `maxBytes`. */
  read(bucket: string, key: string, maxBytes: number): Promise<Uint8Array>;
}

/** Sends a copy of a mail that is no reset or code mail to the operators (SES), when configured. */
export interface MailForwarder {
  forward(raw: Uint8Array, note: string): Promise<void>;
}
