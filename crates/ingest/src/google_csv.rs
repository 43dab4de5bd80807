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

use crate::csv_rows::{Offset, RowError, duplicate_known, for_each_row};
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

const COLUMNS: &[(Col, &[&str])] = &[
    (Col::Id, &["id"]),
    (Col::Title, &["title"]),
    (Col::Assignee, &["assignee"]),
    (Col::Inventor, &["inventor/author", "inventor"]),
    (Col::Priority, &["priority date"]),
    (Col::Filing, &["filing/creation date", "filing date"]),
    (Col::Publication, &["publication date"]),
    (Col::Grant, &["grant date"]),
];

struct Columns {
    index: Vec<(Col, usize)>,
    names: Vec<String>,
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
            .filter_map(|(col, aliases)| {
                aliases
                    .iter()
                    .find_map(|a| names.iter().position(|n| n.eq_ignore_ascii_case(a)))
                    .map(|i| (*col, i))
            })
            .collect();
        Columns { index, names }
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
}

fn read_one(input: &Input, sink: &mut dyn Sink) -> Result<(), IngestError> {
    let full = input.text.as_str();
    // The search-URL line is not CSV data of the table; parse from the line after it.
    let (skip_bytes, skip_lines) = match full.trim_start_matches('\u{feff}').lines().next() {
        Some(first)
            if first
                .trim_start()
                .to_ascii_lowercase()
                .starts_with("search url:") =>
        {
            let nl = full.find('\n').map_or(full.len(), |i| i + 1);
            (nl, 1)
        }
        _ => (0, 0),
    };
    let text = &full[skip_bytes..];
    let malformed = |message: String| IngestError::Malformed {
        path: input.name.clone(),
        message,
    };
    let mut reader = ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut header = StringRecord::new();
    match reader.read_record(&mut header) {
        Ok(true) => {}
        Ok(false) => return Err(malformed("no Google Patents CSV header".into())),
        Err(e) => return Err(malformed(format!("cannot read the header: {e}"))),
    }
    let cols = Columns::from_header(&header);
    if let Some(message) = duplicate_known(&cols.names, COLUMNS) {
        return Err(malformed(message));
    }
    if cols.idx(Col::Id).is_none() {
        return Err(malformed(
            "not a Google Patents CSV export: missing column id".into(),
        ));
    }
    let width = cols.names.len();

    for_each_row(
        &mut reader,
        text,
        &input.name,
        Offset {
            lines: skip_lines,
            bytes: skip_bytes,
        },
        width,
        sink,
        |rec, line| parse_row(&cols, rec, input, line),
    );
    Ok(())
}

fn parse_row(
    cols: &Columns,
    rec: &StringRecord,
    input: &Input,
    line: u64,
) -> Result<PatentRecord, RowError> {
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

    let date = |c: Col| -> Result<Option<NaiveDate>, RowError> {
        let raw = get(c);
        if raw.is_empty() {
            return Ok(None);
        }
        parse_date(raw, DateOrder::DayFirst)
            .map(Some)
            .ok_or_else(|| err(c, format!("not a valid date: {raw:?}")))
    };
    let priority = date(Col::Priority)?;
    let filing = date(Col::Filing)?;
    let published = date(Col::Publication)?;
    let grant = date(Col::Grant)?;

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
    Ok(PatentRecord {
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
    })
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
