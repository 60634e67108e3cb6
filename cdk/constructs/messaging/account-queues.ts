import { Stack } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { VAR } from '#core/config/variables.ts';
import type { ResourceConsumer } from './consumer.ts';
import type { SendQueues } from './queues.ts';

// The queue pairs of every account but the first (docs/accounts.md "Queues per account"): the first
// keeps the sender's original pair (URGENT_QUEUE_URL & co., unchanged logical ids), the others are
// named to the runtimes in ACCOUNT_QUEUES. Whoever gets the variable gets the matching grants.

export class AccountQueuePairs {
  /**
   * @param scope where the pairs live (their stack renders ACCOUNT_QUEUES)
   * @param pairs by account name, in the accounts' order, without the first account
   */
  constructor(
    private readonly scope: IConstruct,
    readonly pairs: ReadonlyMap<string, SendQueues>,
  ) {}

  /** The API and the sweeper: SendMessage on every pair's lanes, and ACCOUNT_QUEUES. */
  bindProducer(consumer: ResourceConsumer): void {
    this.grantProduce(consumer);
    this.setVariable(consumer);
  }

  /** The bind-service: consume every pair, send to its DLQs, and ACCOUNT_QUEUES. */
  bindConsumer(consumer: ResourceConsumer): void {
    for (const queues of this.pairs.values()) queues.grantConsume(consumer);
    this.setVariable(consumer);
  }

  /** SendMessage on every pair's lanes (SmsSender.grantSend). */
  grantProduce(grantee: iam.IGrantable): void {
    for (const queues of this.pairs.values()) queues.grantProduce(grantee);
  }

  private setVariable(consumer: ResourceConsumer): void {
    if (this.pairs.size === 0) return;
    const urls = Object.fromEntries([...this.pairs].map(([name, queues]) => [name, queues.urls]));
    consumer.addEnvironment(VAR.ACCOUNT_QUEUES, Stack.of(this.scope).toJsonString(urls));
  }
}
