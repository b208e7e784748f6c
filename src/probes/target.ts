import { userInfo } from 'node:os';
import { echo } from '../core/echo.js';
import { UsageError } from '../core/errors.js';
import { CONSOLE_DATABASE } from '../core/pooler/parse.js';

export const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

/** Where to connect, resolved the way libpq tools do; `password` never leaves this object except to pg. */
export interface ConnectionTarget {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly database: string;
  readonly password: string | undefined;
  readonly sslMode: SslMode;
  readonly sslRootCert: string | undefined;
  /** From the URL's connect_timeout or PGCONNECT_TIMEOUT, in ms, when either is set. */
  readonly connectTimeoutMs: number | undefined;
  /** `--db`, the environment variable that held the URL, or `PG* environment`. */
  readonly source: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/** A Unix socket or a loopback address: the server runs on this machine. */
export function isLocalTarget(target: Pick<ConnectionTarget, 'host'>): boolean {
  const host = target.host.toLowerCase().replace(/^\[|\]$/g, '');
  return host.startsWith('/') || host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

const URL_HELP = 'expected a URL such as postgres://user@host:5432/database?sslmode=require';

/** `host:port`, an IPv6 address in brackets. */
export function describeHostPort(target: Pick<ConnectionTarget, 'host' | 'port'>): string {
  const host = target.host.includes(':') && !target.host.startsWith('/') ? `[${target.host}]` : target.host;
  return `${host}:${target.port}`;
}

/** `user@host:port/db`: how a target is shown everywhere, without the password. */
export function describeTarget(
  target: Pick<ConnectionTarget, 'user' | 'host' | 'port' | 'database'>,
): string {
  return `${target.user}@${describeHostPort(target)}/${target.database}`;
}

function parsePort(text: string, where: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 1 && port <= 65535))
    throw new UsageError(`${where}: the port must be a number from 1 to 65535`);
  return port;
}

function parseSslMode(text: string, where: string): SslMode {
  if ((SSL_MODES as readonly string[]).includes(text)) return text as SslMode;
  throw new UsageError(`${where}: sslmode must be one of ${SSL_MODES.join(', ')}`);
}

/** Seconds in ms; libpq reads 0 as "wait forever", which pooltune never does, so 0 leaves its default. */
function parseSeconds(text: string, where: string): number | undefined {
  if (!/^\d{1,6}$/.test(text))
    throw new UsageError(`${where}: connect_timeout must be a whole number of seconds`);
  return Number(text) === 0 ? undefined : Number(text) * 1000;
}

/** A DNS name has at most 253 characters. */
const MAX_HOST_LENGTH = 253;
/** A socket path (folder + `/.s.PGSQL.<port>`) fits the 107 bytes of `sun_path` only with a folder this short. */
const MAX_SOCKET_FOLDER_BYTES = 92;
/** NAMEDATALEN − 1: the server keeps only this much of a user or database name. */
const MAX_NAME_BYTES = 63;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Checks one part of the target; messages name the part, never its value (a URL may hold a password). */
function checkPart(part: 'host' | 'user' | 'database' | 'password', value: string, where: string): void {
  // The protocol sends names and passwords as C strings: a NUL (%00) would cut them short.
  if (part === 'password' ? value.includes('\u0000') : CONTROL.test(value))
    throw new UsageError(`${where}: the ${part} holds a control character (such as %00); ${URL_HELP}`);
  if (part === 'host' && !value.startsWith('/') && value.length > MAX_HOST_LENGTH)
    throw new UsageError(
      `${where}: the host name is ${value.length} characters long; at most ${MAX_HOST_LENGTH}`,
    );
  const bytes = new TextEncoder().encode(value).length;
  if (part === 'host' && value.startsWith('/') && bytes > MAX_SOCKET_FOLDER_BYTES)
    throw new UsageError(
      `${where}: the socket folder is ${bytes} bytes long; at most ${MAX_SOCKET_FOLDER_BYTES}`,
    );
  if ((part === 'user' || part === 'database') && bytes > MAX_NAME_BYTES)
    throw new UsageError(
      `${where}: the ${part} name is ${bytes} bytes long; PostgreSQL keeps only the first ${MAX_NAME_BYTES} bytes of a name`,
    );
}

interface UrlParts {
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  database?: string;
  sslMode?: SslMode;
  sslRootCert?: string;
  connectTimeoutMs?: number;
}

function decode(text: string, where: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new UsageError(`${where}: the URL has a broken percent-encoding; ${URL_HELP}`);
  }
}

/** URL parameters whose value is the part as it is, and the part each sets. */
const PLAIN_URL_PARAMETERS = new Map<string, 'host' | 'user' | 'password' | 'database' | 'sslRootCert'>([
  ['host', 'host'],
  ['user', 'user'],
  ['password', 'password'],
  ['dbname', 'database'],
  ['sslrootcert', 'sslRootCert'],
]);

