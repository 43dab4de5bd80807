//! Reader for Lens.org patent CSV exports, one row per publication, in both the 2015/16 schema
//! (`Publication Number`, `Type`, `Cited Count`) and the current one (`Display Key`,
//! `Document Type`, `Cited by Patent Count`, family member lists, legal status).
//!
//! Columns are found by header name (case-insensitive, trimmed), so reordered, extra and
//! missing optional columns are fine; only `Jurisdiction` and `Application Number` are required.
//!
//! Mapping choices:
//! - The application office is the prefix of `Application Number` (`SU 4907184 A` on an RU
//!   row is a Soviet application), else `Jurisdiction`. For WO rows that prefix is the PCT
//!   receiving office (`US 9912817 W` is PCT/US99/12817): the key becomes the shared PCT form
//!   `WOUS1999012817` that the PATSTAT, USPTO and Lens JSON readers also produce, with
//!   `is_pct`, kind `W` and `receiving_office` set.
//! - A Lens ID names a publication, not an application, so it goes to `Publication.source_id`
//!   only; putting it on the application would make the A1 and B2 rows of one application
//!   conflict on merge.
//! - `granted` comes only from `Type` / `Document Type`: `Granted Patent` is `Some(true)`,
//!   `Patent Application` `Some(false)`, anything else (Limited Patent, unknown, Search report,
//!   design rights ...) `None`.
//! - The 2015/16 schema has no NPL count; its `Non-Patent Citations` list is counted instead,
//!   and the earliest priority date is the earliest dated priority claim.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use csv::{ReaderBuilder, StringRecord};
use patq_model::{
    Application, ClassScheme, Classification, DateOrder, FamilyKind, FamilyMember, Party,
    PartyRole, PatentRecord, Priority, Provenance, PubClass, Publication, ThinVec, ToText, app_key,
    classify_publication, clean_number, normalize_class_code, normalize_office, parse_date,
};

use crate::csv_rows::{Offset, RowError, duplicate_known, for_each_row};
use crate::util::{opt, parse_count, split_list};
use crate::{IngestError, Input, Location, Sink};

/// Reads every Lens CSV input into the sink.
pub fn read(inputs: &[&Input], sink: &mut dyn Sink) -> Result<(), IngestError> {
    for input in inputs {
        read_one(input, sink)?;
    }
    Ok(())
}

/// Every column the reader understands; each is found by any of its header names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Col {
    Jurisdiction,
    Kind,
    PubNumber,
    LensId,
    PubDate,
    PubYear,
    AppNumber,
    AppDate,
    Priorities,
    EarliestPriority,
    Title,
    Abstract,
    Claims,
    Applicants,
    Inventors,
    Owners,
    Type,
    CitedBy,
    Cites,
    SimpleSize,
    ExtendedSize,
    SequenceCount,
    Cpc,
    Ipcr,
    Uspc,
    NplCount,
    NplResolvedCount,
    NplList,
    SimpleMembers,
    ExtendedMembers,
    LegalStatus,
}

const COLUMNS: &[(Col, &[&str])] = &[
    (Col::Jurisdiction, &["jurisdiction"]),
    (Col::Kind, &["kind"]),
    (Col::PubNumber, &["publication number", "display key"]),
    (Col::LensId, &["lens id"]),
    (Col::PubDate, &["publication date"]),
    (Col::PubYear, &["publication year"]),
    (Col::AppNumber, &["application number"]),
    (Col::AppDate, &["application date"]),
    (Col::Priorities, &["priority numbers"]),
    (Col::EarliestPriority, &["earliest priority date"]),
    (Col::Title, &["title"]),
    (Col::Abstract, &["abstract"]),
    (Col::Claims, &["claims"]),
    (Col::Applicants, &["applicants"]),
    (Col::Inventors, &["inventors"]),
    (Col::Owners, &["owners"]),
    (Col::Type, &["document type", "type"]),
    (Col::CitedBy, &["cited by patent count", "cited count"]),
    (Col::Cites, &["cites patent count"]),
    (Col::SimpleSize, &["simple family size"]),
    (Col::ExtendedSize, &["extended family size"]),
    (Col::SequenceCount, &["sequence count"]),
    (Col::Cpc, &["cpc classifications"]),
    (Col::Ipcr, &["ipcr classifications"]),
    (Col::Uspc, &["us classifications"]),
    (Col::NplCount, &["npl citation count"]),
    (Col::NplResolvedCount, &["npl resolved citation count"]),
    (Col::NplList, &["non-patent citations"]),
    (Col::SimpleMembers, &["simple family members"]),
    (Col::ExtendedMembers, &["extended family members"]),
    (Col::LegalStatus, &["legal status"]),
];

