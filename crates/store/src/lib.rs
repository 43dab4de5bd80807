//! patq's dataset on disk: one Parquet table per entity (applications, publications, parties,
//! classes, priorities, citations, family members, legal events, related documents), a JSON
//! manifest with sources, checksums and counts, and a quarantine file of rejected records.
//!
//! [`DatasetBuilder`] is an ingest [`patq_ingest::Sink`] that merges records of one application;
//! [`DatasetBuilder::write`] writes the dataset atomically; [`read::load_records`] reads it back.
//!
//! ```
//! use patq_ingest::Sink as _;
//! use patq_model::{PatentRecord, app_key, clean_number};
//! use patq_store::DatasetBuilder;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dir = tempfile::tempdir()?;
//! let src = dir.path().join("export.csv");
//! std::fs::write(&src, "Lens ID\n")?;
//!
//! let mut builder = DatasetBuilder::new();
//! builder.add_source(&src, "export.csv", "lens-csv", "UTF-8", false)?;
//! for (office, number) in [("US", "14/306,158"), ("EP", "10167109"), ("US", "14306158")] {
//!     let mut r = PatentRecord::default();
//!     r.app.key = app_key(office, number);
//!     r.app.office = office.into();
//!     r.app.number = clean_number(number).into();
//!     builder.record(r)?;
//! }
//! let out = dir.path().join("dataset");
//! let manifest = builder.write(&out)?;
//! // Three records in, two applications out: both US records are US14306158.
//! assert_eq!((manifest.totals.records_out, manifest.totals.applications), (3, 2));
//!
//! let (_, records) = patq_store::read::load_records(&out)?;
//! assert_eq!(records.len(), 2);
//! assert_eq!(records[0].app.key.as_str(), "EP10167109"); // in key order
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]

// Public because other crates name items by their module (`patq_store::read::load_records`,
// `atomic::write_file`, `tables::APPLICATIONS`, `build::PLAIN_COLUMNS`, `derived::write_table`);
// the manifest's types are used from the root only.
pub mod atomic;
pub mod build;
pub mod derived;
mod manifest;
pub mod read;
pub mod tables;

pub use build::DatasetBuilder;
pub use manifest::{
    FieldCounts, IGNORED, Manifest, SCHEMA_VERSION, SourceColumn, SourceEntry, Totals, shown_paths,
};

/// Errors of the dataset store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Reading or writing a file or directory failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory, as shown to the user.
        path: String,
        /// The failure.
        #[source]
        source: std::io::Error,
    },
    /// A Parquet table could not be read or written.
    #[error("{path}: parquet: {source}")]
    Parquet {
        /// The table's file.
        path: String,
        /// The failure.
        #[source]
        source: parquet::errors::ParquetError,
    },
    /// Arrow refused a batch or a column (a schema mismatch).
    #[error("arrow: {0}")]
    Arrow(#[from] arrow::error::ArrowError),
    /// `manifest.json` is not a valid manifest.
    #[error("{path}: manifest: {source}")]
    Manifest {
        /// The manifest file.
        path: String,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
    /// The directory has no `manifest.json`.
    #[error("{path}: not a patq dataset (no manifest.json)")]
    NotADataset {
        /// The directory.
        path: String,
    },
    /// The dataset was written with another schema version than this patq reads.
    #[error("{path}: dataset schema version {found}, this patq reads {expected}")]
    SchemaVersion {
        /// The dataset directory.
        path: String,
        /// The version its manifest states.
        found: u32,
        /// [`SCHEMA_VERSION`], the version this patq reads.
        expected: u32,
    },
    /// A streamed dataset received a record whose key sorts before the previous one: the
    /// reader broke its promise of key order (a bug, not bad input).
    #[error("{path}: records arrived out of key order ({key} after {previous})")]
    Order {
        /// The dataset being written.
        path: String,
        /// Key of the refused record.
        key: String,
        /// Key of the record before it.
        previous: String,
    },
    /// A [`DatasetBuilder`] that refused a record (its streamed dataset failed, `reason`)
    /// is not finished: the read stopped at that record, so the dataset would lack the rest.
    #[error("{path}: dataset not written: the read stopped at an earlier error: {reason}")]
    Abandoned {
        /// The dataset that was not written.
        path: String,
        /// The error that stopped the read.
        reason: String,
    },
    /// A table read in application key order ([`read::for_each_chunk`]) has a row whose
    /// `app_key` sorts before the row above it (not a dataset written by patq), found once
    /// chunks had been handed out, too late to read the dataset whole instead.
    #[error(
        "{path}: rows out of application key order ({key:?} after {previous:?}); read the dataset whole"
    )]
    Unsorted {
        /// The table's file.
        path: String,
        /// `app_key` of the row out of order.
        key: String,
        /// `app_key` of the row above it.
        previous: String,
    },
    /// A stored word (a party's role, a class scheme, a publication class, a family kind)
    /// that this patq does not know, or a null where one is required; `row` counts from 0 in
    /// the table's file. Read as a default it would change the figures unsaid.
    #[error("table {table}, column {column}, row {row}: {}", unknown_word(kind, value.as_deref()))]
    UnknownValue {
        /// The table's name, e.g. `parties`.
        table: String,
        /// The column holding the word.
        column: String,
        /// The row, from 0 in the table's file.
        row: u64,
        /// What the word names, e.g. `party role`.
        kind: &'static str,
        /// The word as stored; `None` for a null.
        value: Option<String>,
    },
    /// A column is missing, has another type than the schema says, or holds a row that
    /// contradicts the rest of the dataset.
    #[error("{path}: column {column}: {message}")]
    Column {
        /// The table's file or name.
        path: String,
        /// The column.
        column: String,
        /// What is wrong with it.
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
