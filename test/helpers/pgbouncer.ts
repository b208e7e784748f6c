/**
 * A real PgBouncer (Debian's package, `/usr/sbin/pgbouncer`) in front of a harness server, for the tests of
 * pooltune through and against a pooler. Each instance has its own folder (pgbouncer.ini, userlist.txt, its
 * log), its own port on 127.0.0.1 and runs in the foreground as a child of the test. PgBouncer refuses to
 * run as root, so as root it runs as `nobody`, as the PostgreSQL servers do.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, rmSync } from 'node:fs';
import { chmod, chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort, type TestServer } from './postgres.js';
import { waitFor } from './wait.js';

const NOBODY = { uid: 65534, gid: 65534 };
const runAs = userInfo().uid === 0 ? NOBODY : undefined;

/** Debian's binary; elsewhere whatever PATH finds. */
function binary(): string {
  try {
    accessSync('/usr/sbin/pgbouncer', constants.X_OK);
    return '/usr/sbin/pgbouncer';
  } catch {
    return 'pgbouncer';
  }
}

type Values = Readonly<Record<string, string | number>>;

export interface PgBouncerOptions {
  readonly poolMode: 'transaction' | 'session';
  /** The port to listen on; a free one by default, with another try should it be taken meanwhile. */
  readonly port?: number;
  /** More `[pgbouncer]` settings, e.g. `{ default_pool_size: 3, max_client_conn: 20 }`; they win. */
  readonly settings?: Values;
  /**
   * `[databases]` entries: name → connection settings added to `host=127.0.0.1 port=<server's port>`, e.g.
   * `{ appdb: { pool_size: 1 }, appdb_s: { dbname: 'appdb', pool_mode: 'session' } }`. By default one
   * fallback entry `*` sends every database name to the server's database of the same name.
   */
  readonly databases?: Readonly<Record<string, Values>>;
  /**
   * A raw pgbouncer.ini fragment (`[databases]` and `[pgbouncer]` sections, comments), e.g. what
   * `recommend --emit pgbouncer` prints, merged into the harness's own sections as a user merges it into
   * theirs: its database entries join the harness's, its settings win over the harness's. (Appending it
   * as is would not do: a second `[pgbouncer]` section makes PgBouncer drop what the first one set.)
   */
  readonly extraIni?: string;
  readonly auth?: {
    /** How clients log in to PgBouncer; `trust` by default. */
    readonly type?: 'trust' | 'plain' | 'md5' | 'scram-sha-256';
    /**
     * userlist.txt: role → password, in plain text (PgBouncer also logs in to the server with it). Even with
     * `trust` PgBouncer only admits the roles listed here. By default only `postgres`, the admin user.
     */
    readonly users?: Readonly<Record<string, string>>;
  };
}

export interface TestPgBouncer {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly version: string;
  readonly dir: string;
  readonly logFile: string;
  /** The operating system's process id, to check that it is gone after stop(). */
  readonly pid: number;
  /** A URL through the pooler; the password is percent-encoded. */
  url(user?: string, database?: string, password?: string): string;
  /** A URL for the admin console (database `pgbouncer`). */
  adminUrl(user?: string, password?: string): string;
  /** Runs a console command (`SHOW POOLS`) as the admin user over the simple query protocol, the only one it speaks. */
  sql<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string): Promise<T[]>;
  /** The last lines of its log. */
  logTail(lines?: number): Promise<string>;
  stop(): Promise<void>;
}

const ADMIN = 'postgres';

/** What to undo should the test process end without stop(): one `exit` listener for every instance. */
const leftovers = new Set<() => void>();
process.once('exit', () => leftovers.forEach((undo) => undo()));
function onExit(undo: () => void): () => void {
  leftovers.add(undo);
  return () => leftovers.delete(undo);
}
const PORT_TAKEN = 'its port is taken (Address already in use)';

function urlFor(port: number, user: string, database: string, password?: string): string {
  const secret = password === undefined ? '' : `:${encodeURIComponent(password)}`;
  return `postgres://${encodeURIComponent(user)}${secret}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

const quoted = (text: string) => `"${text.replaceAll('"', '""')}"`;

function iniSection(name: string, entries: [string, string][]): string {
  return `[${name}]\n${entries.map(([k, v]) => `${k} = ${v}`).join('\n')}\n`;
}

/** The `key = value` lines of an ini text by section, comments and blank lines left out. */
function iniEntries(text: string): Map<string, [string, string][]> {
  const sections = new Map<string, [string, string][]>();
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith(';') || line.startsWith('#')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1] ?? '';
      continue;
    }
    const at = line.indexOf('=');
    if (at < 0) throw new Error(`not a key = value line in the ini fragment: ${line}`);
    const entries = sections.get(section) ?? [];
    entries.push([line.slice(0, at).trim(), line.slice(at + 1).trim()]);
    sections.set(section, entries);
  }
  return sections;
}

async function tail(file: string, lines = 20): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** Resolves when the process has exited (at once when it already has). */
function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function adminQuery<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    // No values: node-postgres sends a simple Query message, which the console needs.
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.pid === undefined) return; // never started
  const gone = exited(child);
  const within = (ms: number) =>
    Promise.race([
      gone.then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref()),
    ]);
  // SIGTERM exits at once up to 1.22; from 1.23 it waits for clients, so escalate rather than hang a teardown.
  child.kill('SIGTERM');
  if (await within(5_000)) return;
  child.kill('SIGQUIT');
  if (await within(3_000)) return;
  child.kill('SIGKILL');
  await gone;
}

