//! Reader for Lens.org patent API JSON: one document per line (JSONL), a JSON array of
//! documents, or a `{"data": [...]}` response wrapper; one record per publication, keyed by
//! its application (`biblio.application_reference`).
//!
//! Mapping notes:
//! - A PCT application (`application_reference.kind` `W`, e.g. `US 2017034582 W`) is keyed
//!   `WO` + receiving office + year + 6-digit serial (`WOUS2017034582`), the form the PATSTAT
//!   and PatentsView readers use too, with `receiving_office` set.
//! - `legal_status.granted` decides `granted` when present; otherwise `publication_type`
//!   `GRANTED_PATENT` gives `Some(true)`, `PATENT_APPLICATION` `Some(false)`, anything else
//!   `None`.
//! - A US application number loses the filing year Lens writes in front of it
//!   (`201514863446` is `US14863446`), the form of every other source.
//! - Lens lists an application among its own priority claims; that self-claim is dropped, and
//!   an application whose claims name nothing else is marked as a priority (first) filing.
//! - `docdb_id` identifies the publication in DOCDB, not a family, so it is not mapped;
//!   `lens_id` names the publication too, so it is the publication's `source_id` only.
//!
//! Every leaf key path of a file (`biblio.parties.applicants[].extracted_name.value`: keys
//! joined by `.`, `[]` for an array's items) is reported as a column ([`key_table`] maps it,
//! any other path is ignored; see [`crate::paths`]), with the non-empty values read per mapped
//! path in kept documents. A bad optional value (a date, a count) is a field-level rejection
//! ([`Sink::field_note`]) and the document is kept without it; a document without
//! jurisdiction or number is rejected whole.
//!
//! Empty lines are ignored and not counted; every other line (or array element) is one input
//! record.
//!
//! A document nested deeper than serde_json's recursion limit
//! ([`crate::limits::MAX_JSON_DEPTH`]) or with a string longer than
//! [`crate::limits::MAX_FIELD_BYTES`] is rejected alone; in an array or `data` wrapper the
//! other documents are then parsed one by one (`json_items`).

use chrono::{Datelike, NaiveDate};
use patq_model::{
    Citation, ClassScheme, Classification, DateOrder, FamilyKind, FamilyMember, Party, PartyRole,
    PatentRecord, Priority, Provenance, Publication, ToText, app_key, classify_publication,
    clean_number, normalize_class_code, normalize_office, parse_date,
};
use serde_json::Value;

use crate::json_items::top_items;
use crate::limits::{MAX_FIELD_BYTES, MAX_JSON_DEPTH, too_long};
use crate::paths::PathCensus;
use crate::sink::{FieldAction, FieldNote, excerpt};
use crate::util::parse_count;
use crate::util::pct_number;
use crate::{IngestError, Input, Location, Rejection, Sink};

/// Longest line accepted; a larger one is almost surely not a single Lens document (a
/// minified array without line breaks, a binary file) and is rejected rather than parsed.
pub const MAX_LINE_BYTES: usize = 32 * 1024 * 1024;

/// Claims text kept per record; full claim sets of chemistry patents run to megabytes.
const MAX_CLAIMS_CHARS: usize = 20_000;

const PROGRESS_EVERY: u64 = 200;

