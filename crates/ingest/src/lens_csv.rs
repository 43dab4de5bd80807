//! Reader for Lens.org patent CSV exports, one row per publication, in both the 2015/16 schema
//! (`Publication Number`, `Type`, `Cited Count`; with or without a `Lens ID` column) and the
//! current one (`Display Key`, `Document Type`, `Cited by Patent Count`, family member lists,
//! legal status).
//!
//! Columns are found by header name (case-insensitive, trimmed), so reordered, extra and
//! missing optional columns are fine; only `Jurisdiction` and `Application Number` are required
//! (records are keyed on them, never on the Lens ID). Line ends (LF, CRLF, bare CR) and legacy
//! 8-bit encodings are settled by [`Input::load`] before the reader sees the text.
//!
//! Nothing is lost unsaid: each file's columns are reported mapped or ignored
//! ([`Sink::columns`]), the non-empty values of each mapped column of kept records are counted
//! ([`Sink::values_read`]), and a value that is not stored as read is a field note: rejected
//! (a bad date or count; the record is kept without it), repaired or flagged. Only a row
//! without a usable jurisdiction, application number or publication number (what the record
//! is), with a NUL character, or malformed as CSV is rejected whole.
//!
//! Dates (see [`crate::dates`]): every style the vendors write; the day/month order of a date
//! column is decided from all its values (Lens writes day first, the default when no value
//! proves an order); a two-digit year gets the century that fits the row (the `Publication
//! Year` column, the year in the application number, and filing <= publication < filing +
//! [`dates::MAX_SPAN_YEARS`]), else the value is rejected.
//!
//! Cross-checks inside a row, each disagreement a field note:
//! - `Publication Date` against `Publication Year`. Lens exports of 2015/16 write late-December
//!   dates with the week-based year (a 2014-12-31 publication as `2015-12-31`, Publication Year
//!   2014). The date is repaired when the year column says one year less and that day lies in
//!   the week of the next 1 January ([`dates::week_year_original`]); any other disagreement is
//!   flagged.
//! - `Application Date` has no year column. A date that may carry the same defect is repaired
//!   when the row proves it and nothing in the row speaks for the date as written. Proof: the
//!   row's own priority claim (the claim of the application itself, in `Priority Numbers`) is
//!   dated one year earlier; or the date lies after the row's publication while one year
//!   earlier does not; or the application number's own year (CN `2014...`, US `2014 14...`,
//!   PCT `US 2014/...`) is that earlier year. Against: the own priority claim dated as
//!   written, or the number's year equal to the written year. Both at once is flagged.
//! - A filing date after its publication, an application date other than its own priority
//!   claim's, an `Earliest Priority Date` other than the earliest priority claim, and a
//!   `Type` that contradicts the kind code (a B2 as `Patent Application`) are flagged.
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
//! - Multi-valued fields split on `;;` only: `MITCHELL; RALPH` is one applicant.
//! - The 2015/16 schema has no NPL count; its `Non-Patent Citations` list is counted instead
//!   (read only when the file has no NPL count column), and the earliest priority date is the
//!   earliest dated priority claim.
//! - Columns the model has no place for are reported ignored: `#`, `URL`, `Full Text`,
//!   `Cites Patent Count`, `Sequence Count`, `NPL Resolved ...`, `Owners (US)` (names with
//!   reassignment dates) and any other unknown column.

use std::cell::RefCell;
use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use csv::{ReaderBuilder, StringRecord};
use patq_model::{
    Application, ClassScheme, Classification, FamilyKind, FamilyMember, Party, PartyRole,
    PatentRecord, Priority, Provenance, PubClass, Publication, ThinVec, ToText, app_key,
    classify_publication, clean_number, normalize_class_code, normalize_office,
};

use crate::csv_rows::{Offset, RowError, duplicate_known, for_each_row};
use crate::dates::{
    self, DateError, DayMonth, OrderVote, ParsedDate, Resolved, Slot, resolve_centuries,
    week_year_original,
};
use crate::sink::{ColumnUse, FieldAction, FieldNote, Rejection, SinkError, Skip};
use crate::util::{opt, parse_count, split_lens_list};
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
    SimpleSize,
    ExtendedSize,
    Cpc,
    Ipcr,
    Uspc,
    NplCount,
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
    (Col::SimpleSize, &["simple family size"]),
    (Col::ExtendedSize, &["extended family size"]),
    (Col::Cpc, &["cpc classifications"]),
    (Col::Ipcr, &["ipcr classifications"]),
    (Col::Uspc, &["us classifications"]),
    (Col::NplCount, &["npl citation count"]),
    (Col::NplList, &["non-patent citations"]),
    (Col::SimpleMembers, &["simple family members"]),
    (Col::ExtendedMembers, &["extended family members"]),
    (Col::LegalStatus, &["legal status"]),
];

