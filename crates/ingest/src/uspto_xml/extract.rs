//! Turns one parsed USPTO document (grant, application, or 2001-2004 pap application) into a
//! [`PatentRecord`], or says which field makes it unusable.

use chrono::{Datelike, NaiveDate};
use patq_model::{
    Application, Citation, ClassScheme, Classification, DateOrder, Party, PartyRole, PatentRecord,
    Priority, Provenance, Publication, RelatedDoc, ThinVec, app_key, classify_publication,
    clean_number, normalize_class_code, normalize_office, parse_date,
};

use super::codes::{
    assembled_class, cited_by, cited_number, ipc_fixed, locarno_code, partial_date, pct_number,
    us_number, uspc_code, uspc_parts,
};
use super::parse::{CLAIMS_CAP, Doc, DocKind};
use super::tree::Node;

/// Why a document cannot become a record: the field at fault and the reason.
#[derive(Debug, PartialEq)]
pub(crate) struct Unusable {
    pub field: String,
    pub reason: String,
}

fn unusable(field: &str, reason: impl Into<String>) -> Unusable {
    Unusable {
        field: field.to_string(),
        reason: reason.into(),
    }
}

/// A value of a kept document that could not be read (the record is kept without it): its
/// element path, the value as read and why.
#[derive(Debug, PartialEq)]
pub(crate) struct BadValue {
    /// Below the bibliographic section while extracting; [`build`] puts the section in front.
    pub path: String,
    pub value: String,
    pub reason: String,
}

/// A date of the record: blank is `None`; a value that is no date is noted under `path` and
/// read as absent.
fn date(raw: Option<String>, path: &str, notes: &mut Vec<BadValue>) -> Option<NaiveDate> {
    let s = raw?;
    let d = parse_date(&s, DateOrder::DayFirst);
    if d.is_none() {
        notes.push(BadValue {
            path: path.to_string(),
            reason: format!("invalid date {s:?}"),
            value: s,
        });
    }
    d
}

/// A month-precision date (`20011100`, citations and related documents), noted likewise.
fn month_date(raw: Option<String>, path: &str, notes: &mut Vec<BadValue>) -> Option<NaiveDate> {
    let s = raw?;
    let d = partial_date(&s);
    if d.is_none() {
        notes.push(BadValue {
            path: path.to_string(),
            reason: format!("invalid date {s:?}"),
            value: s,
        });
    }
    d
}

/// Builds the record for one document, with the values it could not read; `location` is the
/// document's place in its file.
pub(crate) fn build(
    doc: &Doc,
    source_file: u32,
    location: String,
) -> Result<(PatentRecord, Vec<BadValue>), Unusable> {
    let Some(b) = doc.biblio.as_ref() else {
        return Err(unusable(
            doc_biblio_name(doc.kind),
            "document has no bibliographic section",
        ));
    };
    let mut notes = Vec::new();
    let mut rec = match doc.kind {
        DocKind::Grant | DocKind::Application => v4(doc.kind, b, &mut notes)?,
        DocKind::Pap => pap(b, &mut notes)?,
    };
    let section = doc_biblio_name(doc.kind);
    for n in &mut notes {
        n.path = format!("{section}/{}", n.path);
    }
    let app = &mut rec.app;
    app.abstract_text = (!doc.abstract_text.is_empty()).then(|| doc.abstract_text.clone());
    if !doc.claims.is_empty() {
        let mut text = doc.claims.join("\n");
        if text.chars().count() > CLAIMS_CAP {
            text = text.chars().take(CLAIMS_CAP).collect();
        }
        app.claims_text = Some(text);
    }
    app.claims_count = (doc.claims_count > 0).then_some(doc.claims_count);
    // The publication as the document identifies itself (`US8613112B2`); the root's `file`
    // attribute is not used because edited files keep a stale one.
    app.source_id = rec
        .publications
        .first()
        .map(|p| patq_model::format_text!("{}{}{}", p.office, p.number, p.kind));
    app.provenance = Provenance {
        source_file,
        location: location.into(),
    };
    Ok((rec, notes))
}

