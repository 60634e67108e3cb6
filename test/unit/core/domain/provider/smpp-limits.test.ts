import { describe, expect, it } from 'vitest';
import { loadConfig } from '#bind-service/config.ts';
import { configWarnings } from '#bind-service/config-warnings.ts';
import { submitFieldsFor } from '#bind-service/dispatch/submit/submit-fields.ts';
import { InvalidAddressError } from '#bind-service/smpp/index.ts';
import { prepareMessage } from '#core/domain/messages/prepare-message.ts';
import { sendMessageSchema } from '#core/domain/requests/message-schema.ts';
import { normaliseRecipient } from '#core/domain/requests/recipient.ts';
import { codesOf, domainErrorOf } from '../support.ts';

const ENV = {
  SMPP_HOST: 'smpp.smscentre.com',
  SMPP_SYSTEM_ID: 'acme',
  SMPP_PASSWORD: 'fake-pw',
  MESSAGES_TABLE: 'm',
  INBOUND_TABLE: 'i',
  URGENT_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/u',
  BULK_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/b',
  URGENT_DLQ_URL: 'https://sqs.eu-west-1.amazonaws.com/1/ud',
  BULK_DLQ_URL: 'https://sqs.eu-west-1.amazonaws.com/1/bd',
  AWS_REGION: 'eu-west-1',
};

describe('SMPP 3.4 field sizes', () => {
  it('when an e-mail address has 20 characters, then it is accepted; with 21, it is recipient_too_long_for_smpp at to', () => {
    // Prepare
    const fits = 'abcdefghi@example.ru';
    const tooLong = 'abcdefghij@example.ru';
    // Act
    const accepted = normaliseRecipient(fits, 'mail');
    const error = domainErrorOf(() => normaliseRecipient(tooLong, 'mail'));
    // Assess
    expect(accepted).toBe(fits);
    expect(error).toMatchObject({ code: 'recipient_too_long_for_smpp', path: ['to'] });
  });

  it('when a request mails a long address, then the schema refuses it with the same code', () => {
    // Act
    const codes = codesOf(sendMessageSchema, {
      to: 'anna.smith@mail.example.ru',
      kind: 'mail',
      subject: 'S',
      text: 'Hello',
    });
    // Assess
    expect(codes).toEqual([{ code: 'recipient_too_long_for_smpp', path: ['to'] }]);
  });

  it('when a prepared mail somehow holds a long address, then no SUBMIT_SM is built for it', () => {
    // Prepare
    const request = sendMessageSchema.parse({ to: 'ann@example.ru', kind: 'mail', subject: 'S', text: 'Hi' });
    const prepared = {
      ...prepareMessage(request, { isoMode: false, maxParts: 10 }),
      to: 'anna.smith@mail.example.ru',
    };
    // Act
    const act = () => submitFieldsFor(prepared);
    // Assess
    expect(act).toThrow(InvalidAddressError);
  });

  it('when system_type is longer than 12 characters, then one warning names what a cutting server keeps', () => {
    // Act
    const long = configWarnings(loadConfig({ ...ENV, SMPP_SYSTEM_TYPE: 'MCON2,ISO,SINGLE' }));
    const short = configWarnings(loadConfig({ ...ENV, SMPP_SYSTEM_TYPE: 'ISO,SINGLE' }));
    // Assess
    expect(long).toEqual([expect.stringContaining('keeps only "MCON2,ISO,SI"')]);
    expect(short).toEqual([]);
  });

  it('when the password is longer than 8 characters, then one warning gives its length, never its value', () => {
    // Prepare: BIND's password is "Var. max 9" octets with its NUL (SMPP 3.4 §4.1.1).
    const password = 'fake-long-password-14';
    // Act
    const long = configWarnings(loadConfig({ ...ENV, SMPP_PASSWORD: password }));
    const eight = configWarnings(loadConfig({ ...ENV, SMPP_PASSWORD: 'fake-pw8' }));
    // Assess
    expect(long).toEqual([expect.stringMatching(/password has 21 characters, more than the 8 /)]);
    expect(long.join('\n')).not.toContain(password);
    expect(eight).toEqual([]);
  });

  it('when a password of the accounts file is longer than 8 characters, then the warning names its account', () => {
    // Prepare
    const { SMPP_HOST: _host, SMPP_SYSTEM_ID: _id, SMPP_PASSWORD: _password, ...resources } = ENV;
    const entry = {
      host: 'smpp.smscentre.com',
      port: 3700,
      systemId: 'acme',
      password: 'fake-long-password-14',
    };
    const accounts = [
      { ...entry, name: 'main' },
      { ...entry, name: 'marketing', systemId: 'mkt', password: 'fake-pw8' },
    ];
    const queue = (name: string) => `https://sqs.eu-west-1.amazonaws.com/1/${name}`;
    const queues = { urgent: queue('mu'), bulk: queue('mb'), urgentDlq: queue('mud'), bulkDlq: queue('mbd') };
    const env = {
      ...resources,
      SMPP_ACCOUNTS_JSON: JSON.stringify(accounts),
      ACCOUNT_QUEUES: JSON.stringify({ marketing: queues }),
    };
    // Act
    const warnings = configWarnings(loadConfig(env));
    // Assess
    expect(warnings).toEqual([expect.stringContaining('password (account main) has 21 characters')]);
  });
});