/// The leaf key paths this reader reads and the field each fills; any other path is ignored.
const KEY_TABLE: &[(&str, &str)] = &[
    ("lens_id", "publications.source_id"),
    ("jurisdiction", "publications.office (record key)"),
    ("doc_number", "publications.number (record key)"),
    ("kind", "publications.kind"),
    ("date_published", "publications.date"),
    (
        "publication_type",
        "applications.granted (when legal_status.granted is absent)",
    ),
    ("legal_status.granted", "applications.granted"),
    ("legal_status.patent_status", "applications.legal_status"),
    (
        "biblio.application_reference.jurisdiction",
        "applications.office",
    ),
    (
        "biblio.application_reference.doc_number",
        "applications.number",
    ),
    ("biblio.application_reference.kind", "applications.kind"),
    (
        "biblio.application_reference.date",
        "applications.filing_date",
    ),
    (
        "biblio.priority_claims.claims[].jurisdiction",
        "priorities.office",
    ),
    (
        "biblio.priority_claims.claims[].doc_number",
        "priorities.number",
    ),
    ("biblio.priority_claims.claims[].kind", "priorities.kind"),
    ("biblio.priority_claims.claims[].date", "priorities.date"),
    (
        "biblio.priority_claims.earliest_claim.date",
        "applications.earliest_priority_date",
    ),
    ("biblio.invention_title[].text", "applications.title"),
    (
        "biblio.invention_title[].lang",
        "applications.title (English preferred)",
    ),
    ("abstract[].text", "applications.abstract_text"),
    (
        "abstract[].lang",
        "applications.abstract_text (English preferred)",
    ),
    (
        "claims[].lang",
        "applications.claims_text (English set preferred)",
    ),
    (
        "claims[].claims[].claim_text[]",
        "applications.claims_text, applications.claims_count",
    ),
    (
        "biblio.cited_by.patent_count",
        "applications.cited_by_count",
    ),
    (
        "biblio.references_cited.npl_count",
        "applications.npl_citation_count",
    ),
    (
        "biblio.references_cited.citations[].nplcit.text",
        "applications.npl_citation_count (counted when npl_count is absent)",
    ),
    (
        "biblio.references_cited.citations[].cited_phase",
        "citations.cited_by",
    ),
    (
        "biblio.references_cited.citations[].patcit.lens_id",
        "citations.source_id",
    ),
    (
        "biblio.references_cited.citations[].patcit.document_id.jurisdiction",
        "citations.office",
    ),
    (
        "biblio.references_cited.citations[].patcit.document_id.doc_number",
        "citations.number",
    ),
    (
        "biblio.references_cited.citations[].patcit.document_id.kind",
        "citations.kind",
    ),
    (
        "biblio.references_cited.citations[].patcit.document_id.date",
        "citations.date",
    ),
    (
        "biblio.parties.applicants[].extracted_name.value",
        "parties (applicant)",
    ),
    (
        "biblio.parties.applicants[].residence",
        "parties.country (applicant)",
    ),
    (
        "biblio.parties.applicants[].extracted_country",
        "parties.country (applicant, when residence is absent)",
    ),
    (
        "biblio.parties.inventors[].extracted_name.value",
        "parties (inventor)",
    ),
    (
        "biblio.parties.inventors[].residence",
        "parties.country (inventor)",
    ),
    (
        "biblio.parties.inventors[].extracted_country",
        "parties.country (inventor, when residence is absent)",
    ),
    (
        "biblio.parties.owners_all[].extracted_name.value",
        "parties (owner)",
    ),
    (
        "biblio.parties.owners_all[].residence",
        "parties.country (owner)",
    ),
    (
        "biblio.parties.owners_all[].extracted_country",
        "parties.country (owner, when residence is absent)",
    ),
    (
        "biblio.classifications_cpc.classifications[].symbol",
        "classes (CPC)",
    ),
    (
        "biblio.classifications_ipcr.classifications[].symbol",
        "classes (IPC)",
    ),
    (
        "families.simple_family.size",
        "applications.simple_family_size",
    ),
    (
        "families.extended_family.size",
        "applications.extended_family_size",
    ),
    (
        "families.simple_family.members[].lens_id",
        "family_members.source_id (simple)",
    ),
    (
        "families.simple_family.members[].document_id.jurisdiction",
        "family_members.member (simple)",
    ),
    (
        "families.simple_family.members[].document_id.doc_number",
        "family_members.member (simple)",
    ),
    (
        "families.simple_family.members[].document_id.kind",
        "family_members.member (simple)",
    ),
    (
        "families.extended_family.members[].lens_id",
        "family_members.source_id (extended)",
    ),
    (
        "families.extended_family.members[].document_id.jurisdiction",
        "family_members.member (extended)",
    ),
    (
        "families.extended_family.members[].document_id.doc_number",
        "family_members.member (extended)",
    ),
    (
        "families.extended_family.members[].document_id.kind",
        "family_members.member (extended)",
    ),
];

/// The leaf key paths read and the field each fills (docs/FORMATS.md is generated from it).
pub fn key_table() -> &'static [(&'static str, &'static str)] {
    KEY_TABLE
}

fn field_of(path: &str) -> Option<&'static str> {
    KEY_TABLE.iter().find(|(p, _)| *p == path).map(|(_, f)| *f)
}

