//! The database handle: a [`sqlx::AnyPool`] on SQLite or PostgreSQL, with embedded migrations.
//!
//! All state lives in the database; a [`Db`] holds no other state, so several server instances
//! can share one PostgreSQL database.
//!
//! SQL in this crate is written once for both backends: `$1, $2, ...` placeholders numbered in
//! order of first use (SQLite reads `$N` as named parameters, numbered by first appearance),
//! timestamps as BIGINT unix seconds, booleans as BIGINT 0/1, JSON as TEXT.

use std::borrow::Cow;
use std::str::FromStr as _;

use sqlx::any::{AnyArguments, AnyPoolOptions};
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};
use sqlx::{Any, AnyPool, Arguments as _};

use crate::error::{Error, Result};

/// Which database engine a [`Db`] talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// SQLite (a file or in memory).
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// A connection pool and the backend it talks to. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
}

/// Migrations of one dialect, embedded in the binary at compile time.
#[derive(Debug)]
struct Embedded(&'static [(i64, &'static str, &'static str)]);

const SQLITE_MIGRATIONS: &[(i64, &str, &str)] = &[(
    1,
    "schema",
    include_str!("../migrations/sqlite/0001_schema.sql"),
)];
const POSTGRES_MIGRATIONS: &[(i64, &str, &str)] = &[(
    1,
    "schema",
    include_str!("../migrations/postgres/0001_schema.sql"),
)];

impl<'s> MigrationSource<'s> for Embedded {
    fn resolve(
        self,
    ) -> futures_core_compat::BoxFuture<'s, Result<Vec<Migration>, sqlx::error::BoxDynError>> {
        Box::pin(async move {
            Ok(self
                .0
                .iter()
                .map(|(version, description, sql)| {
                    Migration::new(
                        *version,
                        Cow::Borrowed(*description),
                        MigrationType::Simple,
                        Cow::Borrowed(*sql),
                        false,
                    )
                })
                .collect())
        })
    }
}

/// The boxed future type of [`MigrationSource::resolve`].
mod futures_core_compat {
    /// A pinned, boxed, `Send` future.
    pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;
}

impl Db {
    /// Connects to `url` (`sqlite://FILE?mode=rwc`, `sqlite::memory:`, `postgres://...`),
    /// creating a missing SQLite file, and runs the embedded migrations.
    pub async fn connect(url: &str) -> Result<Self> {
        let db = Self::connect_without_migrating(url).await?;
        db.migrate().await?;
        Ok(db)
    }

    /// Connects like [`Db::connect`] but does not run migrations.
    pub async fn connect_without_migrating(url: &str) -> Result<Self> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(Error::bad_request(
                "database URL must start with sqlite: or postgres:",
            ));
        };
        let in_memory = backend == Backend::Sqlite && url.contains(":memory:");
        if backend == Backend::Sqlite && !in_memory {
            // `mode=rwc` in the URL would create it too; this covers URLs without it.
            let options =
                sqlx::sqlite::SqliteConnectOptions::from_str(url)?.create_if_missing(true);
            let conn = sqlx::ConnectOptions::connect(&options).await?;
            sqlx::Connection::close(conn).await?;
        }
        let mut options = AnyPoolOptions::new();
        if in_memory {
            // Every connection to `sqlite::memory:` is its own database: keep exactly one.
            options = options
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None);
        } else {
            options = options.max_connections(8);
        }
        let pool = options.connect(url).await?;
        Ok(Self { pool, backend })
    }

    /// Runs the embedded migrations of this backend; a no-op when they have run.
    pub async fn migrate(&self) -> Result<()> {
        let source = match self.backend {
            Backend::Sqlite => Embedded(SQLITE_MIGRATIONS),
            Backend::Postgres => Embedded(POSTGRES_MIGRATIONS),
        };
        let migrator = Migrator::new(source).await?;
        migrator.run(&self.pool).await?;
        Ok(())
    }

    /// The connection pool.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// The backend.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Whether the database answers (a `SELECT 1`), for health checks.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes the pool.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// One bound value of a dynamically built query.
#[derive(Clone, Debug)]
pub(crate) enum Arg {
    Text(String),
    Int(i64),
}

/// A query whose text and bound values are built together, numbering placeholders `$1, $2, ...`
/// in the order values are pushed, so that the same text works on SQLite and PostgreSQL.
#[derive(Clone, Debug, Default)]
pub(crate) struct SqlBuilder {
    pub(crate) sql: String,
    args: Vec<Arg>,
}

impl SqlBuilder {
    /// A builder starting with `sql`.
    pub(crate) fn new(sql: &str) -> Self {
        Self {
            sql: sql.to_owned(),
            args: Vec::new(),
        }
    }

    /// Appends raw SQL (never user input).
    pub(crate) fn push(&mut self, sql: &str) -> &mut Self {
        self.sql.push_str(sql);
        self
    }

    /// Appends a placeholder bound to `arg`.
    pub(crate) fn bind(&mut self, arg: Arg) -> &mut Self {
        self.args.push(arg);
        let n = self.args.len();
        self.sql.push('$');
        self.sql.push_str(&n.to_string());
        self
    }

    /// Appends `(p1, p2, ...)` bound to `values`; `values` must not be empty.
    pub(crate) fn bind_list(&mut self, values: &[String]) -> &mut Self {
        self.sql.push('(');
        for (i, value) in values.iter().enumerate() {
            if i > 0 {
                self.sql.push_str(", ");
            }
            self.bind(Arg::Text(value.clone()));
        }
        self.sql.push(')');
        self
    }

    /// The SQL text and its arguments.
    pub(crate) fn build(&self) -> Result<(String, AnyArguments<'static>)> {
        let mut args = AnyArguments::default();
        for arg in &self.args {
            match arg {
                Arg::Text(v) => args.add(v.clone()),
                Arg::Int(v) => args.add(*v),
            }
            .map_err(|e| Error::Internal(format!("binding a query argument: {e}")))?;
        }
        Ok((self.sql.clone(), args))
    }

    /// Fetches every row.
    pub(crate) async fn fetch_all(&self, db: &Db) -> Result<Vec<sqlx::any::AnyRow>> {
        let (sql, args) = self.build()?;
        Ok(sqlx::query_with::<Any, _>(&sql, args)
            .fetch_all(db.pool())
            .await?)
    }

    /// Fetches one row.
    pub(crate) async fn fetch_one(&self, db: &Db) -> Result<sqlx::any::AnyRow> {
        let (sql, args) = self.build()?;
        Ok(sqlx::query_with::<Any, _>(&sql, args)
            .fetch_one(db.pool())
            .await?)
    }
}

/// Reads a boolean stored as BIGINT 0/1.
pub(crate) fn flag(row: &sqlx::any::AnyRow, column: &str) -> Result<bool> {
    use sqlx::Row as _;
    Ok(row.try_get::<i64, _>(column)? != 0)
}

/// A boolean as the BIGINT stored for it.
pub(crate) fn int_flag(value: bool) -> i64 {
    i64::from(value)
}