/// Column positions resolved from the header, with the header's own spelling for messages.
struct Columns {
    index: HashMap<Col, usize>,
    names: Vec<String>,
    width: usize,
}

impl Columns {
    fn from_header(header: &StringRecord) -> Columns {
        let names: Vec<String> = header
            .iter()
            .map(|h| h.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}'))
            .map(str::to_string)
            .collect();
        let mut index = HashMap::new();
        for (col, aliases) in COLUMNS {
            // Aliases are in preference order: a file with both `Document Type` and `Type`
            // uses the former.
            let found = aliases
                .iter()
                .find_map(|alias| names.iter().position(|n| n.eq_ignore_ascii_case(alias)));
            if let Some(i) = found {
                index.insert(*col, i);
            }
        }
        Columns {
            index,
            width: names.len(),
            names,
        }
    }

    fn has(&self, col: Col) -> bool {
        self.index.contains_key(&col)
    }

    /// The trimmed value of a column, empty when the column is absent.
    fn get<'r>(&self, rec: &'r StringRecord, col: Col) -> &'r str {
        self.index
            .get(&col)
            .and_then(|&i| rec.get(i))
            .map(str::trim)
            .unwrap_or("")
    }

    /// The header name of a column as the file writes it.
    fn name(&self, col: Col) -> &str {
        self.index
            .get(&col)
            .map(|&i| self.names[i].as_str())
            .unwrap_or("?")
    }
}

