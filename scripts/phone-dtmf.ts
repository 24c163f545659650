// Writes the audio our contact flow plays for a PIN, so an operator can listen to it or check it with a decoder:
// the same bytes Amazon Connect plays from S3 once the phone Lambda says `play`.
import { writeFile } from 'node:fs/promises';
import { flowPlaybackWav, isPlayableDigits, MAX_FLOW_DIGITS } from '../src/phone/dtmf';

const USAGE = `Usage: npm run -s phone:dtmf -- DIGITS OUT.wav

Writes OUT.wav: what the contact flow plays for DIGITS (1 to ${MAX_FLOW_DIGITS} of 0-9), each digit's tone file in
turn and the silence before it hangs up. WAV, G.711 μ-law, 8 kHz, mono.
Check it with e.g.  multimon-ng -q -a DTMF -t wav OUT.wav
Exit status: 0 written, 1 the file could not be written, 2 bad arguments.`;

async function main(argv: string[]): Promise<number> {
  const args = argv.filter((arg) => arg !== '--');
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const [digits, out, ...rest] = args;
  if (digits === undefined || out === undefined || rest.length > 0) {
    console.error(`Expected DIGITS and OUT.wav.\n\n${USAGE}`);
    return 2;
  }
  if (!isPlayableDigits(digits)) {
    // Not echoed: it may be a real PIN, and terminals end up in logs.
    console.error(
      `DIGITS cannot be played (${digits.length} character(s)): the contact flow plays 1 to ${MAX_FLOW_DIGITS} digits 0-9.\n\n${USAGE}`,
    );
    return 2;
  }
  try {
    await writeFile(out, flowPlaybackWav(digits));
  } catch (error) {
    console.error(`Could not write ${out}: ${(error as Error).message}`);
    return 1;
  }
  console.error(`Wrote ${out}: ${digits.length} digit(s).`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
