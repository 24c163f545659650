// The events AWS hands our phone Lambda, shaped as Amazon Connect and End User Messaging SMS (through SNS) send
// them: built here from AWS's documentation, not from what src/phone reads, so the Lambda's parsing is tested.
import { randomUUID } from 'node:crypto';

const INSTANCE_ARN = 'arn:aws:connect:us-east-1:000000000000:instance/00000000-0000-4000-8000-000000000000';

/** What Connect sends a Lambda from an "Invoke AWS Lambda function" block of an inbound voice call. */
export function contactFlowEvent(call: {
  contactId: string;
  /** Our number that was called. */
  to: string;
  /** The caller's number. */
  from: string;
  /** The block's LambdaInvocationAttributes, resolved. */
  parameters?: Record<string, string>;
  attributes?: Record<string, string>;
}): unknown {
  return {
    Name: 'ContactFlowEvent',
    Details: {
      ContactData: {
        Attributes: call.attributes ?? {},
        AwsRegion: 'us-east-1',
        Channel: 'VOICE',
        ContactId: call.contactId,
        CustomerEndpoint: { Address: call.from, Type: 'TELEPHONE_NUMBER' },
        Description: null,
        InitialContactId: call.contactId,
        InitiationMethod: 'INBOUND',
        InstanceARN: INSTANCE_ARN,
        LanguageCode: 'en-US',
        MediaStreams: { Customer: { Audio: null } },
        Name: null,
        PreviousContactId: call.contactId,
        Queue: null,
        References: {},
        SegmentAttributes: { 'connect:Subtype': { ValueString: 'connect:Telephony' } },
        SystemEndpoint: { Address: call.to, Type: 'TELEPHONE_NUMBER' },
      },
      Parameters: call.parameters ?? {},
    },
  };
}

/** What SNS delivers to a subscribed Lambda when End User Messaging SMS publishes an inbound two-way message. */
export function inboundSmsEvent(message: {
  to: string;
  from: string;
  body: string;
  inboundMessageId: string;
  at: number;
  keyword?: string;
}): unknown {
  const topicArn = 'arn:aws:sns:us-east-1:000000000000:inbound-sms';
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${topicArn}:${randomUUID()}`,
        Sns: {
          Type: 'Notification',
          MessageId: randomUUID(),
          TopicArn: topicArn,
          Subject: null,
          Message: JSON.stringify({
            originationNumber: message.from,
            destinationNumber: message.to,
            messageKeyword: message.keyword ?? 'KEYWORD_000000000000',
            messageBody: message.body,
            inboundMessageId: message.inboundMessageId,
            previousPublishedMessageId: randomUUID(),
          }),
          Timestamp: new Date(message.at).toISOString(),
          SignatureVersion: '1',
          Signature: 'c2ltdWxhdGVk',
          SigningCertUrl: 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-sim.pem',
          UnsubscribeUrl: `https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${topicArn}`,
          MessageAttributes: {},
        },
      },
    ],
  };
}
