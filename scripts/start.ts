// `npm start [-- --captcha-solve-ms 15000 --call-ms 30000 …]`: the whole system offline (with SLACK_APP_TOKEN: the
// bot in a real workspace by Socket Mode, AWS still simulated; with --real-aws as well: the bot in front of a real
// deployment, after a loud warning).
import { startRealAwsBot } from '../src/local/real-aws';
import { REALISM_KNOBS, realismFromArgs } from '../src/local/realism';
import { LOCAL_PEOPLE, type LocalStack, startLocalStack, startSocketModeStack } from '../src/local/stack';

const HELP = `npm start [-- options]
  --real-aws            with SLACK_APP_TOKEN: the bot joins your workspace in front of a REAL deployment
${REALISM_KNOBS.map((k) => `  ${`${k.flag} N`.padEnd(22)}${k.label} (${k.unit === 'ms' ? 'milliseconds' : '0 to 1'})`).join('\n')}
Environment: PORT (3000), SMTP_PORT (2525), SLACK_SIGNING_SECRET, PHONE_LINES, POWERTOOLS_LOG_LEVEL.`;

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

let parsed: ReturnType<typeof realismFromArgs>;
try {
  parsed = realismFromArgs(process.argv.slice(2));
} catch (error) {
  fail(`${(error as Error).message}\n\n${HELP}`);
}
const realAws = parsed.rest.includes('--real-aws');
const unknown = parsed.rest.filter((arg) => arg !== '--real-aws');
if (unknown.includes('--help') || unknown.includes('-h')) {
  console.log(HELP);
  process.exit(0);
}
if (unknown.length > 0) fail(`Unknown option ${unknown.join(' ')}\n\n${HELP}`);

const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65_535)
  fail(`PORT="${process.env.PORT}" is not a port number`);

function cannotStart(error: unknown): never {
  const { code, port: busyPort } = error as { code?: string; port?: number };
  if (code === 'EADDRINUSE') {
    fail(`Port ${busyPort ?? port} is in use: set PORT (or SMTP_PORT for the mail door) to another one.`);
  }
  fail(`The local stack did not start: ${error instanceof Error ? error.message : error}`);
}

const socketMode = Boolean(process.env.SLACK_APP_TOKEN?.trim());
let stop: () => Promise<void>;
if (realAws) {
  const bot = await startRealAwsBot({ env: process.env, warn: (line) => console.error(line) }).catch(
    cannotStart,
  );
  stop = bot.stop;
  console.log(
    `sandbox-teardown's bot is connected to your workspace, in front of ${bot.describe}. Ctrl-C stops it.`,
  );
} else if (socketMode) {
  const stack = await startSocketModeStack({ port, realism: parsed.changes }).catch(cannotStart);
  stop = stack.stop;
  console.log(
    [
      'sandbox-teardown is connected to your Slack workspace by Socket Mode; AWS is simulated (moto, sim/console).',
      ...doors(stack.doorsUrl, stack.smtpPort, stack.lines),
      `  try:          /sandbox delete ${exampleAccount(stack)} --remove sprint demo is over`,
      'Ctrl-C stops it.',
    ].join('\n'),
  );
} else {
  const stack = await startLocalStack({ port, realism: parsed.changes }).catch(cannotStart);
  stop = stack.stop;
  const realism = stack.realism.get();
  console.log(
    [
      'sandbox-teardown is running offline: every part of it in this process, the outside world simulated.',
      `  playground:   ${stack.url}`,
      `  Slack events: ${stack.eventsUrl}`,
      `  signing secret: ${stack.signingSecretFromEnv ? 'SLACK_SIGNING_SECRET' : stack.signingSecret}`,
      ...doors(stack.url, stack.smtpPort, stack.lines),
      `  people:       ${Object.values(LOCAL_PEOPLE)
        .map((p) => `${p.name} (${p.role})`)
        .join(', ')}`,
      '  simulated:    AWS (moto with a demo organization of 12 sandbox accounts; the console, sign-in and billing',
      '                pages; mail to root addresses; verification calls and texts), 2captcha, Slack',
      `  realism:      ${REALISM_KNOBS.map((k) => `${k.key}=${realism[k.key]}`).join(' ')}`,
      `  browser:      one Chromium, ${stack.browserTurns} steps working at once (BROWSER_TURNS)`,
      `  try:          /sandbox delete ${exampleAccount(stack)} --remove sprint demo is over`,
      '                (as alice, then approve as bob)',
      'Ctrl-C stops it.',
    ].join('\n'),
  );
}

function doors(base: string, smtpPort: number, lines: readonly string[]): string[] {
  return [
    `  mail door:    SMTP on 127.0.0.1:${smtpPort}`,
    `  our lines:    ${lines.join(', ')}`,
    `  phone doors:  POST ${new URL('/local/phone/call', base)}  {"to"}  ·  POST ${new URL('/local/phone/sms', base)}  {"to","from","body"}`,
  ];
}

function exampleAccount(stack: Pick<LocalStack, 'demo'>): string {
  const example = stack.demo.sandboxes.find((a) => !a.protected && a.ageDays >= 4);
  return example?.id ?? '<account id>';
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void stop().then(() => process.exit(0));
  });
}
