import { emitEnv } from './env.js';
import { emitEventcore } from './eventcore.js';
import { emitEventcore01 } from './eventcore-0.1.js';
import { emitHikari } from './hikari.js';
import { emitJson } from './json.js';
import { emitNodePostgres } from './node-postgres.js';
import { emitPgBouncer } from './pgbouncer.js';
import { emitSqlx } from './sqlx.js';
import type { Emitter, EmitterName } from './types.js';

export { EMITTERS, type EmitInput, type Emitted, type EmitterName } from './types.js';

export const EMITTER_BY_NAME: Readonly<Record<EmitterName, Emitter>> = {
  eventcore: emitEventcore,
  'eventcore-0.1': emitEventcore01,
  sqlx: emitSqlx,
  'node-postgres': emitNodePostgres,
  hikari: emitHikari,
  json: emitJson,
  env: emitEnv,
  pgbouncer: emitPgBouncer,
};
