//! The record loop shared by the CSV exports (Lens, Google Patents): line accounting, CSV-error
//! and unclosed-quote quarantine, field-count checks and progress, so each reader only parses
//! the fields of a well-formed row; and the column bookkeeping of every header-row reader
//! (which column fills which field, values read per column, values not stored).

use csv::StringRecord;
use patq_model::PatentRecord;

use crate::sink::excerpt;
use crate::{ColumnUse, FieldAction, FieldNote, IngestError, Location, Rejection, Sink};

/// Why a row was rejected: the column at fault (as the file names it) and the reason.
#[derive(Debug, PartialEq)]
pub(crate) struct RowError {
    pub field: Option<String>,
    pub reason: String,
}

impl RowError {
    pub fn new(field: &str, reason: impl Into<String>) -> RowError {
        RowError {
            field: Some(field.to_string()),
            reason: reason.into(),
        }
    }

    fn whole_row(reason: String) -> RowError {
        RowError {
            field: None,
            reason,
        }
    }
}

/// Where the CSV text handed to the reader sits in the file, so lines and progress name the
/// file's own positions when a preamble (e.g. Google's search-URL line) was cut off.
pub(crate) struct Offset {
    pub lines: u64,
    pub bytes: usize,
}

/// Reads every data row after the header from `reader` (built over `text`) and sends what
/// `parse` returns to `sink`. A row the csv crate cannot read, a quoted field left open at the
/// end of the file or a row whose field count differs from `width` is quarantined with its line
/// and an excerpt; the loop stops at end of input, when the parser makes no progress, or at the
/// first record the sink refuses (returned as [`IngestError::Sink`]).
pub(crate) fn for_each_row(
    reader: &mut csv::Reader<&[u8]>,
    text: &str,
    file: &str,
    offset: Offset,
    width: usize,
    sink: &mut dyn Sink,
    mut parse: impl FnMut(&StringRecord, u64) -> Result<PatentRecord, RowError>,
) -> Result<(), IngestError> {
    for_each_row_noting(reader, text, file, offset, width, sink, |rec, line, _| {
        parse(rec, line)
    })
}

/// [`for_each_row`] for a reader that also reports values of kept records (field notes):
/// `parse` gets the sink, to which it sends them only for a row it returns `Ok`.
pub(crate) fn for_each_row_noting(
    reader: &mut csv::Reader<&[u8]>,
    text: &str,
    file: &str,
    offset: Offset,
    width: usize,
    sink: &mut dyn Sink,
    mut parse: impl FnMut(&StringRecord, u64, &mut dyn Sink) -> Result<PatentRecord, RowError>,
) -> Result<(), IngestError> {
    let mut rec = StringRecord::new();
    let mut count: u64 = 0;
    loop {
        let start = reader.position().clone();
        let result = reader.read_record(&mut rec);
        let end = reader.position().byte() as usize;
        let raw = text
            .get(start.byte() as usize..end.min(text.len()))
            .unwrap_or("");
        // The parser's position sits before the previous record's line break and any blank
        // lines, so step over them to name the line the record really starts on.
        let body = raw.trim_start_matches(['\r', '\n']);
        let skipped = raw[..raw.len() - body.len()].matches('\n').count() as u64;
        let line = start.line() + offset.lines + skipped;
        let reject = |sink: &mut dyn Sink, err: RowError| {
            sink.reject(Rejection {
                file: file.to_string(),
                location: Location::Line(line),
                field: err.field,
                reason: err.reason,
                excerpt: excerpt(body.trim_end_matches(['\r', '\n']), 200),
            })
        };
        match result {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                reject(sink, RowError::whole_row(format!("CSV error: {e}")));
                if end <= start.byte() as usize {
                    // The parser made no progress; stop rather than loop forever.
                    break;
                }
                continue;
            }
        }
        count += 1;
        if count.is_multiple_of(256) {
            sink.progress((offset.bytes + end) as u64);
        }
        if end >= text.len() && ends_inside_quotes(body) {
            reject(
                sink,
                RowError::whole_row(
                    "unclosed quote: the record runs to the end of the file".into(),
                ),
            );
            continue;
        }
        if rec.len() != width {
            reject(
                sink,
                RowError::whole_row(format!(
                    "expected {width} fields as in the header, found {}",
                    rec.len()
                )),
            );
            continue;
        }
        match parse(&rec, line, sink) {
            Ok(record) => sink.record(record).map_err(IngestError::sink(file))?,
            Err(err) => reject(sink, err),
        }
    }
    sink.progress((offset.bytes + text.len()) as u64);
    Ok(())
}

/// Each header column with the field it fills (`field_of` its name) or `None` when no field
/// reads it, in header order, for [`Sink::columns`].
pub(crate) fn column_uses(
    names: &[String],
    field_of: impl Fn(&str) -> Option<&'static str>,
) -> Vec<ColumnUse> {
    names
        .iter()
        .map(|n| ColumnUse {
            column: n.clone(),
            field: field_of(n).map(str::to_string),
        })
        .collect()
}

/// Non-empty values of the mapped columns of one file, counted per row kept and reported to
/// the sink once at the end of the file ([`Sink::values_read`]).
pub(crate) struct ValueCounts {
    /// Indices of the mapped columns.
    mapped: Vec<usize>,
    counts: Vec<u64>,
}

impl ValueCounts {
    pub fn new(uses: &[ColumnUse]) -> ValueCounts {
        let mapped: Vec<usize> = uses
            .iter()
            .enumerate()
            .filter(|(_, u)| u.field.is_some())
            .map(|(i, _)| i)
            .collect();
        ValueCounts {
            counts: vec![0; mapped.len()],
            mapped,
        }
    }

