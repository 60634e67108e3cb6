import { describe, expect, it } from 'vitest';
import { SessionConfigError, SmppClient, type SubmitFields } from '#bind-service/smpp/index.ts';

const config = { hosts: [{ host: '127.0.0.1', port: 1 }], systemId: 'login', password: 'secret' };

const fields: SubmitFields = {
  source_addr: 'Shop',
  source_addr_ton: 5,
  source_addr_npi: 0,
  destination_addr: '79991234567',
  dest_addr_ton: 1,
  dest_addr_npi: 1,
  esm_class: 0,
  data_coding: 0,
  short_message: Buffer.from('hi'),
  registered_delivery: 1,
};

describe('SmppClient without a connection', () => {
  it('when the config is invalid, then the constructor fails fast naming the field', () => {
    // Act
    const act = () => new SmppClient({ ...config, enquireLinkIntervalMs: 180_000 });
    // Assess
    expect(act).toThrow(SessionConfigError);
    expect(act).toThrow(/enquireLinkIntervalMs/);
  });

  it('when not started, then a submit is not sent and no slot is offered', async () => {
    // Prepare
    const client = new SmppClient(config);
    // Act
    const outcome = await client.submit(fields);
    // Assess
    expect(outcome).toEqual({ kind: 'not-sent', reason: 'not-bound' });
    expect(client.availableSlots).toBe(0);
    expect(client.windowSize).toBe(300);
    expect(client.state).toBe('idle');
  });

  it('when stopped before it ever started, then it reports stopped and refuses work', async () => {
    // Prepare
    const client = new SmppClient(config);
    const stopped = client.once('stopped');
    // Act
    await client.stop();
    // Assess
    expect(await stopped).toEqual({ reason: 'requested' });
    expect(await client.submit(fields)).toEqual({ kind: 'not-sent', reason: 'stopping' });
    await expect(client.whenBound()).rejects.toMatchObject({ code: 'SMPP_NOT_BOUND' });
    await expect(client.whenSlotFree()).resolves.toBeUndefined();
    expect(() => client.start()).toThrow(/stopped/);
  });
});
