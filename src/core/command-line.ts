/**
 * A command line to repeat a run by hand or in a script: the arguments quoted for a POSIX shell, and a
 * database URL without its password (which belongs in PGPASSWORD or ~/.pgpass, never on a command line
 * that pooltune prints).
 */

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One argument as a POSIX shell reads it back: bare when safe, else in single quotes. */
export function shellQuote(arg: string): string {
  if (SAFE.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** The arguments as one line for a shell. */
export function commandLine(args: readonly string[]): string {
  return args.map(shellQuote).join(' ');
}

/**
 * The URL without a password, in its user part or as a `password` parameter; undefined when it does not
 * parse as a URL (a password could then hide anywhere in it).
 */
export function urlWithoutPassword(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  parsed.password = '';
  parsed.searchParams.delete('password');
  return parsed.toString();
}