/// The field of the data model a column fills, as the manifest's column map names it.
fn field_of(col: Col) -> &'static str {
    match col {
        Col::Jurisdiction => "publications.office",
        Col::Kind => "publications.kind",
        Col::PubNumber => "publications.number",
        Col::LensId => "publications.source_id",
        Col::PubDate => "publications.date",
        Col::PubYear => "publications.date (year cross-check)",
        Col::AppNumber => "applications.number",
        Col::AppDate => "applications.filing_date",
        Col::Priorities => "priorities",
        Col::EarliestPriority => "applications.earliest_priority_date",
        Col::Title => "applications.title",
        Col::Abstract => "applications.abstract",
        Col::Claims => "applications.claims",
        Col::Applicants => "parties (applicant)",
        Col::Inventors => "parties (inventor)",
        Col::Owners => "parties (owner)",
        Col::Type => "applications.granted",
        Col::CitedBy => "applications.cited_by_count",
        Col::SimpleSize => "applications.simple_family_size",
        Col::ExtendedSize => "applications.extended_family_size",
        Col::Cpc => "classes (cpc)",
        Col::Ipcr => "classes (ipc)",
        Col::Uspc => "classes (uspc)",
        Col::NplCount => "applications.npl_citation_count",
        Col::NplList => "applications.npl_citation_count (items counted)",
        Col::SimpleMembers => "family_members (simple)",
        Col::ExtendedMembers => "family_members (extended)",
        Col::LegalStatus => "applications.legal_status",
    }
}

/// The date columns whose day/month order is decided per file.
const DATE_COLS: [Col; 4] = [
    Col::PubDate,
    Col::AppDate,
    Col::EarliestPriority,
    Col::Priorities,
];

/// Column positions resolved from the header, with the header's own spelling for messages.
struct Columns {
    index: HashMap<Col, usize>,
    /// The column each header position fills, `None` when it is ignored.
    by_position: Vec<Option<Col>>,
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
        // The list is only counted when the file has no count.
        if index.contains_key(&Col::NplCount) {
            index.remove(&Col::NplList);
        }
        let mut by_position = vec![None; names.len()];
        for (col, &i) in &index {
            by_position[i] = Some(*col);
        }
        Columns {
            index,
            by_position,
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

    /// Each header column with the field it fills, for [`Sink::columns`].
    fn uses(&self) -> Vec<ColumnUse> {
        self.names
            .iter()
            .zip(&self.by_position)
            .map(|(name, col)| ColumnUse {
                column: name.clone(),
                field: col.map(|c| field_of(c).to_string()),
            })
            .collect()
    }
}

/// Passes everything on to the real sink, sending the field notes of a row just before its
/// record: the row loop hands over the record, the row parser the notes.
struct NoteSink<'s> {
    inner: &'s mut dyn Sink,
    pending: &'s RefCell<Vec<FieldNote>>,
}

impl Sink for NoteSink<'_> {
    fn record(&mut self, record: PatentRecord) -> Result<(), SinkError> {
        for note in self.pending.borrow_mut().drain(..) {
            self.inner.field_note(note);
        }
        self.inner.record(record)
    }
    fn reject(&mut self, rejection: Rejection) {
        // A rejected row's quarantine line names the row; notes of its values would count
        // values of a record that is not kept.
        self.pending.borrow_mut().clear();
        self.inner.reject(rejection);
    }
    fn skip(&mut self, skip: Skip) {
        self.inner.skip(skip);
    }
    fn field_note(&mut self, note: FieldNote) {
        self.inner.field_note(note);
    }
    fn columns(&mut self, file: &str, columns: &[ColumnUse]) {
        self.inner.columns(file, columns);
    }
    fn values_read(&mut self, file: &str, column: &str, n: u64) {
        self.inner.values_read(file, column, n);
    }
    fn progress(&mut self, bytes_done: u64) {
        self.inner.progress(bytes_done);
    }
}

fn read_one(input: &Input, sink: &mut dyn Sink) -> Result<(), IngestError> {
    let text = input.text.as_str();
    let delimiter = delimiter(text);
    let mut reader = ReaderBuilder::new()
        .delimiter(delimiter)
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
    sink.columns(&input.name, &cols.uses());

    let pending = RefCell::new(Vec::new());
    let mut rows = RowReader {
        cols: &cols,
        input,
        today: dates::today(),
        orders: None,
        delimiter,
        read: vec![0; cols.width],
        notes: &pending,
    };
    let mut note_sink = NoteSink {
        inner: sink,
        pending: &pending,
    };
    for_each_row(
        &mut reader,
        text,
        &input.name,
        Offset { lines: 0, bytes: 0 },
        cols.width,
        &mut note_sink,
        |rec, line| rows.parse_row(rec, line),
    )?;
    for (i, col) in cols.by_position.iter().enumerate() {
        if col.is_some() {
            sink.values_read(&input.name, &cols.names[i], rows.read[i]);
        }
    }
    Ok(())
}

