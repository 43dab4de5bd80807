//! Reader for the PatentsView bulk download tables (tab-separated `g_patent`, `g_application`,
//! `g_assignee_disambiguated`, `g_inventor_disambiguated`, `g_location_disambiguated`,
//! `g_cpc_current`, `g_ipc_at_issue`, `g_us_patent_citation`, `g_foreign_priority`,
//! `g_pct_data`), joined in memory by `patent_id` into one record per `g_patent` row.
//!
//! Tables are recognised by their header columns. Counting follows the PATSTAT reader: a
//! `g_patent` row ends as a record or a rejection, a joined child row as a skip of kind
//! `attached:<table>` (`unused:g_location_disambiguated` for a location no party refers to),
//! and a child row naming a `patent_id` absent from `g_patent` is rejected.
//!
//! Keys and mapping:
//! - `app.key` is `app_key("US", application_id)` from `g_application`; a patent without a
//!   `g_application` row (or a run without that table) is keyed `US` + patent number
//!   (`US10000001`, `USRE47001`), which cannot meet the key of any other source.
//! - `granted` is `Some(true)` for utility, plant and reissue patents, `None` for designs and
//!   other types, and `None` (with `legal_status` `WITHDRAWN`) for a withdrawn patent.
//! - Assignees become [`PartyRole::Owner`] parties (the assignee of record at grant);
//!   party countries come from `g_location_disambiguated.disambig_country`.
//! - `earliest_priority_date` is the earliest of the US filing date and the foreign priority
//!   dates; domestic (provisional, continuation) priorities are not in these tables.
//! - A PCT application (`g_pct_data` `filed`) gives `pct_key` in the shared form
//!   `WO` + office + year + 6-digit serial (`WOJP2015001234`).

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use patq_model::{
    Citation, ClassScheme, Classification, DateOrder, Party, PartyRole, PatentRecord, Priority,
    Publication, RelatedDoc, app_key, classify_publication, clean_number, normalize_class_code,
    normalize_office, parse_date,
};

use crate::delimited::{
    RecordFiles, Row, TableFile, ValueNote, keyed_rows, open_tables, optional, skip_order,
};
use crate::util::{flag, opt, parse_count, pct_number};
use crate::{IngestError, Input, Sink, Skip};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Table {
    Patent,
    Application,
    Assignee,
    Inventor,
    Location,
    Cpc,
    Ipc,
    Citation,
    ForeignPriority,
    Pct,
}

impl Table {
    fn name(self) -> &'static str {
        match self {
            Table::Patent => "g_patent",
            Table::Application => "g_application",
            Table::Assignee => "g_assignee_disambiguated",
            Table::Inventor => "g_inventor_disambiguated",
            Table::Location => "g_location_disambiguated",
            Table::Cpc => "g_cpc_current",
            Table::Ipc => "g_ipc_at_issue",
            Table::Citation => "g_us_patent_citation",
            Table::ForeignPriority => "g_foreign_priority",
            Table::Pct => "g_pct_data",
        }
    }
}

impl Table {
    /// The tables in docs/FORMATS.md order.
    const ALL: [Table; 10] = [
        Table::Patent,
        Table::Application,
        Table::Assignee,
        Table::Inventor,
        Table::Location,
        Table::Cpc,
        Table::Ipc,
        Table::Citation,
        Table::ForeignPriority,
        Table::Pct,
    ];

