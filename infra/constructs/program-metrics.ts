import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { ENV, METRICS_SCHEDULES } from '../../shared/runtime/resources';
import { grantTableAccess, TABLE_ACCESS } from '../permissions';
import { PipelineFunction } from './pipeline-function';

export interface ProgramMetricsProps {
  readonly casesTable: ITable;
}

/**
 * Publishes the program metrics on each METRICS_SCHEDULES expression: an EventBridge rule
 * invokes the function, which reads the aggregates from the cases table and writes the
 * metrics as EMF log lines (so it needs no CloudWatch permission).
 */
export class ProgramMetrics extends Construct {
  readonly function: PipelineFunction;
  readonly rules: readonly Rule[];

  constructor(scope: Construct, id: string, props: ProgramMetricsProps) {
    super(scope, id);
    this.function = new PipelineFunction(this, 'Function', {
      name: 'computeMetrics',
      environment: { [ENV.casesTable]: props.casesTable.tableName },
    });
    grantTableAccess(props.casesTable, this.function, TABLE_ACCESS.computeMetrics.cases);
    this.rules = Object.entries(METRICS_SCHEDULES).map(
      ([name, expression]) =>
        new Rule(this, `${name}Schedule`, {
          description: `Docket Watch program metrics (${name})`,
          schedule: Schedule.expression(expression),
          targets: [new LambdaFunction(this.function)],
        }),
    );
  }
}
