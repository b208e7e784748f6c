import type { Io } from './io.js';

/** A one-line "probing …" indicator on stderr, only when stderr is a terminal; a no-op otherwise. */
export interface Progress {
  step(label: string): Promise<void>;
  done(): Promise<void>;
}

export function progressOn(io: Io, enabled: boolean): Progress {
  if (!enabled || !io.stderr.isTTY) return { step: async () => {}, done: async () => {} };
  let shown = false;
  return {
    step: async (label) => {
      shown = true;
      await io.stderr.write(`\r\u001b[Kpooltune: ${label}…`);
    },
    done: async () => {
      if (shown) await io.stderr.write('\r\u001b[K');
    },
  };
}