fn doc_biblio_name(kind: DocKind) -> &'static str {
    match kind {
        DocKind::Grant => "us-bibliographic-data-grant",
        DocKind::Application => "us-bibliographic-data-application",
        DocKind::Pap => "subdoc-bibliographic-information",
    }
}

/// us-patent-grant / us-patent-application, DTD v4.0 to v4.5.
fn v4(kind: DocKind, b: &Node, notes: &mut Vec<BadValue>) -> Result<PatentRecord, Unusable> {
    let mut rec = PatentRecord::default();

    // Publication: the identity of the document.
    let pub_id = b.at(&["publication-reference", "document-id"]);
    let pub_office = pub_id
        .and_then(|d| d.text_at(&["country"]))
        .map(|c| normalize_office(&c))
        .unwrap_or_else(|| "US".into());
    let Some(pub_raw) = pub_id.and_then(|d| d.text_at(&["doc-number"])) else {
        return Err(unusable(
            "publication-reference/document-id/doc-number",
            "missing publication number",
        ));
    };
    let pub_number = us_number(&pub_raw);
    if pub_number.is_empty() {
        return Err(unusable(
            "publication-reference/document-id/doc-number",
            format!("invalid publication number {pub_raw:?}"),
        ));
    }
    let pub_kind = pub_id
        .and_then(|d| d.text_at(&["kind"]))
        .unwrap_or_default()
        .to_ascii_uppercase();
    let pub_date = date(
        pub_id.and_then(|d| d.text_at(&["date"])),
        "publication-reference/document-id/date",
        notes,
    );
    rec.publications.push(Publication {
        office: pub_office.as_str().into(),
        number: pub_number.into(),
        class: classify_publication(&pub_office, &pub_kind, pub_date),
        kind: pub_kind.as_str().into(),
        date: pub_date,
        source_id: None,
    });

    // Application.
    let app_ref = b.at(&["application-reference"]);
    let app_id = app_ref.and_then(|a| a.at(&["document-id"]));
    let app_office = app_id
        .and_then(|d| d.text_at(&["country"]))
        .map(|c| normalize_office(&c))
        .unwrap_or_else(|| pub_office.clone());
    let Some(app_raw) = app_id.and_then(|d| d.text_at(&["doc-number"])) else {
        return Err(unusable(
            "application-reference/document-id/doc-number",
            "missing application number",
        ));
    };
    let app_number = clean_number(&app_raw);
    if app_number.is_empty() {
        return Err(unusable(
            "application-reference/document-id/doc-number",
            format!("invalid application number {app_raw:?}"),
        ));
    }
    let filing_date = date(
        app_id.and_then(|d| d.text_at(&["date"])),
        "application-reference/document-id/date",
        notes,
    );
    let appl_type = app_ref
        .and_then(|a| a.attr("appl-type"))
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let (ipr, app_kind) = match appl_type.as_str() {
        "utility" => (Some("PI"), Some("A")),
        "plant" => (Some("PL"), Some("A")),
        "design" => (Some("DE"), Some("F")),
        // Reissues, SIRs and unknown types re-publish or are no new invention: not guessed.
        _ => (None, None),
    };
    // Designs fall back on the kind code when appl-type is missing.
    let (ipr, app_kind) = match (ipr, pub_kind.chars().next()) {
        (None, Some('S')) if appl_type.is_empty() => (Some("DE"), Some("F")),
        other => (other.0, app_kind),
    };

    rec.app = Application {
        key: app_key(&app_office, &app_number),
        office: app_office.into(),
        number: app_number.into(),
        kind: app_kind.map(Into::into),
        filing_date,
        filing_year: filing_date.map(|d| d.year()),
        ipr_type: ipr.map(Into::into),
        granted: granted(kind, &pub_kind),
        title: b.text_at(&["invention-title"]),
        ..Application::default()
    };

    v4_classes(b, &mut rec.classes);
    v4_parties(b, &mut rec.parties);
    v4_priorities(b, &mut rec.priorities, notes);
    v4_citations(b, &mut rec, notes);
    v4_related(b, &mut rec, notes);
    set_priority_facts(&mut rec);
    Ok(rec)
}

