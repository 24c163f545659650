import * as appModule from '@slack/bolt/dist/App';
import * as lambdaReceiverModule from '@slack/bolt/dist/receivers/AwsLambdaReceiver';

// Bolt's own modules rather than its index, which loads every receiver (Express, OAuth, Socket Mode) at once: the
// Lambda's cold start pays only for the App and the receiver it uses. They are CommonJS modules with a `default`
// export, which Node's ESM loader and the type checker hand over differently; take it from either shape.
function defaultExport<T>(module: { default: T }): T {
  const value: unknown = module.default;
  if (typeof value === 'object' && value !== null && 'default' in value)
    return (value as { default: T }).default;
  return value as T;
}

export const App = defaultExport(appModule);
export type App = InstanceType<typeof App>;
export const AwsLambdaReceiver = defaultExport(lambdaReceiverModule);
