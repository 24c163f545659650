// `npm start`: the local stack, offline (with SLACK_APP_TOKEN: the bot in a real workspace, AWS still moto).
import { LOCAL_PEOPLE, startLocalStack, startSocketModeStack } from '../src/local/stack';

const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`PORT="${process.env.PORT}" is not a port number`);
  process.exit(1);
}

function fail(error: unknown): never {
  const busy = (error as { code?: string }).code === 'EADDRINUSE';
  console.error(
    busy ? `Port ${port} is in use: set PORT to another one.` : `The local stack did not start: ${error}`,
  );
  process.exit(1);
}

let stop: () => Promise<void>;
if (process.env.SLACK_APP_TOKEN?.trim()) {
  const stack = await startSocketModeStack().catch(fail);
  stop = stack.stop;
  console.log(
    [
      'sandbox-teardown is connected to your Slack workspace by Socket Mode; AWS is moto (a demo organization).',
      `  try:  /sandbox delete ${stack.org.accounts.sandbox1.id} sprint demo is over`,
      'Ctrl-C stops it.',
    ].join('\n'),
  );
} else {
  const stack = await startLocalStack({ port }).catch(fail);
  stop = stack.stop;
  console.log(
    [
      'sandbox-teardown is running offline (moto for AWS, a simulated Slack).',
      `  playground:   ${stack.url}`,
      `  Slack events: ${stack.eventsUrl}`,
      `  people:       ${Object.values(LOCAL_PEOPLE)
        .map((p) => `${p.name} (${p.role})`)
        .join(', ')}`,
      `  try:          /sandbox delete ${stack.org.accounts.sandbox1.id} sprint demo is over   (as alice, then approve as bob)`,
      'Ctrl-C stops it.',
    ].join('\n'),
  );
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void stop().then(() => process.exit(0));
  });
}
