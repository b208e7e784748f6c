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
}

function wrap(stream: NodeJS.WriteStream): OutStream {
  return {
    // Resolve once the chunk is handed to the OS, so that a pipe gets all of a large JSON document.
    write: (text) =>
      new Promise((resolve) => (text === '' ? resolve() : stream.write(text, () => resolve()))),
    get isTTY() {
      return stream.isTTY === true;
    },
    get columns() {
      return stream.columns;
    },
  };
}

export function processIo(): Io {
  return {
    stdout: wrap(process.stdout),
    stderr: wrap(process.stderr),
    stdinIsTTY: process.stdin.isTTY === true,
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Prompts need a person at both ends. */
export function isInteractive(io: Io): boolean {
  return io.stdinIsTTY && io.stdout.isTTY;
}
