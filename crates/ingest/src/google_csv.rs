//! Reader for the CSV that patents.google.com's "Download (CSV)" produces: an optional
//! `search URL:` line, then one row per publication with id, title, assignee, inventors and
//! four dates.
//!
//! Mapping choices:
//! - The export gives no application number, only the publication id (`US-10123456-B2`), so
//!   the application key is office + publication number without kind (`US10123456`), and
//!   `app.number` holds that publication number. Consequently the A1 and B2 of one US
//!   application get two keys and do not merge, and the keys do not meet those of other
//!   sources; counts of applications from this format are counts of publications.
//! - `assignee` becomes applicants (the names printed on the document), `inventor/author`
//!   inventors; both are comma-separated inside one field, and a piece that is only a
//!   company or name suffix (`Inc.`, `Co., Ltd.`, `Jr.`) is joined back to the name before it.
//! - A non-empty `grant date` means `granted = Some(true)`, except for utility models, which
//!   are never invention grants (`None`, as Lens's "Limited Patent"); an empty one says
//!   nothing (`None`), since an application publication has no grant date even when its
//!   application was granted later. A design patent (US S) is published only once granted,
//!   so it is `Some(true)` (as from the USPTO reader; figures count it apart, by its class).
//! - Headers are matched after [`normalize_header`] (Google's names and pandas' snake_case
//!   alike), the separator is taken from the header line (`,` or an Excel `;`), and dates are
//!   read by [`crate::dates`]: the day/month order of slashed dates decided per column from the
//!   whole file, two-digit years from the row's other dates. A date that cannot be read is a
//!   rejected value ([`Sink::field_note`]); the record is kept without it. See docs/FORMATS.md.

use chrono::{Datelike, NaiveDate};
use csv::{ReaderBuilder, StringRecord};
use patq_model::{
    Application, Party, PartyRole, PatentRecord, Provenance, PubClass, Publication, ThinVec,
    ToText, app_key, classify_publication, clean_number, normalize_office, thin_vec,
};

use crate::csv_rows::{
    Offset, RowError, ValueCounts, column_uses, duplicate_column, for_each_row_noting,
    rejected_value,
};
use crate::dates::{self, DateError, DayMonth, OrderVote, ParsedDate, Resolved, Slot};
use crate::detect::{normalize_header, sniff_separator, split_first_line};
use crate::lens_csv::{is_kind, is_office};
use crate::util::opt;
use crate::{IngestError, Input, Location, Sink};

