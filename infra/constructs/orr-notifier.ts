import { Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Grant } from 'aws-cdk-lib/aws-iam';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ENV } from '../../shared/runtime/resources';
import { grantTableAccess, TABLE_ACCESS } from '../permissions';
import { PipelineFunction } from './pipeline-function';
import { alarmOnDeadLetters, type QueueWithDlq } from './queue-with-dlq';

export interface OrrNotifierProps {
  readonly casesTable: ITable;
  readonly idempotencyTable: ITable;
  /** The orrNotices fan-out queue. */
  readonly queue: QueueWithDlq;
  readonly orrInbox: string;
  readonly mailFrom: string;
  readonly alarmTopic: ITopic;
}

/**
 * Emails the ORR inbox about each new FTA: consumes the orrNotices queue in batches,
 * reads the FTA, sends one email per FTA through SES (exactly once, via the Powertools
 * idempotency table), and alarms when a notice lands in the DLQ.
 */
export class OrrNotifier extends Construct {
  readonly function: PipelineFunction;

  constructor(scope: Construct, id: string, props: OrrNotifierProps) {
    super(scope, id);
    this.function = new PipelineFunction(this, 'Function', {
      name: 'notifyOrr',
      environment: {
        [ENV.casesTable]: props.casesTable.tableName,
        [ENV.idempotencyTable]: props.idempotencyTable.tableName,
        [ENV.orrInbox]: props.orrInbox,
        [ENV.mailFrom]: props.mailFrom,
      },
    });
    grantTableAccess(props.casesTable, this.function, TABLE_ACCESS.notifyOrr.cases);
    grantTableAccess(props.idempotencyTable, this.function, TABLE_ACCESS.notifyOrr.idempotency);
    // SES checks the sending identity (the address or its verified domain) and, while
    // the account is in the sandbox, the recipient's too; so any identity, but only as mailFrom.
    Grant.addToPrincipal({
      grantee: this.function,
      actions: ['ses:SendEmail', 'ses:SendRawEmail'],
      resourceArns: [Stack.of(this).formatArn({ service: 'ses', resource: 'identity', resourceName: '*' })],
      conditions: { StringEquals: { 'ses:FromAddress': props.mailFrom } },
    });
    this.function.addEventSource(props.queue.eventSource());
    alarmOnDeadLetters(this, 'DeadLetterAlarm', props.queue, props.alarmTopic);
  }
}
