import { z } from 'zod';
import { CaseIdentifiedMessage } from './case-identified';
import { FtaRecordedMessage } from './fta-recorded';
import { FtaRescindedMessage } from './fta-rescinded';

/** What the ORR notices queue carries: the FTA events, and the roster's "child now known". */
export const NotifierMessage = z.discriminatedUnion('type', [FtaRecordedMessage, FtaRescindedMessage, CaseIdentifiedMessage]);
export type NotifierMessage = z.infer<typeof NotifierMessage>;
