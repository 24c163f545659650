import { Secret, TOTP } from 'otpauth';

// Root MFA with a virtual authenticator: RFC 6238 codes from the key the console showed when it was registered.

function totp(base32Key: string): TOTP {
  return new TOTP({
    secret: Secret.fromBase32(base32Key.replace(/\s+/g, '')),
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
  });
}

/** The code of the authenticator at `at` (epoch ms). */
export function mfaCode(base32Key: string, at: number): string {
  return totp(base32Key).generate({ timestamp: at });
}

/** Two consecutive codes, as registering a device asks for: this period's and the next one's. */
export function consecutiveMfaCodes(base32Key: string, at: number): [string, string] {
  const generator = totp(base32Key);
  return [generator.generate({ timestamp: at }), generator.generate({ timestamp: at + 30_000 })];
}
