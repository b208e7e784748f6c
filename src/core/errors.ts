import { EXIT_CODE, type ExitCode } from './exit-codes.js';

/**
 * An error pooltune expects and can explain: it prints as one line (plus hints), never as a stack trace.
 * Anything that is not a PooltuneError is a bug and is reported as such.
 */
export class PooltuneError extends Error {
  readonly exitCode: ExitCode;
  readonly hints: readonly string[];

  constructor(message: string, exitCode: ExitCode, hints: readonly string[] = []) {
    super(message);
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.hints = hints;
  }
}

/** A bad flag, a bad value, or a missing input: the user can fix the command line. */
export class UsageError extends PooltuneError {
  constructor(message: string, hints: readonly string[] = []) {
    super(message, EXIT_CODE.usage, hints);
  }
}

/** A file the user pointed at is missing, unreadable or invalid; every problem is listed at once. */
export class InputFileError extends PooltuneError {
  readonly file: string;
  readonly problems: readonly string[];

  constructor(file: string, problems: readonly string[], summary?: string) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    const head = summary ?? `${file}: ${problems.length === 1 ? problems[0] : count}`;
    super(head, EXIT_CODE.usage);
    this.file = file;
    this.problems = problems;
  }
}

/** The user cancelled (Ctrl-C at a prompt, or a signal). */
export class CancelledError extends PooltuneError {
  constructor(message = 'cancelled') {
    super(message, EXIT_CODE.cancelled);
  }
}

/** Could not reach or log in to the target: refused, unknown host, timeout, authentication, TLS. */
export class ConnectionError extends PooltuneError {
  /** The server's SQLSTATE when it sent one (28P01, 3D000, 53300 …), or the system error code. */
  readonly code: string | undefined;

  constructor(message: string, code: string | undefined, hints: readonly string[] = []) {
    super(message, EXIT_CODE.unreachable, hints);
    this.code = code;
  }
}
