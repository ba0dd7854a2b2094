export interface ReverificationTask {
  /** The FTA that opened the task; one task per FTA. */
  readonly ftaId: string;
  readonly caseId: string;
  readonly aor: string | null;
  readonly openedAt: string;
  /** YYYY-MM-DD. */
  readonly dueDate: string;
}

/** Why a re-verification task closed (OPLA guidance: re-check the address; if new, file I-830). */
export type TaskCloseReason = 'VERIFIED_ADDRESS' | 'I830_FILED';

export interface OverdueTask {
  readonly ftaId: string;
  readonly caseId: string;
  readonly aor: string | null;
  readonly dueDate: string;
}

/** Follow-up tasks of field offices. Opening the same task twice is a no-op ('exists'). */
export interface TaskStore {
  openReverificationTask(task: ReverificationTask): Promise<'opened' | 'exists'>;
  /** Closes every open re-verification task of a case; returns how many it closed (0 on a repeat). */
  closeReverificationTasks(caseId: string, reason: TaskCloseReason, closedAt: string): Promise<number>;
  /** Open tasks of an AOR (null: no AOR known) due before `today` (YYYY-MM-DD). */
  listOverdueTasks(aor: string | null, today: string): Promise<OverdueTask[]>;
}
