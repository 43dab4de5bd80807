//! The element paths of USPTO documents and the fields they fill: every element of the
//! bibliographic section with text of its own (or none below it) and every attribute is a
//! path such as `us-bibliographic-data-grant/publication-reference/document-id/date`; the
//! root's other children are one path each (`abstract`, `claims/claim`, `description`, ...).
//! Reported per file through [`PathCensus`] (see [`crate::paths`]); docs/FORMATS.md lists the
//! tables.

use super::parse::{Doc, DocKind};
use super::tree::{Child, Node};
use crate::paths::{PathCensus, table_field};

/// A table of path patterns (below the bibliographic section; see
/// [`crate::paths::path_matches`]) and the field each fills; the first match decides, `None`
/// is ignored, and a path no pattern matches is ignored.
pub type PathTable = &'static [(&'static str, Option<&'static str>)];

/// Grants and applications, DTD v4.x (`us-bibliographic-data-grant|application`).
pub const V4_TABLE: PathTable = &[
    (
        "publication-reference/document-id/country",
        Some("publications.office"),
    ),
    (
        "publication-reference/document-id/doc-number",
        Some("publications.number (record key)"),
    ),
    (
        "publication-reference/document-id/kind",
        Some("publications.kind, applications.granted"),
    ),
    (
        "publication-reference/document-id/date",
        Some("publications.date"),
    ),
    (
        "application-reference/@appl-type",
        Some("applications.ipr_type, applications.kind"),
    ),
    (
        "application-reference/document-id/country",
        Some("applications.office"),
    ),
    (
        "application-reference/document-id/doc-number",
        Some("applications.number (record key)"),
    ),
    (
        "application-reference/document-id/date",
        Some("applications.filing_date"),
    ),
    ("invention-title", Some("applications.title")),
    ("invention-title/**", Some("applications.title")),
    (
        "classifications-ipcr/classification-ipcr/section|class|subclass|main-group|subgroup",
        Some("classes (IPC)"),
    ),
    (
        "classification-ipc/main-classification|further-classification",
        Some("classes (IPC, fixed-width)"),
    ),
    (
        "classifications-cpc/main-cpc|further-cpc/classification-cpc/section|class|subclass|main-group|subgroup",
        Some("classes (CPC)"),
    ),
    (
        "classification-national/country",
        Some("classes (USPC: read when US)"),
    ),
    (
        "classification-national/main-classification|further-classification",
        Some("classes (USPC)"),
    ),
    (
        "classification-locarno/main-classification|further-classification",
        Some("classes (Locarno)"),
    ),
    (
        "us-parties|parties/us-applicants|applicants/us-applicant|applicant/@app-type",
        Some("parties (inventor, when applicant-inventor before AIA)"),
    ),
    (
        "us-parties|parties/us-applicants|applicants/us-applicant|applicant/addressbook/orgname|last-name|first-name|name",
        Some("parties (applicant)"),
    ),
    (
        "us-parties|parties/us-applicants|applicants/us-applicant|applicant/orgname|last-name|first-name|name",
        Some("parties (applicant)"),
    ),
    (
        "us-parties|parties/us-applicants|applicants/us-applicant|applicant/addressbook/address/country",
        Some("parties.country (applicant)"),
    ),
    (
        "us-parties|parties/us-applicants|applicants/us-applicant|applicant/address|residence|nationality/country",
        Some("parties.country (applicant, when no address country)"),
    ),
    (
        "us-parties|parties/inventors/inventor/addressbook/orgname|last-name|first-name|name",
        Some("parties (inventor)"),
    ),
    (
        "us-parties|parties/inventors/inventor/orgname|last-name|first-name|name",
        Some("parties (inventor)"),
    ),
    (
        "us-parties|parties/inventors/inventor/addressbook/address/country",
        Some("parties.country (inventor)"),
    ),
    (
        "us-parties|parties/inventors/inventor/address|residence|nationality/country",
        Some("parties.country (inventor, when no address country)"),
    ),
    (
        "assignees/assignee/addressbook/orgname|last-name|first-name|name",
        Some("parties (owner)"),
    ),
    (
        "assignees/assignee/orgname|last-name|first-name|name",
        Some("parties (owner)"),
    ),
    (
        "assignees/assignee/addressbook/address/country",
        Some("parties.country (owner)"),
    ),
    (
        "assignees/assignee/address|residence|nationality/country",
        Some("parties.country (owner, when no address country)"),
    ),
    (
        "priority-claims/priority-claim/country",
        Some("priorities.office"),
    ),
    (
        "priority-claims/priority-claim/doc-number",
        Some("priorities.number"),
    ),
    (
        "priority-claims/priority-claim/date",
        Some("priorities.date"),
    ),
    (
        "references-cited|us-references-cited/citation|us-citation/patcit/document-id/country",
        Some("citations.office"),
    ),
    (
        "references-cited|us-references-cited/citation|us-citation/patcit/document-id/doc-number",
        Some("citations.number"),
    ),
    (
        "references-cited|us-references-cited/citation|us-citation/patcit/document-id/kind",
        Some("citations.kind"),
    ),
    (
        "references-cited|us-references-cited/citation|us-citation/patcit/document-id/date",
        Some("citations.date (month)"),
    ),
    (
        "references-cited|us-references-cited/citation|us-citation/category",
        Some("citations.cited_by"),
    ),
    (
        "references-cited|us-references-cited/citation|us-citation/nplcit/**",
        Some("applications.npl_citation_count (counted)"),
    ),
    (
        "us-related-documents/us-provisional-application/document-id/country|doc-number|date",
        Some("related (provisional-application), priorities (kind P)"),
    ),
    (
        "us-related-documents/related-publication/document-id/country|doc-number|date",
        Some("related (prior-publication)"),
    ),
    (
        "us-related-documents/*/relation/parent-doc/document-id/country|country-code|doc-number|date|document-date",
        Some("related (parent; a priority of a continuation, division or CIP)"),
    ),
    (
        "us-related-documents/*/relation/parent-doc/parent-grant-document/document-id/country|country-code|doc-number|date|document-date",
        Some("related (parent grant)"),
    ),
    (
        "us-related-documents/*/relation/parent-doc/parent-pct-document/document-id/country|country-code|doc-number|date|document-date",
        Some("related (parent PCT)"),
    ),
    (
        "us-related-documents/us-provisional-application|related-publication/**",
        None,
    ),
    (
        "us-related-documents/*/document-id/country|country-code|doc-number|date|document-date",
        Some("related (a relation without parent, e.g. a correction)"),
    ),
    (
        "pct-or-regional-filing-data/document-id/country|doc-number|date",
        Some("related (pct-371), applications.pct_key"),
    ),
    (
        "pct-or-regional-publishing-data/document-id/country|doc-number|date",
        Some("related (pct-publication)"),
    ),
];

