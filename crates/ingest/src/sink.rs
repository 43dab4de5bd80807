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
    pub file: String,
    pub location: Location,
    /// The field at fault, when one is.
    pub field: Option<String>,
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
    pub file: String,
    pub location: Location,
    /// Short category, e.g. `us-sequence-listing`.
    pub kind: String,
}

/// Receives everything a reader produces.
pub trait Sink {
    fn record(&mut self, record: PatentRecord);
    fn reject(&mut self, rejection: Rejection);
    fn skip(&mut self, skip: Skip);
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
    pub records: Vec<PatentRecord>,
    pub rejections: Vec<Rejection>,
    pub skips: Vec<Skip>,
}

impl Sink for CollectSink {
    fn record(&mut self, record: PatentRecord) {
        self.records.push(record);
    }
    fn reject(&mut self, rejection: Rejection) {
        self.rejections.push(rejection);
    }
    fn skip(&mut self, skip: Skip) {
        self.skips.push(skip);
    }
}

/// Cuts a record's text to at most `max` characters for a rejection excerpt.
pub fn excerpt(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}
