/** Just enough of a CloudFormation template to read what osls generated. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export interface Resource {
  Type: string;
  Properties?: Record<string, Json>;
  DependsOn?: Json;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

export interface Template {
  Resources: Record<string, Resource>;
  Outputs?: Record<string, Json>;
}

export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: Json;
  Resource?: Json;
  NotResource?: Json;
  Principal?: Json;
  Condition?: Record<string, Record<string, Json>>;
}

export const asList = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

export function resource(template: Template, id: string): Resource {
  const found = template.Resources[id];
  if (!found) throw new Error(`the template has no resource ${id}`);
  return found;
}

/** Every statement of a role's inline policies. */
export function roleStatements(template: Template, roleId: string): Statement[] {
  const role = resource(template, roleId);
  if (role.Type !== 'AWS::IAM::Role') throw new Error(`${roleId} is a ${role.Type}, not a role`);
  const policies = (role.Properties?.Policies ?? []) as unknown as Array<{
    PolicyDocument: { Statement: Statement[] };
  }>;
  return policies.flatMap((p) => p.PolicyDocument.Statement);
}

/**
 * Resolves the intrinsic functions osls and serverless.yml use (Ref, Fn::GetAtt, Fn::Sub, Fn::Join) to the values
 * CloudFormation would produce in a made-up account, so values can be checked as the Lambdas will see them.
 */
export class FakeStack {
  constructor(
    private readonly template: Template,
    readonly pseudo = {
      'AWS::Partition': 'aws',
      'AWS::Region': 'eu-west-1',
      'AWS::AccountId': '123456789012',
    },
    readonly stackName = 'sandbox-teardown-test',
  ) {}

  private get region() {
    return this.pseudo['AWS::Region'];
  }
  private get account() {
    return this.pseudo['AWS::AccountId'];
  }

  ref(id: string): string {
    if (id in this.pseudo) return this.pseudo[id as keyof typeof this.pseudo];
    if (id === 'AWS::StackName') return this.stackName;
    const { Type, Properties = {} } = resource(this.template, id);
    switch (Type) {
      case 'AWS::S3::Bucket':
        return this.resolve(Properties.BucketName ?? `${this.stackName}-${id.toLowerCase()}-abcdef123456`);
      case 'AWS::SNS::Topic':
        return `arn:aws:sns:${this.region}:${this.account}:${String(Properties.TopicName)}`;
      case 'AWS::SQS::Queue':
        return `https://sqs.${this.region}.amazonaws.com/${this.account}/${this.stackName}-${id}-ABCDEF123456`;
      case 'AWS::SES::ReceiptRuleSet':
        return String(Properties.RuleSetName);
      case 'AWS::DynamoDB::Table':
        return `${this.stackName}-${id}-ABCDEF123456`;
      case 'AWS::Scheduler::ScheduleGroup':
        return String(Properties.Name);
      case 'AWS::SecretsManager::Secret':
        return `arn:aws:secretsmanager:${this.region}:${this.account}:secret:${String(Properties.Name)}-AbCdEf`;
      case 'AWS::Lambda::Function':
        return String(Properties.FunctionName);
      default:
        throw new Error(`no fake Ref for ${id} (${Type})`);
    }
  }

  getAtt(id: string, attribute: string): string {
    const { Type } = resource(this.template, id);
    if (Type === 'AWS::ApiGatewayV2::Api' && attribute === 'ApiEndpoint')
      return `https://a1b2c3d4e5.execute-api.${this.region}.amazonaws.com`;
    if (attribute !== 'Arn') throw new Error(`no fake ${id}.${attribute}`);
    switch (Type) {
      case 'AWS::IAM::Role':
        return `arn:aws:iam::${this.account}:role/${this.stackName}-${id}-ABCDEF123456`;
      case 'AWS::DynamoDB::Table':
        return `arn:aws:dynamodb:${this.region}:${this.account}:table/${this.ref(id)}`;
      case 'AWS::Lambda::Function':
        return `arn:aws:lambda:${this.region}:${this.account}:function:${this.ref(id)}`;
      case 'AWS::Scheduler::ScheduleGroup':
        return `arn:aws:scheduler:${this.region}:${this.account}:schedule-group/${this.ref(id)}`;
      case 'AWS::SQS::Queue':
        return `arn:aws:sqs:${this.region}:${this.account}:${this.stackName}-${id}-ABCDEF123456`;
      default:
        throw new Error(`no fake Fn::GetAtt for ${id} (${Type})`);
    }
  }

  resolve(value: Json): string {
    if (typeof value === 'string') return value;
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      if (typeof value.Ref === 'string') return this.ref(value.Ref);
      const getAtt = value['Fn::GetAtt'];
      if (Array.isArray(getAtt)) return this.getAtt(String(getAtt[0]), String(getAtt[1]));
      const sub = value['Fn::Sub'];
      if (typeof sub === 'string')
        return sub.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
          const [id = '', attribute] = name.split('.');
          return attribute ? this.getAtt(id, attribute) : this.ref(id);
        });
      const join = value['Fn::Join'];
      if (Array.isArray(join) && Array.isArray(join[1]))
        return join[1].map((part) => this.resolve(part)).join(String(join[0]));
    }
    throw new Error(`cannot resolve ${JSON.stringify(value)}`);
  }
}
