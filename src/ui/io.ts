import { fstatSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { isatty } from 'node:tty';
import { redact } from '../core/sessions/query-text.js';

const load = createRequire(import.meta.url);

/**
 * isatty, without loading node:tty where fstat already tells: a pipe, a file or a socket is no terminal.
 * node:tty brings node:net with it, about 8 ms of a start that writes to a pipe.
 */
function isTerminal(fd: number): boolean {
  try {
    if (!fstatSync(fd).isCharacterDevice()) return false;
  } catch {
    return false;
  }
  return (load('node:tty') as { isatty: typeof isatty }).isatty(fd);
}

/** The process's streams and environment, passed in so that commands can be driven by tests. */
export interface OutStream {
  write(text: string): Promise<void>;
  readonly isTTY: boolean;
  readonly columns?: number;
}

export interface Io {
  readonly stdout: OutStream;
  readonly stderr: OutStream;
  readonly stdinIsTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /**
   * Registers a secret (a password) that must never be printed: every later write on stdout or stderr
   * masks it. The last line of defence; messages are built without secrets in the first place.
   */
  addSecret(secret: string): void;
}

// The one masking of secrets, in pooltune's output as in the query text it shows and a bench worker's errors.
export { redact };

function wrap(stream: NodeJS.WriteStream, secrets: ReadonlySet<string>): OutStream {
  return {
    // Resolve once the chunk is handed to the OS, so that a pipe gets all of a large JSON document.
    write: (text) =>
      new Promise((resolve) =>
        text === '' ? resolve() : stream.write(redact(text, secrets), () => resolve()),
      ),
    get isTTY() {
      return stream.isTTY === true;
    },
    get columns() {
      return stream.columns;
    },
  };
}

/**
 * A pipe or a file, written straight to its descriptor. Node's stream for a pipe is a socket, and making
 * one costs a start about 9 ms, a fifth of Node's own; blocking writes also hand over every byte of a
 * large document before the process ends.
 */
function descriptor(fd: number, secrets: ReadonlySet<string>, onReaderGone: () => void): OutStream {
  return {
    write: async (text) => {
      let bytes = Buffer.from(redact(text, secrets), 'utf8');
      while (bytes.length > 0) {
        try {
          bytes = bytes.subarray(writeSync(fd, bytes));
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          // A reader that goes away (`| head`) is not an error worth a stack trace.
          if (code === 'EPIPE') return onReaderGone();
          // A descriptor some parent left non-blocking: its reader is behind, so give it a moment.
          if (code === 'EAGAIN') await new Promise((resolve) => setTimeout(resolve, 1));
          else throw error;
        }
      }
    },
    isTTY: false,
  };
}

/** Very short "passwords" would mask ordinary words and numbers; they are not worth hiding that way. */
export function worthMasking(secret: string): boolean {
  return secret.length >= 4;
}

/** The process's own streams; `onReaderGone` runs when the reader of a pipe has gone away. */
export function processIo(onReaderGone: () => void): Io {
  const secrets = new Set<string>();
  // A terminal gets Node's stream (colour, columns, prompts share it); anything else its descriptor.
  const out = (fd: 1 | 2) =>
    isTerminal(fd)
      ? wrap(fd === 1 ? process.stdout : process.stderr, secrets)
      : descriptor(fd, secrets, onReaderGone);
  return {
    stdout: out(1),
    stderr: out(2),
    // Asked only by the prompts; and not process.stdin.isTTY: creating that stream costs a start too.
    get stdinIsTTY() {
      return isTerminal(0);
    },
    env: process.env,
    cwd: process.cwd(),
    addSecret: (secret) => {
      if (worthMasking(secret)) secrets.add(secret);
    },
  };
}

/** Prompts need a person at both ends. */
export function isInteractive(io: Io): boolean {
  return io.stdinIsTTY && io.stdout.isTTY;
}
