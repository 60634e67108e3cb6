import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { createLogGroup, type LogSettings } from './log-group.ts';

// A VPC over two AZs whose private subnets leave the internet through ONE NAT gateway with an Elastic
// IP: the SMSC accepts binds only from whitelisted addresses, so all SMPP traffic must come from one
// fixed, published IP. One NAT (not one per AZ) means one address to whitelist and half the NAT cost;
// the price is that an outage of the NAT's AZ stops egress until it recovers (docs/operations.md).

/** An Elastic IP allocated outside the stack (already whitelisted at the SMSC). */
export interface ExistingEgressIp {
  readonly allocationId: string;
  /** Its public address, for the stack output. */
  readonly publicIp: string;
}

export interface NetworkProps {
  readonly logs: LogSettings;
  /** @default a new Elastic IP, retained when the stack is deleted */
  readonly egressIp?: ExistingEgressIp;
}

export class Network extends Construct {
  readonly vpc: ec2.Vpc;
  /** The fixed public address every SMPP connection comes from. */
  readonly egressIp: string;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const { allocationId, publicIp } = props.egressIp ?? this.newElasticIp();
    this.egressIp = publicIp;

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.40.0.0/20'),
      maxAzs: 2,
      natGateways: 1,
      natGatewayProvider: ec2.NatProvider.gateway({ eipAllocationIds: [allocationId] }),
      subnetConfiguration: [
        // Only the NAT gateway lives here, with its own Elastic IP: nothing needs an address on
        // launch, and nothing launched here by mistake gets one (CT.EC2.PR.11).
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 24 },
      ],
      // Nothing runs in the default security group (every task has its own); restricting it would add
      // a custom-resource Lambda to the stack for no traffic difference.
      restrictDefaultSecurityGroup: false,
      // Gateway endpoints are free and keep DynamoDB and S3 (ECR image layers) traffic off the NAT's
      // per-GB charge; SQS and Secrets Manager go through the NAT (interface endpoints would cost
      // more than they save at this traffic: docs/cost.md).
      gatewayEndpoints: {
        DynamoDb: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
        S3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
      },
    });

    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(createLogGroup(this, 'FlowLogs', props.logs)),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });
  }

  private newElasticIp(): ExistingEgressIp {
    const eip = new ec2.CfnEIP(this, 'EgressIp', {
      domain: 'vpc',
      tags: [{ key: 'Name', value: 'sms-sender SMPP egress (whitelisted at the SMSC)' }],
    });
    // The address is whitelisted at the provider: deleting or replacing the stack must not lose it.
    eip.applyRemovalPolicy(RemovalPolicy.RETAIN);
    return { allocationId: eip.attrAllocationId, publicIp: eip.attrPublicIp };
  }
}