/// Reads every Google Patents CSV input into the sink.
pub fn read(inputs: &[&Input], sink: &mut dyn Sink) -> Result<(), IngestError> {
    for input in inputs {
        read_one(input, sink)?;
    }
    Ok(())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Col {
    Id,
    Title,
    Assignee,
    Inventor,
    Priority,
    Filing,
    Publication,
    Grant,
}

/// Each column this reader reads: the field it fills and its header names, compared after
/// [`normalize_header`] (so `priority_date`, as a pandas re-save writes, is `priority date`).
const COLUMNS: &[(Col, &str, &[&str])] = &[
    (
        Col::Id,
        "publication (office, number, kind); application key",
        &["id"],
    ),
    (Col::Title, "app.title", &["title"]),
    (Col::Assignee, "parties (applicant)", &["assignee"]),
    (
        Col::Inventor,
        "parties (inventor)",
        &["inventor/author", "inventor"],
    ),
    (
        Col::Priority,
        "app.earliest_priority_date",
        &["priority date"],
    ),
    (
        Col::Filing,
        "app.filing_date, app.filing_year",
        &["filing/creation date", "filing date", "creation date"],
    ),
    (Col::Publication, "publication.date", &["publication date"]),
    (
        Col::Grant,
        "app.granted (a grant date means granted)",
        &["grant date"],
    ),
];

/// Columns of the export that no field reads: links to Google's pages and images.
const IGNORED: &[&str] = &["result link", "representative figure link"];

/// The columns of a Google Patents export for docs/FORMATS.md: each column's header names
/// (the first as Google writes it, then aliases) with the field it fills, `None` when
/// ignored.
pub fn column_table() -> Vec<(Vec<&'static str>, Option<&'static str>)> {
    COLUMNS
        .iter()
        .map(|(_, field, names)| (names.to_vec(), Some(*field)))
        .chain(IGNORED.iter().map(|n| (vec![*n], None)))
        .collect()
}

const DATES: [Col; 4] = [Col::Priority, Col::Filing, Col::Publication, Col::Grant];

struct Columns {
    index: Vec<(Col, usize)>,
    names: Vec<String>,
    /// The day-month order of each date column's slashed dates (`None`: not shown).
    orders: Vec<(Col, Option<DayMonth>)>,
}

impl Columns {
    fn from_header(header: &StringRecord) -> Columns {
        let names: Vec<String> = header
            .iter()
            .map(|h| {
                h.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
                    .to_string()
            })
            .collect();
        let index = COLUMNS
            .iter()
            .filter_map(|(col, _, aliases)| {
                aliases
                    .iter()
                    .find_map(|a| names.iter().position(|n| normalize_header(n) == *a))
                    .map(|i| (*col, i))
            })
            .collect();
        Columns {
            index,
            names,
            orders: Vec::new(),
        }
    }

    /// The field the column at `i` fills, if this reader reads it.
    fn field_at(&self, i: usize) -> Option<&'static str> {
        let (col, _) = self.index.iter().find(|(_, j)| *j == i)?;
        COLUMNS
            .iter()
            .find(|(c, _, _)| c == col)
            .map(|(_, field, _)| *field)
    }

    fn idx(&self, col: Col) -> Option<usize> {
        self.index.iter().find(|(c, _)| *c == col).map(|(_, i)| *i)
    }

    fn get<'r>(&self, rec: &'r StringRecord, col: Col) -> &'r str {
        self.idx(col)
            .and_then(|i| rec.get(i))
            .map(str::trim)
            .unwrap_or("")
    }

    fn name(&self, col: Col) -> String {
        self.idx(col)
            .map(|i| self.names[i].clone())
            .unwrap_or_default()
    }

    fn order(&self, col: Col) -> Option<DayMonth> {
        self.orders
            .iter()
            .find(|(c, _)| *c == col)
            .and_then(|(_, o)| *o)
    }
}

/// Where the table starts: past a `search URL:` line (bytes and lines cut off), if any.
fn preamble(full: &str) -> (usize, u64) {
    let bom = full.len() - full.trim_start_matches('\u{feff}').len();
    let (first, rest) = split_first_line(&full[bom..]);
    let is_url = first
        .trim_start()
        .trim_start_matches('"')
        .to_ascii_lowercase()
        .starts_with("search url:");
    if is_url {
        (full.len() - rest.len(), 1)
    } else {
        (0, 0)
    }
}

fn read_one(input: &Input, sink: &mut dyn Sink) -> Result<(), IngestError> {
    let full = input.text.as_str();
    // The search-URL line is not CSV data of the table; parse from the line after it.
    let (skip_bytes, skip_lines) = preamble(full);
    let text = &full[skip_bytes..];
    let malformed = |message: String| IngestError::Malformed {
        path: input.name.clone(),
        message,
    };
    // Excel re-saves in some locales separate with `;`.
    let sep = sniff_separator(split_first_line(text).0);
    let reader = || {
        ReaderBuilder::new()
            .delimiter(sep)
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes())
    };
    let mut rows = reader();
    let mut header = StringRecord::new();
    match rows.read_record(&mut header) {
        Ok(true) => {}
        Ok(false) => return Err(malformed("no Google Patents CSV header".into())),
        Err(e) => return Err(malformed(format!("cannot read the header: {e}"))),
    }
    let mut cols = Columns::from_header(&header);
    let known = |n: &str| {
        let n = normalize_header(n);
        COLUMNS.iter().any(|(_, _, a)| a.contains(&n.as_str()))
    };
    if let Some(message) = duplicate_column(&cols.names, known) {
        return Err(malformed(message));
    }
    if cols.idx(Col::Id).is_none() {
        return Err(malformed(
            "not a Google Patents CSV export: missing column id".into(),
        ));
    }
    cols.orders = slash_orders(&cols, reader());
    let today = dates::today();
    let uses = column_uses(&cols.names, |n| {
        let i = cols.names.iter().position(|m| m == n)?;
        cols.field_at(i)
    });
    sink.columns(&input.name, &uses);
    let mut counts = ValueCounts::new(&uses);
    let width = cols.names.len();

    for_each_row_noting(
        &mut rows,
        text,
        &input.name,
        Offset {
            lines: skip_lines,
            bytes: skip_bytes,
        },
        width,
        sink,
        |rec, line, sink| {
            let (record, notes) = parse_row(&cols, rec, input, line, today)?;
            counts.count(rec);
            for (col, raw, reason) in notes {
                let column = cols.name(col);
                sink.field_note(rejected_value(&input.name, line, &column, raw, reason));
            }
            Ok(record)
        },
    )?;
    counts.report(sink, &input.name, &cols.names);
    Ok(())
}

