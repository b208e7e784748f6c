import { processIo } from '../ui/io.js';
import { closeOnSignals } from '../pipeline/signals.js';
import { run } from './run.js';

export { run };

/** The executable's entry point (bin/pooltune.cjs). */
export async function main(): Promise<void> {
  // A reader that went away (`| head`) has all it wanted: end as the command would have.
  const io = processIo(() => process.exit(process.exitCode ?? 0));
  closeOnSignals(io);
  process.exitCode = await run(process.argv, io);
}
