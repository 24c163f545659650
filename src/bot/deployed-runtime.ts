import type { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { Config, LambdaWiring } from '../common/config';
import { traced } from '../common/tracing';
import { awsDataPorts } from '../pipeline/adapters/aws-ports';
import { lambdaHandOff } from '../pipeline/adapters/lambda-hand-off';
import { LambdaNoticeForwarder } from '../pipeline/adapters/lambda-notice-forwarder';
import type { SlackSettings } from '../slack/settings';
import { type BotRuntime, createBotRuntime } from './runtime';

/**
 * The bot in front of a deployment: state in its table, work handed to its pipeline and browser functions, and
 * transitions shown in Slack by the pipeline function (answers to Slack never wait for pacing). The bot Lambda
 * builds it; so does `npm start -- --real-aws`, which runs the bot locally in front of a real deployment.
 */
export function deployedBotRuntime(deps: {
  config: Config;
  wiring: LambdaWiring;
  slack: Pick<SlackSettings, 'botToken' | 'apiUrl'>;
  logger: Logger;
}): BotRuntime {
  const { config, wiring, logger } = deps;
  const { lambda, dispatcher, timers } = lambdaHandOff(wiring, config.region);
  return createBotRuntime({
    config,
    slack: deps.slack,
    ports: awsDataPorts({
      dynamodb: traced(new DynamoDBClient({ region: config.region })),
      organizations: traced(new OrganizationsClient({ region: config.region })),
      tableName: config.tableName,
    }),
    dispatcher,
    timers,
    notifier: new LambdaNoticeForwarder(lambda, wiring.pipelineFunctionName),
    logger,
  });
}
