import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

type Env = Readonly<Record<string, string | undefined>>;

/** Splits a .pgpass line on unescaped colons, undoing `\:` and `\\`. */
function fields(line: string): string[] {
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '\\' && i + 1 < line.length) {
      current += line[++i];
    } else if (ch === ':') {
      out.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  out.push(current);
  return out;
}

const passwordFile = (env: Env): string => env.PGPASSFILE || join(env.HOME || homedir(), '.pgpass');

/**
 * The password libpq would take from the password file (PGPASSFILE or ~/.pgpass) for this target, or
 * undefined. Like libpq, a file that others may read is ignored, and a socket host matches `localhost`.
 */
export async function passwordFromPgpass(
  target: { host: string; port: number; database: string; user: string },
  env: Env,
): Promise<string | undefined> {
  const file = passwordFile(env);
  try {
    const info = await stat(file);
    if (!info.isFile() || (info.mode & 0o077) !== 0) return undefined;
    const host = target.host.startsWith('/') ? 'localhost' : target.host;
    const wanted = [host, String(target.port), target.database, target.user];
    for (const line of (await readFile(file, 'utf8')).split(/\r?\n/)) {
      if (line.trim() === '' || line.startsWith('#')) continue;
      const parts = fields(line);
      if (parts.length < 5) continue;
      if (wanted.every((value, i) => parts[i] === '*' || parts[i] === value)) return parts.slice(4).join(':');
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** Why the password file exists but was not read (libpq warns about the same), or undefined. */
export async function ignoredPasswordFile(env: Env): Promise<string | undefined> {
  const file = passwordFile(env);
  try {
    const info = await stat(file);
    if (!info.isFile()) return `the password file ${file} is not a plain file, so it was ignored`;
    const mode = info.mode & 0o777;
    if ((mode & 0o077) !== 0)
      return `the password file ${file} was ignored because others may read it (mode 0${mode.toString(8)}): chmod 600 it`;
  } catch {
    return undefined;
  }
  return undefined;
}