    /// The columns this reader reads from the table and the field each fills; every other
    /// column is ignored (and reported so).
    fn fields(self) -> &'static [(&'static str, &'static str)] {
        const JOIN: (&str, &str) = ("patent_id", "join key (g_patent patent_id)");
        const LOCATION: (&str, &str) = ("location_id", "party.country (g_location_disambiguated)");
        match self {
            Table::Patent => &[
                ("patent_id", "publication.number; app.source_id; join key"),
                ("patent_type", "app.granted (utility, plant, reissue)"),
                ("patent_date", "publication.date"),
                ("patent_title", "app.title"),
                ("patent_abstract", "app.abstract_text"),
                ("wipo_kind", "publication.kind; publication.class"),
                ("num_claims", "app.claims_count"),
                ("withdrawn", "app.legal_status (WITHDRAWN)"),
            ],
            Table::Application => &[
                JOIN,
                ("application_id", "app.number; app.key"),
                ("filing_date", "app.filing_date, app.filing_year"),
            ],
            Table::Assignee => &[
                JOIN,
                ("assignee_sequence", "party.seq (owner)"),
                ("disambig_assignee_organization", "party.name (owner)"),
                (
                    "disambig_assignee_individual_name_first",
                    "party.name (owner, when no organization)",
                ),
                (
                    "disambig_assignee_individual_name_last",
                    "party.name (owner, when no organization)",
                ),
                LOCATION,
            ],
            Table::Inventor => &[
                JOIN,
                ("inventor_sequence", "party.seq (inventor)"),
                ("disambig_inventor_name_first", "party.name (inventor)"),
                ("disambig_inventor_name_last", "party.name (inventor)"),
                LOCATION,
            ],
            Table::Location => &[
                ("location_id", "join key (party location_id)"),
                ("disambig_country", "party.country"),
            ],
            Table::Cpc => &[
                JOIN,
                ("cpc_subgroup", "classes (CPC)"),
                ("cpc_group", "classes (CPC, when cpc_subgroup is empty)"),
            ],
            Table::Ipc => &[
                JOIN,
                ("section", "classes (IPC)"),
                ("ipc_class", "classes (IPC)"),
                ("subclass", "classes (IPC)"),
                ("main_group", "classes (IPC)"),
                ("subgroup", "classes (IPC)"),
            ],
            Table::Citation => &[
                JOIN,
                ("citation_patent_id", "citation.number"),
                ("citation_date", "citation.date"),
                ("wipo_kind", "citation.kind"),
                ("citation_category", "citation.cited_by"),
            ],
            Table::ForeignPriority => &[
                JOIN,
                ("foreign_application_id", "priority.number; priority.key"),
                ("foreign_country_filed", "priority.office"),
                ("filing_date", "priority.date"),
            ],
            Table::Pct => &[
                JOIN,
                ("pct_doc_number", "related (PCT); app.pct_key (filed)"),
                ("published_or_filed", "related.relation"),
                ("application_filing_date", "related.date (filed)"),
            ],
        }
    }
}

/// The columns of each PatentsView table for docs/FORMATS.md: table, then each column read
/// with the field it fills (columns not listed are ignored).
pub fn column_table() -> Vec<(&'static str, &'static [(&'static str, &'static str)])> {
    Table::ALL.iter().map(|t| (t.name(), t.fields())).collect()
}

fn classify(t: &TableFile<'_>, names: &[String]) -> Result<Table, String> {
    let h = |c: &str| t.has(c);
    let table = if h("location_id") && h("disambig_country") && !h("patent_id") {
        Table::Location
    } else if !h("patent_id") {
        return Err(format!(
            "header {:?} has no patent_id column: not a PatentsView patent table",
            names.join("\t")
        ));
    } else if h("application_id") {
        Table::Application
    } else if h("assignee_sequence") {
        Table::Assignee
    } else if h("inventor_sequence") {
        Table::Inventor
    } else if h("cpc_group") || h("cpc_subgroup") {
        Table::Cpc
    } else if h("ipc_sequence") || h("main_group") {
        Table::Ipc
    } else if h("citation_patent_id") {
        Table::Citation
    } else if h("foreign_application_id") {
        Table::ForeignPriority
    } else if h("pct_doc_number") {
        Table::Pct
    } else if h("patent_type") || h("patent_date") {
        Table::Patent
    } else {
        return Err(format!(
            "header {:?} matches no PatentsView table this reader knows (g_patent, \
             g_application, g_assignee_disambiguated, g_inventor_disambiguated, \
             g_location_disambiguated, g_cpc_current, g_ipc_at_issue, g_us_patent_citation, \
             g_foreign_priority, g_pct_data)",
            names.join("\t")
        ));
    };
    Ok(table)
}

/// An optional date: one that cannot be read is noted and left out, the row kept.
fn pv_date(row: &Row<'_>, col: &'static str, notes: &mut Vec<ValueNote>) -> Option<NaiveDate> {
    optional(row, col, notes, |raw| {
        if raw.is_empty() {
            return Ok(None);
        }
        parse_date(raw, DateOrder::DayFirst)
            .map(Some)
            .ok_or_else(|| format!("not a date: {raw:?}"))
    })
}