fn read_one(input: &Input, sink: &mut dyn Sink) -> Result<(), IngestError> {
    let text = input.text.as_str();
    let mut reader = ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let malformed = |message: String| IngestError::Malformed {
        path: input.name.clone(),
        message,
    };
    let mut header = StringRecord::new();
    match reader.read_record(&mut header) {
        Ok(true) => {}
        Ok(false) => return Err(malformed("empty file: no Lens CSV header".into())),
        Err(e) => return Err(malformed(format!("cannot read the header: {e}"))),
    }
    let cols = Columns::from_header(&header);
    if let Some(message) = duplicate_known(&cols.names, COLUMNS) {
        return Err(malformed(message));
    }
    let missing: Vec<&str> = [
        (Col::Jurisdiction, "Jurisdiction"),
        (Col::AppNumber, "Application Number"),
    ]
    .iter()
    .filter(|(c, _)| !cols.has(*c))
    .map(|(_, n)| *n)
    .collect();
    if !missing.is_empty() {
        return Err(malformed(format!(
            "not a Lens CSV export: missing column(s) {}",
            missing.join(", ")
        )));
    }

    let width = cols.width;
    for_each_row(
        &mut reader,
        text,
        &input.name,
        Offset { lines: 0, bytes: 0 },
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
    let field = |c: Col| cols.name(c).to_string();
    if let Some(i) = rec.iter().position(|v| v.contains('\0')) {
        return Err(RowError::new(&cols.names[i], "contains a NUL character"));
    }

    let jurisdiction = normalize_office(get(Col::Jurisdiction));
    if jurisdiction.is_empty() {
        return Err(RowError::new(&field(Col::Jurisdiction), "empty"));
    }
    if !is_office(&jurisdiction) {
        return Err(RowError::new(
            &field(Col::Jurisdiction),
            format!("not an office code: {jurisdiction:?}"),
        ));
    }
    let app_raw = get(Col::AppNumber);
    if app_raw.is_empty() {
        return Err(RowError::new(&field(Col::AppNumber), "empty"));
    }
    let Some(appno) = split_number(app_raw, &jurisdiction) else {
        return Err(RowError::new(
            &field(Col::AppNumber),
            format!("no application number in {app_raw:?}"),
        ));
    };

    let date = |c: Col| -> Result<Option<NaiveDate>, RowError> {
        let raw = get(c);
        if raw.is_empty() {
            return Ok(None);
        }
        parse_date(raw, DateOrder::DayFirst)
            .map(Some)
            .ok_or_else(|| RowError::new(&field(c), format!("not a valid date: {raw:?}")))
    };
    let count = |c: Col| -> Result<Option<u32>, RowError> {
        parse_count(get(c)).map_err(|reason| RowError::new(&field(c), reason))
    };

    let pub_date = date(Col::PubDate)?;
    let filing_date = date(Col::AppDate)?;
    let earliest = date(Col::EarliestPriority)?;
    let pub_year = get(Col::PubYear);
    if !pub_year.is_empty() {
        match pub_year.parse::<i32>() {
            Ok(y) if (1700..=2200).contains(&y) => {}
            _ => {
                return Err(RowError::new(
                    &field(Col::PubYear),
                    format!("not a year: {pub_year:?}"),
                ));
            }
        }
    }
    let cited_by = count(Col::CitedBy)?;
    let simple_size = count(Col::SimpleSize)?;
    let extended_size = count(Col::ExtendedSize)?;
    let npl_count = count(Col::NplCount)?;
    // Validated so a corrupt value is reported, though the model has no place for them.
    count(Col::Cites)?;
    count(Col::SequenceCount)?;
    count(Col::NplResolvedCount)?;

    let mut priorities: ThinVec<Priority> = ThinVec::new();
    for item in split_list(get(Col::Priorities)) {
        let p = parse_priority(&item).map_err(|r| RowError::new(&field(Col::Priorities), r))?;
        if !priorities.contains(&p) {
            priorities.push(p);
        }
    }

    let kind_col = get(Col::Kind).to_ascii_uppercase();
    let mut publications = ThinVec::new();
    let pub_raw = get(Col::PubNumber);
    let mut pub_class = None;
    if !pub_raw.is_empty() {
        let Some(p) = split_number(pub_raw, &jurisdiction) else {
            return Err(RowError::new(
                &field(Col::PubNumber),
                format!("no publication number in {pub_raw:?}"),
            ));
        };
        let kind = if kind_col.is_empty() {
            p.kind.clone().unwrap_or_default()
        } else {
            kind_col.clone()
        };
        let class = classify_publication(&jurisdiction, &kind, pub_date);
        pub_class = Some(class);
        publications.push(Publication {
            office: jurisdiction.as_str().into(),
            number: p.number.into(),
            kind: kind.into(),
            date: pub_date,
            class,
            source_id: opt(get(Col::LensId)).map(Into::into),
        });
    }

    let doc_type = get(Col::Type).to_ascii_lowercase();
    let granted = match doc_type.as_str() {
        "granted patent" => Some(true),
        "patent application" => Some(false),
        _ => None,
    };
    let is_pct = jurisdiction == "WO" || appno.kind.as_deref() == Some("W");
    let app_kind = appno
        .kind
        .clone()
        .or_else(|| (jurisdiction == "WO").then(|| "W".to_string()));
    let ipr_type = match (app_kind.as_deref(), pub_class) {
        (Some("U"), _) | (_, Some(PubClass::UtilityModel)) => Some("UM"),
        (Some("F"), _) | (_, Some(PubClass::Design)) => Some("DE"),
        _ if doc_type == "design right" => Some("DE"),
        (_, Some(PubClass::Grant | PubClass::Application)) => Some("PI"),
        _ => None,
    }
    .map(str::to_string);
    let npl_count = match npl_count {
        Some(n) => Some(n),
        None if cols.has(Col::NplList) => Some(split_list(get(Col::NplList)).len() as u32),
        None => None,
    };
    let earliest = earliest.or_else(|| priorities.iter().filter_map(|p| p.date).min());

    // PCT applications get the key the other readers give them (`WO` + receiving office +
    // year + 6-digit serial), so a Lens WO row joins PATSTAT, USPTO 371 links and Lens JSON.
    let pct = if is_pct {
        lens_pct_number(&appno.office, &appno.number)
    } else {
        None
    };
    let (key_office, key_number) = match &pct {
        Some(n) => ("WO".to_string(), n.clone()),
        None => (appno.office.clone(), appno.number.clone()),
    };
    let app = Application {
        key: app_key(&key_office, &key_number),
        office: key_office.into(),
        number: key_number.into(),
        kind: app_kind.map(Into::into),
        filing_date,
        filing_year: filing_date.map(|d| d.year()),
        ipr_type: ipr_type.map(Into::into),
        is_pct,
        receiving_office: (is_pct && appno.office != "WO")
            .then(|| appno.office.clone())
            .map(Into::into),
        earliest_priority_date: earliest,
        title: opt(get(Col::Title)),
        abstract_text: opt(get(Col::Abstract)),
        claims_text: opt(get(Col::Claims)),
        granted,
        legal_status: opt(get(Col::LegalStatus)).map(Into::into),
        simple_family_size: simple_size,
        extended_family_size: extended_size,
        cited_by_count: cited_by,
        npl_citation_count: npl_count,
        provenance: Provenance {
            source_file: input.file_index,
            location: Location::Line(line).to_lean_string(),
        },
        ..Application::default()
    };

    let mut parties = ThinVec::new();
    for (col, role) in [
        (Col::Applicants, PartyRole::Applicant),
        (Col::Inventors, PartyRole::Inventor),
        (Col::Owners, PartyRole::Owner),
    ] {
        for (seq, name) in split_list(get(col)).into_iter().enumerate() {
            parties.push(Party {
                role,
                seq: seq as u32,
                name,
                country: None,
            });
        }
    }

    let mut classes: ThinVec<Classification> = ThinVec::new();
    for (col, scheme) in [
        (Col::Cpc, ClassScheme::Cpc),
        (Col::Ipcr, ClassScheme::Ipc),
        (Col::Uspc, ClassScheme::Uspc),
    ] {
        for raw in split_list(get(col)) {
            let code = match scheme {
                ClassScheme::Uspc => raw,
                _ => normalize_class_code(&raw),
            };
            let c = Classification {
                scheme,
                code: code.into(),
            };
            if !c.code.is_empty() && !classes.contains(&c) {
                classes.push(c);
            }
        }
    }

    let mut family_members = ThinVec::new();
    for (col, family) in [
        (Col::SimpleMembers, FamilyKind::Simple),
        (Col::ExtendedMembers, FamilyKind::Extended),
    ] {
        for member in split_list(get(col)) {
            let member = member.split_whitespace().collect::<Vec<_>>().join(" ");
            let m = FamilyMember {
                family,
                member: member.into(),
                source_id: None,
            };
            if !family_members.contains(&m) {
                family_members.push(m);
            }
        }
    }

    Ok(PatentRecord {
        app,
        publications,
        parties,
        classes,
        priorities,
        family_members,
        ..PatentRecord::default()
    })
}

/// A document number split into office, cleaned number and kind.
#[derive(Debug, PartialEq)]
struct DocNumber {
    office: String,
    number: String,
    kind: Option<String>,
}

pub(crate) fn is_office(s: &str) -> bool {
    s.len() == 2 && s.bytes().all(|b| b.is_ascii_alphabetic())
}

/// A trailing kind code such as `A`, `W`, `B2`, `U1`.
pub(crate) fn is_kind(s: &str) -> bool {
    let mut bytes = s.bytes();
    (1..=2).contains(&s.len())
        && bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_digit())
}

