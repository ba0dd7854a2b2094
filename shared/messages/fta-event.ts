import { z } from 'zod';
import { FtaRecordedMessage } from './fta-recorded';
import { FtaRescindedMessage } from './fta-rescinded';

/** Everything the fan-out queues carry, told apart by `type`. */
export const FtaEventMessage = z.discriminatedUnion('type', [FtaRecordedMessage, FtaRescindedMessage]);
export type FtaEventMessage = z.infer<typeof FtaEventMessage>;