fn seq(row: &Row<'_>, col: &'static str) -> Result<u32, (&'static str, String)> {
    parse_count(row.get(col))
        .map(Option::unwrap_or_default)
        .map_err(|e| (col, e))
}

/// First and last name joined, for individuals.
fn person_name(first: &str, last: &str) -> String {
    [first, last]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Applies one child row to its patent: `Ok` attaches it (values it could not read noted in
/// the list), `Err((column, reason))` rejects it.
type ChildFn<'f> = dyn FnMut(
        &Row<'_>,
        &mut Slot,
        &mut HashMap<String, Place>,
        &mut Vec<ValueNote>,
    ) -> Result<(), (&'static str, String)>
    + 'f;

struct Slot {
    rec: PatentRecord,
    app_number: Option<String>,
    /// Values of the g_patent row not stored, reported once the row is known not to be a
    /// repeated patent_id.
    notes: Vec<crate::FieldNote>,
}

struct Place {
    country: Option<String>,
    used: bool,
    skip: Skip,
}

/// Reads every PatentsView input of the run together.
pub fn read(inputs: &[&Input], sink: &mut dyn Sink) -> Result<(), IngestError> {
    let mut files = open_tables(inputs, b"\t,", "PatentsView", classify, Table::name)?;
    for (table, file) in &mut files {
        file.map_columns(table.fields());
    }
    let of = |want: Table| {
        files
            .iter()
            .filter(move |(t, _)| *t == want)
            .map(|(_, f)| f)
    };

    let (slots, by_id) = patent_slots(of(Table::Patent), sink);
    let places = read_locations(of(Table::Location), sink);
    let mut joined = Joined {
        slots,
        by_id,
        places,
    };
    joined.join(of(Table::Application), sink, &mut application_row);
    for (table, role) in [
        (Table::Assignee, PartyRole::Owner),
        (Table::Inventor, PartyRole::Inventor),
    ] {
        let cols = party_columns(role);
        joined.join(of(table), sink, &mut |row, slot, places, _| {
            party_row(role, cols, row, slot, places)
        });
    }
    joined.join(of(Table::Cpc), sink, &mut cpc_row);
    joined.join(of(Table::Ipc), sink, &mut ipc_row);
    joined.join(of(Table::Citation), sink, &mut citation_row);
    joined.join(of(Table::ForeignPriority), sink, &mut foreign_priority_row);
    joined.join(of(Table::Pct), sink, &mut pct_row);
    report_places(joined.places, sink);

    for (_, file) in &files {
        file.report(sink);
    }
    let record_files = RecordFiles::of(of(Table::Patent).map(|f| f.input));
    for slot in joined.slots {
        record_files.record(sink, finished(slot))?;
    }
    Ok(())
}

/// The `g_patent` pass: one slot per patent, indexed by `patent_id`, its unread values noted.
fn patent_slots<'a>(
    files: impl Iterator<Item = &'a TableFile<'a>>,
    sink: &mut dyn Sink,
) -> (Vec<Slot>, HashMap<String, usize>) {
    let (mut slots, by_id) = keyed_rows(
        files,
        sink,
        "patent_id",
        |row| {
            patent_row(row).map(|(id, rec, notes)| {
                let notes = notes
                    .into_iter()
                    .map(|(col, raw, reason)| row.value_note(col, &raw, reason))
                    .collect();
                (
                    id,
                    Slot {
                        rec,
                        app_number: None,
                        notes,
                    },
                )
            })
        },
        |s: &Slot| s.rec.app.provenance.location.to_string(),
    );

    for slot in &mut slots {
        for note in slot.notes.drain(..) {
            sink.field_note(note);
        }
    }
    (slots, by_id)
}

/// The `g_location_disambiguated` pass: each location's country, by `location_id`.
fn read_locations<'a>(
    files: impl Iterator<Item = &'a TableFile<'a>>,
    sink: &mut dyn Sink,
) -> HashMap<String, Place> {
    let mut places: HashMap<String, Place> = HashMap::new();
    for f in files {
        f.for_each_row(sink, |row, sink| {
            let id = row.get("location_id");
            if id.is_empty() {
                row.reject(sink, Some("location_id"), "missing location_id".into());
            } else if places.contains_key(id) {
                row.reject(
                    sink,
                    Some("location_id"),
                    format!("duplicate location_id {id:?}"),
                );
            } else {
                let place = Place {
                    country: opt(row.get("disambig_country")).map(|c| normalize_office(&c)),
                    used: false,
                    skip: row.skip_of("attached:g_location_disambiguated".into()),
                };
                places.insert(id.to_string(), place);
            }
        });
    }
    places
}

