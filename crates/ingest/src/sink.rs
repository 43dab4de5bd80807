//! Where readers send their output: records, rejections with location and reason, counted
//! skips, and progress. Every input record ends in exactly one of record/reject/skip, so
//! `in = out + rejected + skipped` holds by construction.

use std::fmt;

use patq_model::PatentRecord;
use serde::Serialize;

/// A place in an input file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "unit", content = "at", rename_all = "lowercase")]
pub enum Location {
    /// 1-based line number (CSV records report the line they start on).
    Line(u64),
    /// 1-based record (document) number within the file.
    Record(u64),
    /// Byte offset from the start of the file.
    Byte(u64),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Line(n) => write!(f, "line {n}"),
            Location::Record(n) => write!(f, "record {n}"),
            Location::Byte(n) => write!(f, "byte {n}"),
        }
    }
}

/// A record that could not be used, with enough detail to find and fix it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Rejection {
    /// The source file, as the user named it.
    pub file: String,
    /// Where in the file the record starts.
    pub location: Location,
    /// The field at fault, when one is.
    pub field: Option<String>,
    /// Why it could not be used, in words.
    pub reason: String,
    /// The start of the offending record, at most 200 characters.
    pub excerpt: String,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.location)?;
        if let Some(field) = &self.field {
            write!(f, ": field {field:?}")?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// A record deliberately not read (a sequence listing in a USPTO grant file), counted so the
/// totals reconcile.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Skip {
    /// The source file, as the user named it.
    pub file: String,
    /// Where in the file the record starts.
    pub location: Location,
    /// Short category, e.g. `us-sequence-listing`.
    pub kind: String,
}

/// What became of one value of a kept record that was not stored as read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldAction {
    /// Not stored: the record is kept without this value.
    Rejected,
    /// Stored corrected: a known vendor defect that the record's other fields prove.
    Repaired,
    /// Stored as read, but it disagrees with another field of the same record.
    Flagged,
}

impl FieldAction {
    /// The word used in quarantine.jsonl and the manifest.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldAction::Rejected => "rejected",
            FieldAction::Repaired => "repaired",
            FieldAction::Flagged => "flagged",
        }
    }
}

/// One value of a kept record that was rejected, repaired or flagged, with its place, so that
/// no value is lost or changed unsaid (the record itself is counted as read).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldNote {
    /// The source file, as the user named it.
    pub file: String,
    /// Where in the file the record starts.
    pub location: Location,
    /// The source column (CSV/TSV header name) or element path the value came from.
    pub field: String,
    /// What became of the value.
    pub action: FieldAction,
    /// The value as read, at most 200 characters.
    pub value: String,
    /// What was stored instead (a repair), if anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stored: Option<String>,
    /// Why, in words (the rule that rejected, repaired or flagged it).
    pub reason: String,
}

impl fmt::Display for FieldNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}: field {:?}: value {:?} {}",
            self.file,
            self.location,
            self.field,
            self.value,
            self.action.as_str()
        )?;
        if let Some(stored) = &self.stored {
            write!(f, " as {stored:?}")?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// One column of a file's header and the field of the data model it fills; `None` when the
/// reader does not read it (reported as ignored, never dropped unsaid).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnUse {
    /// The header name, or the element/key path for XML and JSON.
    pub column: String,
    /// The data-model field it fills, `None` when ignored.
    pub field: Option<String>,
}

