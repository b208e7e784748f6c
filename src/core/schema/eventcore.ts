import type { ColumnSpec, SchemaSpec } from './types.js';

/**
 * What eventcore-postgres's sqlx migrations create, version by version. The migrations use unqualified
 * names, so everything (the sqlx ledger included) lands in the first schema on the search_path of the role
 * that ran them; the spec therefore names no schema.
 *
 * Column defaults are not compared: the application always writes the columns, and migration 3's
 * `stream_version DEFAULT 0` is overwritten by its own BEFORE INSERT trigger.
 */

const notNull = (name: string, type: string): ColumnSpec => ({ name, type, nullable: false });
const TIMESTAMPTZ = 'timestamp with time zone';

export const EVENTCORE_SCHEMA_SPEC: SchemaSpec = {
  title: 'EventCore',
  origin: 'eventcore',
  tables: [
    {
      name: 'eventcore_events',
      since: 1,
      columns: [
        notNull('event_id', 'uuid'),
        notNull('stream_id', 'text'),
        notNull('stream_version', 'bigint'),
        notNull('event_type', 'text'),
        notNull('event_data', 'jsonb'),
        // Migration 1 creates it already; migration 2's ADD COLUMN IF NOT EXISTS changes nothing after that.
        notNull('metadata', 'jsonb'),
        notNull('created_at', TIMESTAMPTZ),
      ],
      primaryKey: ['event_id'],
      indexes: [
        // The optimistic-concurrency guard: two writers cannot both append the same stream version.
        {
          name: 'eventcore_events_stream_version_idx',
          columns: ['stream_id', 'stream_version'],
          unique: true,
        },
        { name: 'eventcore_events_stream_idx', columns: ['stream_id'], unique: false },
      ],
      triggers: [
        {
          name: 'eventcore_version_trigger',
          timing: 'BEFORE',
          events: ['INSERT'],
          level: 'ROW',
          function: 'eventcore_assign_stream_version',
          since: 3,
        },
        // The migrations' row/statement level for these two is not part of what we know; either stops
        // the change, so it is left unchecked.
        {
          name: 'eventcore_prevent_update_trigger',
          timing: 'BEFORE',
          events: ['UPDATE'],
          function: 'eventcore_prevent_update',
          since: 4,
        },
        {
          name: 'eventcore_prevent_delete_trigger',
          timing: 'BEFORE',
          events: ['DELETE'],
          function: 'eventcore_prevent_delete',
          since: 5,
        },
      ],
    },
    {
      name: 'eventcore_subscription_versions',
      since: 6,
      columns: [
        notNull('subscription_name', 'text'),
        notNull('last_position', 'uuid'),
        notNull('updated_at', TIMESTAMPTZ),
      ],
      primaryKey: ['subscription_name'],
      indexes: [
        { name: 'eventcore_subscription_versions_updated_at_idx', columns: ['updated_at'], unique: false },
      ],
      triggers: [],
    },
    {
      name: 'eventcore_command_state_snapshots',
      since: 7,
      columns: [
        notNull('snapshot_id', 'text'),
        notNull('state', 'jsonb'),
        notNull('stream_versions', 'jsonb'),
        notNull('replay_checkpoints', 'jsonb'),
        notNull('updated_at', TIMESTAMPTZ),
      ],
      primaryKey: ['snapshot_id'],
      indexes: [],
      triggers: [],
    },
  ],
  functions: [
    { name: 'eventcore_assign_stream_version', since: 3 },
    { name: 'eventcore_prevent_update', since: 4 },
    { name: 'eventcore_prevent_delete', since: 5 },
  ],
  migrations: {
    table: '_sqlx_migrations',
    tool: 'sqlx',
    versions: [
      { version: 1, description: 'create events table' },
      { version: 2, description: 'add metadata column' },
      { version: 3, description: 'add version trigger' },
      { version: 4, description: 'prevent event updates' },
      { version: 5, description: 'prevent event deletes' },
      { version: 6, description: 'add subscription versions' },
      { version: 7, description: 'add command state snapshots' },
    ],
    releases: [
      { label: 'eventcore-postgres 0.2.0–0.3.0', through: 3 },
      { label: 'eventcore-postgres 0.4.0–1.1.1', through: 6 },
      { label: 'eventcore-postgres 2.0.x', through: 7 },
    ],
  },
};