/// The patents being built and the locations their parties may refer to.
struct Joined {
    slots: Vec<Slot>,
    by_id: HashMap<String, usize>,
    places: HashMap<String, Place>,
}

impl Joined {
    /// A child-table pass: applies each row to its patent, counting it as attached or rejected.
    fn join<'a>(
        &mut self,
        files: impl Iterator<Item = &'a TableFile<'a>>,
        sink: &mut dyn Sink,
        apply: &mut ChildFn<'_>,
    ) {
        for f in files {
            f.for_each_row(sink, |row, sink| {
                let Some(i) = slot_of(&self.by_id, row, sink) else {
                    return;
                };
                let mut notes = Vec::new();
                match apply(row, &mut self.slots[i], &mut self.places, &mut notes) {
                    Ok(()) => {
                        for (col, raw, reason) in notes {
                            row.reject_value(sink, col, &raw, reason);
                        }
                        row.skip(sink, format!("attached:{}", row.file.table))
                    }
                    Err((field, reason)) => row.reject(sink, Some(field), reason),
                }
            });
        }
    }
}

/// The slot of a child row's `patent_id`, or `None` with the row rejected.
fn slot_of(by_id: &HashMap<String, usize>, row: &Row<'_>, sink: &mut dyn Sink) -> Option<usize> {
    let id = clean_number(row.get("patent_id"));
    if id.is_empty() {
        row.reject(sink, Some("patent_id"), "missing patent_id".into());
        return None;
    }
    let found = by_id.get(&id).copied();
    if found.is_none() {
        row.reject(
            sink,
            Some("patent_id"),
            format!(
                "patent_id {id} is not in the g_patent rows given; the {} row has no patent to join",
                row.file.table
            ),
        );
    }
    found
}

/// A `g_application` row: the first one gives the patent's application number and filing date.
fn application_row(
    row: &Row<'_>,
    slot: &mut Slot,
    _: &mut HashMap<String, Place>,
    notes: &mut Vec<ValueNote>,
) -> Result<(), (&'static str, String)> {
    let number = required_number(row, "application_id")?;
    let date = pv_date(row, "filing_date", notes);
    let a = &mut slot.rec.app;
    if slot.app_number.is_none() {
        slot.app_number = Some(number);
        a.filing_date = date;
        a.filing_year = date.map(|d| d.year());
    }
    Ok(())
}

/// The columns of a party table: sequence, first name, last name, organisation (`""` if none).
type PartyColumns = (&'static str, &'static str, &'static str, &'static str);

/// The [`PartyColumns`] of the assignee (owner) or inventor table.
fn party_columns(role: PartyRole) -> PartyColumns {
    match role {
        PartyRole::Owner => (
            "assignee_sequence",
            "disambig_assignee_individual_name_first",
            "disambig_assignee_individual_name_last",
            "disambig_assignee_organization",
        ),
        _ => (
            "inventor_sequence",
            "disambig_inventor_name_first",
            "disambig_inventor_name_last",
            "",
        ),
    }
}

/// An assignee or inventor row: a party of the patent, its country from its location.
fn party_row(
    role: PartyRole,
    (seq_col, first, last, org): PartyColumns,
    row: &Row<'_>,
    slot: &mut Slot,
    places: &mut HashMap<String, Place>,
) -> Result<(), (&'static str, String)> {
    let seq = seq(row, seq_col)?;
    let name = match opt(row.get(org)) {
        Some(o) => o,
        None => person_name(row.get(first), row.get(last)),
    };
    if name.is_empty() {
        let col = if org.is_empty() { last } else { org };
        return Err((col, "party without a name".into()));
    }
    let country = places.get_mut(row.get("location_id")).and_then(|p| {
        p.used = true;
        p.country.clone()
    });
    let party = Party {
        role,
        seq,
        name,
        country: country.map(Into::into),
    };
    if !slot.rec.parties.contains(&party) {
        slot.rec.parties.push(party);
    }
    Ok(())
}

