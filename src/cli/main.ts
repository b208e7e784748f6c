import { processIo } from '../ui/io.js';
import { closeOnSignals } from '../pipeline/signals.js';
import { run } from './run.js';

export { run };

/** The executable's entry point (bin/pooltune.cjs). */
export async function main(): Promise<void> {
  // A reader that goes away (`| head`) is not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  const io = processIo();
  closeOnSignals(io);
  process.exitCode = await run(process.argv, io);
}