/// Grant status stated by the document type: a B/P2/P3/E grant and an S design patent (a
/// design is published only as its grant) are granted, a published application is (at
/// publication) not; other kinds say nothing. A design stays a design: the record's
/// publication class keeps it out of invention grants (`PatentRecord::is_granted`).
fn granted(kind: DocKind, pub_kind: &str) -> Option<bool> {
    match kind {
        DocKind::Application | DocKind::Pap => Some(false),
        DocKind::Grant => match pub_kind.chars().next() {
            Some('B') | Some('E') | Some('S') => Some(true),
            Some('P') if pub_kind != "P1" && pub_kind != "P4" && pub_kind != "P9" => Some(true),
            _ => None,
        },
    }
}

fn push_class(classes: &mut ThinVec<Classification>, scheme: ClassScheme, code: Option<String>) {
    if let Some(code) = code.filter(|c| !c.is_empty()) {
        let c = Classification {
            scheme,
            code: code.into(),
        };
        if !classes.contains(&c) {
            classes.push(c);
        }
    }
}

fn v4_classes(b: &Node, classes: &mut ThinVec<Classification>) {
    // Only the document's own classes: citations and the field of search also carry
    // classification-national elements, one level deeper.
    for ipcr in b.all(&["classifications-ipcr", "classification-ipcr"]) {
        push_class(classes, ClassScheme::Ipc, parts_code(ipcr));
    }
    for c in b.kids(&["classification-ipc"]) {
        for m in c.kids(&["main-classification", "further-classification"]) {
            push_class(
                classes,
                ClassScheme::Ipc,
                m.raw_at(&[]).and_then(|r| ipc_fixed(&r)),
            );
        }
    }
    for group in ["main-cpc", "further-cpc"] {
        for cpc in b.all(&["classifications-cpc", group, "classification-cpc"]) {
            push_class(classes, ClassScheme::Cpc, parts_code(cpc));
        }
    }
    for n in b.kids(&["classification-national"]) {
        let country = n.text_at(&["country"]).unwrap_or_else(|| "US".into());
        if !country.eq_ignore_ascii_case("US") {
            continue;
        }
        for m in n.kids(&["main-classification", "further-classification"]) {
            push_class(
                classes,
                ClassScheme::Uspc,
                m.raw_at(&[]).and_then(|r| uspc_code(&r)),
            );
        }
    }
    for l in b.kids(&["classification-locarno"]) {
        for m in l.kids(&["main-classification", "further-classification"]) {
            push_class(
                classes,
                ClassScheme::Locarno,
                m.text_at(&[]).and_then(|r| locarno_code(&r)),
            );
        }
    }
}

fn parts_code(n: &Node) -> Option<String> {
    let t = |k: &str| n.text_at(&[k]).unwrap_or_default();
    assembled_class(
        &t("section"),
        &t("class"),
        &t("subclass"),
        &t("main-group"),
        &t("subgroup"),
    )
}

/// `Last, First` for people (as PATSTAT writes names), the organisation name otherwise.
fn addressbook_name(n: &Node) -> Option<String> {
    if let Some(org) = n.text_at(&["orgname"]) {
        return Some(org);
    }
    let last = n.text_at(&["last-name"]);
    let first = n.text_at(&["first-name"]);
    match (last, first) {
        (Some(l), Some(f)) => Some(format!("{l}, {f}")),
        (Some(l), None) => Some(l),
        (None, Some(f)) => Some(f),
        (None, None) => n.text_at(&["name"]),
    }
}