/// Splits `AT 33585 A`, `US 16/123,456`, `US 2019/0123456 A1` or a bare `33585` into office
/// (the prefix, else `default_office`), cleaned number and kind. `None` when no digit is left.
fn split_number(raw: &str, default_office: &str) -> Option<DocNumber> {
    let mut tokens: Vec<&str> = raw.split_whitespace().collect();
    let office = match tokens.first() {
        Some(t) if tokens.len() >= 2 && is_office(t) => {
            let o = normalize_office(t);
            tokens.remove(0);
            o
        }
        _ => default_office.to_string(),
    };
    let kind = match tokens.last() {
        Some(t) if tokens.len() >= 2 && is_kind(t) => {
            let k = t.to_ascii_uppercase();
            tokens.pop();
            Some(k)
        }
        _ => None,
    };
    // `US A1` is a kind with the number missing, not number "A1".
    if tokens.len() == 1 && is_kind(tokens[0]) && raw.split_whitespace().count() >= 2 {
        return None;
    }
    let number = clean_number(&tokens.concat());
    number
        .bytes()
        .any(|b| b.is_ascii_digit())
        .then_some(DocNumber {
            office,
            number,
            kind,
        })
}

/// A token written as a date (`20100311`, `2010-03-11`, `11/03/2010`), valid or not.
fn looks_like_date(t: &str) -> bool {
    let b = t.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    match b.len() {
        8 => digits(0..8),
        10 => {
            (digits(0..4) && b[4] == b'-' && b[7] == b'-' && digits(5..7) && digits(8..10))
                || (digits(0..2)
                    && matches!(b[2], b'/' | b'.')
                    && b[5] == b[2]
                    && digits(3..5)
                    && digits(6..10))
        }
        _ => false,
    }
}

