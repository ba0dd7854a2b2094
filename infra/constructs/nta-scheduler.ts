import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ENV } from '../../shared/runtime/resources';
import { grantTableAccess, TABLE_ACCESS } from '../permissions';
import { PipelineFunction } from './pipeline-function';
import { alarmOnDeadLetters, type QueueWithDlq } from './queue-with-dlq';

export interface NtaSchedulerProps {
  readonly casesTable: ITable;
  /** The ntaSchedule fan-out queue. */
  readonly queue: QueueWithDlq;
  readonly alarmTopic: ITopic;
}

/**
 * Opens an address re-verification task for each new FTA: consumes the ntaSchedule queue
 * in batches, writes the task to the cases table, and alarms when a message lands in the DLQ.
 */
export class NtaScheduler extends Construct {
  readonly function: PipelineFunction;

  constructor(scope: Construct, id: string, props: NtaSchedulerProps) {
    super(scope, id);
    // REVERIFY_DUE_BUSINESS_DAYS is left to its default in shared/runtime/config.ts.
    this.function = new PipelineFunction(this, 'Function', {
      name: 'scheduleNta',
      environment: { [ENV.casesTable]: props.casesTable.tableName },
    });
    grantTableAccess(props.casesTable, this.function, TABLE_ACCESS.scheduleNta.cases);
    this.function.addEventSource(props.queue.eventSource());
    alarmOnDeadLetters(this, 'DeadLetterAlarm', props.queue, props.alarmTopic);
  }
}