fn party_from(n: &Node) -> Option<(String, Option<String>)> {
    // The addressbook holds name and address; v4.2 design assignees put orgname directly
    // under <assignee>.
    let book = n.at(&["addressbook"]);
    let name = book
        .and_then(addressbook_name)
        .or_else(|| addressbook_name(n))?;
    let country = book
        .and_then(|a| a.text_at(&["address", "country"]))
        .or_else(|| n.text_at(&["address", "country"]))
        .or_else(|| n.text_at(&["residence", "country"]))
        .or_else(|| n.text_at(&["nationality", "country"]))
        .map(|c| normalize_office(&c));
    Some((name, country))
}

fn push_party(
    parties: &mut ThinVec<Party>,
    role: PartyRole,
    name: String,
    country: Option<String>,
) {
    let seq = parties.iter().filter(|p| p.role == role).count() as u32;
    parties.push(Party {
        role,
        seq,
        name,
        country: country.map(Into::into),
    });
}

fn v4_parties(b: &Node, parties: &mut ThinVec<Party>) {
    let mut applicant_inventors = Vec::new();
    for group in ["us-parties", "parties"] {
        for a in b
            .all(&[group, "us-applicants", "us-applicant"])
            .into_iter()
            .chain(b.all(&[group, "applicants", "applicant"]))
        {
            if let Some((name, country)) = party_from(a) {
                if a.attr("app-type").is_some_and(|t| t.contains("inventor")) {
                    applicant_inventors.push((name.clone(), country.clone()));
                }
                push_party(parties, PartyRole::Applicant, name, country);
            }
        }
    }
    let mut inventors = 0;
    for group in ["us-parties", "parties"] {
        for i in b.all(&[group, "inventors", "inventor"]) {
            if let Some((name, country)) = party_from(i) {
                push_party(parties, PartyRole::Inventor, name, country);
                inventors += 1;
            }
        }
    }
    // Before the 2012 AIA rules (DTD v4.0-v4.2) inventors were the applicants and appear
    // only as applicants with app-type "applicant-inventor".
    if inventors == 0 {
        for (name, country) in applicant_inventors {
            push_party(parties, PartyRole::Inventor, name, country);
        }
    }
    for a in b.all(&["assignees", "assignee"]) {
        if let Some((name, country)) = party_from(a) {
            push_party(parties, PartyRole::Owner, name, country);
        }
    }
}

fn v4_priorities(b: &Node, priorities: &mut ThinVec<Priority>, notes: &mut Vec<BadValue>) {
    for p in b.all(&["priority-claims", "priority-claim"]) {
        let office = p.text_at(&["country"]).map(|c| normalize_office(&c));
        let Some(number) = p.text_at(&["doc-number"]) else {
            continue;
        };
        let date = date(
            p.text_at(&["date"]),
            "priority-claims/priority-claim/date",
            notes,
        );
        let office = office.unwrap_or_default();
        push_priority(priorities, &office, &number, None, date);
    }
}

fn push_priority(
    priorities: &mut ThinVec<Priority>,
    office: &str,
    raw_number: &str,
    kind: Option<&str>,
    date: Option<NaiveDate>,
) {
    let number = clean_number(raw_number);
    if number.is_empty() {
        return;
    }
    let p = Priority {
        key: app_key(office, &number),
        office: office.into(),
        number: number.into(),
        kind: kind.map(Into::into),
        date,
    };
    if !priorities.iter().any(|q| q.key == p.key) {
        priorities.push(p);
    }
}

