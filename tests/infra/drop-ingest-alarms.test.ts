import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { METRICS_NAMESPACE } from '../../shared/runtime/resources';
import { logicalId, synthDocketWatch } from './synth-docket-watch';

const { pipeline, dataTemplate, pipelineTemplate } = synthDocketWatch();

type Resource = { Type: string; Properties: Record<string, unknown> };

/** Each queue with a redrive policy, with its own retention and its DLQ's (same template). */
function redrives(template: Template): { queue: string; retention: number; dlqRetention: number }[] {
  const queues = template.findResources('AWS::SQS::Queue') as Record<string, Resource>;
  return Object.entries(queues).flatMap(([id, q]) => {
    const redrive = q.Properties.RedrivePolicy as { deadLetterTargetArn: { 'Fn::GetAtt': [string, string] } } | undefined;
    if (redrive === undefined) return [];
    const dlq = queues[redrive.deadLetterTargetArn['Fn::GetAtt'][0]];
    return [{ queue: id, retention: Number(q.Properties.MessageRetentionPeriod), dlqRetention: Number(dlq?.Properties.MessageRetentionPeriod) }];
  });
}

describe('dead letters outlive their queue', () => {
  it('keeps each DLQ message longer than its source queue keeps it, 14 days at most (SQS keeps the first enqueue time)', () => {
    const all = [...redrives(dataTemplate), ...redrives(pipelineTemplate)];
    // The two FTA fan-out queues and the drop chunk queue.
    expect(all).toHaveLength(3);
    for (const r of all) {
      expect(r.dlqRetention, r.queue).toBeGreaterThan(r.retention);
      expect(r.dlqRetention, r.queue).toBeLessThanOrEqual(14 * 24 * 3600);
    }
  });
});

describe('the outbox sweep', () => {
  it('runs the sweep function every 5 minutes from an EventBridge rule', () => {
    const rules = Object.values(pipelineTemplate.findResources('AWS::Events::Rule') as Record<string, Resource>).filter((r) =>
      JSON.stringify(r.Properties.Targets).includes(logicalId(pipeline.ingest.sweepFunction)),
    );
    expect(rules.map((r) => r.Properties.ScheduleExpression)).toEqual(['rate(5 minutes)']);
    expect(rules[0]?.Properties.State ?? 'ENABLED').toBe('ENABLED');
  });
});

describe('what the operator is alarmed on after a drop', () => {
  const alarmTopic = logicalId(pipeline.alarmTopic);
  const alarmsOn = (metricName: string) =>
    Object.values(pipelineTemplate.findResources('AWS::CloudWatch::Alarm') as Record<string, Resource>).filter((a) =>
      ((a.Properties.Metrics ?? []) as { MetricStat?: { Metric: { MetricName: string; Namespace: string; Dimensions: { Name: string; Value: string }[] } } }[]).some(
        (m) => m.MetricStat?.Metric.MetricName === metricName && m.MetricStat.Metric.Namespace === METRICS_NAMESPACE,
      ),
    );

  it.each([
    ['DropsFailed', 'a drop with nothing readable'],
    ['CountShortfallRows', 'a table read short of Count.txt'],
  ])('alarms to the alarm topic on %s (%s), from the ingest and from the chunk worker that finishes a big drop', (metricName) => {
    const alarms = alarmsOn(metricName);
    expect(alarms).toHaveLength(1);
    const alarm = alarms[0] as Resource;
    expect(alarm.Properties).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1, TreatMissingData: 'notBreaching' });
    expect(alarm.Properties.AlarmActions).toEqual([{ Ref: alarmTopic }]);
    const services = (alarm.Properties.Metrics as { MetricStat?: { Metric: { Dimensions: { Name: string; Value: string }[] } } }[])
      .flatMap((m) => m.MetricStat?.Metric.Dimensions ?? [])
      .filter((d) => d.Name === 'service')
      .map((d) => d.Value)
      .sort();
    expect(services).toEqual(['ingest-docket', 'ingest-drop-chunk']);
  });
});