/// Applications of 2001-2004, pap v1.5/v1.6 (`subdoc-bibliographic-information`).
pub const PAP_TABLE: PathTable = &[
    (
        "document-id/doc-number",
        Some("publications.number (record key)"),
    ),
    (
        "document-id/kind-code",
        Some("publications.kind, applications.ipr_type"),
    ),
    ("document-id/document-date", Some("publications.date")),
    (
        "domestic-filing-data/application-number/doc-number",
        Some("applications.number (record key)"),
    ),
    (
        "domestic-filing-data/filing-date",
        Some("applications.filing_date"),
    ),
    (
        "technical-information/title-of-invention",
        Some("applications.title"),
    ),
    (
        "technical-information/title-of-invention/**",
        Some("applications.title"),
    ),
    (
        "technical-information/classification-ipc/classification-ipc-primary|classification-ipc-secondary/ipc",
        Some("classes (IPC)"),
    ),
    (
        "technical-information/classification-us/classification-us-primary|classification-us-secondary/uspc/class|subclass",
        Some("classes (USPC)"),
    ),
    (
        "inventors/first-named-inventor|inventor/name",
        Some("parties (inventor)"),
    ),
    (
        "inventors/first-named-inventor|inventor/name/family-name|given-name|middle-name",
        Some("parties (inventor)"),
    ),
    (
        "inventors/first-named-inventor|inventor/residence/*/country-code",
        Some("parties.country (inventor)"),
    ),
    (
        "inventors/first-named-inventor|inventor/authority-applicant",
        Some("parties (applicant, when INV)"),
    ),
    ("assignee/organization-name", Some("parties (owner)")),
    (
        "assignee/name/family-name|given-name|middle-name",
        Some("parties (owner)"),
    ),
    ("assignee/name", Some("parties (owner)")),
    (
        "assignee/address/country/country-code",
        Some("parties.country (owner)"),
    ),
    (
        "foreign-priority-data/country-code",
        Some("priorities.office"),
    ),
    (
        "foreign-priority-data/priority-application-number/doc-number",
        Some("priorities.number"),
    ),
    ("foreign-priority-data/filing-date", Some("priorities.date")),
    (
        "continuity-data/non-provisional-of-provisional/document-id/country|country-code|doc-number|date|document-date",
        Some("related (provisional-application), priorities (kind P)"),
    ),
    (
        "continuity-data/**/parent-child/parent/document-id/country|country-code|doc-number|date|document-date",
        Some("related (parent; a priority of a continuation, division or CIP)"),
    ),
    (
        "continuity-data/**/parent-child/parent-patent/document-id/country|country-code|doc-number|date|document-date",
        Some("related (parent grant)"),
    ),
];