/// Notes as rejected every non-empty value of a mapped path inside `entry`, a list entry under
/// `base` (e.g. `biblio.parties.applicants[]`) that is not stored for `reason` (an applicant
/// without a name), except the keys in `kept` (read elsewhere): they were counted as read, so
/// they must be counted as rejected.
fn entry_not_stored(
    entry: &Value,
    base: &str,
    kept: &[&str],
    reason: &str,
    notes: &mut Vec<BadValue>,
) {
    fn walk(v: &Value, path: &mut String, kept: &[&str], reason: &str, out: &mut Vec<BadValue>) {
        let len = path.len();
        match v {
            Value::Object(o) => {
                for (k, x) in o {
                    path.push('.');
                    path.push_str(k);
                    walk(x, path, kept, reason, out);
                    path.truncate(len);
                }
            }
            Value::Array(a) => {
                path.push_str("[]");
                for x in a {
                    walk(x, path, kept, reason, out);
                }
                path.truncate(len);
            }
            Value::Null => {}
            Value::String(t) if t.trim().is_empty() => {}
            leaf => {
                let known = KEY_TABLE.iter().find(|(p, _)| *p == path.as_str());
                if let Some((p, _)) = known.filter(|(p, _)| !kept.iter().any(|k| p.ends_with(k))) {
                    let value = match leaf {
                        Value::String(t) => t.trim().to_string(),
                        other => other.to_string(),
                    };
                    out.push(BadValue {
                        field: p,
                        value: value.chars().take(200).collect(),
                        reason: reason.to_string(),
                    });
                }
            }
        }
    }
    walk(entry, &mut base.to_string(), kept, reason, notes);
}

/// Adds the leaf key paths of `doc` to the census; values count only for a kept document.
fn census_doc(doc: &Value, kept: bool, census: &mut PathCensus) {
    fn walk(v: &Value, path: &mut String, kept: bool, census: &mut PathCensus) {
        let len = path.len();
        match v {
            Value::Object(o) => {
                for (k, x) in o {
                    if len > 0 {
                        path.push('.');
                    }
                    path.push_str(k);
                    walk(x, path, kept, census);
                    path.truncate(len);
                }
            }
            Value::Array(a) => {
                path.push_str("[]");
                for x in a {
                    walk(x, path, kept, census);
                }
                path.truncate(len);
            }
            leaf => {
                let value = match leaf {
                    Value::String(t) => !t.trim().is_empty(),
                    Value::Null => false,
                    _ => true,
                };
                census.see(path, u64::from(kept && value), field_of);
            }
        }
    }
    if doc.is_object() {
        walk(doc, &mut String::new(), kept, census);
    }
}

/// Reads every input of this format into the sink.
pub fn read(inputs: &[&Input], sink: &mut dyn Sink) -> Result<(), IngestError> {
    for input in inputs {
        read_one(input, sink)?;
    }
    Ok(())
}

fn read_one(input: &Input, sink: &mut dyn Sink) -> Result<(), IngestError> {
    let mut census = PathCensus::default();
    read_docs(input, &mut census, sink)?;
    census.report(&input.name, sink);
    Ok(())
}

fn read_docs(
    input: &Input,
    census: &mut PathCensus,
    sink: &mut dyn Sink,
) -> Result<(), IngestError> {
    let text = input.text.as_str();
    let trimmed = text.trim_start();
    // A whole-document form (array, wrapper, pretty-printed single document) is tried first
    // only when the text does not look like JSONL.
    let first_line = trimmed.lines().next().unwrap_or("");
    let looks_jsonl = trimmed.starts_with('{')
        && serde_json::from_str::<Value>(first_line).is_ok_and(|v| v.get("data").is_none());
    if !looks_jsonl && (trimmed.starts_with('[') || trimmed.starts_with('{')) {
        match serde_json::from_str::<Value>(text) {
            Ok(Value::Array(docs)) => {
                emit_all(input, docs, census, sink)?;
                return Ok(());
            }
            Ok(Value::Object(mut o)) => {
                if let Some(Value::Array(docs)) = o.remove("data") {
                    emit_all(input, docs, census, sink)?;
                } else {
                    emit(
                        input,
                        Location::Record(1),
                        &Value::Object(o),
                        text,
                        census,
                        sink,
                    )?;
                }
                return Ok(());
            }
            Ok(_) => {}
            // One document nested too deep fails the whole parse: each document is then
            // parsed on its own, so only that one is rejected.
            Err(e) if too_deep(&e) && top_items(text).is_some() => {
                emit_items(input, text, census, sink)?;
                return Ok(());
            }
            Err(e) if trimmed.starts_with('[') => {
                return Err(IngestError::Malformed {
                    path: input.name.clone(),
                    message: format!("not a valid JSON array of Lens documents: {e}"),
                });
            }
            // Not one document: read it line by line so each bad line is reported alone.
            Err(_) => {}
        }
    }
    let mut offset = 0usize;
    let mut n_docs = 0u64;
    for (i, raw) in text.split('\n').enumerate() {
        let line_no = i as u64 + 1;
        let start = offset;
        offset += raw.len() + 1;
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        n_docs += 1;
        if n_docs.is_multiple_of(PROGRESS_EVERY) {
            sink.progress(start as u64);
        }
        let loc = Location::Line(line_no);
        if line.len() > MAX_LINE_BYTES {
            sink.reject(rejection(
                input,
                loc,
                None,
                format!(
                    "line of {} bytes is longer than the {} MiB limit for one Lens document",
                    line.len(),
                    MAX_LINE_BYTES / (1024 * 1024)
                ),
                line,
            ));
            continue;
        }
        match serde_json::from_str::<Value>(line) {
            Ok(Value::Object(mut o)) if o.get("lens_id").is_none() && o.contains_key("data") => {
                match o.remove("data") {
                    Some(Value::Array(docs)) => {
                        for d in &docs {
                            emit(input, loc.clone(), d, line, census, sink)?;
                        }
                    }
                    _ => sink.reject(rejection(
                        input,
                        loc,
                        Some("data"),
                        "`data` wrapper without an array of documents".into(),
                        line,
                    )),
                }
            }
            Ok(v) => emit(input, loc, &v, line, census, sink)?,
            Err(e) => sink.reject(rejection(input, loc, None, json_fault(&e), line)),
        }
    }
    sink.progress(text.len() as u64);
    Ok(())
}

