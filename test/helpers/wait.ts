/**
 * Waits until `condition` holds, checking every `everyMs`: tests wait for what they need to see (a
 * session on the server, a line of output) rather than for a fixed time that a busy machine overruns.
 * Fails with `what` after `timeoutMs`, so that a condition that never comes fails the test rather than
 * hangs it. Returns early once `unless` settles (the command under test ended), so that the test's own
 * assertions report what it printed.
 */
export async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  options: { timeoutMs?: number; everyMs?: number; unless?: Promise<unknown> } = {},
): Promise<void> {
  const { timeoutMs = 20_000, everyMs = 25, unless } = options;
  let over = false;
  void unless?.then(
    () => (over = true),
    () => (over = true),
  );
  const deadline = performance.now() + timeoutMs;
  while (!over && !(await condition())) {
    if (performance.now() > deadline) throw new Error(`gave up after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