/// The field separator: `;` when the header line has more semicolons than commas (a re-save
/// by a spreadsheet in a locale whose decimal mark is the comma), else `,`.
fn delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    let count = |c: char| header.matches(c).count();
    if count(';') > count(',') { b';' } else { b',' }
}

/// The field notes of one row, kept until the row is known to be a record.
struct RowNotes<'a> {
    file: &'a str,
    line: u64,
    cols: &'a Columns,
    list: Vec<FieldNote>,
}

impl RowNotes<'_> {
    fn add(
        &mut self,
        col: Col,
        action: FieldAction,
        value: &str,
        stored: Option<String>,
        reason: impl Into<String>,
    ) {
        self.list.push(FieldNote {
            file: self.file.to_string(),
            location: Location::Line(self.line),
            field: self.cols.name(col).to_string(),
            action,
            value: crate::sink::excerpt(value, 200),
            stored,
            reason: reason.into(),
        });
    }

    fn reject(&mut self, col: Col, value: &str, reason: impl Into<String>) {
        self.add(col, FieldAction::Rejected, value, None, reason);
    }

    fn flag(&mut self, col: Col, value: &str, reason: impl Into<String>) {
        self.add(col, FieldAction::Flagged, value, None, reason);
    }
}

/// A priority claim with its date token not yet read.
struct Claim {
    priority: Priority,
    date_raw: Option<String>,
}

/// The application a row is about, as its number says.
struct RowIds {
    jurisdiction: String,
    appno: DocNumber,
    is_pct: bool,
}

impl RowIds {
    /// The key of the application's own priority claim (its number as written, before the
    /// shared PCT form).
    fn own_key(&self) -> patq_model::Text {
        app_key(&self.appno.office, &self.appno.number)
    }

    /// The year the application number carries in full (CN `2014...` 12+ digits, US
    /// `201414...` 12 digits, PCT `US 2014/...`), which is its filing year.
    fn number_year(&self) -> Option<i32> {
        let n = &self.appno.number;
        let fits = n.bytes().all(|b| b.is_ascii_digit())
            && if self.is_pct {
                (10..=12).contains(&n.len())
            } else {
                match self.appno.office.as_str() {
                    "CN" => n.len() >= 12,
                    "US" => n.len() == 12,
                    _ => false,
                }
            };
        let year: i32 = n.get(..4).filter(|_| fits)?.parse().ok()?;
        (1900..=2100).contains(&year).then_some(year)
    }
}

/// The dates of a row as stored.
#[derive(Default)]
struct RowDates {
    publication: Option<NaiveDate>,
    filing: Option<NaiveDate>,
    earliest: Option<NaiveDate>,
}

/// Reads the rows of one file.
struct RowReader<'a> {
    cols: &'a Columns,
    input: &'a Input,
    today: NaiveDate,
    /// Each date column's day/month order, decided from all its values the first time a
    /// value needs it (`None` inside: the column proves both orders).
    orders: Option<HashMap<Col, Option<DayMonth>>>,
    delimiter: u8,
    /// Non-empty values of kept records, by header position.
    read: Vec<u64>,
    notes: &'a RefCell<Vec<FieldNote>>,
}

