import { App, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { AppConfigError, senderPropsFromContext } from '../../cdk/app-config.ts';

// cdk/app.ts settings: context values (strings from `-c key=value`, or JSON from cdk.json) with the
// provider's defaults, validated before any construct sees them.

function propsFrom(context: Record<string, unknown>) {
  const stack = new Stack(new App(), 'Config');
  return senderPropsFromContext(stack, (key) => context[key]);
}

describe('app settings from context', () => {
  it('when no context is given, then the provider defaults apply with TLS on', () => {
    // Act
    const props = propsFrom({});
    // Assess
    expect(props.smpp).toMatchObject({
      host: 'smpp.smscentre.com',
      backupHost: 'smpp2.smscentre.com',
      tls: true,
    });
    expect(props.smpp?.port).toBeUndefined();
    expect(props.smpp?.credentials.secretName).toBe('sms-sender/smpp');
    expect(props.api).toBeUndefined();
    expect(props.alarmTopic).toBeUndefined();
    expect(props.alarmEmails).toBeUndefined();
    expect(props.encryptionKey).toBeUndefined();
  });

  it('when settings are given as strings, then they are parsed to their types', () => {
    // Act
    const props = propsFrom({
      smppTls: 'false',
      smppBinds: '2',
      smppSystemType: 'MCON2,ISO',
      allowedPrincipals: 'arn:aws:iam::111111111111:role/a, arn:aws:iam::222222222222:root',
      alarmTopicArn: 'arn:aws:sns:eu-central-1:111111111111:ops',
    });
    // Assess
    expect(props.smpp).toMatchObject({ tls: false, binds: 2, systemType: 'MCON2,ISO' });
    expect(props.api?.allowedPrincipalArns).toEqual([
      'arn:aws:iam::111111111111:role/a',
      'arn:aws:iam::222222222222:root',
    ]);
    expect(props.alarmTopic?.topicArn).toBe('arn:aws:sns:eu-central-1:111111111111:ops');
  });

  it('when alarm e-mails, a KMS key and the API Gateway account role are set, then each reaches the props', () => {
    // Act
    const props = propsFrom({
      alarmEmail: 'ops@example.com, oncall@example.com',
      encryptionKeyArn: 'arn:aws:kms:eu-central-1:111111111111:key/0e6b2f5c-3c4d-4f5e-8a9b-0c1d2e3f4a5b',
      apiGatewayAccountRole: 'false',
    });
    // Assess
    expect(props.alarmEmails).toEqual(['ops@example.com', 'oncall@example.com']);
    expect(props.encryptionKey?.keyArn).toBe(
      'arn:aws:kms:eu-central-1:111111111111:key/0e6b2f5c-3c4d-4f5e-8a9b-0c1d2e3f4a5b',
    );
    expect(props.api).toEqual({ accountLogRole: false });
  });

  it('when a setting is only blanks, then it counts as unset, as in the components’ environment', () => {
    // Act
    const props = propsFrom({ smppPort: ' ', smppSystemType: '  ' });
    // Assess
    expect(props.smpp?.port).toBeUndefined();
    expect(props.smpp?.systemType).toBe('');
  });

  it.each([
    ['not given', {}],
    ['only blanks', { smppBackupHost: ' ' }],
  ])(
    'when smppHost is another SMSC and smppBackupHost is %s, then there is no fail-over host',
    (_, backup) => {
      // Act
      const props = propsFrom({ smppHost: 'smpp.example.net', ...backup });
      // Assess: before, smpp2.smscentre.com, a different SMSC bound with the same login and password.
      expect(props.smpp?.host).toBe('smpp.example.net');
      expect(props.smpp?.backupHost).toBeUndefined();
    },
  );

  it('when defaultSender is given, then the one login carries it to both runtimes', () => {
    // Act
    const props = propsFrom({ defaultSender: 'Brand' });
    // Assess: in smpp, the one login's settings; submit is for several accounts.
    expect(props.smpp?.defaultSender).toBe('Brand');
    expect(props.submit).toBeUndefined();
  });

  it.each([
    ['not given', {}],
    ['only blanks', { defaultSender: '  ' }],
  ])('when defaultSender is %s, then the login has none (the SMSC uses its own)', (_, context) => {
    // Act
    const props = propsFrom(context);
    // Assess
    expect(props.smpp).not.toHaveProperty('defaultSender');
    expect(props.submit).toBeUndefined();
  });

  it('when smppHost is another SMSC and smppBackupHost is given, then that host is the fail-over host', () => {
    // Act
    const props = propsFrom({ smppHost: 'smpp.example.net', smppBackupHost: 'smpp-b.example.net' });
    // Assess
    expect(props.smpp).toMatchObject({ host: 'smpp.example.net', backupHost: 'smpp-b.example.net' });
  });

  it.each(['SMPP.SmsCentre.com', 'smpp.smscentre.com.'])(
    'when smppHost is the provider’s primary written as %s, then it keeps the provider’s fail-over host',
    (smppHost) => {
      // Act
      const props = propsFrom({ smppHost });
      // Assess: host names are case-insensitive; a deploy must not drop the fail-over silently
      expect(props.smpp?.backupHost).toBe('smpp2.smscentre.com');
    },
  );

  it('when smppBackupHost is none, then the provider’s primary has no fail-over host', () => {
    // Act
    const props = propsFrom({ smppBackupHost: 'none' });
    // Assess: before, no value could take the default fail-over host away.
    expect(props.smpp?.host).toBe('smpp.smscentre.com');
    expect(props.smpp?.backupHost).toBeUndefined();
  });

  it('when an existing Elastic IP is given, then both its allocation id and its address are used', () => {
    // Act
    const props = propsFrom({ egressIpAllocationId: 'eipalloc-0abc', egressIpAddress: '203.0.113.7' });
    // Assess
    expect(props.egressIp).toEqual({ allocationId: 'eipalloc-0abc', publicIp: '203.0.113.7' });
  });

  it.each([
    [{ smppBinds: 'two' }, /smppBinds: expected an integer >= 1/],
    [{ smppTls: 'yes' }, /smppTls: expected true or false/],
    [{ egressIpAllocationId: 'eipalloc-0abc' }, /egressIpAllocationId and egressIpAddress go together/],
    // Published as the EgressIp output that logins are whitelisted from: a typo would mislead them.
    [
      { egressIpAllocationId: 'eipalloc-0abc', egressIpAddress: '203.0.113.700' },
      /egressIpAddress: "203.0.113.700" is not an IPv4 address/,
    ],
    [
      { egressIpAllocationId: '203.0.113.7', egressIpAddress: 'eipalloc-0abc' },
      /egressIpAllocationId: "203.0.113.7" is not an Elastic IP allocation id/,
    ],
    [{ alarmEmail: 'ops.example.com' }, /alarmEmail: "ops.example.com" is not an e-mail address/],
    [{ smppHost: 'smpp.smscentre.com:3700' }, /smppHost: must be a host name or IP address alone.*smppPort/],
    [
      { smppBackupHost: 'smpp2.smscentre.com:3700' },
      /smppBackupHost: must be a host name or IP address alone/,
    ],
    // What the bind-service refuses at start, checked by the same rules at synth.
    [{ smppPort: '70000' }, /^context smppPort: must be from 1 to 65535$/],
    [{ smppThroughput: '200000' }, /^context smppThroughput: .*100000/],
    [{ smppWindow: '100001' }, /^context smppWindow: must be at most 100000$/],
    [{ smppSystemType: 'MCON0' }, /^context smppSystemType: /],
    // What both the bind-service and the API refuse as SMPP_DEFAULT_SENDER at start.
    [
      { defaultSender: 'Far too long sender' },
      /^context defaultSender: must be 1-11 letters.*"Far too long sender"$/,
    ],
    [{ defaultSender: 'Brand!' }, /^context defaultSender: must be 1-11 letters/],
    [{ defaultSender: ' Brand' }, /^context defaultSender: /],
    // Dropped before, deploying the login in clear text without its certificate.
    [
      { smppTls: 'false', smppTlsSecretName: 'sms-sender/smpp-tls' },
      /^context smppTlsSecretName: used only with TLS, but smppTls is false/,
    ],
    [
      { smppTls: 'false', smppTlsServerName: 'smpp.smscentre.com' },
      /^context smppTlsServerName: used only with TLS/,
    ],
  ])('when context is %o, then it is refused with the key', (context, message) => {
    // Act
    const act = () => propsFrom(context);
    // Assess
    expect(act).toThrow(AppConfigError);
    expect(act).toThrow(message);
  });
});