/** Parses a postgres:// URL. Error messages never repeat the URL: it may hold a password. */
export function parseConnectionUrl(text: string, where: string): UrlParts {
  // The URL parser drops newlines and tabs silently (`/app\nx` would become database `appx`).
  if (CONTROL.test(text.trim()))
    throw new UsageError(`${where} holds a control character (such as a newline or tab); ${URL_HELP}`);
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new UsageError(`${where} is not a valid connection URL; ${URL_HELP}`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new UsageError(`${where} must start with postgres:// or postgresql://; ${URL_HELP}`);
  }
  const parts: UrlParts = {};
  if (url.hostname) parts.host = decode(url.hostname.replace(/^\[(.*)\]$/, '$1'), where);
  if (url.port) parts.port = parsePort(url.port, where);
  if (url.username) parts.user = decode(url.username, where);
  if (url.password) parts.password = decode(url.password, where);
  const path = url.pathname.replace(/^\//, '');
  if (path) parts.database = decode(path, where);
  for (const [key, value] of url.searchParams) {
    if (value === '' && key !== 'application_name' && key !== 'options')
      throw new UsageError(`${where}: the URL parameter '${echo(key, 40)}' is empty`);
    const plain = PLAIN_URL_PARAMETERS.get(key);
    if (plain !== undefined) {
      parts[plain] = value;
      continue;
    }
    switch (key) {
      case 'port':
        parts.port = parsePort(value, where);
        break;
      case 'sslmode':
        parts.sslMode = parseSslMode(value, where);
        break;
      case 'connect_timeout': {
        const ms = parseSeconds(value, where);
        if (ms !== undefined) parts.connectTimeoutMs = ms;
        break;
      }
      case 'application_name':
      case 'options':
        // pooltune names its own sessions and sets its own session options.
        break;
      default:
        throw new UsageError(`${where}: unsupported URL parameter '${echo(key, 40)}'`);
    }
  }
  for (const part of ['host', 'user', 'database', 'password'] as const) {
    const value = parts[part];
    if (value !== undefined) checkPart(part, value, where);
  }
  return parts;
}

/**
 * `--db`, else DATABASE_URL, else the PG* variables; anything a URL leaves out is filled from PG* and then
 * libpq's defaults, as psql does. The password comes from the URL, PGPASSWORD, or later from .pgpass.
 */
export function resolveTarget(
  dbFlag: string | undefined,
  env: Env,
  urlEnv = 'DATABASE_URL',
): ConnectionTarget {
  const fromFlag = dbFlag !== undefined;
  // Own variables only: `urlEnv` comes from a file, and `constructor` or `toString` must not find Object's.
  const fromEnv = Object.hasOwn(env, urlEnv) ? env[urlEnv] : undefined;
  const urlText = fromFlag ? dbFlag : (typeof fromEnv === 'string' && fromEnv) || undefined;
  if (fromFlag && dbFlag.trim() === '') throw new UsageError(`--db is empty; ${URL_HELP}`);
  const url = urlText === undefined ? {} : parseConnectionUrl(urlText, fromFlag ? '--db' : urlEnv);
  const user = url.user ?? (env.PGUSER || safeUsername());
  const sslMode = url.sslMode ?? (env.PGSSLMODE ? parseSslMode(env.PGSSLMODE, 'PGSSLMODE') : 'prefer');
  const connectTimeoutMs =
    url.connectTimeoutMs ??
    (env.PGCONNECT_TIMEOUT ? parseSeconds(env.PGCONNECT_TIMEOUT, 'PGCONNECT_TIMEOUT') : undefined);
  return {
    host: url.host ?? (env.PGHOST || 'localhost'),
    port: url.port ?? (env.PGPORT ? parsePort(env.PGPORT, 'PGPORT') : 5432),
    user,
    database: url.database ?? (env.PGDATABASE || user),
    password: url.password ?? (env.PGPASSWORD || undefined),
    sslMode,
    sslRootCert: url.sslRootCert ?? (env.PGSSLROOTCERT || undefined),
    connectTimeoutMs,
    source: fromFlag ? '--db' : urlText !== undefined ? urlEnv : 'PG* environment',
  };
}

/**
 * A pooler's admin console from its URL alone (the PG* variables describe the server): the database is
 * `pgbouncer` unless the URL names one, the user the URL's or the login name.
 */
export function resolveConsoleTarget(urlText: string, flag: string): ConnectionTarget {
  if (urlText.trim() === '') throw new UsageError(`${flag} is empty; ${URL_HELP}`);
  const url = parseConnectionUrl(urlText, flag);
  return {
    host: url.host ?? 'localhost',
    port: url.port ?? 5432,
    user: url.user ?? safeUsername(),
    database: url.database ?? CONSOLE_DATABASE,
    password: url.password,
    sslMode: url.sslMode ?? 'prefer',
    sslRootCert: url.sslRootCert,
    connectTimeoutMs: url.connectTimeoutMs,
    source: flag,
  };
}

function safeUsername(): string {
  try {
    return userInfo().username;
  } catch {
    return 'postgres';
  }
}