/// Decides each date column's day/month order from the whole file ([`dates::OrderVote`]): by
/// the column's own values that prove an order, else (a column with none) by those of all
/// date columns, since one re-save writes every column alike. `None` when the evidence is
/// absent or contradictory: then only dates that show their own order are read, and an
/// ambiguous one (`03/04/2015`) is rejected rather than guessed.
fn slash_orders(cols: &Columns, mut reader: csv::Reader<&[u8]>) -> Vec<(Col, Option<DayMonth>)> {
    let mut per_col = [OrderVote::default(); DATES.len()];
    let mut rec = StringRecord::new();
    // The header row first.
    let _ = reader.read_record(&mut rec);
    while let Ok(true) = reader.read_record(&mut rec) {
        for (v, col) in per_col.iter_mut().zip(DATES) {
            v.add(cols.get(&rec, col));
        }
    }
    let all = per_col.iter().fold(OrderVote::default(), |a, v| OrderVote {
        day_first: a.day_first + v.day_first,
        month_first: a.month_first + v.month_first,
    });
    let proven = |v: &OrderVote| v.day_first + v.month_first > 0;
    DATES
        .iter()
        .zip(per_col)
        .map(|(&col, v)| {
            // `decide`'s default is never used: it is asked only of votes with a proof.
            let order = if proven(&v) {
                v.decide(DayMonth::DayFirst)
            } else if proven(&all) {
                all.decide(DayMonth::DayFirst)
            } else {
                None
            };
            (col, order)
        })
        .collect()
}

/// Why a date was not read, for its field note.
fn date_reason(raw: &str, order: Option<DayMonth>, e: DateError) -> String {
    match e {
        DateError::AmbiguousOrder(_) if order.is_none() && dates::order_hint(raw).is_none() => {
            "day and month cannot be told apart: no date of the file shows their order (a \
             part above 12)"
                .into()
        }
        e => e.to_string(),
    }
}

/// [`dates::parse_date`], reading a date whose order is not known but does not matter
/// (`03/03/2015`) as the one date it is.
fn parse_in_order(raw: &str, order: Option<DayMonth>) -> Result<ParsedDate, DateError> {
    let read = dates::parse_date(raw, order);
    if order.is_none() && matches!(read, Err(DateError::AmbiguousOrder(_))) {
        let day = dates::parse_date(raw, Some(DayMonth::DayFirst));
        if day.is_ok() && day == dates::parse_date(raw, Some(DayMonth::MonthFirst)) {
            return day;
        }
    }
    read
}

