// An event as EventBridge delivers it to a rule's target (a Lambda, an SQS queue, an API
// destination…): the envelope around the `detail` this system emits. The local stack's EVENTS_URL
// forwarder builds the same shape, so a consumer written against it runs unchanged in AWS.

export interface EventBridgeEnvelope<Detail> {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  /** ISO 8601 UTC, to the second. */
  time: string;
  region: string;
  resources: string[];
  detail: Detail;
}