fn emit_all(
    input: &Input,
    docs: Vec<Value>,
    census: &mut PathCensus,
    sink: &mut dyn Sink,
) -> Result<(), IngestError> {
    for (i, d) in docs.iter().enumerate() {
        let text = d.to_string();
        emit(
            input,
            Location::Record(i as u64 + 1),
            d,
            &text,
            census,
            sink,
        )?;
        if (i as u64 + 1).is_multiple_of(PROGRESS_EVERY) {
            sink.progress((input.text.len() * i / docs.len()) as u64);
        }
    }
    Ok(())
}

/// Reads the items of the text's array (see [`top_items`]) one by one, as records 1, 2, ...
fn emit_items(
    input: &Input,
    text: &str,
    census: &mut PathCensus,
    sink: &mut dyn Sink,
) -> Result<(), IngestError> {
    let items = top_items(text).unwrap_or_default();
    for (i, r) in items.iter().enumerate() {
        let loc = Location::Record(i as u64 + 1);
        let item = &text[r.clone()];
        match serde_json::from_str::<Value>(item) {
            Ok(d) => emit(input, loc, &d, item, census, sink)?,
            Err(e) => sink.reject(rejection(input, loc, None, json_fault(&e), item)),
        }
        if (i as u64 + 1).is_multiple_of(PROGRESS_EVERY) {
            sink.progress(r.start as u64);
        }
    }
    Ok(())
}

/// True when serde_json stopped at its recursion limit ([`MAX_JSON_DEPTH`]).
fn too_deep(e: &serde_json::Error) -> bool {
    e.is_syntax() && e.to_string().starts_with("recursion limit exceeded")
}

/// The reason a document that serde_json refused is rejected.
fn json_fault(e: &serde_json::Error) -> String {
    if too_deep(e) {
        format!(
            "arrays and objects nested more than {MAX_JSON_DEPTH} deep (the limit for one document): {e}"
        )
    } else {
        format!("invalid JSON: {e}")
    }
}

/// The top-level field of `doc` holding a string longer than [`MAX_FIELD_BYTES`], if any.
fn long_field(doc: &Value) -> Option<String> {
    let Value::Object(o) = doc else { return None };
    o.iter().find_map(|(key, v)| {
        let mut stack = vec![v];
        while let Some(v) = stack.pop() {
            match v {
                Value::String(s) if s.len() > MAX_FIELD_BYTES => return Some(key.clone()),
                Value::Array(a) => stack.extend(a),
                Value::Object(o) => stack.extend(o.values()),
                _ => {}
            }
        }
        None
    })
}

fn rejection(
    input: &Input,
    location: Location,
    field: Option<&str>,
    reason: String,
    text: &str,
) -> Rejection {
    Rejection {
        file: input.name.clone(),
        location,
        field: field.map(str::to_string),
        reason,
        excerpt: excerpt(text, 200),
    }
}

