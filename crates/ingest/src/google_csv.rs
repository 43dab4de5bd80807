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
//! - A non-empty `grant date` means `granted = Some(true)`, except for utility models and
//!   designs, which are never invention grants (`None`, as Lens's "Limited Patent"); an empty
//!   one says nothing (`None`), since an application publication has no grant date even when
//!   its application was granted later.

use chrono::{Datelike, NaiveDate};
use csv::{ReaderBuilder, StringRecord};
use patq_model::{
    Application, DateOrder, Party, PartyRole, PatentRecord, Provenance, PubClass, Publication,
    ThinVec, ToText, app_key, classify_publication, clean_number, normalize_office, parse_date,
    thin_vec,
};

use crate::csv_rows::{
    Offset, RowError, ValueCounts, column_uses, duplicate_column, for_each_row_noting,
    rejected_value,
};
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
    /// The day-month order of each date column's slashed dates.
    orders: Vec<(Col, SlashOrder)>,
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

    fn order(&self, col: Col) -> SlashOrder {
        self.orders
            .iter()
            .find(|(c, _)| *c == col)
            .map_or(SlashOrder::Unknown, |(_, o)| *o)
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
            let (record, notes) = parse_row(&cols, rec, input, line)?;
            counts.count(rec);
            for (col, raw, reason) in notes {
                let column = cols.name(col);
                sink.field_note(rejected_value(&input.name, line, &column, raw, reason));
            }
            Ok(record)
        },
    );
    counts.report(sink, &input.name, &cols.names);
    Ok(())
}

/// How a column writes slashed dates: day first (`dd/mm/yyyy`, Google's export re-saved by a
/// European spreadsheet), month first (`m/d/yyyy`, a US one), or not known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SlashOrder {
    DayFirst,
    MonthFirst,
    Unknown,
}

/// Counts of slashed dates that can only be read one way: a first part above 12 proves day
/// first, a second part above 12 month first.
#[derive(Clone, Copy, Default)]
struct Evidence {
    day_first: u64,
    month_first: u64,
}

impl Evidence {
    fn add(&mut self, raw: &str) {
        if let Some((a, b, _, sep)) = date_parts(raw)
            && sep != '.'
        {
            if a > 12 && b <= 12 {
                self.day_first += 1;
            } else if b > 12 && a <= 12 {
                self.month_first += 1;
            }
        }
    }

    fn order(self) -> Option<SlashOrder> {
        match (self.day_first > 0, self.month_first > 0) {
            (true, false) => Some(SlashOrder::DayFirst),
            (false, true) => Some(SlashOrder::MonthFirst),
            _ => None,
        }
    }
}

/// Decides each date column's order from the whole file: by the column's own unambiguous
/// dates, else (a column with none) by those of all date columns, since one re-save writes
/// every column alike; `Unknown` when the evidence is absent or contradictory, and then an
/// ambiguous date (both parts 12 or less, and different) is rejected rather than guessed.
fn slash_orders(cols: &Columns, mut reader: csv::Reader<&[u8]>) -> Vec<(Col, SlashOrder)> {
    let mut per_col = [Evidence::default(); DATES.len()];
    let mut rec = StringRecord::new();
    // The header row first.
    let _ = reader.read_record(&mut rec);
    while let Ok(true) = reader.read_record(&mut rec) {
        for (e, col) in per_col.iter_mut().zip(DATES) {
            e.add(cols.get(&rec, col));
        }
    }
    let all = per_col.iter().fold(Evidence::default(), |a, e| Evidence {
        day_first: a.day_first + e.day_first,
        month_first: a.month_first + e.month_first,
    });
    DATES
        .iter()
        .zip(per_col)
        .map(|(&col, e)| {
            let unproven = e.day_first == 0 && e.month_first == 0;
            let order = e
                .order()
                .or_else(|| all.order().filter(|_| unproven))
                .unwrap_or(SlashOrder::Unknown);
            (col, order)
        })
        .collect()
}

/// The numbers and separator of a date written day and month before the year (`05/03/2019`,
/// `3/5/2019 0:00`, `05.03.2019`, `05-03-19`): first part, second part, year digits; `None`
/// for any other form (ISO dates among them).
fn date_parts(raw: &str) -> Option<(u32, u32, &str, char)> {
    let date = raw.trim().split([' ', 'T']).next()?;
    let sep = date.chars().find(|c| matches!(c, '/' | '.' | '-'))?;
    let parts: Vec<&str> = date.split(sep).collect();
    let [a, b, y] = parts.as_slice() else {
        return None;
    };
    let digits = |p: &str| !p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit());
    if !digits(a) || !digits(b) || y.is_empty() || !y.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((a.parse().ok()?, b.parse().ok()?, y, sep))
}

/// Reads one date: ISO (`2019-03-05`, Google's own), `yyyymmdd`, or day and month before a
/// four-digit year in the column's order (`.` always day first). `Err` says why not.
fn read_date(raw: &str, order: SlashOrder) -> Result<NaiveDate, String> {
    let Some((a, b, year, sep)) = date_parts(raw) else {
        return parse_date(raw, DateOrder::DayFirst).ok_or_else(|| "not a valid date".into());
    };
    if year.len() != 4 {
        return Err("a two-digit year: the century is not stated".into());
    }
    let order = if sep == '.' {
        SlashOrder::DayFirst
    } else {
        order
    };
    let (d, m) = match order {
        SlashOrder::DayFirst => (a, b),
        SlashOrder::MonthFirst => (b, a),
        SlashOrder::Unknown if a > 12 || a == b => (a, b),
        SlashOrder::Unknown if b > 12 => (b, a),
        SlashOrder::Unknown => {
            return Err(
                "day and month cannot be told apart: no date of the file has a part \
                 above 12 that shows their order"
                    .into(),
            );
        }
    };
    year.parse::<i32>()
        .ok()
        .filter(|y| (1700..=2200).contains(y))
        .and_then(|y| NaiveDate::from_ymd_opt(y, m, d))
        .ok_or_else(|| "not a valid date".into())
}

/// A value of a kept row that is not stored: its column, raw text and why.
type Note<'r> = (Col, &'r str, String);

fn parse_row<'r>(
    cols: &Columns,
    rec: &'r StringRecord,
    input: &Input,
    line: u64,
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
    let mut date = |c: Col| -> Option<NaiveDate> {
        let raw = cols.get(rec, c);
        if raw.is_empty() {
            return None;
        }
        read_date(raw, cols.order(c))
            .map_err(|reason| notes.push((c, raw, reason)))
            .ok()
    };
    let priority = date(Col::Priority);
    let filing = date(Col::Filing);
    let published = date(Col::Publication);
    let grant = date(Col::Grant);

    let class = classify_publication(&office, &kind, published);
    let granted = match class {
        PubClass::UtilityModel | PubClass::Design => None,
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