/// Parses a priority claim such as `FR 1051751 A 20100311` (office, number, kind, date; kind
/// and date optional).
fn parse_priority(raw: &str) -> Result<Priority, String> {
    let mut tokens: Vec<&str> = raw.split_whitespace().collect();
    if tokens.len() < 2 || !is_office(tokens[0]) {
        return Err(format!(
            "not a priority claim (office number kind date): {raw:?}"
        ));
    }
    let office = normalize_office(tokens.remove(0));
    let mut date = None;
    if tokens.len() >= 2 && looks_like_date(tokens[tokens.len() - 1]) {
        let t = tokens.pop().unwrap_or_default();
        date = Some(
            parse_date(t, DateOrder::DayFirst)
                .ok_or_else(|| format!("not a valid date {t:?} in priority {raw:?}"))?,
        );
    }
    let mut kind = None;
    if tokens.len() >= 2 && is_kind(tokens[tokens.len() - 1]) {
        kind = tokens.pop().map(str::to_ascii_uppercase);
    }
    let number = clean_number(&tokens.concat());
    if !number.bytes().any(|b| b.is_ascii_digit()) {
        return Err(format!("no number in priority {raw:?}"));
    }
    Ok(Priority {
        key: app_key(&office, &number),
        office: office.into(),
        number: number.into(),
        kind: kind.map(Into::into),
        date,
    })
}

/// A Lens PCT application number (`US 9912817 W`: receiving office, 2-digit year, 5-digit serial;
/// `US 2006/0000980 W` or `GB 2005004189 W`: 4-digit year and serial) in the shared form
/// receiving office + year + 6-digit serial (`US1999012817`); `None` when it does not fit.
fn lens_pct_number(office: &str, number: &str) -> Option<String> {
    if office.len() != 2 || office == "WO" || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (year, serial) = match number.len() {
        7 => {
            let yy: u32 = number[..2].parse().ok()?;
            (if yy >= 50 { 1900 + yy } else { 2000 + yy }, &number[2..])
        }
        10..=12 => (number[..4].parse().ok()?, &number[4..]),
        _ => return None,
    };
    let serial = serial.trim_start_matches('0');
    if serial.is_empty() || serial.len() > 6 || !(1970..=2100).contains(&year) {
        return None;
    }
    Some(format!("{office}{year}{serial:0>6}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(office: &str, number: &str, kind: Option<&str>) -> Option<DocNumber> {
        Some(DocNumber {
            office: office.into(),
            number: number.into(),
            kind: kind.map(str::to_string),
        })
    }

    #[test]
    fn numbers_split() {
        assert_eq!(
            split_number("AT 33585 A", "AT"),
            doc("AT", "33585", Some("A"))
        );
        assert_eq!(
            split_number("US 9912817 W", "WO"),
            doc("US", "9912817", Some("W"))
        );
        assert_eq!(
            split_number("US 16/123,456", "US"),
            doc("US", "16123456", None)
        );
        assert_eq!(
            split_number("US 2019/0123456 A1", "US"),
            doc("US", "20190123456", Some("A1"))
        );
        assert_eq!(
            split_number("CA 783996D A", "CA"),
            doc("CA", "783996D", Some("A"))
        );
        assert_eq!(split_number("33585", "AT"), doc("AT", "33585", None));
        assert_eq!(split_number("US A1", "US"), None);
        assert_eq!(split_number("", "US"), None);
    }

    #[test]
    fn priorities_parse() {
        let p = parse_priority("FR 1051751 A 20100311").unwrap();
        assert_eq!(
            (
                p.office.as_str(),
                p.number.as_str(),
                p.kind.as_deref(),
                p.key.as_str()
            ),
            ("FR", "1051751", Some("A"), "FR1051751")
        );
        assert_eq!(p.date, NaiveDate::from_ymd_opt(2010, 3, 11));
        let p = parse_priority("US 62/123,456 P 2018-01-04").unwrap();
        assert_eq!(
            (p.key.as_str(), p.kind.as_deref()),
            ("US62123456", Some("P"))
        );
        assert_eq!(p.date, NaiveDate::from_ymd_opt(2018, 1, 4));
        let p = parse_priority("AU 2014 900123 A 20140115").unwrap();
        assert_eq!(p.number, "2014900123");
        let p = parse_priority("CA 783996T A").unwrap();
        assert_eq!((p.number.as_str(), p.date), ("783996T", None));
        assert!(parse_priority("FR 1051751 A 20101311").is_err());
        assert!(parse_priority("1051751").is_err());
        assert!(parse_priority("FR A").is_err());
    }

    #[test]
    fn dates_are_recognised() {
        assert!(looks_like_date("20100311"));
        assert!(looks_like_date("2010-03-11"));
        assert!(looks_like_date("11/03/2010"));
        assert!(!looks_like_date("16/123,456"));
        assert!(!looks_like_date("1051751"));
    }
}