/// Reads the four dates of a row (priority, filing, publication, grant). A two-digit year
/// takes the century that puts the row's dates in order (priority, filing, publication;
/// filing, grant) and is rejected when none or several do; a date that cannot be read is
/// noted and left out.
fn row_dates<'r>(
    cols: &Columns,
    rec: &'r StringRecord,
    today: NaiveDate,
    notes: &mut Vec<Note<'r>>,
) -> [Option<NaiveDate>; 4] {
    let mut slots: Vec<Slot> = Vec::with_capacity(DATES.len());
    for col in DATES {
        let raw = cols.get(rec, col);
        let order = cols.order(col);
        let slot = match raw.is_empty() {
            true => Slot::default(),
            false => match parse_in_order(raw, order) {
                Ok(p) => Slot {
                    candidates: p.candidates(today),
                    open: p.is_two_digit(),
                },
                Err(e) => {
                    notes.push((col, raw, date_reason(raw, order, e)));
                    Slot::default()
                }
            },
        };
        slots.push(slot);
    }
    let resolved = dates::resolve_centuries(&slots, &[(0, 1), (1, 2), (1, 3)]);
    let mut out = [None; 4];
    for (k, r) in resolved.into_iter().enumerate() {
        let raw = cols.get(rec, DATES[k]);
        let error = match r {
            Resolved::Absent => continue,
            Resolved::Date(d) => {
                out[k] = Some(d);
                continue;
            }
            Resolved::Undecided(c) => DateError::UndecidedCentury {
                raw: raw.to_string(),
                years: c.iter().map(|d| d.year()).collect(),
            },
            Resolved::NoFit => DateError::NoCentury(raw.to_string()),
        };
        notes.push((DATES[k], raw, error.to_string()));
    }
    out
}

/// A value of a kept row that is not stored: its column, raw text and why.
type Note<'r> = (Col, &'r str, String);

fn parse_row<'r>(
    cols: &Columns,
    rec: &'r StringRecord,
    input: &Input,
    line: u64,
    today: NaiveDate,
) -> Result<(PatentRecord, Vec<Note<'r>>), RowError> {
    let get = |c: Col| cols.get(rec, c);
    let err = |c: Col, reason: String| RowError {
        field: Some(cols.name(c)),
        reason,
    };
    if let Some(i) = rec.iter().position(|v| v.contains('\0')) {
        return Err(RowError {
            field: Some(cols.names[i].clone()),
            reason: "contains a NUL character".into(),
        });
    }
    let id = get(Col::Id);
    if id.is_empty() {
        return Err(err(Col::Id, "empty".into()));
    }
    let (office, number, kind) =
        split_id(id).ok_or_else(|| err(Col::Id, format!("not a publication id: {id:?}")))?;

    // A date that cannot be read is left out of the record, which is kept.
    let mut notes: Vec<Note<'r>> = Vec::new();
    let [priority, filing, published, grant] = row_dates(cols, rec, today, &mut notes);

    let class = classify_publication(&office, &kind, published);
    let granted = match class {
        PubClass::UtilityModel => None,
        PubClass::Design => Some(true),
        _ => grant.map(|_| true),
    };
    let ipr_type = match class {
        PubClass::UtilityModel => Some("UM"),
        PubClass::Design => Some("DE"),
        PubClass::Grant | PubClass::Application => Some("PI"),
        PubClass::Other => None,
    }
    .map(str::to_string);

    let app = Application {
        key: app_key(&office, &number),
        office: office.as_str().into(),
        number: number.as_str().into(),
        filing_date: filing,
        filing_year: filing.map(|d| d.year()),
        ipr_type: ipr_type.map(Into::into),
        is_pct: office == "WO",
        earliest_priority_date: priority,
        title: opt(get(Col::Title)),
        granted,
        provenance: Provenance {
            source_file: input.file_index,
            location: Location::Line(line).to_lean_string(),
        },
        ..Application::default()
    };
    let mut parties = ThinVec::new();
    for (col, role) in [
        (Col::Assignee, PartyRole::Applicant),
        (Col::Inventor, PartyRole::Inventor),
    ] {
        for (seq, name) in split_names(get(col)).into_iter().enumerate() {
            parties.push(Party {
                role,
                seq: seq as u32,
                name,
                country: None,
            });
        }
    }
    let record = PatentRecord {
        app,
        publications: thin_vec![Publication {
            office: office.into(),
            number: number.into(),
            kind: kind.into(),
            date: published,
            class,
            source_id: Some(id.into()),
        }],
        parties,
        ..PatentRecord::default()
    };
    Ok((record, notes))
}

