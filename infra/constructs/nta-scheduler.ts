import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ENV, NTA_PLAN_SCHEDULES, ROSTER_DROPS } from '../../shared/runtime/resources';
import { grantTableAccess, TABLE_ACCESS } from '../permissions';
import { PipelineFunction } from './pipeline-function';
import { alarmOnDeadLetters, type QueueWithDlq } from './queue-with-dlq';

/** NTA plan settings (capacity, priority, horizon) under their ENV names; defaults in config.ts. */
export type NtaPlanEnvironment = Partial<Record<(typeof ENV)['ntaSlotsPerDay' | 'ntaSlotsByAor' | 'ntaPriorityOrder' | 'ntaWorkListDays'], string>>;

export interface NtaSchedulerProps {
  readonly casesTable: ITable;
  /** Work lists are written under `worklists/` in this bucket. */
  readonly dropBucket: IBucket;
  /** The ntaSchedule fan-out queue. */
  readonly queue: QueueWithDlq;
  readonly alarmTopic: ITopic;
  readonly planEnvironment?: NtaPlanEnvironment;
}

/**
 * Follow-up after FTAs and the NTA backlog plan:
 * - the scheduler function consumes the ntaSchedule queue in batches: one address
 *   re-verification task per FTA, and a re-plan when the FTA takes a UC out of the backlog;
 * - the plan function re-plans every AOR each business morning (NTA_PLAN_SCHEDULES) and
 *   writes the coming days' work lists; invoke it by hand after a capacity change.
 */
export class NtaScheduler extends Construct {
  readonly function: PipelineFunction;
  readonly planFunction: PipelineFunction;
  readonly rules: readonly Rule[];

  constructor(scope: Construct, id: string, props: NtaSchedulerProps) {
    super(scope, id);
    // REVERIFY_DUE_BUSINESS_DAYS is left to its default in shared/runtime/config.ts.
    const environment = {
      [ENV.casesTable]: props.casesTable.tableName,
      [ENV.dropBucket]: props.dropBucket.bucketName,
      ...props.planEnvironment,
    };
    this.function = new PipelineFunction(this, 'Function', { name: 'scheduleNta', environment });
    grantTableAccess(props.casesTable, this.function, TABLE_ACCESS.scheduleNta.cases);
    props.dropBucket.grantPut(this.function, `${ROSTER_DROPS.workListPrefix}*`);
    this.function.addEventSource(props.queue.eventSource());
    alarmOnDeadLetters(this, 'DeadLetterAlarm', props.queue, props.alarmTopic);

    this.planFunction = new PipelineFunction(this, 'PlanFunction', { name: 'planNta', environment });
    grantTableAccess(props.casesTable, this.planFunction, TABLE_ACCESS.planNta.cases);
    props.dropBucket.grantPut(this.planFunction, `${ROSTER_DROPS.workListPrefix}*`);
    props.dropBucket.grantPut(this.planFunction, `${ROSTER_DROPS.reportPrefix}*`);
    this.rules = Object.entries(NTA_PLAN_SCHEDULES).map(
      ([name, expression]) =>
        new Rule(this, `${name}PlanSchedule`, {
          description: `Docket Watch NTA backlog re-plan (${name})`,
          schedule: Schedule.expression(expression),
          targets: [new LambdaFunction(this.planFunction)],
        }),
    );
  }
}