impl RowReader<'_> {
    fn parse_row(&mut self, rec: &StringRecord, line: u64) -> Result<PatentRecord, RowError> {
        let cols = self.cols;
        if let Some(i) = rec.iter().position(|v| v.contains('\0')) {
            return Err(RowError::new(&cols.names[i], "contains a NUL character"));
        }
        let ids = identity(cols, rec)?;
        let get = |c: Col| cols.get(rec, c);
        let pub_raw = get(Col::PubNumber);
        let pubno = if pub_raw.is_empty() {
            None
        } else {
            Some(split_number(pub_raw, &ids.jurisdiction).ok_or_else(|| {
                RowError::new(
                    cols.name(Col::PubNumber),
                    format!("no publication number in {pub_raw:?}"),
                )
            })?)
        };
        let mut notes = RowNotes {
            file: &self.input.name,
            line,
            cols,
            list: Vec::new(),
        };
        let mut claims = self.claims(rec, &mut notes);
        let mut dates = self.read_dates(rec, &ids, &mut claims, &mut notes);
        let pub_year = pub_year(cols, rec, &mut notes);
        check_dates(cols, rec, &ids, pub_year, &claims, &mut dates, &mut notes);
        let priorities: ThinVec<Priority> = claims.into_iter().map(|c| c.priority).collect();

        let publications = publication(cols, rec, &ids, pubno, &dates, &mut notes);
        let app = self.application(rec, &ids, &dates, &publications, &priorities, &mut notes);
        let record = PatentRecord {
            app,
            publications,
            parties: parties(cols, rec),
            classes: classes(cols, rec),
            priorities,
            family_members: family_members(cols, rec),
            ..PatentRecord::default()
        };
        for (i, col) in cols.by_position.iter().enumerate() {
            if col.is_some() && rec.get(i).is_some_and(|v| !v.trim().is_empty()) {
                self.read[i] += 1;
            }
        }
        self.notes.borrow_mut().extend(notes.list);
        Ok(record)
    }

    /// The day/month order of a date column's values, decided from the whole column on first
    /// need (most files write year-first dates and never pay for the scan).
    fn order(&mut self, col: Col, raw: &str) -> Option<DayMonth> {
        if !dates::needs_order(raw) {
            return Some(DayMonth::DayFirst);
        }
        let cols = self.cols;
        let text = self.input.text.as_str();
        let delimiter = self.delimiter;
        let orders = self.orders.get_or_insert_with(|| {
            let mut votes: HashMap<Col, OrderVote> = HashMap::new();
            let mut reader = ReaderBuilder::new()
                .delimiter(delimiter)
                .has_headers(true)
                .flexible(true)
                .from_reader(text.as_bytes());
            for rec in reader.records().flatten() {
                for c in DATE_COLS {
                    let v = votes.entry(c).or_default();
                    if c == Col::Priorities {
                        for item in split_lens_list(cols.get(&rec, c)) {
                            v.add(item.rsplit(' ').next().unwrap_or(""));
                        }
                    } else {
                        v.add(cols.get(&rec, c));
                    }
                }
            }
            votes
                .into_iter()
                .map(|(c, v)| (c, v.decide(DayMonth::DayFirst)))
                .collect()
        });
        orders
            .get(&col)
            .copied()
            .unwrap_or(Some(DayMonth::DayFirst))
    }

    /// The row's priority claims, each bad item a rejected value; dates are read later.
    fn claims(&mut self, rec: &StringRecord, notes: &mut RowNotes) -> Vec<Claim> {
        let mut claims: Vec<Claim> = Vec::new();
        for item in split_lens_list(self.cols.get(rec, Col::Priorities)) {
            match parse_priority(item) {
                Ok(c) => {
                    let dup = claims.iter().any(|k| {
                        k.priority.key == c.priority.key
                            && k.priority.kind == c.priority.kind
                            && k.date_raw == c.date_raw
                    });
                    if !dup {
                        claims.push(c);
                    }
                }
                Err(reason) => notes.reject(Col::Priorities, item, reason),
            }
        }
        claims
    }

    /// Reads the row's date columns and the dates of its priority claims, choosing the century
    /// of two-digit years from the row; a value that is no date, or whose century the row
    /// cannot decide, is rejected.
    fn read_dates(
        &mut self,
        rec: &StringRecord,
        ids: &RowIds,
        claims: &mut [Claim],
        notes: &mut RowNotes,
    ) -> RowDates {
        let cols = self.cols;
        let year_col = cols.get(rec, Col::PubYear).parse::<i32>().ok();
        let number_year = ids.number_year();
        let mut slots = vec![Slot::default(); 4];
        let fields = [Col::PubDate, Col::AppDate, Col::EarliestPriority];
        for (k, col) in fields.into_iter().enumerate() {
            let raw = cols.get(rec, col);
            if raw.is_empty() {
                continue;
            }
            let order = self.order(col, raw);
            match dates::parse_date(raw, order) {
                Ok(p) => {
                    let mut candidates = p.candidates(self.today);
                    // Within a year of the row's own year, not equal to it: the week-based
                    // year defect is then repaired or flagged by the cross-checks.
                    let anchor = match col {
                        Col::PubDate => year_col,
                        Col::AppDate => number_year,
                        _ => None,
                    };
                    if let (true, Some(y)) = (p.is_two_digit(), anchor) {
                        candidates.retain(|d| (d.year() - y).abs() <= 1);
                    }
                    slots[k] = Slot {
                        candidates,
                        open: p.is_two_digit(),
                    };
                }
                Err(e) => notes.reject(col, raw, e.to_string()),
            }
        }
        let mut claim_dates: Vec<Option<ParsedDate>> = Vec::with_capacity(claims.len());
        for c in claims.iter() {
            let parsed = match &c.date_raw {
                Some(raw) => {
                    let order = self.order(Col::Priorities, raw);
                    match dates::parse_date(raw, order) {
                        Ok(p) => Some(p),
                        Err(e) => {
                            notes.reject(Col::Priorities, raw, format!("priority claim date: {e}"));
                            None
                        }
                    }
                }
                None => None,
            };
            claim_dates.push(parsed);
        }
        slots[3].candidates = claim_dates
            .iter()
            .flatten()
            .filter_map(|p| p.date())
            .min()
            .into_iter()
            .collect();
        // (earlier, later): filing before publication, priorities before filing.
        let order = [(1, 0), (2, 1), (2, 0), (3, 1)];
        let mut resolved = resolve_centuries(&slots, &order);
        if slots[1].open
            && resolved[1] == Resolved::NoFit
            && let Some(r) = week_year_century(&mut slots, &order)
        {
            resolved = r;
        }
        let mut out = [None; 3];
        for (k, col) in fields.into_iter().enumerate() {
            out[k] = self.resolved(&resolved[k], col, cols.get(rec, col), notes);
        }
        let filing = out[1];
        for (c, parsed) in claims.iter_mut().zip(claim_dates) {
            let Some(p) = parsed else { continue };
            let raw = c.date_raw.as_deref().unwrap_or("");
            c.priority.date = match p.date() {
                Some(d) => Some(d),
                None => {
                    let candidates = p
                        .candidates(self.today)
                        .into_iter()
                        .filter(|d| {
                            filing.is_none_or(|f| {
                                *d <= f && f < dates::add_years(*d, dates::MAX_SPAN_YEARS)
                            })
                        })
                        .collect::<Vec<_>>();
                    let slot = Slot {
                        candidates,
                        open: true,
                    };
                    let r = if filing.is_some() {
                        resolve_centuries(&[slot], &[]).remove(0)
                    } else {
                        Resolved::Undecided(slot.candidates)
                    };
                    self.resolved(&r, Col::Priorities, raw, notes)
                }
            };
        }
        RowDates {
            publication: out[0],
            filing: out[1],
            earliest: out[2],
        }
    }

    /// The date a resolution gives, noting a rejection when it gives none.
    fn resolved(
        &self,
        r: &Resolved,
        col: Col,
        raw: &str,
        notes: &mut RowNotes,
    ) -> Option<NaiveDate> {
        let error = match r {
            Resolved::Absent => return None,
            Resolved::Date(d) => return Some(*d),
            Resolved::Undecided(v) => DateError::UndecidedCentury {
                raw: raw.to_string(),
                years: v.iter().map(|d| d.year()).collect(),
            },
            Resolved::NoFit => DateError::NoCentury(raw.to_string()),
        };
        notes.reject(col, raw, error.to_string());
        None
    }

    fn application(
        &self,
        rec: &StringRecord,
        ids: &RowIds,
        dates: &RowDates,
        publications: &[Publication],
        priorities: &[Priority],
        notes: &mut RowNotes,
    ) -> Application {
        let cols = self.cols;
        let get = |c: Col| cols.get(rec, c);
        let mut count = |c: Col| match parse_count(get(c)) {
            Ok(n) => n,
            Err(reason) => {
                notes.reject(c, get(c), reason);
                None
            }
        };
        let cited_by = count(Col::CitedBy);
        let simple_size = count(Col::SimpleSize);
        let extended_size = count(Col::ExtendedSize);
        let npl_count = match count(Col::NplCount) {
            Some(n) => Some(n),
            None if cols.has(Col::NplList) => {
                Some(split_lens_list(get(Col::NplList)).count() as u32)
            }
            None => None,
        };
        let doc_type = get(Col::Type).to_ascii_lowercase();
        let pub_class = publications.first().map(|p| p.class);
        let app_kind = ids
            .appno
            .kind
            .clone()
            .or_else(|| (ids.jurisdiction == "WO").then(|| "W".to_string()));
        let ipr_type = match (app_kind.as_deref(), pub_class) {
            (Some("U"), _) | (_, Some(PubClass::UtilityModel)) => Some("UM"),
            (Some("F"), _) | (_, Some(PubClass::Design)) => Some("DE"),
            _ if doc_type == "design right" => Some("DE"),
            (_, Some(PubClass::Grant | PubClass::Application)) => Some("PI"),
            _ => None,
        };
        let earliest = dates
            .earliest
            .or_else(|| priorities.iter().filter_map(|p| p.date).min());
        // PCT applications get the key the other readers give them (`WO` + receiving office +
        // year + 6-digit serial), so a Lens WO row joins PATSTAT, USPTO 371 links and Lens JSON.
        let appno = &ids.appno;
        let pct = if ids.is_pct {
            lens_pct_number(&appno.office, &appno.number)
        } else {
            None
        };
        let (key_office, key_number) = match &pct {
            Some(n) => ("WO".to_string(), n.clone()),
            None => (appno.office.clone(), appno.number.clone()),
        };
        Application {
            key: app_key(&key_office, &key_number),
            office: key_office.into(),
            number: key_number.into(),
            kind: app_kind.map(Into::into),
            filing_date: dates.filing,
            filing_year: dates.filing.map(|d| d.year()),
            ipr_type: ipr_type.map(Into::into),
            is_pct: ids.is_pct,
            receiving_office: (ids.is_pct && appno.office != "WO")
                .then(|| appno.office.clone())
                .map(Into::into),
            earliest_priority_date: earliest,
            title: opt(get(Col::Title)),
            abstract_text: opt(get(Col::Abstract)),
            claims_text: opt(get(Col::Claims)),
            granted: granted(&doc_type),
            legal_status: opt(get(Col::LegalStatus)).map(Into::into),
            simple_family_size: simple_size,
            extended_family_size: extended_size,
            cited_by_count: cited_by,
            npl_citation_count: npl_count,
            provenance: Provenance {
                source_file: self.input.file_index,
                location: Location::Line(notes.line).to_lean_string(),
            },
            ..Application::default()
        }
    }
}