/// Splits `US-10123456-B2` into office, cleaned number and kind (empty when absent).
fn split_id(id: &str) -> Option<(String, String, String)> {
    let parts: Vec<&str> = id.split('-').map(str::trim).collect();
    if parts.len() < 2 || !is_office(parts[0]) {
        return None;
    }
    let (number_parts, kind) = match parts.split_last() {
        Some((last, rest)) if rest.len() >= 2 && is_kind(last) => (rest[1..].to_vec(), *last),
        _ => (parts[1..].to_vec(), ""),
    };
    // `US-B2` is a kind with the number missing.
    if let [only] = number_parts.as_slice()
        && is_kind(only)
    {
        return None;
    }
    let number = clean_number(&number_parts.concat());
    if !number.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((
        normalize_office(parts[0]),
        number,
        kind.to_ascii_uppercase(),
    ))
}

/// Suffixes that follow a comma inside one name: `Acme, Inc.`, `Samsung Electronics Co.,
/// Ltd.`, `Robert Brown, Jr.`.
const NAME_SUFFIXES: &[&str] = &[
    "inc",
    "incorporated",
    "llc",
    "l.l.c",
    "ltd",
    "limited",
    "co",
    "corp",
    "corporation",
    "lp",
    "l.p",
    "llp",
    "plc",
    "gmbh",
    "ag",
    "sa",
    "s.a",
    "sas",
    "spa",
    "s.p.a",
    "nv",
    "n.v",
    "bv",
    "b.v",
    "kg",
    "oy",
    "ab",
    "as",
    "a/s",
    "kk",
    "pty ltd",
    "co ltd",
    "co. ltd",
    "jr",
    "sr",
    "ii",
    "iii",
    "iv",
];

/// Splits a comma-separated name list, re-attaching suffix pieces to the preceding name.
fn split_names(raw: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for piece in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let bare = piece.trim_end_matches('.').to_ascii_lowercase();
        match names.last_mut() {
            Some(prev) if NAME_SUFFIXES.contains(&bare.as_str()) => {
                prev.push_str(", ");
                prev.push_str(piece);
            }
            _ => names.push(piece.to_string()),
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_split() {
        let s = |a: &str, b: &str, c: &str| Some((a.to_string(), b.to_string(), c.to_string()));
        assert_eq!(split_id("US-10123456-B2"), s("US", "10123456", "B2"));
        assert_eq!(split_id("CN-108123456-A"), s("CN", "108123456", "A"));
        assert_eq!(split_id("US-20190112233-A1"), s("US", "20190112233", "A1"));
        assert_eq!(split_id("US-D876543-S"), s("US", "D876543", "S"));
        assert_eq!(split_id("US-RE48123-E"), s("US", "RE48123", "E"));
        assert_eq!(split_id("EP-3456789"), s("EP", "3456789", ""));
        assert_eq!(split_id("US10123456B2"), None);
        assert_eq!(split_id("USA-1-B2"), None);
        assert_eq!(split_id("US--B2"), None);
        assert_eq!(split_id("US-B2"), None);
    }

    #[test]
    fn names_split_with_suffixes() {
        assert_eq!(
            split_names("ElectroCore, LLC"),
            vec!["ElectroCore, LLC".to_string()]
        );
        assert_eq!(
            split_names("Samsung Electronics Co., Ltd., Acme, Inc."),
            vec!["Samsung Electronics Co., Ltd.", "Acme, Inc."]
        );
        assert_eq!(
            split_names("Bruce J. Simon, Joseph P. Errico"),
            vec!["Bruce J. Simon", "Joseph P. Errico"]
        );
        assert_eq!(
            split_names("Robert Brown, Jr., Ann Lee"),
            vec!["Robert Brown, Jr.", "Ann Lee"]
        );
        assert!(split_names(" , ").is_empty());
    }
}
