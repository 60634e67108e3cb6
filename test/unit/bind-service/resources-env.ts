// The bind-service's AWS resource variables as a deployment sets them: what every config test needs
// besides the SMPP login it is about.
export const RESOURCES_ENV = {
  MESSAGES_TABLE: 'sms-messages',
  INBOUND_TABLE: 'sms-inbound',
  URGENT_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/sms-urgent',
  BULK_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/sms-bulk',
  URGENT_DLQ_URL: 'https://sqs.eu-west-1.amazonaws.com/1/sms-urgent-dlq',
  BULK_DLQ_URL: 'https://sqs.eu-west-1.amazonaws.com/1/sms-bulk-dlq',
  AWS_REGION: 'eu-west-1',
};