/// The centuries of a row whose open application date fits only once read as carrying the
/// week-based-year defect (`31/12/13` published 08/11/13): centuries are chosen with the
/// application date one year earlier, and the date as written in its century is returned, for
/// the cross-checks to repair (when the row proves the defect) or flag.
fn week_year_century(slots: &mut [Slot], order: &[(usize, usize)]) -> Option<Vec<Resolved>> {
    let written = std::mem::take(&mut slots[1].candidates);
    slots[1].candidates = written
        .iter()
        .filter_map(|d| week_year_original(*d))
        .collect();
    let mut r = resolve_centuries(slots, order);
    let Resolved::Date(original) = r[1] else {
        return None;
    };
    let d = written
        .iter()
        .find(|d| week_year_original(**d) == Some(original))?;
    r[1] = Resolved::Date(*d);
    Some(r)
}

/// `Granted Patent` is a grant, `Patent Application` an application; nothing else says.
fn granted(doc_type: &str) -> Option<bool> {
    match doc_type {
        "granted patent" => Some(true),
        "patent application" => Some(false),
        _ => None,
    }
}

/// The office and application number a row is keyed on; a row without them is rejected.
fn identity(cols: &Columns, rec: &StringRecord) -> Result<RowIds, RowError> {
    let jurisdiction = normalize_office(cols.get(rec, Col::Jurisdiction));
    let field = |c: Col| cols.name(c).to_string();
    if jurisdiction.is_empty() {
        return Err(RowError::new(&field(Col::Jurisdiction), "empty"));
    }
    if !is_office(&jurisdiction) {
        return Err(RowError::new(
            &field(Col::Jurisdiction),
            format!("not an office code: {jurisdiction:?}"),
        ));
    }
    let app_raw = cols.get(rec, Col::AppNumber);
    if app_raw.is_empty() {
        return Err(RowError::new(&field(Col::AppNumber), "empty"));
    }
    let Some(appno) = split_number(app_raw, &jurisdiction) else {
        return Err(RowError::new(
            &field(Col::AppNumber),
            format!("no application number in {app_raw:?}"),
        ));
    };
    let is_pct = jurisdiction == "WO" || appno.kind.as_deref() == Some("W");
    Ok(RowIds {
        jurisdiction,
        appno,
        is_pct,
    })
}

