//! Signature stand-in of the real `eventcore-postgres` 0.1.x API (crate name `eventcore_postgres`), only
//! the parts pooltune's `eventcore-0.1` emitter prints or mentions.
//!
//! It exists so that test/unit/emit-rust.test.ts can type-check emitted code without downloading EventCore.
//! The names and signatures copy the real crate; the bodies are NOT real (setters store their value and
//! `PostgresEventStore::new` panics). Keep it compatible with Debian bookworm's rustc 1.63 (edition 2021).

use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct PostgresConfig {
    pub database_url: String,
    pub max_connections: u32,
    pub min_connections: u32,
    pub connect_timeout: Duration,
    pub query_timeout: Option<Duration>,
    pub idle_timeout: Option<Duration>,
    pub max_lifetime: Option<Duration>,
    pub test_before_acquire: bool,
    pub max_retries: u32,
    pub retry_base_delay: Duration,
    pub retry_max_delay: Duration,
}

#[derive(Debug, Default)]
pub struct PostgresConfigBuilder {
    database_url: Option<String>,
    max_connections: Option<u32>,
    min_connections: Option<u32>,
    connect_timeout: Option<Duration>,
    query_timeout: Option<Option<Duration>>,
    idle_timeout: Option<Option<Duration>>,
    max_lifetime: Option<Option<Duration>>,
    test_before_acquire: Option<bool>,
    max_retries: Option<u32>,
    retry_base_delay: Option<Duration>,
    retry_max_delay: Option<Duration>,
    health_check_interval: Option<Duration>,
    enable_recovery: Option<bool>,
    read_batch_size: Option<usize>,
}

impl PostgresConfigBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn database_url(mut self, url: impl Into<String>) -> Self {
        self.database_url = Some(url.into());
        self
    }

    pub const fn max_connections(mut self, max: u32) -> Self {
        self.max_connections = Some(max);
        self
    }

    pub const fn min_connections(mut self, min: u32) -> Self {
        self.min_connections = Some(min);
        self
    }

    pub const fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    pub const fn query_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.query_timeout = Some(timeout);
        self
    }

    pub const fn idle_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.idle_timeout = Some(timeout);
        self
    }

    pub const fn max_lifetime(mut self, lifetime: Option<Duration>) -> Self {
        self.max_lifetime = Some(lifetime);
        self
    }

    pub const fn test_before_acquire(mut self, test: bool) -> Self {
        self.test_before_acquire = Some(test);
        self
    }

    pub const fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = Some(retries);
        self
    }

    pub const fn retry_base_delay(mut self, delay: Duration) -> Self {
        self.retry_base_delay = Some(delay);
        self
    }

    pub const fn retry_max_delay(mut self, delay: Duration) -> Self {
        self.retry_max_delay = Some(delay);
        self
    }

    pub const fn health_check_interval(mut self, interval: Duration) -> Self {
        self.health_check_interval = Some(interval);
        self
    }

    pub const fn enable_recovery(mut self, enable: bool) -> Self {
        self.enable_recovery = Some(enable);
        self
    }

    pub const fn read_batch_size(mut self, size: usize) -> Self {
        self.read_batch_size = Some(size);
        self
    }

    /// Infallible, like the real one. The defaults below are placeholders, not the real crate's values.
    pub fn build(self) -> PostgresConfig {
        PostgresConfig {
            database_url: self.database_url.unwrap_or_default(),
            max_connections: self.max_connections.unwrap_or(1),
            min_connections: self.min_connections.unwrap_or(0),
            connect_timeout: self.connect_timeout.unwrap_or(Duration::ZERO),
            query_timeout: self.query_timeout.unwrap_or(None),
            idle_timeout: self.idle_timeout.unwrap_or(None),
            max_lifetime: self.max_lifetime.unwrap_or(None),
            test_before_acquire: self.test_before_acquire.unwrap_or(false),
            max_retries: self.max_retries.unwrap_or(0),
            retry_base_delay: self.retry_base_delay.unwrap_or(Duration::ZERO),
            retry_max_delay: self.retry_max_delay.unwrap_or(Duration::ZERO),
        }
    }
}

#[derive(Debug)]
pub struct PostgresError {
    _private: (),
}

impl fmt::Display for PostgresError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("eventcore-postgres 0.1 stand-in error")
    }
}

impl std::error::Error for PostgresError {}

/// Generic over the application's event type, as in 0.1.x.
pub struct PostgresEventStore<E> {
    _events: PhantomData<E>,
}

impl<E> PostgresEventStore<E> {
    pub async fn new(config: PostgresConfig) -> Result<Self, PostgresError> {
        let _ = config;
        unimplemented!("signature stand-in")
    }
}