fn emit(
    input: &Input,
    loc: Location,
    doc: &Value,
    text: &str,
    census: &mut PathCensus,
    sink: &mut dyn Sink,
) -> Result<(), IngestError> {
    if let Some(field) = long_field(doc) {
        census_doc(doc, false, census);
        sink.reject(rejection(input, loc, Some(&field), too_long(), text));
        return Ok(());
    }
    let prov = Provenance {
        source_file: input.file_index,
        location: loc.to_lean_string(),
    };
    let mut notes = Vec::new();
    match record(doc, prov, &mut notes) {
        Ok(r) => {
            census_doc(doc, true, census);
            for BadValue {
                field,
                value,
                reason,
            } in notes
            {
                sink.field_note(FieldNote {
                    file: input.name.clone(),
                    location: loc.clone(),
                    field: field.to_string(),
                    action: FieldAction::Rejected,
                    value: excerpt(&value, 200),
                    stored: None,
                    reason,
                });
            }
            sink.record(r).map_err(IngestError::sink(&input.name))?;
        }
        Err((field, reason)) => {
            census_doc(doc, false, census);
            sink.reject(rejection(input, loc, field.as_deref(), reason, text))
        }
    }
    Ok(())
}

/// A rejection's field and reason.
type Fault = (Option<String>, String);

/// A value of a kept document that could not be read: its key path (as reported in the
/// columns), the value as read and why.
struct BadValue {
    field: &'static str,
    value: String,
    reason: String,
}

/// The value at a path of object keys.
fn at<'v>(v: &'v Value, path: &[&str]) -> Option<&'v Value> {
    path.iter().try_fold(v, |v, k| v.get(k))
}