/// The `Publication Year` column, a value that is no year rejected.
fn pub_year(cols: &Columns, rec: &StringRecord, notes: &mut RowNotes) -> Option<i32> {
    let raw = cols.get(rec, Col::PubYear);
    if raw.is_empty() {
        return None;
    }
    match raw.parse::<i32>() {
        Ok(y) if (1700..=2200).contains(&y) => Some(y),
        _ => {
            notes.reject(Col::PubYear, raw, format!("not a year: {raw:?}"));
            None
        }
    }
}

/// The cross-checks of a row's dates (see the module comment): the week-based-year repairs,
/// and flags for a filing after its publication, a filing date other than its own priority
/// claim's, and an earliest priority date other than the earliest claim's.
fn check_dates(
    cols: &Columns,
    rec: &StringRecord,
    ids: &RowIds,
    pub_year: Option<i32>,
    claims: &[Claim],
    dates: &mut RowDates,
    notes: &mut RowNotes,
) {
    let raw = |c: Col| cols.get(rec, c);
    if let (Some(p), Some(y)) = (dates.publication, pub_year)
        && p.year() != y
    {
        match week_year_original(p) {
            Some(original) if original.year() == y => {
                notes.add(
                    Col::PubDate,
                    FieldAction::Repaired,
                    raw(Col::PubDate),
                    Some(original.to_string()),
                    format!(
                        "week-based year: the row's {} is {y}, and {original} lies in the week of \
                         the next 1 January, which the export numbered with the next year",
                        cols.name(Col::PubYear)
                    ),
                );
                dates.publication = Some(original);
            }
            _ => notes.flag(
                Col::PubDate,
                raw(Col::PubDate),
                format!("the row's {} says {y}", cols.name(Col::PubYear)),
            ),
        }
    }
    let own_key = ids.own_key();
    let own: Vec<NaiveDate> = claims
        .iter()
        .filter(|c| c.priority.key == own_key)
        .filter_map(|c| c.priority.date)
        .collect();
    if let Some(f) = dates.filing {
        check_filing_week_year(f, ids, &own, dates, notes, raw(Col::AppDate));
    }
    if let (Some(f), Some(p)) = (dates.filing, dates.publication)
        && f > p
    {
        notes.flag(
            Col::AppDate,
            raw(Col::AppDate),
            format!("filed after its own publication on {p}"),
        );
    }
    if let Some(f) = dates.filing
        && !own.is_empty()
        && !own.contains(&f)
    {
        notes.flag(
            Col::AppDate,
            raw(Col::AppDate),
            format!(
                "its own priority claim in {} is dated {}",
                cols.name(Col::Priorities),
                own[0]
            ),
        );
    }
    let earliest_claim = claims.iter().filter_map(|c| c.priority.date).min();
    if let (Some(e), Some(c)) = (dates.earliest, earliest_claim)
        && e != c
    {
        notes.flag(
            Col::EarliestPriority,
            raw(Col::EarliestPriority),
            format!(
                "the earliest priority claim in {} is dated {c}",
                cols.name(Col::Priorities)
            ),
        );
    }
}