fn v4_citations(b: &Node, rec: &mut PatentRecord, notes: &mut Vec<BadValue>) {
    let mut npl = 0u32;
    let mut seen = false;
    let cits = [
        ("references-cited", "citation"),
        ("us-references-cited", "us-citation"),
    ]
    .into_iter()
    .flat_map(|(group, item)| {
        b.all(&[group, item])
            .into_iter()
            .map(move |c| (group, item, c))
    });
    for (group, item, c) in cits {
        seen = true;
        if c.at(&["nplcit"]).is_some() {
            npl += 1;
            continue;
        }
        let Some(d) = c.at(&["patcit", "document-id"]) else {
            continue;
        };
        let office = d.text_at(&["country"]).map(|o| normalize_office(&o));
        let Some(raw) = d.text_at(&["doc-number"]) else {
            continue;
        };
        let number = cited_number(office.as_deref().unwrap_or(""), &raw);
        if number.is_empty() {
            continue;
        }
        rec.citations.push(Citation {
            office: office.map(Into::into),
            number: number.into(),
            kind: d.text_at(&["kind"]).map(Into::into),
            date: month_date(
                d.text_at(&["date"]),
                &format!("{group}/{item}/patcit/document-id/date"),
                notes,
            ),
            category: None,
            cited_by: c
                .text_at(&["category"])
                .and_then(|s| cited_by(&s))
                .map(Into::into),
            source_id: None,
        });
    }
    if seen {
        rec.app.npl_citation_count = Some(npl);
    }
}

/// A related document from its `document-id` element `d`, found at `path` (for notes).
fn related_doc(
    relation: &str,
    d: &Node,
    us_grant: bool,
    path: &str,
    notes: &mut Vec<BadValue>,
) -> Option<RelatedDoc> {
    let raw = d.text_at(&["doc-number"])?;
    let office = d
        .text_at(&["country"])
        .or_else(|| d.text_at(&["country-code"]))
        .map(|c| normalize_office(&c));
    let number = match office.as_deref() {
        None | Some("US") if us_grant => us_number(&raw),
        // US application numbers keep their leading series-code zero (`09919271`).
        None | Some("US") => clean_number(&raw),
        Some(o) => cited_number(o, &raw),
    };
    if number.is_empty() {
        return None;
    }
    let (raw, leaf) = match d.text_at(&["date"]) {
        Some(x) => (Some(x), "date"),
        None => (d.text_at(&["document-date"]), "document-date"),
    };
    let date = month_date(raw, &format!("{path}/{leaf}"), notes);
    Some(RelatedDoc {
        relation: relation.to_string(),
        office,
        number,
        date,
    })
}

fn push_related(rec: &mut PatentRecord, r: Option<RelatedDoc>) {
    if let Some(r) = r
        && !rec.related.contains(&r)
    {
        rec.related.push(r);
    }
}

/// Relations whose parent application is a domestic priority (35 USC 120/121), so the
/// parent is also listed as a priority claim, as PATSTAT lists US domestic priorities.
const PARENT_IS_PRIORITY: [&str; 3] = ["continuation", "division", "continuation-in-part"];

