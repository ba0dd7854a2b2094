export interface ReverificationTask {
  /** The FTA that opened the task; one task per FTA. */
  readonly ftaId: string;
  readonly caseId: string;
  readonly aor: string | null;
  readonly openedAt: string;
  /** YYYY-MM-DD. */
  readonly dueDate: string;
}

/** Follow-up tasks of field offices. Opening the same task twice is a no-op ('exists'). */
export interface TaskStore {
  openReverificationTask(task: ReverificationTask): Promise<'opened' | 'exists'>;
}
