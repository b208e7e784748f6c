/**
 * Ctrl-C for commands that measure (bench, monitor, health): the first SIGINT or SIGTERM asks the running
 * command to stop, so that it can close its connections and still print what it measured; it then returns
 * the signal's exit code itself. Commands that register nothing keep the default: close and exit at once.
 */
export type StopSignal = 'SIGINT' | 'SIGTERM';

export const SIGNAL_EXIT_CODES: Readonly<Record<StopSignal, number>> = { SIGINT: 130, SIGTERM: 143 };

type StopHandler = (signal: StopSignal) => void;

let current: StopHandler | undefined;

/**
 * Runs `work` with the first signal as its stop: `stop` aborts, and `work` should then finish soon (the
 * signal handler forces the exit if it has not within a few seconds). Says which signal stopped it, if one did.
 */
export async function untilStopped<T>(
  work: (stop: AbortSignal) => Promise<T>,
): Promise<{ readonly value: T; readonly stoppedBy: StopSignal | null }> {
  const controller = new AbortController();
  let stoppedBy: StopSignal | null = null;
  const onStop: StopHandler = (signal) => {
    stoppedBy = signal;
    controller.abort();
  };
  current = onStop;
  try {
    const value = await work(controller.signal);
    return { value, stoppedBy };
  } finally {
    if (current === onStop) current = undefined;
  }
}

/** Called by the signal handler: true when a running command took the signal and will end by itself. */
export function deliverStop(signal: StopSignal): boolean {
  const handler = current;
  if (!handler) return false;
  current = undefined;
  handler(signal);
  return true;
}

/** A promise that settles when `signal` aborts, for racing against a sleep or a sampling interval. */
export function sleepUnlessStopped(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