/// Repairs an application date carrying the week-based-year defect when the row proves it
/// and nothing in it speaks for the date as written; flags it when the row says both.
fn check_filing_week_year(
    f: NaiveDate,
    ids: &RowIds,
    own: &[NaiveDate],
    dates: &mut RowDates,
    notes: &mut RowNotes,
    raw: &str,
) {
    let Some(original) = week_year_original(f) else {
        return;
    };
    let number_year = ids.number_year();
    let mut proof = Vec::new();
    if own.contains(&original) {
        proof.push(format!("its own priority claim is dated {original}"));
    }
    if let Some(p) = dates.publication
        && f > p
        && original <= p
    {
        proof.push(format!("as written it is after its publication on {p}"));
    }
    if number_year == Some(original.year()) {
        proof.push(format!(
            "the application number's year is {}",
            original.year()
        ));
    }
    let mut against = Vec::new();
    if own.contains(&f) {
        against.push(format!("its own priority claim is dated {f}"));
    }
    if number_year == Some(f.year()) {
        against.push(format!("the application number's year is {}", f.year()));
    }
    match (proof.is_empty(), against.is_empty()) {
        (false, true) => {
            notes.add(
                Col::AppDate,
                FieldAction::Repaired,
                raw,
                Some(original.to_string()),
                format!(
                    "week-based year: {original} lies in the week of the next 1 January, which \
                     the export numbered with the next year, and {}",
                    proof.join("; ")
                ),
            );
            dates.filing = Some(original);
        }
        (false, false) => notes.flag(
            Col::AppDate,
            raw,
            format!(
                "may carry the week-based year ({original}): {}; but {}",
                proof.join("; "),
                against.join("; ")
            ),
        ),
        _ => {}
    }
}

/// The row's publication, if it names one; its kind, date and Lens ID are rejected values
/// when it does not, and its `Type` is flagged when it contradicts the kind code.
fn publication(
    cols: &Columns,
    rec: &StringRecord,
    ids: &RowIds,
    pubno: Option<DocNumber>,
    dates: &RowDates,
    notes: &mut RowNotes,
) -> ThinVec<Publication> {
    let get = |c: Col| cols.get(rec, c);
    let Some(p) = pubno else {
        for col in [Col::Kind, Col::PubDate, Col::LensId] {
            let v = get(col);
            // A date already rejected has its note.
            let noted = col == Col::PubDate && dates.publication.is_none();
            if !v.is_empty() && !noted {
                notes.reject(
                    col,
                    v,
                    format!("no {} to attach it to", cols.name(Col::PubNumber)),
                );
            }
        }
        return ThinVec::new();
    };
    let kind_col = get(Col::Kind).to_ascii_uppercase();
    let kind = if kind_col.is_empty() {
        p.kind.clone().unwrap_or_default()
    } else {
        kind_col
    };
    let class = classify_publication(&ids.jurisdiction, &kind, dates.publication);
    let doc_type = get(Col::Type);
    let contradicts = match granted(&doc_type.to_ascii_lowercase()) {
        Some(true) => class == PubClass::Application,
        Some(false) => class == PubClass::Grant,
        None => false,
    };
    if contradicts {
        notes.flag(
            Col::Type,
            doc_type,
            format!("kind {kind} of {} is {}", ids.jurisdiction, class.as_str()),
        );
    }
    let mut publications = ThinVec::new();
    publications.push(Publication {
        office: ids.jurisdiction.as_str().into(),
        number: p.number.into(),
        kind: kind.into(),
        date: dates.publication,
        class,
        source_id: opt(get(Col::LensId)).map(Into::into),
    });
    publications
}

fn parties(cols: &Columns, rec: &StringRecord) -> ThinVec<Party> {
    let mut parties = ThinVec::new();
    for (col, role) in [
        (Col::Applicants, PartyRole::Applicant),
        (Col::Inventors, PartyRole::Inventor),
        (Col::Owners, PartyRole::Owner),
    ] {
        for (seq, name) in split_lens_list(cols.get(rec, col)).enumerate() {
            parties.push(Party {
                role,
                seq: seq as u32,
                name: name.to_string(),
                country: None,
            });
        }
    }
    parties
}

