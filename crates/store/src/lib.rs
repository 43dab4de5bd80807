//! patq's dataset on disk: one Parquet table per entity (applications, publications, parties,
//! classes, priorities, citations, family members, legal events, related documents), a JSON
//! manifest with sources, checksums and counts, and a quarantine file of rejected records.
//!
//! [`DatasetBuilder`] is an ingest [`patq_ingest::Sink`] that merges records of one application;
//! [`DatasetBuilder::write`] writes the dataset atomically; [`read::load_records`] reads it back.

pub mod atomic;
pub mod build;
pub mod derived;
pub mod manifest;
pub mod read;
pub mod tables;

pub use build::DatasetBuilder;
pub use manifest::{
    FieldCounts, IGNORED, Manifest, SCHEMA_VERSION, SourceColumn, SourceEntry, Totals, shown_paths,
};

/// Errors of the dataset store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: parquet: {source}")]
    Parquet {
        path: String,
        #[source]
        source: parquet::errors::ParquetError,
    },
    #[error("arrow: {0}")]
    Arrow(#[from] arrow::error::ArrowError),
    #[error("{path}: manifest: {source}")]
    Manifest {
        path: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("{path}: not a patq dataset (no manifest.json)")]
    NotADataset { path: String },
    #[error("{path}: dataset schema version {found}, this patq reads {expected}")]
    SchemaVersion {
        path: String,
        found: u32,
        expected: u32,
    },
    /// A streamed dataset received a record whose key sorts before the previous one: the
    /// reader broke its promise of key order (a bug, not bad input).
    #[error("{path}: records arrived out of key order ({key} after {previous})")]
    Order {
        path: String,
        key: String,
        previous: String,
    },
    /// A [`DatasetBuilder`] that refused a record (its streamed dataset failed, `reason`)
    /// is not finished: the read stopped at that record, so the dataset would lack the rest.
    #[error("{path}: dataset not written: the read stopped at an earlier error: {reason}")]
    Abandoned { path: String, reason: String },
    /// A table read in application key order ([`read::for_each_chunk`]) has a row whose
    /// `app_key` sorts before the row above it (not a dataset written by patq), found once
    /// chunks had been handed out, too late to read the dataset whole instead.
    #[error(
        "{path}: rows out of application key order ({key:?} after {previous:?}); read the dataset whole"
    )]
    Unsorted {
        path: String,
        key: String,
        previous: String,
    },
    /// A stored word (a party's role, a class scheme, a publication class, a family kind)
    /// that this patq does not know, or a null where one is required; `row` counts from 0 in
    /// the table's file. Read as a default it would change the figures unsaid.
    #[error("table {table}, column {column}, row {row}: {}", unknown_word(kind, value.as_deref()))]
    UnknownValue {
        table: String,
        column: String,
        row: u64,
        /// What the word names, e.g. `party role`.
        kind: &'static str,
        /// The word as stored; `None` for a null.
        value: Option<String>,
    },
    #[error("{path}: column {column}: {message}")]
    Column {
        path: String,
        column: String,
        message: String,
    },
}

/// The text of [`StoreError::UnknownValue`] after its place.
fn unknown_word(kind: &str, value: Option<&str>) -> String {
    match value {
        Some(v) => format!("unknown {kind} {v:?}"),
        None => format!("no {kind} (null)"),
    }
}

pub(crate) fn io_err(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.display().to_string(),
        source,
    }
}
