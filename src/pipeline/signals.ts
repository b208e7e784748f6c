import { deliverStop, SIGNAL_EXIT_CODES, type StopSignal } from '../ui/interrupt.js';
import type { Io } from '../ui/io.js';

/** After this long a command that took the signal to stop gracefully is ended the hard way. */
const GRACEFUL_STOP_MS = 3000;

/**
 * Ctrl-C or SIGTERM. A command that measures (bench, monitor, health) takes the first signal, stops,
 * reports what it measured and returns 128 + the signal number itself. Otherwise, or on a second signal,
 * or when the graceful stop takes too long: close every connection and pool pooltune has open (bounded in
 * time), say so, and exit. The one place that ends the process early.
 */
export function closeOnSignals(io: Io): void {
  let stopping = false;
  let ending = false;
  const hardStop = async (signal: StopSignal) => {
    if (ending) return;
    ending = true;
    const { closeAll } = await import('../probes/open-connections.js');
    await closeAll();
    await io.stderr.write(`\npooltune: cancelled (${signal}); connections closed\n`);
    process.exit(SIGNAL_EXIT_CODES[signal]);
  };
  for (const signal of Object.keys(SIGNAL_EXIT_CODES) as StopSignal[]) {
    process.on(signal, () => {
      if (!stopping && deliverStop(signal)) {
        stopping = true;
        setTimeout(() => void hardStop(signal), GRACEFUL_STOP_MS).unref();
        return;
      }
      void hardStop(signal);
    });
  }
}
