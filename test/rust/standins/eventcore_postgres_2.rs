//! Signature stand-in of the real `eventcore-postgres` 2.x API (crate name `eventcore_postgres`), only the
//! parts pooltune's `eventcore` emitter prints or mentions. Depends on the sqlx stand-in (`--extern sqlx`).
//!
//! It exists so that test/unit/emit-rust.test.ts can type-check emitted code without downloading EventCore.
//! The names and signatures copy the real crate; the bodies are NOT real (constructors panic, `Default`
//! values are placeholders). Keep it compatible with Debian bookworm's rustc 1.63 (edition 2021).

use std::fmt;
use std::num::NonZeroU32;
use std::time::Duration;

/// A nutype newtype in the real crate; `new` is infallible because the inner type already forbids zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaxConnections(NonZeroU32);

impl MaxConnections {
    pub fn new(value: NonZeroU32) -> Self {
        MaxConnections(value)
    }

    pub fn into_inner(self) -> NonZeroU32 {
        self.0
    }
}

#[derive(Debug, Clone)]
pub struct PostgresConfig {
    pub max_connections: MaxConnections,
    pub acquire_timeout: Duration,
    pub idle_timeout: Duration,
}

impl Default for PostgresConfig {
    fn default() -> Self {
        PostgresConfig {
            max_connections: MaxConnections::new(NonZeroU32::new(10).unwrap()),
            acquire_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(600),
        }
    }
}

#[derive(Debug)]
pub struct PostgresEventStoreError {
    _private: (),
}

impl fmt::Display for PostgresEventStoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("eventcore-postgres 2.x stand-in error")
    }
}

impl std::error::Error for PostgresEventStoreError {}

/// Not generic in 2.x.
#[derive(Debug, Clone)]
pub struct PostgresEventStore {
    _pool: sqlx::Pool<sqlx::Postgres>,
}

impl PostgresEventStore {
    pub async fn new<S: Into<String>>(connection_string: S) -> Result<Self, PostgresEventStoreError> {
        let _ = connection_string.into();
        unimplemented!("signature stand-in")
    }

    pub async fn with_config<S: Into<String>>(
        connection_string: S,
        config: PostgresConfig,
    ) -> Result<Self, PostgresEventStoreError> {
        let _ = (connection_string.into(), config);
        unimplemented!("signature stand-in")
    }

    pub fn from_pool(pool: sqlx::Pool<sqlx::Postgres>) -> Self {
        PostgresEventStore { _pool: pool }
    }
}
