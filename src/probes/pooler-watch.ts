/**
 * PgBouncer's admin console read at every reading of a run (monitor), on one login. The console is the
 * pooler's, not the server's: when it stops answering the run goes on with the server, each reading says
 * the console was lost, and the next reading logs in again, once, within the connect timeout.
 */
import { PooltuneError } from '../core/errors.js';
import type { PoolerReading } from '../core/monitor/pooler-sample.js';
import { openPoolerConsole, type PoolerConsole, type PoolerReadOptions } from './pooler.js';
import type { ConnectionTarget } from './target.js';

export interface PoolerWatch {
  /** One read of the console, or why it did not answer; never throws for the console's own failures. */
  read(): Promise<PoolerReading>;
  close(): Promise<void>;
}

const firstLine = (text: string) => text.split('\n')[0] ?? text;

/** Watches the console at `target`; the login happens at the first read. */
export function watchPoolerConsole(target: ConnectionTarget, options: PoolerReadOptions): PoolerWatch {
  let console: PoolerConsole | undefined;
  let closed = false;
  const lost = (error: unknown): PoolerReading => {
    // A bug is not a console that went away.
    if (!(error instanceof PooltuneError)) throw error;
    return { at: performance.now(), lost: firstLine(error.message) };
  };
  return {
    read: async () => {
      if (closed) return { at: performance.now(), lost: 'the watch was closed' };
      if (console === undefined) {
        try {
          console = await openPoolerConsole(target, options);
        } catch (error) {
          return lost(error);
        }
      }
      try {
        const facts = await console.read();
        return { at: performance.now(), facts };
      } catch (error) {
        const gone = console;
        console = undefined;
        await gone.close();
        return lost(error);
      }
    },
    close: async () => {
      closed = true;
      await console?.close();
      console = undefined;
    },
  };
}
