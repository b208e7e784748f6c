import { ConnectionError, PooltuneError } from '../core/errors.js';
import { formatDuration } from '../core/units.js';

interface PgLikeError {
  message?: string;
  code?: string;
  errno?: number;
  hostname?: string;
  /** Node's TLS errors carry the server's certificate. */
  cert?: { subjectaltname?: string };
}

/** The server asked for a password and the target had none (libpq: "no password supplied"). */
export class NoPasswordError extends Error {
  readonly code = 'no-password';
  /** Why the password file was not read, when it exists. */
  readonly passwordFileNote: string | undefined;

  constructor(passwordFileNote: string | undefined) {
    super('no password supplied');
    this.passwordFileNote = passwordFileNote;
  }
}

export interface ErrorContext {
  /** `user@host:port/db` */
  readonly display: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly database: string;
  readonly connectTimeoutMs: number;
  readonly source: string;
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

/**
 * Turns what pg or the network threw while connecting into one line and a hint, keeping the SQLSTATE.
 * The message is built from the target's parts, never from the URL, so it cannot carry the password.
 */
export function connectionErrorFrom(error: unknown, ctx: ErrorContext): PooltuneError {
  if (error instanceof PooltuneError) return error;
  const e = (error ?? {}) as PgLikeError;
  const code = e.code;
  const message = e.message ?? String(error);
  const where = `${ctx.host}:${ctx.port}`;
  const fromSource = `the target comes from ${ctx.source}`;
  if (error instanceof NoPasswordError) {
    return new ConnectionError(
      `the server at ${where} wants a password for user "${ctx.user}", but no password was given`,
      error.code,
      [
        error.passwordFileNote ??
          'give the password in the URL (postgres://user:password@host/db), in PGPASSWORD, or in the password file (PGPASSFILE, else ~/.pgpass, mode 0600)',
      ],
    );
  }
  switch (code) {
    case 'ECONNREFUSED':
      return new ConnectionError(`connection refused by ${where}: no PostgreSQL listening there`, code, [
        `check that the server is running and that host and port are right (${fromSource})`,
      ]);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ConnectionError(`unknown host '${ctx.host}'`, code, [`check the host name (${fromSource})`]);
    case 'ENOENT':
      return new ConnectionError(`no PostgreSQL socket at ${ctx.host} (port ${ctx.port})`, code, [
        'check the socket folder and port, or connect over TCP',
      ]);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new ConnectionError(`cannot reach ${where}: no route to the host`, code);
    case 'ECONNRESET':
      return new ConnectionError(`${where} closed the connection during start-up`, code, [
        'a firewall, a proxy or a TLS mismatch can do this; try sslmode=require or sslmode=disable',
      ]);
    case '28P01':
      return new ConnectionError(`password authentication failed for user "${ctx.user}" at ${where}`, code, [
        'check the password in the URL, PGPASSWORD or the password file (.pgpass / PGPASSFILE)',
      ]);
    case '28000':
      return new ConnectionError(
        `the server refused the login of "${ctx.user}" to "${ctx.database}": ${firstLine(message)}`,
        code,
        [
          /no encryption/.test(message)
            ? 'pg_hba.conf lets no unencrypted connection in from here: if the server wants TLS (hostssl), use sslmode=require or stronger'
            : 'check pg_hba.conf, and that the role exists and may log in (LOGIN)',
        ],
      );
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return new ConnectionError(
        `TLS to ${where} failed: the server's certificate is not for host ${ctx.host} (it names ${e.cert?.subjectaltname || 'no host'})`,
        code,
        [
          'connect with a host name the certificate names, or use sslmode=verify-ca to check the certificate without the host name',
        ],
      );
    case '3D000':
      return new ConnectionError(`database "${ctx.database}" does not exist on ${where}`, code, [
        'check the database name at the end of the URL, or PGDATABASE',
      ]);
    case '53300':
      return new ConnectionError(
        `the server has no connection slot for pooltune: ${firstLine(message)}`,
        code,
        [
          'the server is full: see `pooltune recommend` and `pooltune check-server` for sizing, or free idle sessions',
        ],
      );
    case '08P01': {
      const refused = poolerRefusal(message, where, ctx.user);
      if (refused) return refused;
      break;
    }
    case '57P03':
      return new ConnectionError(
        `the server is not accepting connections right now: ${firstLine(message)}`,
        code,
        ['it may be starting up, shutting down or in recovery; try again shortly'],
      );
  }
  if (code && TLS_CODES.has(code)) {
    return new ConnectionError(`TLS to ${where} failed: ${firstLine(message)}`, code, [
      'check sslmode and the root certificate (sslrootcert / PGSSLROOTCERT)',
    ]);
  }
  if (/does not support SSL/i.test(message)) {
    return new ConnectionError(`${where} does not accept TLS, but sslmode requires it`, 'no-tls', [
      'use sslmode=prefer or sslmode=disable if an unencrypted connection is acceptable',
    ]);
  }
  if (/timeout expired|connection timeout/i.test(message)) {
    return new ConnectionError(
      `no answer from ${where} within ${formatDuration(ctx.connectTimeoutMs)} (--connect-timeout)`,
      'timeout',
      [
        'check that the host and port belong to a PostgreSQL server and that nothing in between drops packets',
      ],
    );
  }
  if (/Connection terminated unexpectedly/i.test(message)) {
    return new ConnectionError(`${where} closed the connection during start-up`, code, [
      'the server may be overloaded or shutting down; its log says why',
    ]);
  }
  if (/SASL|SCRAM|password/i.test(message)) {
    return new ConnectionError(`authentication with ${where} failed: ${firstLine(message)}`, code, [
      'the server wants a password: give it in the URL, PGPASSWORD or .pgpass',
    ]);
  }
  if (code && /^[0-9A-Z]{5}$/.test(code)) {
    return new ConnectionError(
      `${where} refused the connection (SQLSTATE ${code}): ${firstLine(message)}`,
      code,
    );
  }
  return new ConnectionError(`cannot connect to ${where}: ${firstLine(message)}`, code);
}

/**
 * What a pooler (PgBouncer's wording, SQLSTATE 08P01) says when it turns a client away: one line naming the
 * pooler and the limit, and what to change. undefined for anything else.
 */
export function poolerRefusal(message: string, where: string, user?: string): ConnectionError | undefined {
  const line = firstLine(message);
  const refusal = (text: string, hint: string) => new ConnectionError(text, '08P01', [hint]);
  if (/unsupported (startup|options startup) parameter/i.test(message))
    // pooltune itself sends no startup parameter a pooler could refuse; PGOPTIONS is read by the driver.
    return refusal(
      `the pooler at ${where} refused a startup parameter: ${line}`,
      "pooltune sends none of its own: unset PGOPTIONS for it; do not add the parameter to the pooler's ignore_startup_parameters, which drops it silently",
    );
  // PgBouncer checks the password itself and says so with 08P01, not PostgreSQL's 28P01.
  if (/password authentication failed/i.test(message))
    return refusal(
      `the pooler at ${where} refused the password${user ? ` of user "${user}"` : ''}`,
      'check the password in the URL, PGPASSWORD or the password file; the pooler checks it against its auth_file or auth_query',
    );
  if (/max_client_conn|no more connections allowed/i.test(message))
    return refusal(
      `the pooler at ${where} is full: ${line}`,
      "every client connection counts against the pooler's max_client_conn (admin console connections too): raise it, or find the clients that hold connections",
    );
  if (/query_wait_timeout/i.test(message))
    return refusal(
      `the pooler at ${where} dropped pooltune after it waited too long for a server connection (query_wait_timeout)`,
      'its pool for this database and user is busy: see SHOW POOLS (cl_waiting, maxwait) on its admin console, or run pooltune check-server --pooler <admin console URL>',
    );
  if (/no such database/i.test(message))
    return refusal(
      `the pooler at ${where} has no database entry for this name: ${line}`,
      'add the database to its [databases] section (or a * fallback entry), or use a name it lists',
    );
  if (/invalid command|extended query protocol not supported by admin console/i.test(message))
    return refusal(
      `${where} is a pooler's admin console, not a database`,
      'check-server --db <console URL> judges the pooler alone; other commands need a database through it (…/<database>), with --pooler <console URL> to read the console as well',
    );
  if (/statement pooling mode/i.test(message))
    return refusal(
      `the pooler at ${where} runs this pool in statement mode, where no transaction may span two statements`,
      'pooltune keeps each probe in a read-only transaction of its own: point --db at a database entry in transaction or session mode (pool_mode in its [databases] line)',
    );
  // PgBouncer's console answers a user outside admin_users and stats_users with exactly this.
  if (/^not allowed/i.test(line))
    return refusal(
      `the pooler at ${where} does not let this user into its admin console: ${line}`,
      "list the user in the pooler's stats_users (read-only SHOW commands are all pooltune needs), or use one in admin_users",
    );
  if (/pgbouncer cannot connect to server|server login has been failing|server conn crashed/i.test(message))
    return refusal(
      `the pooler at ${where} cannot log in to the PostgreSQL server behind it: ${line}`,
      "check the server is up and the pooler's [databases] entry and credentials (auth_file / auth_query); its log says why",
    );
  return undefined;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

/**
 * An error from a query on an open session: a lost connection or a server that stopped answering is a
 * ConnectionError (exit 3); anything else is left as it is for the caller.
 */
export function sessionErrorFrom(error: unknown, ctx: ErrorContext): unknown {
  if (error instanceof PooltuneError) return error;
  const e = (error ?? {}) as PgLikeError;
  const message = e.message ?? String(error);
  const where = `${ctx.host}:${ctx.port}`;
  if (e.code === '57014' || /Query read timeout/i.test(message)) {
    return new ConnectionError(
      `${where} did not answer a catalog query in time: ${firstLine(message)}`,
      e.code ?? 'timeout',
      ['the server may be overloaded or blocked; try again, or raise the timeout'],
    );
  }
  const refused = e.code === '08P01' ? poolerRefusal(message, where) : undefined;
  if (refused) return refused;
  if (
    (e.code && /^(08|57P0)/.test(e.code)) ||
    e.code === 'ECONNRESET' ||
    e.code === 'EPIPE' ||
    /Connection terminated|connection is closed|connection error|not queryable|ECONNREFUSED/i.test(message)
  ) {
    // pg's "Client has encountered a connection error and is not queryable" says no more than we do.
    const detail = /not queryable/i.test(message) ? '' : `: ${firstLine(message)}`;
    return new ConnectionError(`lost the connection to ${where}${detail}`, e.code, [
      'the server may have restarted, or an administrator ended the session',
    ]);
  }
  return error;
}