    /// Counts the non-empty (after trimming) mapped cells of a kept row.
    pub fn count(&mut self, rec: &StringRecord) {
        for (n, &i) in self.counts.iter_mut().zip(&self.mapped) {
            if rec.get(i).is_some_and(|v| !v.trim().is_empty()) {
                *n += 1;
            }
        }
    }

    /// Reports the counts of every mapped column of `names` (zeros included, so every
    /// mapped column appears in the manifest).
    pub fn report(&self, sink: &mut dyn Sink, file: &str, names: &[String]) {
        for (&n, &i) in self.counts.iter().zip(&self.mapped) {
            sink.values_read(file, &names[i], n);
        }
    }
}

/// A value of a kept row that is not stored, for [`Sink::field_note`].
pub(crate) fn rejected_value(
    file: &str,
    line: u64,
    column: &str,
    value: &str,
    reason: String,
) -> FieldNote {
    FieldNote {
        file: file.to_string(),
        location: Location::Line(line),
        field: column.to_string(),
        action: FieldAction::Rejected,
        value: excerpt(value, 200),
        stored: None,
        reason,
    }
}

/// The message for a header that names a column the reader reads (`used`) twice (names
/// compared case-insensitively; blank names are never read): which of the two holds the data
/// is ambiguous, and reading one would drop the other unsaid, so the file is refused naming
/// the column and both 1-based positions. `None` when every used column is named once.
pub(crate) fn duplicate_column(names: &[String], used: impl Fn(&str) -> bool) -> Option<String> {
    names.iter().enumerate().find_map(|(i, n)| {
        if n.trim().is_empty() || !used(n) {
            return None;
        }
        let j = names[i + 1..]
            .iter()
            .position(|m| m.eq_ignore_ascii_case(n))?;
        Some(format!(
            "the header names column {n:?} twice (columns {} and {}): rename or remove one, \
             since which one holds the data is ambiguous",
            i + 1,
            i + j + 2
        ))
    })
}

/// [`duplicate_column`] for the columns a reader knows by their header names (`columns`:
/// each column with its aliases).
pub(crate) fn duplicate_known<C>(names: &[String], columns: &[(C, &[&str])]) -> Option<String> {
    duplicate_column(names, |n| {
        columns
            .iter()
            .any(|(_, aliases)| aliases.iter().any(|a| n.eq_ignore_ascii_case(a)))
    })
}

/// True when the raw record text leaves a quoted field open, which the csv crate silently
/// closes at end of input.
pub(crate) fn ends_inside_quotes(raw: &str) -> bool {
    let mut in_quotes = false;
    let mut at_field_start = true;
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                } else {
                    in_quotes = false;
                }
            }
        } else if c == '"' && at_field_start {
            in_quotes = true;
        }
        at_field_start = !in_quotes && matches!(c, ',' | '\n' | '\r');
    }
    in_quotes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_columns() {
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let h = names(&["id", "Title", "x", "", "", "title", "x"]);
        assert_eq!(
            duplicate_column(&h, |n| n != "x").as_deref(),
            Some(
                "the header names column \"Title\" twice (columns 2 and 6): rename or remove \
                 one, since which one holds the data is ambiguous"
            )
        );
        assert_eq!(
            duplicate_column(&h, |n| n == "x" || n == "id")
                .map(|m| m.contains("\"x\" twice (columns 3 and 7)")),
            Some(true)
        );
        assert_eq!(duplicate_column(&h, |n| n == "id"), None);
    }

    /// Every reader with a header row refuses a read column named twice, naming both places.
    #[test]
    fn every_header_reader_refuses_a_column_named_twice() {
        use crate::{CollectSink, Format, Input, read_all};
        let cases = [
            (
                Format::LensCsv,
                "Jurisdiction,Lens ID,Application Number,Title,TITLE\nEP,1,EP 1 A,x,y\n",
                "\"Title\" twice (columns 4 and 5)",
            ),
            (
                Format::GoogleCsv,
                "id,title,grant date,Grant Date\nUS-1-B1,x,2017-01-03,2017-01-04\n",
                "\"grant date\" twice (columns 3 and 4)",
            ),
            (
                Format::Patstat,
                "appln_id,appln_auth,appln_nr,appln_filing_date,APPLN_ID\n1,US,1,2016-03-01,2\n",
                "\"appln_id\" twice (columns 1 and 5)",
            ),
            (
                Format::PatentsView,
                "patent_id\tpatent_type\tpatent_date\tpatent_date\n1\tutility\t2020-01-01\t2020-01-02\n",
                "\"patent_date\" twice (columns 3 and 4)",
            ),
        ];
        for (format, text, want) in cases {
            let input = Input::from_str("dup", text);
            let err = read_all(&[(input, format)], &mut CollectSink::default()).unwrap_err();
            let msg = err.to_string();
            assert!(matches!(err, crate::IngestError::Malformed { .. }), "{msg}");
            assert!(
                msg.starts_with("dup: the header names column ") && msg.contains(want),
                "{msg}"
            );
        }
    }

    #[test]
    fn open_quotes() {
        assert!(ends_inside_quotes("1,\"abc,def\n"));
        assert!(!ends_inside_quotes("1,\"abc\",def\n"));
        assert!(!ends_inside_quotes("1,\"a \"\"b\"\" c\",d\n"));
        assert!(ends_inside_quotes("1,\"a \"\"b\n"));
        assert!(!ends_inside_quotes("1,ab\"c,d\n"));
    }
}