fn classes(cols: &Columns, rec: &StringRecord) -> ThinVec<Classification> {
    let mut classes: ThinVec<Classification> = ThinVec::new();
    for (col, scheme) in [
        (Col::Cpc, ClassScheme::Cpc),
        (Col::Ipcr, ClassScheme::Ipc),
        (Col::Uspc, ClassScheme::Uspc),
    ] {
        for raw in split_lens_list(cols.get(rec, col)) {
            let code = match scheme {
                ClassScheme::Uspc => raw.to_string(),
                _ => normalize_class_code(raw),
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
    classes
}

fn family_members(cols: &Columns, rec: &StringRecord) -> ThinVec<FamilyMember> {
    let mut family_members = ThinVec::new();
    for (col, family) in [
        (Col::SimpleMembers, FamilyKind::Simple),
        (Col::ExtendedMembers, FamilyKind::Extended),
    ] {
        for member in split_lens_list(cols.get(rec, col)) {
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
    family_members
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

/// A token written as a date (`20100311`, `2010-03-11`, `11/03/2010`, `11/03/10`,
/// `11.03.2010`), valid or not.
fn looks_like_date(t: &str) -> bool {
    if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    let Some(sep) = t.chars().find(|c| matches!(c, '-' | '/' | '.')) else {
        return false;
    };
    let parts: Vec<&str> = t.split(sep).collect();
    let digits =
        |p: &str, lens: &[usize]| lens.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit());
    match parts.as_slice() {
        [y, m, d] if y.len() == 4 => digits(y, &[4]) && digits(m, &[1, 2]) && digits(d, &[1, 2]),
        [a, b, y] => digits(a, &[1, 2]) && digits(b, &[1, 2]) && digits(y, &[2, 4]),
        _ => false,
    }
}

/// Parses a priority claim such as `FR 1051751 A 20100311` (office, number, kind, date; kind
/// and date optional). The date is left as written: its reading depends on the file's day/month
/// order and, for a two-digit year, on the row's filing date.
fn parse_priority(raw: &str) -> Result<Claim, String> {
    let mut tokens: Vec<&str> = raw.split_whitespace().collect();
    if tokens.len() < 2 || !is_office(tokens[0]) {
        return Err(format!(
            "not a priority claim (office number kind date): {raw:?}"
        ));
    }
    let office = normalize_office(tokens.remove(0));
    let mut date_raw = None;
    if tokens.len() >= 2 && looks_like_date(tokens[tokens.len() - 1]) {
        date_raw = tokens.pop().map(str::to_string);
    }
    let mut kind = None;
    if tokens.len() >= 2 && is_kind(tokens[tokens.len() - 1]) {
        kind = tokens.pop().map(str::to_ascii_uppercase);
    }
    let number = clean_number(&tokens.concat());
    if !number.bytes().any(|b| b.is_ascii_digit()) {
        return Err(format!("no number in priority {raw:?}"));
    }
    Ok(Claim {
        priority: Priority {
            key: app_key(&office, &number),
            office: office.into(),
            number: number.into(),
            kind: kind.map(Into::into),
            date: None,
        },
        date_raw,
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
        let c = parse_priority("FR 1051751 A 20100311").unwrap();
        let p = &c.priority;
        assert_eq!(
            (
                p.office.as_str(),
                p.number.as_str(),
                p.kind.as_deref(),
                p.key.as_str()
            ),
            ("FR", "1051751", Some("A"), "FR1051751")
        );
        assert_eq!(c.date_raw.as_deref(), Some("20100311"));
        let c = parse_priority("US 62/123,456 P 2018-01-04").unwrap();
        assert_eq!(
            (c.priority.key.as_str(), c.priority.kind.as_deref()),
            ("US62123456", Some("P"))
        );
        assert_eq!(c.date_raw.as_deref(), Some("2018-01-04"));
        let c = parse_priority("AU 2014 900123 A 20140115").unwrap();
        assert_eq!(c.priority.number, "2014900123");
        let c = parse_priority("CA 783996T A").unwrap();
        assert_eq!((c.priority.number.as_str(), c.date_raw), ("783996T", None));
        let c = parse_priority("US 12345 A 27/02/39").unwrap();
        assert_eq!(
            (c.priority.key.as_str(), c.date_raw.as_deref()),
            ("US12345", Some("27/02/39"))
        );
        // An impossible date is still the claim's date token, rejected when read.
        let c = parse_priority("FR 1051751 A 20101311").unwrap();
        assert_eq!(c.date_raw.as_deref(), Some("20101311"));
        assert!(parse_priority("1051751").is_err());
        assert!(parse_priority("FR A").is_err());
    }

    #[test]
    fn dates_are_recognised() {
        assert!(looks_like_date("20100311"));
        assert!(looks_like_date("2010-03-11"));
        assert!(looks_like_date("11/03/2010"));
        assert!(looks_like_date("11/03/10"));
        assert!(looks_like_date("1/3/2010"));
        assert!(looks_like_date("11.03.2010"));
        assert!(!looks_like_date("2010/123"));
        assert!(!looks_like_date("16/123,456"));
        assert!(!looks_like_date("1051751"));
    }
}
