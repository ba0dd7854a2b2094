/**
 * Tells the ORR notifier that inputs now name the child of these UC cases (a roster row
 * linking the case), so notices that went out without a name get their follow-up. Throws
 * unless every message was accepted: the caller's retry repeats it (the notifier sends each
 * follow-up once).
 */
export interface CaseIdentifiedPublisher {
  publish(caseIds: readonly string[], source: string): Promise<void>;
}