async function launch(server: TestServer, options: PgBouncerOptions, dir: string): Promise<TestPgBouncer> {
  const port = options.port ?? (await freePort());
  const logFile = join(dir, 'pgbouncer.log');
  const authFile = join(dir, 'userlist.txt');
  const iniFile = join(dir, 'pgbouncer.ini');
  const users = options.auth?.users ?? { [ADMIN]: '' };
  const adminPassword = users[ADMIN] || undefined;
  const databases = options.databases ?? { '*': {} };
  const settings: Values = {
    listen_addr: '127.0.0.1',
    listen_port: port,
    unix_socket_dir: dir,
    logfile: logFile,
    auth_type: options.auth?.type ?? 'trust',
    auth_file: authFile,
    admin_users: ADMIN,
    stats_users: ADMIN,
    pool_mode: options.poolMode,
    ...options.settings,
  };
  const extra = iniEntries(options.extraIni ?? '');
  const ini = [
    iniSection('databases', [
      ...Object.entries(databases).map(([name, params]): [string, string] => [
        name,
        Object.entries({ host: '127.0.0.1', port: server.port, ...params })
          .map(([k, v]) => `${k}=${v}`)
          .join(' '),
      ]),
      ...(extra.get('databases') ?? []),
    ]),
    iniSection(
      'pgbouncer',
      Object.entries({ ...settings, ...Object.fromEntries(extra.get('pgbouncer') ?? []) }).map(([k, v]) => [
        k,
        String(v),
      ]),
    ),
  ].join('\n');
  await writeFile(iniFile, ini);
  await writeFile(
    authFile,
    Object.entries(users)
      .map(([user, password]) => `${quoted(user)} ${quoted(password)}\n`)
      .join(''),
  );
  for (const file of [iniFile, authFile]) {
    await chmod(file, 0o600);
    if (runAs) await chown(file, runAs.uid, runAs.gid);
  }

  const child = spawn(binary(), [iniFile], {
    ...(runAs ?? {}),
    cwd: dir,
    env: { PATH: '/usr/sbin:/usr/bin:/bin', LC_ALL: 'C' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
  const spawnFailed = new Promise<Error>((resolve) => child.once('error', resolve));
  const gone = Promise.race([exited(child), spawnFailed]);
  const forget = onExit(() => child.kill('SIGKILL'));

  const adminUrl = (user = ADMIN, password = user === ADMIN ? adminPassword : undefined) =>
    urlFor(port, user, 'pgbouncer', password);
  let version = '';
  try {
    await waitFor(
      `PgBouncer to accept connections on 127.0.0.1:${port}`,
      async () => {
        // PgBouncer 1.18 only warns when it cannot bind its TCP port, and goes on with its Unix socket.
        const log = await tail(logFile);
        if (/cannot listen on .*Address already in use/.test(log)) throw new Error(PORT_TAKEN);
        // Not before it says it is up: until then the port may still be someone else's.
        if (!log.includes('process up')) return false;
        try {
          const [row] = await adminQuery<{ version: string }>(adminUrl(), 'SHOW VERSION');
          version = row?.version ?? '';
          return true;
        } catch {
          return false;
        }
      },
      { unless: gone },
    );
    if (version === '') throw new Error(`PgBouncer exited with ${child.exitCode ?? child.signalCode}`);
  } catch (error) {
    await stopProcess(child).catch(() => undefined);
    forget();
    const log = (await tail(logFile)) || stderr.trimEnd();
    throw new Error(`PgBouncer did not start: ${(error as Error).message}\n${log}`, { cause: error });
  }

  let stopped = false;
  return {
    host: '127.0.0.1',
    port,
    version,
    dir,
    logFile,
    pid: child.pid ?? -1,
    url: (user = ADMIN, database = 'postgres', password?: string) => urlFor(port, user, database, password),
    adminUrl,
    sql: <T extends pg.QueryResultRow>(text: string) => adminQuery<T>(adminUrl(), text),
    logTail: (lines?: number) => tail(logFile, lines),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await stopProcess(child);
      forget();
    },
  };
}

/**
 * Starts a PgBouncer in front of `server` and waits until its admin console answers. A port taken between
 * picking it and binding it gets another try on a new port.
 */
export async function startPgBouncer(server: TestServer, options: PgBouncerOptions): Promise<TestPgBouncer> {
  for (let attempt = 1; ; attempt++) {
    const dir = await mkdtemp(join(tmpdir(), 'pooltune-pgbouncer-'));
    const forget = onExit(() => rmSync(dir, { recursive: true, force: true }));
    await chmod(dir, 0o700);
    if (runAs) await chown(dir, runAs.uid, runAs.gid);
    try {
      const bouncer = await launch(server, options, dir);
      return {
        ...bouncer,
        stop: async () => {
          await bouncer.stop();
          await rm(dir, { recursive: true, force: true });
          forget();
        },
      };
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      forget();
      const retry = options.port === undefined && attempt < 3;
      if (!retry || !(error as Error).message.includes(PORT_TAKEN)) throw error;
    }
  }
}
