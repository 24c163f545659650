// `npm start`: the local stack. Until it lands, say so plainly instead of failing obscurely.
console.log(
  [
    'sandbox-teardown: the local stack (bot on http://127.0.0.1:3000/slack/events, Slack and AWS console',
    'simulators, playground at /) is not built yet.',
    'What works today: `npm test` runs the pipeline core and the close strategy against moto server.',
  ].join('\n'),
);