/// A `g_cpc_current` row: a CPC class of the patent (subgroup, else group).
fn cpc_row(
    row: &Row<'_>,
    slot: &mut Slot,
    _: &mut HashMap<String, Place>,
    _: &mut Vec<ValueNote>,
) -> Result<(), (&'static str, String)> {
    let raw = [row.get("cpc_subgroup"), row.get("cpc_group")]
        .into_iter()
        .find(|s| !s.is_empty())
        .unwrap_or("");
    let code = normalize_class_code(raw);
    if code.is_empty() {
        return Err(("cpc_group", "empty CPC group".into()));
    }
    let c = Classification {
        scheme: ClassScheme::Cpc,
        code: code.into(),
    };
    if !slot.rec.classes.contains(&c) {
        slot.rec.classes.push(c);
    }
    Ok(())
}

/// A `g_ipc_at_issue` row: an IPC class of the patent, assembled from its symbol's parts.
fn ipc_row(
    row: &Row<'_>,
    slot: &mut Slot,
    _: &mut HashMap<String, Place>,
    _: &mut Vec<ValueNote>,
) -> Result<(), (&'static str, String)> {
    let section = row.get("section");
    let class = row.get("ipc_class");
    let subclass = row.get("subclass");
    if section.is_empty() || class.is_empty() || subclass.is_empty() {
        return Err((
            "section",
            "IPC symbol without section, class or subclass".into(),
        ));
    }
    let main = row.get("main_group");
    let sub = row.get("subgroup");
    let raw = if main.is_empty() {
        format!("{section}{class:0>2}{subclass}")
    } else {
        let sub = if sub.is_empty() { "00" } else { sub };
        format!("{section}{class:0>2}{subclass}{main}/{sub}")
    };
    let c = Classification {
        scheme: ClassScheme::Ipc,
        code: normalize_class_code(&raw).into(),
    };
    if !slot.rec.classes.contains(&c) {
        slot.rec.classes.push(c);
    }
    Ok(())
}

/// A `g_us_patent_citation` row: a US patent the patent cites.
fn citation_row(
    row: &Row<'_>,
    slot: &mut Slot,
    _: &mut HashMap<String, Place>,
    notes: &mut Vec<ValueNote>,
) -> Result<(), (&'static str, String)> {
    let number = required_number(row, "citation_patent_id")?;
    let date = pv_date(row, "citation_date", notes);
    let category = row.get("citation_category").to_ascii_lowercase();
    let cited_by = category
        .strip_prefix("cited by ")
        .unwrap_or(&category)
        .trim();
    let c = Citation {
        office: Some("US".into()),
        number: number.into(),
        kind: opt(row.get("wipo_kind"))
            .map(|k| k.to_ascii_uppercase())
            .map(Into::into),
        date,
        category: None,
        cited_by: opt(cited_by).map(Into::into),
        source_id: None,
    };
    if !slot.rec.citations.contains(&c) {
        slot.rec.citations.push(c);
    }
    Ok(())
}

/// The document number in column `col`, cleaned; a row without one is rejected naming it.
fn required_number(row: &Row<'_>, col: &'static str) -> Result<String, (&'static str, String)> {
    let number = clean_number(row.get(col));
    if number.is_empty() {
        return Err((col, format!("missing {col}")));
    }
    Ok(number)
}

/// A `g_foreign_priority` row: a foreign application the patent claims priority from.
fn foreign_priority_row(
    row: &Row<'_>,
    slot: &mut Slot,
    _: &mut HashMap<String, Place>,
    notes: &mut Vec<ValueNote>,
) -> Result<(), (&'static str, String)> {
    required_number(row, "foreign_application_id")?;
    let raw = row.get("foreign_application_id");
    let office = normalize_office(row.get("foreign_country_filed"));
    if office.is_empty() {
        return Err((
            "foreign_country_filed",
            "missing foreign_country_filed".into(),
        ));
    }
    let date = pv_date(row, "filing_date", notes);
    let (office, number) = match pct_number(raw).filter(|_| office == "WO") {
        Some(n) => (office, n),
        None => (office, clean_number(raw)),
    };
    let p = Priority {
        key: app_key(&office, &number),
        office: office.into(),
        number: number.into(),
        kind: None,
        date,
    };
    if !slot.rec.priorities.contains(&p) {
        slot.rec.priorities.push(p);
    }
    Ok(())
}

