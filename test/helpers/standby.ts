/**
 * A real streaming hot standby made from a test primary, for the standby tests. The embedded binaries
 * have no pg_basebackup, so the base backup is a cold one: the primary is stopped cleanly (a shutdown
 * checkpoint, nothing in flight), its data folder copied, and both started again, the copy with
 * standby.signal and a primary_conninfo that streams from the primary. Works alike on every version.
 */
import { execFile } from 'node:child_process';
import { appendFile, chmod, chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  asServerUser,
  binaries,
  freePort,
  runAs,
  serverHandle,
  startServer,
  type PgVersion,
  type ServerOptions,
  type TestServer,
} from './postgres.js';
import { waitFor } from './wait.js';

const run = promisify(execFile);

/** What a primary needs to serve a standby: WAL for replicas, WAL senders, and a replication login. */
export const PRIMARY_OPTIONS = {
  settings: { wal_level: 'replica', max_wal_senders: 5 },
  hba: ['host replication all 127.0.0.1/32 trust'],
} as const satisfies Omit<ServerOptions, 'version'>;

/** A primary ready to have standbys made from it. */
export async function startPrimary(
  version: PgVersion,
  options: Omit<ServerOptions, 'version'> = {},
): Promise<TestServer> {
  return startServer({
    ...options,
    version,
    settings: { ...PRIMARY_OPTIONS.settings, ...options.settings },
    hba: [...PRIMARY_OPTIONS.hba, ...(options.hba ?? [])],
  });
}

/**
 * Makes a hot standby of `primary` named `name` (its application_name in pg_stat_replication), starts it,
 * and returns once the primary shows it streaming. The primary is restarted on the way.
 */
export async function startStandby(primary: TestServer, name = 'standby1'): Promise<TestServer> {
  const { pg_ctl } = await binaries(primary.version);
  await asServerUser(pg_ctl, ['-D', primary.dataDir, '-m', 'fast', '-w', '-t', '60', 'stop']);
  const root = await mkdtemp(join(tmpdir(), `pooltune-pg${primary.version}-standby-`));
  await chmod(root, 0o700);
  if (runAs) await chown(root, runAs.uid, runAs.gid);
  const dataDir = join(root, 'data');
  const logFile = join(root, 'server.log');
  try {
    // cp -a keeps the server user as the owner (and 0700 on the folder, which PostgreSQL insists on).
    await run('cp', ['-a', primary.dataDir, dataDir]);
    await rm(join(dataDir, 'postmaster.pid'), { force: true });
    const port = await freePort();
    // Later lines win in postgresql.conf: the copy listens elsewhere and streams from the primary.
    await appendFile(
      join(dataDir, 'postgresql.conf'),
      [
        '',
        '# pooltune test harness: a hot standby',
        `port = ${port}`,
        `unix_socket_directories = '${root}'`,
        'hot_standby = on',
        `primary_conninfo = 'host=127.0.0.1 port=${primary.port} user=postgres application_name=${name}'`,
        '',
      ].join('\n'),
    );
    const signal = join(dataDir, 'standby.signal');
    await writeFile(signal, '');
    if (runAs) await chown(signal, runAs.uid, runAs.gid);
    await asServerUser(pg_ctl, ['-D', primary.dataDir, '-l', primary.logFile, '-w', '-t', '60', 'start']);
    await asServerUser(pg_ctl, ['-D', dataDir, '-l', logFile, '-w', '-t', '60', 'start']);
    const standby = serverHandle(primary.version, { root, port, dataDir, logFile, pg_ctl });
    await untilStreaming(primary, name);
    return standby;
  } catch (error) {
    await asServerUser(pg_ctl, ['-D', dataDir, '-m', 'immediate', 'stop']).catch(() => undefined);
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}

/** Waits until the primary shows the standby `name` streaming in pg_stat_replication. */
export async function untilStreaming(primary: TestServer, name: string): Promise<void> {
  await waitFor(`standby ${name} streaming from the primary`, async () => {
    const rows = await primary.sql<{ state: string }>(
      'select state from pg_stat_replication where application_name = $1',
      [name],
    );
    return rows[0]?.state === 'streaming';
  });
}

/** Waits until the standby has replayed everything the primary has written so far. */
export async function untilReplayed(primary: TestServer, standby: TestServer): Promise<void> {
  // The insert position: with synchronous_commit off (the harness's), the last commit may not be written yet.
  const [{ lsn } = { lsn: '0/0' }] = await primary.sql<{ lsn: string }>(
    'select pg_current_wal_insert_lsn()::text as lsn',
  );
  await waitFor(`the standby replaying up to ${lsn}`, async () => {
    const [row] = await standby.sql<{ caught_up: boolean }>(
      'select pg_wal_lsn_diff(pg_last_wal_replay_lsn(), $1::pg_lsn) >= 0 as caught_up',
      [lsn],
    );
    return row?.caught_up === true;
  });
}