/// The root's children other than the bibliographic section.
pub const SECTION_TABLE: PathTable = &[
    (
        "abstract|subdoc-abstract",
        Some("applications.abstract_text (one value per document with text)"),
    ),
    (
        "claims|subdoc-claims/claim",
        Some("applications.claims_text, applications.claims_count (one value per claim)"),
    ),
];

/// The tables by document type, for docs/FORMATS.md.
pub fn tables() -> [(&'static str, PathTable); 3] {
    [
        (
            "us-bibliographic-data-grant | us-bibliographic-data-application (DTD v4.x)",
            V4_TABLE,
        ),
        (
            "subdoc-bibliographic-information (pap v1.5/v1.6)",
            PAP_TABLE,
        ),
        ("the root's other children", SECTION_TABLE),
    ]
}

/// Adds the paths of one document to the census; values count only when `kept`.
pub(crate) fn census_doc(doc: &Doc, kept: bool, census: &mut PathCensus) {
    if let Some(b) = &doc.biblio {
        let table = match doc.kind {
            DocKind::Pap => PAP_TABLE,
            DocKind::Grant | DocKind::Application => V4_TABLE,
        };
        let below = b.name.len() + 1;
        let field_of = |p: &str| p.get(below..).and_then(|rel| table_field(table, rel));
        walk(b, &mut b.name.clone(), kept, census, &field_of);
    }
    let section_field = |p: &str| table_field(SECTION_TABLE, p);
    for s in &doc.sections {
        let (path, n) = match s.as_str() {
            "claims" | "subdoc-claims" => (format!("{s}/claim"), u64::from(doc.claims_count)),
            "abstract" | "subdoc-abstract" => (s.clone(), u64::from(!doc.abstract_text.is_empty())),
            _ => (s.clone(), 0),
        };
        census.see(&path, if kept { n } else { 0 }, section_field);
    }
}

/// An element with text of its own (or no child element) is a path, and so is each attribute
/// (`path/@name`); a value is text or an attribute not blank after trimming.
fn walk(
    n: &Node,
    path: &mut String,
    kept: bool,
    census: &mut PathCensus,
    field_of: &dyn Fn(&str) -> Option<&'static str>,
) {
    let len = path.len();
    for (k, v) in &n.attrs {
        path.push_str("/@");
        path.push_str(k);
        census.see(path, u64::from(kept && !v.trim().is_empty()), field_of);
        path.truncate(len);
    }
    let mut own_text = false;
    let mut has_elems = false;
    for c in &n.children {
        match c {
            Child::Text(t) => own_text |= !t.trim().is_empty(),
            Child::Elem(e) => {
                has_elems = true;
                path.push('/');
                path.push_str(&e.name);
                walk(e, path, kept, census, field_of);
                path.truncate(len);
            }
        }
    }
    if own_text || !has_elems {
        census.see(path, u64::from(kept && own_text), field_of);
    }
}