fn v4_related(b: &Node, rec: &mut PatentRecord, notes: &mut Vec<BadValue>) {
    if let Some(rel) = b.at(&["us-related-documents"]) {
        for group in rel.elems() {
            let name = group.name.as_str();
            match name {
                "us-provisional-application" => {
                    if let Some(d) = group.at(&["document-id"]) {
                        let r = related_doc(
                            "provisional-application",
                            d,
                            false,
                            "us-related-documents/us-provisional-application/document-id",
                            notes,
                        );
                        if let Some(r) = &r {
                            let office = r.office.clone().unwrap_or_else(|| "US".into());
                            push_priority(
                                &mut rec.priorities,
                                &office,
                                &r.number,
                                Some("P"),
                                r.date,
                            );
                        }
                        push_related(rec, r);
                    }
                }
                "related-publication" => {
                    if let Some(d) = group.at(&["document-id"]) {
                        let path = "us-related-documents/related-publication/document-id";
                        push_related(rec, related_doc("prior-publication", d, true, path, notes));
                    }
                }
                _ => {
                    let parent = format!("us-related-documents/{name}/relation/parent-doc");
                    for relation in group.kids(&["relation"]) {
                        if let Some(d) = relation.at(&["parent-doc", "document-id"]) {
                            let path = format!("{parent}/document-id");
                            let r = related_doc(name, d, false, &path, notes);
                            if let (Some(r), true) = (&r, PARENT_IS_PRIORITY.contains(&name)) {
                                let office = r.office.clone().unwrap_or_else(|| "US".into());
                                push_priority(
                                    &mut rec.priorities,
                                    &office,
                                    &r.number,
                                    None,
                                    r.date,
                                );
                            }
                            push_related(rec, r);
                        }
                        if let Some(d) =
                            relation.at(&["parent-doc", "parent-grant-document", "document-id"])
                        {
                            let path = format!("{parent}/parent-grant-document/document-id");
                            let relation = format!("{name}-parent-grant");
                            push_related(rec, related_doc(&relation, d, true, &path, notes));
                        }
                        if let Some(d) =
                            relation.at(&["parent-doc", "parent-pct-document", "document-id"])
                        {
                            let path = format!("{parent}/parent-pct-document/document-id");
                            let relation = format!("{name}-parent-pct");
                            push_related(rec, pct_related(&relation, d, &path, notes));
                        }
                    }
                    // Corrections and other one-off relations carry a bare document-id.
                    if group.at(&["relation"]).is_none()
                        && let Some(d) = group.at(&["document-id"])
                    {
                        let path = format!("us-related-documents/{name}/document-id");
                        push_related(rec, related_doc(name, d, false, &path, notes));
                    }
                }
            }
        }
    }
    if let Some(d) = b.at(&["pct-or-regional-filing-data", "document-id"]) {
        let r = pct_related(
            "pct-371",
            d,
            "pct-or-regional-filing-data/document-id",
            notes,
        );
        if let Some(r) = &r {
            let office = r.office.clone().unwrap_or_else(|| "WO".into());
            rec.app.pct_key = Some(app_key(&office, &r.number));
        }
        push_related(rec, r);
    }
    if let Some(d) = b.at(&["pct-or-regional-publishing-data", "document-id"]) {
        let path = "pct-or-regional-publishing-data/document-id";
        push_related(rec, related_doc("pct-publication", d, false, path, notes));
    }
}

/// A PCT application as a related document, its number in PATSTAT form when recognisable.
fn pct_related(
    relation: &str,
    d: &Node,
    path: &str,
    notes: &mut Vec<BadValue>,
) -> Option<RelatedDoc> {
    let mut r = related_doc(relation, d, false, path, notes)?;
    if let Some(n) = d.text_at(&["doc-number"]).and_then(|raw| pct_number(&raw)) {
        r.number = n;
        r.office = Some("WO".into());
    }
    Some(r)
}

/// Earliest priority date and first-filing flag from the claims the document makes: foreign
/// priorities, provisionals, continuation/division parents and the PCT filing. The
/// application's own filing date counts when it claims nothing.
fn set_priority_facts(rec: &mut PatentRecord) {
    let claimed = rec
        .priorities
        .iter()
        .filter_map(|p| p.date)
        .chain(
            rec.related
                .iter()
                .filter(|r| r.relation == "pct-371")
                .filter_map(|r| r.date),
        )
        .min();
    let claims_any = !rec.priorities.is_empty() || rec.app.pct_key.is_some();
    rec.app.earliest_priority_date = match (claimed, rec.app.filing_date) {
        (Some(c), Some(f)) => Some(c.min(f)),
        (c, f) => c.or(f),
    };
    rec.app.is_priority_filing = Some(!claims_any);
}

