// `npm start`: the local stack, offline. Stop it with Ctrl-C.
import { LOCAL_PEOPLE, startLocalStack } from '../src/local/stack';

const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`PORT="${process.env.PORT}" is not a port number`);
  process.exit(1);
}
const stack = await startLocalStack({ port }).catch((error: unknown) => {
  const busy = (error as { code?: string }).code === 'EADDRINUSE';
  console.error(
    busy ? `Port ${port} is in use: set PORT to another one.` : `The local stack did not start: ${error}`,
  );
  process.exit(1);
});
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
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void stack.stop().then(() => process.exit(0));
  });
}
