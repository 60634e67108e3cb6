import { beforeEach, describe, expect, it } from 'vitest';
import { createDynamoDbClients } from '#core/aws/clients.ts';
import { MessageRepository } from '#core/aws/messages/message-repository.ts';
import { MAX_WATCHED_UNKNOWN } from '#core/aws/messages/receipts/part-writes.ts';
import { type QueryAnswer, receiptFromQuery } from '#core/domain/receipts/query-answer.ts';
import { type DeliveryReceipt, parseDeliveryReceipt } from '#core/domain/receipts/receipt.ts';
import { MAX_TEXT_LENGTH } from '#core/domain/requests/message-schema.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { messageRecord, receipt, smscId, steppingClock, undelivered } from '../../factories.ts';

// SINGLE mode: each part of a long message has its own SMSC id and its own receipt, and the
// provider sends one message's part receipts nearly together. Each part's receipt must be stored
// without racing the others for the one MSG# item (a refused receipt is answered ESME_RX_T_APPN and
// comes again, racing again), and the message must settle once, exactly, when the last part reports.

/** The API's longest text in a script GSM 7-bit cannot carry: UCS-2, 67 characters a part, 150 parts. */
const LONGEST_UCS2 = { text: 'Привет'.repeat(2_000).slice(0, MAX_TEXT_LENGTH), parts: 150 };

const DELIVERED: QueryAnswer = { messageState: 2, errorCode: 0 };

