import type { Context, ScheduledEvent } from 'aws-lambda';
import { AORS } from '../../shared/domain/aor';
import { createAwsClients } from '../../shared/runtime/aws-clients';
import { loadConfig } from '../../shared/runtime/config';
import { installPiiKey } from '../../shared/runtime/pii-key';
import { ntaPlanDeps } from '../../shared/runtime/nta-plan-deps';
import { createObservability } from '../../shared/runtime/observability';
import { replanNtaBacklog, type ReplanOutcome } from '../../shared/use-cases/replan-nta-backlog';
import { reportOverdueTasks } from '../../shared/use-cases/report-overdue-tasks';
import { reportRosterMatching } from '../../shared/use-cases/report-roster-matching';
import { createDynamoTaskStore } from '../../shared/adapters/cases-table/dynamo-task-store';
import { ENV } from '../../shared/runtime/resources';

const config = loadConfig('planNta');
const { logger } = createObservability('plan-nta');
const clients = createAwsClients();
const deps = {
  ...ntaPlanDeps(config, clients, logger),
  tasks: createDynamoTaskStore({ client: clients.dynamo, tableName: config[ENV.casesTable] }),
};

/**
 * Each business morning (and after a capacity change: invoke it by hand): match roster UCs
 * to EOIR cases (a backlog UC matched by A-number leaves the backlog), re-plan every AOR
 * from the next business day and write the coming days' work lists, then list the overdue
 * address re-verification tasks per AOR.
 */
export const handler = async (
  _event: ScheduledEvent,
  context: Context,
): Promise<{ plans: ReplanOutcome[]; overdueTasks: Record<string, number>; matching: Awaited<ReturnType<typeof reportRosterMatching>> }> => {
  logger.addContext(context);
  await installPiiKey(config); // deployed: the HMAC key of PII-derived item keys, read once per cold start
  const matching = await reportRosterMatching(deps);
  const plans = await replanNtaBacklog(AORS, deps);
  const overdueTasks = await reportOverdueTasks(deps);
  return { plans, overdueTasks, matching };
};
