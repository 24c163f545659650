/**
 * Stands in for Bolt's HTTP and Socket Mode receivers in the bot Lambda's bundle. Bolt's App module loads both
 * (it builds one when no receiver is given), with Express, OAuth, raw-body and Socket Mode's WebSocket client
 * behind them; the Lambda always passes its own AwsLambdaReceiver, so they would only cost cold-start time.
 */
export default class ReceiverNotInThisBundle {
  constructor() {
    throw new Error('Only the AwsLambdaReceiver is bundled into the bot Lambda; pass it to the App.');
  }
}