/// The trimmed string at a path; numbers are written out, anything else is empty.
fn s(v: &Value, path: &[&str]) -> String {
    match at(v, path) {
        Some(Value::String(x)) => x.trim().to_string(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

fn arr<'v>(v: &'v Value, path: &[&str]) -> &'v [Value] {
    at(v, path)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// The value at a path as text for an optional field: strings trimmed, numbers and booleans
/// written out (a boolean is then reported as unreadable, not passed over).
fn raw(v: &Value, path: &[&str]) -> String {
    match at(v, path) {
        Some(Value::Bool(b)) => b.to_string(),
        _ => s(v, path),
    }
}

/// An optional date; a value that is no date is noted under `field` and read as absent.
fn date(
    v: &Value,
    path: &[&str],
    field: &'static str,
    notes: &mut Vec<BadValue>,
) -> Option<NaiveDate> {
    let value = raw(v, path);
    if value.is_empty() {
        return None;
    }
    let d = parse_date(&value, DateOrder::DayFirst);
    if d.is_none() {
        let reason = format!("not a date: {value:?}");
        notes.push(BadValue {
            field,
            value,
            reason,
        });
    }
    d
}

/// An optional count; a value that is no count is noted under `field` and read as absent.
fn count(v: &Value, path: &[&str], field: &'static str, notes: &mut Vec<BadValue>) -> Option<u32> {
    let value = raw(v, path);
    match parse_count(&value) {
        Ok(n) => n,
        Err(reason) => {
            notes.push(BadValue {
                field,
                value,
                reason,
            });
            None
        }
    }
}

/// The text of the entry in `lang` `en`, else the first one with text.
fn english(items: &[Value], key: &str) -> Option<String> {
    let text = |v: &Value| s(v, &[key]);
    items
        .iter()
        .find(|v| s(v, &["lang"]).eq_ignore_ascii_case("en") && !text(v).is_empty())
        .or_else(|| items.iter().find(|v| !text(v).is_empty()))
        .map(text)
}

/// Office and number of an application reference; PCT applications get the shared WO form.
fn app_number(juris: &str, number: &str, kind: &str) -> (String, String) {
    let office = normalize_office(juris);
    if kind.eq_ignore_ascii_case("W") || office == "WO" {
        let joined = format!("{office}{number}");
        if let Some(n) = pct_number(&joined) {
            return ("WO".into(), n);
        }
    }
    let number = clean_number(number);
    // Lens JSON writes a US application number with its filing year in front
    // (`201514863446` for 14/863,446); the series code and serial alone are the number the
    // USPTO, PatentsView and Lens CSV use, so keys agree across sources.
    if office == "US"
        && number.len() == 12
        && number.bytes().all(|b| b.is_ascii_digit())
        && (number.starts_with("19") || number.starts_with("20"))
    {
        return (office, number[4..].to_string());
    }
    (office, number)
}

/// The record of one Lens JSON document, section by section; `Err` rejects it.
fn record(
    doc: &Value,
    provenance: Provenance,
    notes: &mut Vec<BadValue>,
) -> Result<PatentRecord, Fault> {
    if !doc.is_object() {
        return Err((None, "not a JSON object".into()));
    }
    let juris = normalize_office(&s(doc, &["jurisdiction"]));
    if juris.is_empty() {
        return Err((Some("jurisdiction".into()), "missing jurisdiction".into()));
    }
    let doc_number = clean_number(&s(doc, &["doc_number"]));
    if doc_number.is_empty() {
        return Err((Some("doc_number".into()), "missing doc_number".into()));
    }
    let kind = s(doc, &["kind"]).to_ascii_uppercase();
    let lens_id = Some(s(doc, &["lens_id"])).filter(|x| !x.is_empty());
    let pub_date = date(doc, &["date_published"], "date_published", notes);
    let b = doc.get("biblio").unwrap_or(&Value::Null);

    let mut rec = PatentRecord::default();
    rec.publications.push(Publication {
        class: classify_publication(&juris, &kind, pub_date),
        office: juris.as_str().into(),
        number: doc_number.as_str().into(),
        kind: kind.as_str().into(),
        date: pub_date,
        source_id: lens_id.as_deref().map(Into::into),
    });

    let a = &mut rec.app;
    a.provenance = provenance;
    application_reference(doc, &juris, &doc_number, a, notes);

    priority_claims(b, &mut rec, notes);
    let a = &mut rec.app;
    a.title = english(arr(b, &["invention_title"]), "text");
    a.abstract_text = english(arr(doc, &["abstract"]), "text");
    claims(doc, a);

    status(doc, a);

    counts(doc, b, a, notes);
    let refs = at(b, &["references_cited"]);
    let fam = doc.get("families").unwrap_or(&Value::Null);
    parties(b, &mut rec, notes);
    classes(b, &mut rec);
    if let Some(refs) = refs {
        citations(refs, &mut rec, notes);
    }
    family_members(fam, &mut rec);
    Ok(rec)
}

/// The application of the publication, from `biblio.application_reference` (the publication
/// itself when there is none): key, office, number, kind, PCT flag and filing date.
fn application_reference(
    doc: &Value,
    juris: &str,
    doc_number: &str,
    a: &mut patq_model::Application,
    notes: &mut Vec<BadValue>,
) {
    // A Lens ID names a publication: the A1 and B2 of one application have different ones,
    // so it stays on the publication (citations resolve through it there).
    let ar = ["biblio", "application_reference"];
    let ar_number = s(doc, &[ar[0], ar[1], "doc_number"]);
    let ar_kind = s(doc, &[ar[0], ar[1], "kind"]).to_ascii_uppercase();
    if clean_number(&ar_number).is_empty() {
        // Without an application reference the publication stands for its application.
        a.office = juris.into();
        a.number = doc_number.into();
    } else {
        let ar_juris = s(doc, &[ar[0], ar[1], "jurisdiction"]);
        let ar_juris = if ar_juris.is_empty() {
            juris.to_string()
        } else {
            ar_juris
        };
        let (office, number) = app_number(&ar_juris, &ar_number, &ar_kind);
        if office == "WO" {
            a.receiving_office = Some(normalize_office(&ar_juris))
                .filter(|o| o != "WO")
                .map(Into::into);
        }
        a.office = office.into();
        a.number = number.into();
        a.kind = Some(ar_kind).filter(|k| !k.is_empty()).map(Into::into);
    }
    a.key = app_key(&a.office, &a.number);
    a.is_pct = a.office == "WO" || juris == "WO" || a.kind.as_deref() == Some("W");
    a.filing_date = date(
        doc,
        &[ar[0], ar[1], "date"],
        "biblio.application_reference.date",
        notes,
    );
    a.filing_year = a.filing_date.map(|d| d.year());
}

/// Whether the application is granted (`legal_status.granted`, else the publication type)
/// and its legal status.
fn status(doc: &Value, a: &mut patq_model::Application) {
    a.granted = match at(doc, &["legal_status", "granted"]).and_then(Value::as_bool) {
        Some(g) => Some(g),
        None => match s(doc, &["publication_type"]).as_str() {
            "GRANTED_PATENT" => Some(true),
            "PATENT_APPLICATION" => Some(false),
            _ => None,
        },
    };
    a.legal_status = Some(s(doc, &["legal_status", "patent_status"]))
        .filter(|x| !x.is_empty())
        .map(Into::into);
}

/// Citation and family counts: cited-by, non-patent literature, simple and extended family
/// sizes.
fn counts(doc: &Value, b: &Value, a: &mut patq_model::Application, notes: &mut Vec<BadValue>) {
    let cited_by = ["biblio", "cited_by", "patent_count"];
    a.cited_by_count = count(doc, &cited_by, "biblio.cited_by.patent_count", notes);
    let refs = at(b, &["references_cited"]);
    if let Some(refs) = refs {
        let npl = count(
            refs,
            &["npl_count"],
            "biblio.references_cited.npl_count",
            notes,
        );
        let listed = arr(refs, &["citations"])
            .iter()
            .filter(|c| c.get("nplcit").is_some())
            .count() as u32;
        a.npl_citation_count = Some(npl.unwrap_or(listed));
    }
    let fam = doc.get("families").unwrap_or(&Value::Null);
    a.simple_family_size = count(
        fam,
        &["simple_family", "size"],
        "families.simple_family.size",
        notes,
    );
    a.extended_family_size = count(
        fam,
        &["extended_family", "size"],
        "families.extended_family.size",
        notes,
    );
}

/// Priority claims (the application's own claim dropped) and the earliest priority date.
fn priority_claims(b: &Value, rec: &mut PatentRecord, notes: &mut Vec<BadValue>) {
    let a = &mut rec.app;
    let mut others = 0;
    let mut earliest: Option<NaiveDate> = None;
    for c in arr(b, &["priority_claims", "claims"]) {
        let number = s(c, &["doc_number"]);
        let ckind = s(c, &["kind"]).to_ascii_uppercase();
        let d = date(c, &["date"], "biblio.priority_claims.claims[].date", notes);
        earliest = match (earliest, d) {
            (Some(e), Some(d)) => Some(e.min(d)),
            (e, d) => e.or(d),
        };
        if clean_number(&number).is_empty() {
            // Its date still counts for the earliest priority date.
            let why = "priority claim without a number: not stored as a priority";
            entry_not_stored(c, "biblio.priority_claims.claims[]", &[".date"], why, notes);
            continue;
        }
        let (office, number) = app_number(&s(c, &["jurisdiction"]), &number, &ckind);
        let key = app_key(&office, &number);
        if key == a.key {
            continue;
        }
        others += 1;
        let p = Priority {
            office: office.into(),
            number: number.into(),
            kind: Some(ckind).filter(|k| !k.is_empty()).map(Into::into),
            date: d,
            key,
        };
        if !rec.priorities.contains(&p) {
            rec.priorities.push(p);
        }
    }
    if at(b, &["priority_claims"]).is_some() {
        a.is_priority_filing = Some(others == 0);
    }
    a.earliest_priority_date = date(
        b,
        &["priority_claims", "earliest_claim", "date"],
        "biblio.priority_claims.earliest_claim.date",
        notes,
    );
    if a.earliest_priority_date.is_none() {
        a.earliest_priority_date = earliest;
    }
}

/// Applicants, inventors and owners (an owner listed twice once).
fn parties(b: &Value, rec: &mut PatentRecord, notes: &mut Vec<BadValue>) {
    for (role, path, base) in [
        (
            PartyRole::Applicant,
            "applicants",
            "biblio.parties.applicants[]",
        ),
        (
            PartyRole::Inventor,
            "inventors",
            "biblio.parties.inventors[]",
        ),
        (
            PartyRole::Owner,
            "owners_all",
            "biblio.parties.owners_all[]",
        ),
    ] {
        let mut seq = 0;
        for p in arr(b, &["parties", path]) {
            let name = s(p, &["extracted_name", "value"]);
            if name.is_empty() {
                let why = "party without a name: not stored";
                entry_not_stored(p, base, &[], why, notes);
                continue;
            }
            let country = [s(p, &["residence"]), s(p, &["extracted_country"])]
                .into_iter()
                .find(|c| !c.is_empty())
                .map(|c| normalize_office(&c));
            if role == PartyRole::Owner
                && rec.parties.iter().any(|q| q.role == role && q.name == name)
            {
                continue;
            }
            rec.parties.push(Party {
                role,
                seq,
                name,
                country: country.map(Into::into),
            });
            seq += 1;
        }
    }
}

/// CPC and IPC symbols, each once.
fn classes(b: &Value, rec: &mut PatentRecord) {
    for (scheme, path) in [
        (ClassScheme::Cpc, "classifications_cpc"),
        (ClassScheme::Ipc, "classifications_ipcr"),
    ] {
        for c in arr(b, &[path, "classifications"]) {
            let code = normalize_class_code(&s(c, &["symbol"]));
            if code.is_empty() {
                continue;
            }
            let c = Classification {
                scheme,
                code: code.into(),
            };
            if !rec.classes.contains(&c) {
                rec.classes.push(c);
            }
        }
    }
}

/// Patent citations, each once; a cited document without a number is no citation.
fn citations(refs: &Value, rec: &mut PatentRecord, notes: &mut Vec<BadValue>) {
    for c in arr(refs, &["citations"]) {
        let Some(pc) = c.get("patcit") else { continue };
        let id = pc.get("document_id").unwrap_or(&Value::Null);
        let number = clean_number(&s(id, &["doc_number"]));
        if number.is_empty() {
            let why = "cited patent without a number: not stored as a citation";
            let base = "biblio.references_cited.citations[]";
            entry_not_stored(c, base, &[], why, notes);
            continue;
        }
        let d = date(
            id,
            &["date"],
            "biblio.references_cited.citations[].patcit.document_id.date",
            notes,
        );
        let cit = Citation {
            office: Some(normalize_office(&s(id, &["jurisdiction"])))
                .filter(|o| !o.is_empty())
                .map(Into::into),
            number: number.into(),
            kind: Some(s(id, &["kind"]).to_ascii_uppercase())
                .filter(|k| !k.is_empty())
                .map(Into::into),
            date: d,
            category: None,
            cited_by: Some(s(c, &["cited_phase"]))
                .filter(|x| !x.is_empty())
                .map(Into::into),
            source_id: Some(s(pc, &["lens_id"]))
                .filter(|x| !x.is_empty())
                .map(Into::into),
        };
        if !rec.citations.contains(&cit) {
            rec.citations.push(cit);
        }
    }
}

/// Simple and extended family members as `office number kind`, each once.
fn family_members(fam: &Value, rec: &mut PatentRecord) {
    for (family, path) in [
        (FamilyKind::Simple, "simple_family"),
        (FamilyKind::Extended, "extended_family"),
    ] {
        for m in arr(fam, &[path, "members"]) {
            let id = m.get("document_id").unwrap_or(&Value::Null);
            let member = [
                normalize_office(&s(id, &["jurisdiction"])),
                clean_number(&s(id, &["doc_number"])),
                s(id, &["kind"]).to_ascii_uppercase(),
            ]
            .into_iter()
            .filter(|x| !x.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
            if member.is_empty() {
                continue;
            }
            let fm = FamilyMember {
                family,
                member: member.into(),
                source_id: Some(s(m, &["lens_id"]))
                    .filter(|x| !x.is_empty())
                    .map(Into::into),
            };
            if !rec.family_members.contains(&fm) {
                rec.family_members.push(fm);
            }
        }
    }
}

/// Claims text (English set preferred, capped) and count. Lens gives one entry per claim for
/// most offices, but WIPO claim sets arrive as a single entry holding every claim's lines; the
/// count is left unknown then rather than reported as 1.
fn claims(doc: &Value, a: &mut patq_model::Application) {
    let sets = arr(doc, &["claims"]);
    let set = sets
        .iter()
        .find(|c| s(c, &["lang"]).eq_ignore_ascii_case("en"))
        .or_else(|| sets.first());
    let Some(set) = set else { return };
    let entries = arr(set, &["claims"]);
    let mut text = String::new();
    let mut lines_in_single = 0;
    for e in entries {
        let parts = arr(e, &["claim_text"]);
        if entries.len() == 1 {
            lines_in_single = parts.len();
        }
        for p in parts {
            if let Some(t) = p.as_str() {
                if !text.is_empty() {
                    text.push('\n');
                }
                text.push_str(t.trim());
            }
        }
        if text.chars().count() > MAX_CLAIMS_CHARS {
            break;
        }
    }
    if !text.is_empty() {
        a.claims_text = Some(text.chars().take(MAX_CLAIMS_CHARS).collect());
    }
    let single_entry_set = entries.len() == 1 && lines_in_single > 1;
    if !entries.is_empty() && !single_entry_set {
        a.claims_count = Some(entries.len() as u32);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pct_application_numbers() {
        assert_eq!(
            app_number("US", "2017034582", "W"),
            ("WO".to_string(), "US2017034582".to_string())
        );
        assert_eq!(
            app_number("us", "201514863446", "A"),
            ("US".to_string(), "14863446".to_string())
        );
        assert_eq!(
            app_number("US", "201562130600", "P"),
            ("US".to_string(), "62130600".to_string())
        );
    }

    #[test]
    fn english_text_is_preferred() {
        let v: Value =
            serde_json::from_str(r#"[{"text":"Titel","lang":"de"},{"text":"Title","lang":"en"}]"#)
                .unwrap();
        assert_eq!(
            english(v.as_array().unwrap(), "text").as_deref(),
            Some("Title")
        );
        let v: Value =
            serde_json::from_str(r#"[{"text":"","lang":"en"},{"text":"标题"}]"#).unwrap();
        assert_eq!(
            english(v.as_array().unwrap(), "text").as_deref(),
            Some("标题")
        );
    }
}
