//! Signature stand-in of the real `sqlx` 0.8.6 API, only the parts pooltune's emitters print.
//!
//! It exists so that test/unit/emit-rust.test.ts can type-check emitted code without downloading sqlx.
//! The names, generics and signatures copy the real crate; the bodies are NOT real (they panic or do
//! nothing). Keep it compatible with Debian bookworm's rustc 1.63 (edition 2021).

use std::fmt;
use std::marker::PhantomData;

/// The real trait has many associated types; here it only marks database drivers.
pub trait Database: 'static + Sized + Send + fmt::Debug {}

/// sqlx's error type. The real one is an enum with many variants; this one cannot be built outside.
#[derive(Debug)]
pub struct Error {
    _private: (),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("sqlx stand-in error")
    }
}

impl std::error::Error for Error {}

/// A pool of connections to `DB`.
pub struct Pool<DB: Database> {
    _db: PhantomData<DB>,
}

impl<DB: Database> Clone for Pool<DB> {
    fn clone(&self) -> Self {
        Pool { _db: PhantomData }
    }
}

impl<DB: Database> fmt::Debug for Pool<DB> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pool")
    }
}

pub use crate::postgres::Postgres;

pub mod postgres {
    use std::fmt::Display;
    use std::str::FromStr;
    use std::time::Duration;

    use crate::{Database, Error, Pool};

    /// The PostgreSQL driver.
    #[derive(Debug)]
    pub struct Postgres;

    impl Database for Postgres {}

    pub type PgPool = Pool<Postgres>;

    #[derive(Debug, Clone)]
    pub struct PgConnectOptions {
        _private: (),
    }

    impl PgConnectOptions {
        pub fn new() -> Self {
            PgConnectOptions { _private: () }
        }

        pub fn options<K, V, I>(self, options: I) -> Self
        where
            K: Display,
            V: Display,
            I: IntoIterator<Item = (K, V)>,
        {
            let _ = options;
            self
        }

        pub fn statement_cache_capacity(self, capacity: usize) -> Self {
            let _ = capacity;
            self
        }
    }

    impl FromStr for PgConnectOptions {
        type Err = Error;

        fn from_str(s: &str) -> Result<Self, Error> {
            let _ = s;
            unimplemented!("signature stand-in")
        }
    }

    #[derive(Debug, Clone)]
    pub struct PgPoolOptions {
        _private: (),
    }

    impl PgPoolOptions {
        pub fn new() -> Self {
            PgPoolOptions { _private: () }
        }

        pub fn max_connections(self, max: u32) -> Self {
            let _ = max;
            self
        }

        pub fn min_connections(self, min: u32) -> Self {
            let _ = min;
            self
        }

        pub fn acquire_timeout(self, timeout: Duration) -> Self {
            let _ = timeout;
            self
        }

        pub fn idle_timeout(self, timeout: impl Into<Option<Duration>>) -> Self {
            let _ = timeout.into();
            self
        }

        pub fn max_lifetime(self, lifetime: impl Into<Option<Duration>>) -> Self {
            let _ = lifetime.into();
            self
        }

        pub fn test_before_acquire(self, test: bool) -> Self {
            let _ = test;
            self
        }

        pub async fn connect_with(self, options: PgConnectOptions) -> Result<Pool<Postgres>, Error> {
            let _ = options;
            unimplemented!("signature stand-in")
        }

        pub async fn connect(self, url: &str) -> Result<Pool<Postgres>, Error> {
            let _ = url;
            unimplemented!("signature stand-in")
        }
    }
}
