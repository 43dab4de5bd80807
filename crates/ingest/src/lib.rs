//! Readers for the patent export formats analysts use, each turning its input into
//! [`patq_model::PatentRecord`]s, rejections (quarantined with location and reason) and
//! counted skips, through a [`Sink`].
//!
//! Flow: [`input::Input::load`] reads and decodes a file (BOM, UTF-16, Latin-1/GBK detection),
//! [`detect::detect`] names its [`Format`], and [`read_all`] hands each group of inputs to its
//! format's module.
//!
//! ```
//! use patq_ingest::{CollectSink, Format, Input, detect, read_all};
//!
//! // A Lens CSV export, as the Lens web site writes it (two rows, one without a number).
//! let text = "Jurisdiction,Kind,Publication Number,Publication Date,Application Number,\
//!             Application Date,Title,Applicants,Type\n\
//!             US,B2,US 11111111 B2,2021-03-02,US 16/123456,2019-05-01,Drone dock,ACME INC,Granted Patent\n\
//!             EP,A1,EP 3999999 A1,2022-01-05,,2020-07-01,Rotor,ROTOR AG,Patent Application\n";
//! let input = Input::from_str("export.csv", text);
//! assert_eq!(detect(&input.text), Some(Format::LensCsv));
//!
//! let mut sink = CollectSink::default();
//! read_all(&[(input, Format::LensCsv)], &mut sink)?;
//! // Counts in = counts out + rejected: the row without an application number is quarantined
//! // with its file, line and field, never dropped unsaid.
//! assert_eq!(sink.records.len(), 1);
//! assert_eq!(sink.rejections.len(), 1);
//! assert_eq!(sink.rejections[0].to_string().split(':').next(), Some("export.csv"));
//! assert_eq!(sink.records[0].parties[0].name, "ACME INC");
//! # Ok::<(), patq_ingest::IngestError>(())
//! ```

#![warn(missing_docs)]

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
    /// A source could not be opened or read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The source as named.
        path: String,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// A source named explicitly that is a pipe, device or socket: its size is not known up
    /// front, so it is refused rather than read (see [`walk`]).
    #[error(
        "{path}: not a regular file but a {kind}: patq reads only files whose size is known up front (save the stream to a file first)"
    )]
    NotAFile {
        /// The source as named.
        path: String,
        /// What it is instead: "named pipe (FIFO)", "socket", "character device", ...
        kind: &'static str,
    },
    /// Neither the header nor the content names one of the supported formats.
    #[error("{path}: format not recognised (use --format to name it); first bytes: {head:?}")]
    UnknownFormat {
        /// The source as named.
        path: String,
        /// Its first bytes, to show the user what was found instead.
        head: String,
    },
    /// The whole source is unusable for its format (no header, a header missing a key
    /// column, a column named twice); single bad records are rejections instead.
    #[error("{path}: {message}")]
    Malformed {
        /// The source as named.
        path: String,
        /// What is wrong, naming the line or column.
        message: String,
    },
    /// The temporary file a large PATSTAT extract's rows are kept in could not be written or
    /// read back.
    #[error(
        "{dir}: the temporary file for PATSTAT rows could not be written or read (TMPDIR names a writable place with room): {source}"
    )]
    Spill {
        /// The temporary folder used.
        dir: String,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// The sink refused a record read from `path` (see [`SinkError`]); the read stopped there.
    #[error("{path}: {source}")]
    Sink {
        /// The source the refused record came from.
        path: String,
        /// Why the sink refused it.
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
