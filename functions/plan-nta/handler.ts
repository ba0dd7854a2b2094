import type { Context, ScheduledEvent } from 'aws-lambda';
import { AORS } from '../../shared/domain/aor';
import { createAwsClients } from '../../shared/runtime/aws-clients';
import { loadConfig } from '../../shared/runtime/config';
import { ntaPlanDeps } from '../../shared/runtime/nta-plan-deps';
import { createObservability } from '../../shared/runtime/observability';
import { replanNtaBacklog, type ReplanOutcome } from '../../shared/use-cases/replan-nta-backlog';

const config = loadConfig('planNta');
const { logger } = createObservability('plan-nta');
const deps = ntaPlanDeps(config, createAwsClients(), logger);

/**
 * Each business morning (and after a capacity change: invoke it by hand), re-plan every
 * AOR from the next business day and write the coming days' work lists.
 */
export const handler = async (_event: ScheduledEvent, context: Context): Promise<ReplanOutcome[]> => {
  logger.addContext(context);
  return replanNtaBacklog(AORS, deps);
};
