import * as events from 'aws-cdk-lib/aws-events';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { DETAIL_TYPES, EVENT_SOURCE } from '#core/domain/events/message-status-changed.ts';
import type { MessageStatus } from '#core/domain/messages/message-state.ts';
import { PRIORITIES } from '#core/domain/requests/message-schema.ts';
import type { SmsApi } from '../compute/api.ts';
import type { SendQueues } from './queues.ts';

// What another team's CDK code calls on SmsSender: subscribe to status events (an EventBridge rule
// matching the contract's source and detail type, docs/events.md) and give a role exactly the API
// routes and queues it needs to send or to read, the way `bucket.grantRead(role)` does.

export interface OnStatusOptions {
  /** Only these statuses (`detail.status`). @default every status an event is emitted for */
  readonly statuses?: readonly MessageStatus[];
  /** Only events from these AWS accounts (the envelope's `account`). @default any account */
  readonly accounts?: readonly string[];
  /**
   * Where the rule is created. Give a construct of the consuming stack so that stack depends on the
   * sender's (and the target's permission lives beside it). @default the SmsSender construct
   */
  readonly scope?: Construct;
  /** The rule's construct id. @default `OnStatus<n>` */
  readonly id?: string;
  readonly description?: string;
}

/** The event pattern of a status subscription. */
export function statusEventPattern(
  options: Pick<OnStatusOptions, 'statuses' | 'accounts'>,
  /** What names this deployment in every event's `resources` (its messages table's ARN). */
  resource: string,
): events.EventPattern {
  return {
    source: [EVENT_SOURCE],
    detailType: [DETAIL_TYPES.messageStatusChanged],
    // Another stack of this app may publish to the same bus (the account's default one).
    resources: [resource],
    ...(options.accounts?.length ? { account: [...options.accounts] } : {}),
    ...(options.statuses?.length ? { detail: { status: [...options.statuses] } } : {}),
  };
}

export function statusRule(
  owner: Construct,
  bus: events.IEventBus,
  resource: string,
  target: events.IRuleTarget,
  options: OnStatusOptions,
): events.Rule {
  const scope = options.scope ?? owner;
  const taken = scope.node.children.filter((child) => child.node.id.startsWith('OnStatus')).length;
  const id = options.id ?? `OnStatus${taken + 1}`;
  return new events.Rule(scope, id, {
    eventBus: bus,
    description: options.description ?? 'SMS sender status events (docs/events.md)',
    eventPattern: statusEventPattern(options, resource),
    targets: [target],
  });
}

/** POST routes and SendMessage on both send queues (SQS-managed encryption: no key to grant). */
export function grantSend(api: SmsApi, queues: SendQueues, grantee: iam.IGrantable): void {
  api.grantInvoke(grantee, 'send');
  for (const lane of PRIORITIES) queues.lanes[lane].queue.grantSendMessages(grantee);
}

/**
 * GET and HEAD routes only: reading a message or a batch never touches a queue or the table. Their
 * ARNs end in `*` (the message or batch id), which cdk-nag reports as AwsSolutions-IAM5 on the
 * grantee's policy; the grantee's owner acknowledges it (docs/events.md shows how).
 */
export function grantRead(api: SmsApi, grantee: iam.IGrantable): void {
  api.grantInvoke(grantee, 'read');
}