/// patent-application-publication, pap v1.5/v1.6 (US pre-grant publications 2001-2004).
fn pap(b: &Node, notes: &mut Vec<BadValue>) -> Result<PatentRecord, Unusable> {
    let mut rec = PatentRecord::default();
    let Some(pub_raw) = b.text_at(&["document-id", "doc-number"]) else {
        return Err(unusable(
            "document-id/doc-number",
            "missing publication number",
        ));
    };
    let pub_number = us_number(&pub_raw);
    if pub_number.is_empty() {
        return Err(unusable(
            "document-id/doc-number",
            format!("invalid publication number {pub_raw:?}"),
        ));
    }
    let pub_kind = b
        .text_at(&["document-id", "kind-code"])
        .unwrap_or_default()
        .to_ascii_uppercase();
    let pub_date = date(
        b.text_at(&["document-id", "document-date"]),
        "document-id/document-date",
        notes,
    );
    // pap documents never name the office: they are all US publications.
    rec.publications.push(Publication {
        office: "US".into(),
        number: pub_number.into(),
        class: classify_publication("US", &pub_kind, pub_date),
        kind: pub_kind.as_str().into(),
        date: pub_date,
        source_id: None,
    });
    let Some(app_raw) = b.text_at(&["domestic-filing-data", "application-number", "doc-number"])
    else {
        return Err(unusable(
            "domestic-filing-data/application-number/doc-number",
            "missing application number",
        ));
    };
    let app_number = clean_number(&app_raw);
    if app_number.is_empty() {
        return Err(unusable(
            "domestic-filing-data/application-number/doc-number",
            format!("invalid application number {app_raw:?}"),
        ));
    }
    let filing_date = date(
        b.text_at(&["domestic-filing-data", "filing-date"]),
        "domestic-filing-data/filing-date",
        notes,
    );
    let plant = pub_kind.starts_with('P');
    rec.app = Application {
        key: app_key("US", &app_number),
        office: "US".into(),
        number: app_number.into(),
        kind: Some("A".into()),
        filing_date,
        filing_year: filing_date.map(|d| d.year()),
        ipr_type: Some(if plant { "PL" } else { "PI" }.into()),
        granted: granted(DocKind::Pap, &pub_kind),
        title: b.text_at(&["technical-information", "title-of-invention"]),
        ..Application::default()
    };

    pap_classes(b, &mut rec);
    pap_parties(b, &mut rec);
    pap_priorities(b, &mut rec, notes);
    set_priority_facts(&mut rec);
    Ok(rec)
}

/// The IPC and USPC classes of a pap document's technical information.
fn pap_classes(b: &Node, rec: &mut PatentRecord) {
    let tech = b.at(&["technical-information"]);
    if let Some(t) = tech {
        for group in ["classification-ipc-primary", "classification-ipc-secondary"] {
            for ipc in t.all(&["classification-ipc", group, "ipc"]) {
                push_class(
                    &mut rec.classes,
                    ClassScheme::Ipc,
                    ipc.text_at(&[]).map(|c| normalize_class_code(&c)),
                );
            }
        }
        for group in ["classification-us-primary", "classification-us-secondary"] {
            for u in t.all(&["classification-us", group, "uspc"]) {
                let class = u.raw_at(&["class"]).unwrap_or_default();
                let sub = u.raw_at(&["subclass"]).unwrap_or_default();
                push_class(
                    &mut rec.classes,
                    ClassScheme::Uspc,
                    uspc_parts(&class, &sub),
                );
            }
        }
    }
}