/// Why a sink could not take a record (the dataset it writes failed, say): the reader stops
/// at the first one and returns it as [`crate::IngestError::Sink`], naming the file it was
/// reading, instead of reading on into a sink that can no longer keep what it is given.
// The text names the cause as well as `source()` does, as patq's other errors do (the CLI
// leaves out a cause whose text is already shown).
#[derive(Debug, thiserror::Error)]
#[error("{message}{}", cause_text(.source))]
pub struct SinkError {
    message: String,
    #[source]
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl SinkError {
    /// An error of the sink's own, with no underlying cause.
    pub fn new(message: impl Into<String>) -> SinkError {
        SinkError {
            message: message.into(),
            source: None,
        }
    }

    /// An error caused by `source` (e.g. the store's write error), described by `message`.
    pub fn with_source(
        message: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> SinkError {
        SinkError {
            message: message.into(),
            source: Some(Box::new(source)),
        }
    }

    /// The sink's description of what failed, without its cause.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// `": cause"` for a [`SinkError`] with a cause, else nothing.
fn cause_text(source: &Option<Box<dyn std::error::Error + Send + Sync + 'static>>) -> String {
    source
        .as_ref()
        .map(|e| format!(": {e}"))
        .unwrap_or_default()
}

/// Receives everything a reader produces.
///
/// Besides whole records (read, rejected or skipped), a reader reports how it used each file:
/// its columns ([`Sink::columns`]), the values it read per mapped column
/// ([`Sink::values_read`]) and each value it did not store as read ([`Sink::field_note`]), so
/// that `read = kept + rejected` holds per field as `in = out + rejected + skipped` holds per
/// record.
pub trait Sink {
    /// A record read and kept. An `Err` means the sink can take nothing more: the reader
    /// stops reading and returns it (as [`crate::IngestError::Sink`]).
    fn record(&mut self, record: PatentRecord) -> Result<(), SinkError>;
    /// A record that could not be used; it is quarantined, never stored.
    fn reject(&mut self, rejection: Rejection);
    /// A record deliberately not read, counted so the totals reconcile.
    fn skip(&mut self, skip: Skip);
    /// A value of a record that is kept (the record goes to [`Sink::record`]) but the value was
    /// rejected, repaired or flagged.
    fn field_note(&mut self, note: FieldNote);
    /// The columns of `file` in header order, each mapped to a field or ignored; called once
    /// per file by readers of header-row formats.
    fn columns(&mut self, file: &str, columns: &[ColumnUse]);
    /// `n` non-empty values read from the mapped column `column` of `file` (may be called
    /// several times per column; the counts add up).
    fn values_read(&mut self, file: &str, column: &str, n: u64);
    /// The same as [`Sink::skip`] with borrowed parts, for readers that skip one row per
    /// joined child row (millions at scale): a sink that only counts skips can override it
    /// and allocate nothing.
    fn skip_at(&mut self, file: &str, location: Location, kind: &str) {
        self.skip(Skip {
            file: file.to_string(),
            location,
            kind: kind.to_string(),
        });
    }
    /// How a file's bytes decoded, from a reader that loads the whole file itself (its
    /// format was named from its first bytes, which may have decoded otherwise).
    fn decoded(&mut self, _file: &str, _encoding: &'static str, _had_errors: bool) {}
    /// Bytes of the current file consumed so far; drives the progress bar.
    fn progress(&mut self, _bytes_done: u64) {}
}

/// A sink that keeps everything in memory; used by tests and small inputs.
#[derive(Default, Debug)]
pub struct CollectSink {
    /// The records kept, in reading order.
    pub records: Vec<PatentRecord>,
    /// The records rejected, in reading order.
    pub rejections: Vec<Rejection>,
    /// The records skipped, in reading order.
    pub skips: Vec<Skip>,
    /// The values of kept records rejected, repaired or flagged, in reading order.
    pub field_notes: Vec<FieldNote>,
    /// Each file's columns as reported, by file name.
    pub columns: std::collections::BTreeMap<String, Vec<ColumnUse>>,
    /// Non-empty values read, by (file, column).
    pub values_read: std::collections::BTreeMap<(String, String), u64>,
}

impl Sink for CollectSink {
    fn record(&mut self, record: PatentRecord) -> Result<(), SinkError> {
        self.records.push(record);
        Ok(())
    }
    fn reject(&mut self, rejection: Rejection) {
        self.rejections.push(rejection);
    }
    fn skip(&mut self, skip: Skip) {
        self.skips.push(skip);
    }
    fn field_note(&mut self, note: FieldNote) {
        self.field_notes.push(note);
    }
    fn columns(&mut self, file: &str, columns: &[ColumnUse]) {
        self.columns.insert(file.to_string(), columns.to_vec());
    }
    fn values_read(&mut self, file: &str, column: &str, n: u64) {
        *self
            .values_read
            .entry((file.to_string(), column.to_string()))
            .or_default() += n;
    }
}

impl CollectSink {
    /// The columns of `file` that no field reads.
    pub fn ignored_columns(&self, file: &str) -> Vec<&str> {
        self.columns
            .get(file)
            .map(|cols| {
                cols.iter()
                    .filter(|c| c.field.is_none())
                    .map(|c| c.column.as_str())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The notes of one action on one column, e.g. the rejected values of "Publication Date".
    pub fn notes(&self, column: &str, action: FieldAction) -> Vec<&FieldNote> {
        self.field_notes
            .iter()
            .filter(|n| n.field == column && n.action == action)
            .collect()
    }
}

/// Cuts a record's text to at most `max` characters for a rejection excerpt.
pub fn excerpt(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}
