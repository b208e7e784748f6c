import { headline, type Emitter } from './types.js';
import { sqlxDefaultNotes, sqlxPoolLines } from './rust.js';

export const emitSqlx: Emitter = (input) => {
  const code = [
    'use std::str::FromStr;',
    'use std::time::Duration;',
    '',
    'use sqlx::postgres::{PgConnectOptions, PgPoolOptions};',
    '',
    `// ${headline(input)}; sqlx 0.8.`,
    ...sqlxPoolLines(input.pool),
    '',
  ].join('\n');
  const notes = [
    ...sqlxDefaultNotes(input.pool),
    'sqlx has no retry settings; retry in your application if you need it.',
  ];
  return { emitter: 'sqlx', language: 'rust', code, notes };
};
