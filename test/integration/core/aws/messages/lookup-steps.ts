import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { MessageRepository } from '#core/aws/messages/message-repository.ts';
import type { MessageRecord } from '#core/domain/messages/message-model.ts';
import type { LocalAws } from '#test/helpers/aws/local-aws.ts';
import { messageRecord } from '../factories.ts';

// Steps the SMSC-id lookup tests share: a message claimed and ready to be recorded, a lookup item
// read straight from the table, and a message's status history.

export function lookupSteps(
  aws: LocalAws,
  rig: { readonly repository: MessageRepository; readonly table: string },
) {
  return {
    async claimed(overrides: Partial<MessageRecord> = {}): Promise<MessageRecord> {
      const record = messageRecord(overrides);
      await rig.repository.createAccepted(record);
      await rig.repository.claimForSubmit(record.id);
      return record;
    },
    async lookupItem(id: string) {
      const { Item } = await aws.document.send(
        new GetCommand({ TableName: rig.table, Key: { pk: `SMSC#${id}` }, ConsistentRead: true }),
      );
      return Item;
    },
    async statuses(id: string) {
      return (await rig.repository.get(id))?.history.map((change) => change.status);
    },
  };
}
