import { sleepUnlessStopped } from '../ui/interrupt.js';

/**
 * The moments monitor reads at: every `intervalMs` after the baseline reading (`baselineAt`,
 * performance.now()), until `durationMs` is over or `stop` fires. A reading that took longer than an
 * interval skips the slots it overran instead of bunching up: the next slot is counted from the clock, not
 * from the last one.
 */
export async function* sampleSlots(
  baselineAt: number,
  intervalMs: number,
  stop: AbortSignal,
  durationMs?: number,
): AsyncGenerator<void> {
  for (let slot = 1; ; slot++) {
    const offset = slot * intervalMs;
    if (durationMs !== undefined && offset > durationMs) return;
    await sleepUnlessStopped(baselineAt + offset - performance.now(), stop);
    if (stop.aborted) return;
    yield;
    slot = Math.max(slot, Math.floor((performance.now() - baselineAt) / intervalMs));
  }
}