/// A `g_pct_data` row: the PCT application (which also gives `pct_key`) or publication.
fn pct_row(
    row: &Row<'_>,
    slot: &mut Slot,
    _: &mut HashMap<String, Place>,
    notes: &mut Vec<ValueNote>,
) -> Result<(), (&'static str, String)> {
    required_number(row, "pct_doc_number")?;
    let raw = row.get("pct_doc_number");
    let what = row.get("published_or_filed").to_ascii_lowercase();
    let r = match what.as_str() {
        "filed" => {
            let number = pct_number(raw).unwrap_or_else(|| clean_number(raw));
            let date = pv_date(row, "application_filing_date", notes);
            slot.rec.app.pct_key = Some(app_key("WO", &number));
            RelatedDoc {
                relation: "pct-application".into(),
                office: Some("WO".into()),
                number,
                date,
            }
        }
        "published" => {
            let c = clean_number(raw);
            RelatedDoc {
                relation: "pct-publication".into(),
                office: Some("WO".into()),
                number: c.strip_prefix("WO").unwrap_or(&c).to_string(),
                date: None,
            }
        }
        other => {
            return Err((
                "published_or_filed",
                format!("expected \"filed\" or \"published\", found {other:?}"),
            ));
        }
    };
    if !slot.rec.related.contains(&r) {
        slot.rec.related.push(r);
    }
    Ok(())
}

/// Counts each location as a skip: attached, or unused when no party refers to it.
fn report_places(places: HashMap<String, Place>, sink: &mut dyn Sink) {
    let mut place_skips: Vec<Skip> = places
        .into_values()
        .map(|p| {
            let mut s = p.skip;
            if !p.used {
                s.kind = "unused:g_location_disambiguated".into();
            }
            s
        })
        .collect();
    place_skips.sort_by_key(skip_order);

    for s in place_skips {
        sink.skip(s);
    }
}

/// The record of a joined patent: its US application key and earliest priority date set.
fn finished(slot: Slot) -> PatentRecord {
    let mut rec = slot.rec;
    let a = &mut rec.app;
    a.office = "US".into();
    a.number = (slot
        .app_number
        .unwrap_or_else(|| (rec.publications[0].number.clone()).to_string()))
    .into();
    a.key = app_key("US", &a.number);
    a.earliest_priority_date = rec
        .priorities
        .iter()
        .filter_map(|p| p.date)
        .chain(a.filing_date)
        .min();
    rec
}

/// Builds the record of a `g_patent` row, with the values it could not read;
/// `Err((column, reason))` rejects it.
fn patent_row(
    row: &Row<'_>,
) -> Result<(String, PatentRecord, Vec<ValueNote>), (&'static str, String)> {
    let id = required_number(row, "patent_id")?;
    let mut notes = Vec::new();
    let date = pv_date(row, "patent_date", &mut notes);
    let kind = row.get("wipo_kind").to_ascii_uppercase();
    let ptype = row.get("patent_type").to_ascii_lowercase();
    let withdrawn = optional(row, "withdrawn", &mut notes, flag);
    let mut rec = PatentRecord::default();
    rec.publications.push(Publication {
        office: "US".into(),
        number: id.as_str().into(),
        class: classify_publication("US", &kind, date),
        kind: kind.into(),
        date,
        source_id: None,
    });
    let a = &mut rec.app;
    a.provenance = row.provenance();
    a.source_id = Some(id.as_str().into());
    a.title = opt(row.get("patent_title"));
    a.abstract_text = opt(row.get("patent_abstract"));
    a.claims_count = optional(row, "num_claims", &mut notes, parse_count);
    if withdrawn == Some(true) {
        a.legal_status = Some("WITHDRAWN".into());
    } else if matches!(ptype.as_str(), "utility" | "plant" | "reissue") {
        a.granted = Some(true);
    }
    Ok((id, rec, notes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_individuals() {
        assert_eq!(person_name("Jane", "Doe"), "Jane Doe");
        assert_eq!(person_name("", "Doe"), "Doe");
        assert_eq!(person_name("", ""), "");
    }
}
