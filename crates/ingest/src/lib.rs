//! Readers for the patent export formats analysts use, each turning its input into
//! [`patq_model::PatentRecord`]s, rejections (quarantined with location and reason) and
//! counted skips, through a [`Sink`].
//!
//! Flow: [`input::Input::load`] reads and decodes a file (BOM, UTF-16, Latin-1/GBK detection),
//! [`detect::detect`] names its [`Format`], and [`read_all`] hands each group of inputs to its
//! format's module.

mod compact;
mod csv_rows;
pub mod dates;
mod delimited;
pub mod detect;
pub mod epo_ops;
pub mod google_csv;
pub mod input;
mod json_items;
pub mod lens_csv;
pub mod lens_json;
pub mod limits;
pub mod patentsview;
pub mod paths;
pub mod patstat;
pub mod sink;
mod spill;
pub mod timing;
pub mod uspto_xml;
mod util;
pub mod walk;

pub use detect::{Format, detect};
pub use input::Input;
pub use sink::{
    CollectSink, ColumnUse, FieldAction, FieldNote, Location, Rejection, Sink, SinkError, Skip,
};

/// Errors that stop a reader altogether (as opposed to a bad record, which is a [`Rejection`]).
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// A source named explicitly that is a pipe, device or socket: its size is not known up
    /// front, so it is refused rather than read (see [`walk`]).
    #[error(
        "{path}: not a regular file but a {kind}: patq reads only files whose size is known up front (save the stream to a file first)"
    )]
    NotAFile { path: String, kind: &'static str },
    #[error("{path}: format not recognised (use --format to name it); first bytes: {head:?}")]
    UnknownFormat { path: String, head: String },
    #[error("{path}: {message}")]
    Malformed { path: String, message: String },
    /// The temporary file a large PATSTAT extract's rows are kept in could not be written or
    /// read back.
    #[error(
        "{dir}: the temporary file for PATSTAT rows could not be written or read (TMPDIR names a writable place with room): {source}"
    )]
    Spill {
        dir: String,
        #[source]
        source: std::io::Error,
    },
    /// The sink refused a record read from `path` (see [`SinkError`]); the read stopped there.
    #[error("{path}: {source}")]
    Sink {
        path: String,
        #[source]
        source: SinkError,
    },
}

impl IngestError {
    /// Wraps the error of a sink that refused a record read from `path`.
    pub fn sink(path: &str) -> impl FnOnce(SinkError) -> IngestError + '_ {
        move |source| IngestError::Sink {
            path: path.to_string(),
            source,
        }
    }
}

/// Reads every input with its format's reader. Inputs of one format are read together, in the
/// given order, because some formats (PATSTAT, PatentsView) spread one application over
/// several tables.
pub fn read_all(inputs: &[(Input, Format)], sink: &mut dyn Sink) -> Result<(), IngestError> {
    for format in Format::ALL {
        let group: Vec<&Input> = inputs
            .iter()
            .filter(|(_, f)| *f == format)
            .map(|(i, _)| i)
            .collect();
        if group.is_empty() {
            continue;
        }
        match format {
            Format::LensCsv => lens_csv::read(&group, sink)?,
            Format::LensJson => lens_json::read(&group, sink)?,
            Format::Patstat => patstat::read(&group, sink)?,
            Format::PatentsView => patentsview::read(&group, sink)?,
            Format::UsptoXml => uspto_xml::read(&group, sink)?,
            Format::EpoOps => epo_ops::read(&group, sink)?,
            Format::GoogleCsv => google_csv::read(&group, sink)?,
        }
    }
    Ok(())
}
