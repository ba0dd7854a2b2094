/**
 * Waits until `condition` holds, checking it every few milliseconds, for at most `withinMs`;
 * then fails naming what did not happen. For a test that must wait on something the code
 * under test does on its own time (no fixed sleep, no wall-clock window in an assertion).
 */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, withinMs = 60_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`waited ${withinMs} ms: ${what} did not happen`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
