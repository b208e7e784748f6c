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

/**
 * The password libpq would take from the password file (PGPASSFILE or ~/.pgpass) for this target, or
 * undefined. Like libpq, a file that others may read is ignored, and a socket host matches `localhost`.
 */
export async function passwordFromPgpass(
  target: { host: string; port: number; database: string; user: string },
  env: Env,
): Promise<string | undefined> {
  const file = env.PGPASSFILE || join(env.HOME || homedir(), '.pgpass');
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
