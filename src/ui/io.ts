import { isatty } from 'node:tty';

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

const MASK = '********';

/** Masks each secret, also in its percent-encoded form as it would stand in a URL. */
export function redact(text: string, secrets: ReadonlySet<string>): string {
  let out = text;
  for (const secret of secrets) {
    for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join(MASK);
  }
  return out;
}

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

/** Very short "passwords" would mask ordinary words and numbers; they are not worth hiding that way. */
export function worthMasking(secret: string): boolean {
  return secret.length >= 4;
}

export function processIo(): Io {
  const secrets = new Set<string>();
  return {
    stdout: wrap(process.stdout, secrets),
    stderr: wrap(process.stderr, secrets),
    // isatty rather than process.stdin.isTTY: creating the stdin stream costs a start several milliseconds.
    stdinIsTTY: isatty(0),
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
