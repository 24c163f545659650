import { createHash, createPublicKey } from 'node:crypto';
import { generate } from 'selfsigned';

/** Every host name the simulator answers for (Chromium maps all of them to it). */
const CERTIFICATE_NAMES = [
  '*.aws.amazon.com',
  'aws.amazon.com',
  'signin.aws.amazon.com',
  '*.signin.aws.amazon.com',
  '*.console.aws.amazon.com',
  'console.aws.amazon.com',
  '*.amazonaws.com',
  '*.s3.amazonaws.com',
];

export interface SimCertificate {
  keyPem: string;
  certPem: string;
  /** Base64 SHA-256 of the key in DER SPKI form: what `--ignore-certificate-errors-spki-list` takes. */
  spki: string;
}

export function spkiHash(certPem: string): string {
  const der = createPublicKey(certPem).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64');
}

/** A fresh self-signed certificate (EC P-256: quick to make, and Chromium accepts it). */
export async function makeCertificate(): Promise<SimCertificate> {
  const now = new Date();
  const pems = await generate([{ name: 'commonName', value: '*.aws.amazon.com' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 24 * 60 * 60 * 1000),
    notAfterDate: new Date(now.getTime() + 30 * 24 * 60 * 60 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: CERTIFICATE_NAMES.map((value) => ({ type: 2 as const, value })) },
    ],
  });
  return { keyPem: pems.private, certPem: pems.cert, spki: spkiHash(pems.cert) };
}