/// The inventors (also applicants when they are the authority applicant) and assignees of a
/// pap document.
fn pap_parties(b: &Node, rec: &mut PatentRecord) {
    // Inventors; with authority-applicant INV the inventor is also the applicant.
    for inv in b
        .at(&["inventors"])
        .map(|i| {
            i.kids(&["first-named-inventor", "inventor"])
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
    {
        let Some(name) = pap_person(inv) else {
            continue;
        };
        let country = inv
            .at(&["residence"])
            .and_then(|r| r.elems().find_map(|x| x.text_at(&["country-code"])))
            .map(|c| normalize_office(&c));
        if inv
            .text_at(&["authority-applicant"])
            .is_some_and(|a| a.eq_ignore_ascii_case("INV"))
        {
            push_party(
                &mut rec.parties,
                PartyRole::Applicant,
                name.clone(),
                country.clone(),
            );
        }
        push_party(&mut rec.parties, PartyRole::Inventor, name, country);
    }
    for a in b.kids(&["assignee"]) {
        let name = a.text_at(&["organization-name"]).or_else(|| pap_person(a));
        let Some(name) = name else { continue };
        let country = a
            .text_at(&["address", "country", "country-code"])
            .map(|c| normalize_office(&c));
        push_party(&mut rec.parties, PartyRole::Owner, name, country);
    }
}

/// The foreign priorities, provisional applications and continuity data of a pap document.
fn pap_priorities(b: &Node, rec: &mut PatentRecord, notes: &mut Vec<BadValue>) {
    for f in b.kids(&["foreign-priority-data"]) {
        let office = f
            .text_at(&["country-code"])
            .map(|c| normalize_office(&c))
            .unwrap_or_default();
        let Some(number) = f.text_at(&["priority-application-number", "doc-number"]) else {
            continue;
        };
        let date = date(
            f.text_at(&["filing-date"]),
            "foreign-priority-data/filing-date",
            notes,
        );
        push_priority(&mut rec.priorities, &office, &number, None, date);
    }
    if let Some(cd) = b.at(&["continuity-data"]) {
        for prov in cd.all(&["non-provisional-of-provisional", "document-id"]) {
            let path = "continuity-data/non-provisional-of-provisional/document-id";
            let r = related_doc("provisional-application", prov, false, path, notes);
            if let Some(r) = &r {
                push_priority(&mut rec.priorities, "US", &r.number, Some("P"), r.date);
            }
            push_related(rec, r);
        }
        pap_continuity(cd, "continuity-data", rec, notes);
    }
}

fn pap_person(n: &Node) -> Option<String> {
    let name = n.at(&["name"])?;
    let family = name.text_at(&["family-name"]);
    let given: Vec<String> = ["given-name", "middle-name"]
        .iter()
        .filter_map(|k| name.text_at(&[k]))
        .collect();
    match (family, given.is_empty()) {
        (Some(f), false) => Some(format!("{f}, {}", given.join(" "))),
        (Some(f), true) => Some(f),
        (None, false) => Some(given.join(" ")),
        (None, true) => name.text_at(&[]),
    }
}

/// pap continuity data: `continuations/continuation-of/parent-child/{parent,parent-patent}`,
/// `division-of`, `continuation-in-part-of` ... wherever the `parent-child` sits.
fn pap_continuity(n: &Node, path: &str, rec: &mut PatentRecord, notes: &mut Vec<BadValue>) {
    for child in n.elems() {
        if child.name == "parent-child" {
            let relation = n.name.strip_suffix("-of").unwrap_or(&n.name).to_string();
            if let Some(d) = child.at(&["parent", "document-id"]) {
                let at = format!("{path}/parent-child/parent/document-id");
                let r = related_doc(&relation, d, false, &at, notes);
                if let (Some(r), true) = (&r, PARENT_IS_PRIORITY.contains(&relation.as_str())) {
                    let office = r.office.clone().unwrap_or_else(|| "US".into());
                    push_priority(&mut rec.priorities, &office, &r.number, None, r.date);
                }
                push_related(rec, r);
            }
            if let Some(d) = child.at(&["parent-patent", "document-id"]) {
                let at = format!("{path}/parent-child/parent-patent/document-id");
                let relation = format!("{relation}-parent-grant");
                push_related(rec, related_doc(&relation, d, true, &at, notes));
            }
        } else if child.name != "non-provisional-of-provisional" {
            pap_continuity(child, &format!("{path}/{}", child.name), rec, notes);
        }
    }
}