describe('MessageRepository: the part receipts of a SINGLE message coming together (DynamoDB Local)', () => {
  const aws = useLocalAws({ dynamo: true });
  let table: string;
  let repository: MessageRepository;

  beforeEach(async () => {
    table = (await aws.freshTables()).messages;
    repository = new MessageRepository(aws.document, table, { clock: steppingClock().now });
  });

  async function submittedParts(parts: number, overrides = {}) {
    const record = messageRecord({ parts, encoding: 'ucs2', dataCoding: 8, ...overrides });
    await repository.createAccepted(record);
    await repository.claimForSubmit(record.id);
    const ids = Array.from({ length: parts }, () => smscId());
    await repository.markSubmitted(record.id, ids);
    return { record, ids };
  }

  /** What went wrong, by count and first reason, so a failure says why. */
  function refusals(results: readonly PromiseSettledResult<unknown>[]) {
    const refused = results.filter((result) => result.status === 'rejected');
    const first = refused[0];
    return { refused: refused.length, firstReason: first?.status === 'rejected' ? String(first.reason) : '' };
  }

  const statuses = async (id: string) => (await repository.get(id))?.history.map((h) => h.status);

  it('when the receipts of all 150 parts of the longest UCS-2 text come at once, then none is refused and the message is delivered once with the summed cost', async () => {
    // Prepare
    const { record, ids } = await submittedParts(LONGEST_UCS2.parts, { text: LONGEST_UCS2.text });
    // Act
    const results = await Promise.allSettled(
      ids.map((id) => repository.applyReceipt(receipt(id, { cost: '0.0125' }))),
    );
    // Assess
    expect(refusals(results)).toEqual({ refused: 0, firstReason: '' });
    expect(await repository.get(record.id)).toMatchObject({ status: 'delivered', cost: '1.8750' });
    expect(await statuses(record.id)).toEqual(['accepted', 'submitting', 'submitted', 'delivered']);
  }, 180_000);

  it('when the receipts of all 150 parts come at once and one part is UNDELIV, then the message is undelivered with its error code and the summed cost', async () => {
    // Prepare
    const { record, ids } = await submittedParts(LONGEST_UCS2.parts, { text: LONGEST_UCS2.text });
    const failing = ids[97] ?? '';
    const receiptOf = (id: string): DeliveryReceipt =>
      id === failing ? undelivered(id, 13, { cost: '0.01' }) : receipt(id, { cost: '0.01' });
    // Act
    const results = await Promise.allSettled(ids.map((id) => repository.applyReceipt(receiptOf(id))));
    // Assess
    expect(refusals(results)).toEqual({ refused: 0, firstReason: '' });
    expect(await repository.get(record.id)).toMatchObject({
      status: 'undelivered',
      error: { code: 13 },
      cost: '1.50',
    });
    expect(await statuses(record.id)).toEqual(['accepted', 'submitting', 'submitted', 'undelivered']);
  }, 180_000);

  it('when two bind-service tasks (each its own DynamoDB client) each get half of the receipts at once (20 rounds), then every message settles once, never left submitted with every part reported', async () => {
    const clients = createDynamoDbClients({ region: aws.region, endpoint: aws.dynamoEndpoint });
    try {
      const secondTask = new MessageRepository(clients.document, table, { clock: steppingClock().now });
      for (let round = 0; round < 20; round++) {
        // Prepare: few parts, so that the last two race often
        const { record, ids } = await submittedParts(4);
        // Act
        const results = await Promise.allSettled(
          ids.map((id, index) =>
            (index % 2 === 0 ? repository : secondTask).applyReceipt(receipt(id, { cost: '1' })),
          ),
        );
        // Assess
        expect(refusals(results)).toEqual({ refused: 0, firstReason: '' });
        expect({ round, ...(await repository.get(record.id)) }).toMatchObject({
          round,
          status: 'delivered',
          cost: '4',
        });
        expect(await statuses(record.id)).toEqual(['accepted', 'submitting', 'submitted', 'delivered']);
      }
    } finally {
      clients.document.destroy();
      clients.dynamo.destroy();
    }
  }, 120_000);

  it("when a part answered by QUERY_SM gets its own receipt (with the cost) as the last part's receipt settles the message (20 rounds), then the summed cost is still written", async () => {
    for (let round = 0; round < 20; round++) {
      // Prepare: the first part's outcome is known from QUERY_SM, which carries no cost
      const { record, ids } = await submittedParts(2);
      const [answered = '', last = ''] = ids;
      await repository.applyReceipt(receiptFromQuery(answered, DELIVERED));
      const costOnly = (id: string, cost: string) =>
        parseDeliveryReceipt({ text: `id:${id} stat:DELIVRD err:000`, tlvs: { cost } });
      // Act
      await Promise.all([
        repository.applyReceipt(costOnly(answered, '1.25')),
        repository.applyReceipt(costOnly(last, '2')),
      ]);
      // Assess
      expect({ round, ...(await repository.get(record.id)) }).toMatchObject({
        round,
        status: 'delivered',
        cost: '3.25',
      });
    }
  }, 120_000);
  const cannotTell = (id: string) => receipt(id, { stat: 'UNKNOWN', outcome: 'unknown', errorCode: 245 });

  it("when both parts' final receipts replace their UNKNOWN together (20 rounds), then the message is delivered", async () => {
    const stuck: number[] = [];
    for (let round = 0; round < 20; round++) {
      // Prepare
      const { record, ids } = await submittedParts(2);
      const [a, b] = ids as [string, string];
      await repository.applyReceipt(cannotTell(a));
      await repository.applyReceipt(cannotTell(b));
      expect((await repository.get(record.id))?.status).toBe('unknown');
      // Act
      await Promise.all([repository.applyReceipt(receipt(a)), repository.applyReceipt(receipt(b))]);
      // Assess
      if ((await repository.get(record.id))?.status !== 'delivered') stuck.push(round);
    }
    expect(stuck).toEqual([]);
  }, 120_000);

  it("when part B's first receipt (settling) and part A's final receipt replacing its UNKNOWN come together (20 rounds), then the message is delivered", async () => {
    // B settles from A as read (unknown); A's replacement keeps the map's size, so only a condition
    // on A's outcome makes B decide again.
    const stuck: number[] = [];
    for (let round = 0; round < 20; round++) {
      // Prepare
      const { record, ids } = await submittedParts(2);
      const [a, b] = ids as [string, string];
      await repository.applyReceipt(cannotTell(a));
      // Act
      await Promise.all([repository.applyReceipt(receipt(a)), repository.applyReceipt(receipt(b))]);
      // Assess
      if ((await repository.get(record.id))?.status !== 'delivered') stuck.push(round);
    }
    expect(stuck).toEqual([]);
  }, 120_000);

  it('when each part of a message watching every other part first reports UNKNOWN and then their DELIVRD receipts come at once (10 rounds), then none is refused and the message is delivered', async () => {
    // Each settling write is conditional on the MAX_WATCHED_UNKNOWN others, so each landing fails the rest.
    const parts = MAX_WATCHED_UNKNOWN + 1;
    for (let round = 0; round < 10; round++) {
      // Prepare
      const { record, ids } = await submittedParts(parts);
      for (const id of ids) await repository.applyReceipt(cannotTell(id));
      // Act
      const results = await Promise.allSettled(ids.map((id) => repository.applyReceipt(receipt(id))));
      // Assess
      expect(refusals(results)).toEqual({ refused: 0, firstReason: '' });
      expect((await repository.get(record.id))?.status).toBe('delivered');
    }
  }, 120_000);

  it('when all 150 parts first report UNKNOWN and then their DELIVRD receipts come at once, then none is refused and the message is delivered', async () => {
    // Prepare
    const { record, ids } = await submittedParts(LONGEST_UCS2.parts, { text: LONGEST_UCS2.text });
    const first = await Promise.allSettled(ids.map((id) => repository.applyReceipt(cannotTell(id))));
    expect(refusals(first)).toEqual({ refused: 0, firstReason: '' });
    expect((await repository.get(record.id))?.status).toBe('unknown');
    // Act
    const results = await Promise.allSettled(ids.map((id) => repository.applyReceipt(receipt(id))));
    // Assess
    expect(refusals(results)).toEqual({ refused: 0, firstReason: '' });
    expect((await repository.get(record.id))?.status).toBe('delivered');
    expect(await statuses(record.id)).toEqual([
      'accepted',
      'submitting',
      'submitted',
      'unknown',
      'delivered',
    ]);
  }, 180_000);
});
