import { headline, type Emitter } from './types.js';
import { sqlxDefaultNotes, sqlxPooledNotes, sqlxPoolLines } from './rust.js';
import { roleTimeoutComment } from './pooled.js';

export const emitSqlx: Emitter = (input) => {
  const { behindPooler } = input;
  const code = [
    'use std::str::FromStr;',
    'use std::time::Duration;',
    '',
    'use sqlx::postgres::{PgConnectOptions, PgPoolOptions};',
    '',
    `// ${headline(input)}; sqlx 0.8.`,
    ...(behindPooler ? roleTimeoutComment(input, '//') : []),
    ...sqlxPoolLines(input.pool, behindPooler),
    '',
  ].join('\n');
  const notes = [
    ...sqlxPooledNotes(input),
    ...sqlxDefaultNotes(input.pool),
    'sqlx has no retry settings; retry in your application if you need it.',
  ];
  return { emitter: 'sqlx', language: 'rust', code, notes };
};
