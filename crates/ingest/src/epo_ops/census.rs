//! The element paths of OPS records and the fields they fill: every element with text of its
//! own (or no child element) and every attribute of a record is a path from the record's
//! element (`exchange-document/bibliographic-data/publication-reference/document-id/date`,
//! `family-member/legal/L007EP`, `register-document/...`; local names, namespace prefixes
//! dropped). Reported per file through [`PathCensus`] (see [`crate::paths`]); docs/FORMATS.md
//! lists the table.

use super::Node;
use crate::paths::{PathCensus, table_field};

/// Path patterns (see [`crate::paths::path_matches`]) and the field each fills; the first
/// match decides and a path no pattern matches is ignored. An exchange-document inside a
/// family member is matched as `exchange-document/...`.
pub const TABLE: &[(&str, Option<&str>)] = &[
    (
        "exchange-document/@status",
        Some("records (a document reported not found is skipped)"),
    ),
    (
        "exchange-document|family-member/@family-id",
        Some("applications.docdb_family_id"),
    ),
    (
        "exchange-document/@country|@doc-number|@kind",
        Some("publications (when there is no publication-reference)"),
    ),
    (
        "exchange-document/bibliographic-data/application-reference/@doc-id",
        Some("applications.source_id"),
    ),
    (
        "family-member/application-reference/@doc-id",
        Some("applications.source_id"),
    ),
    (
        "register-document/bibliographic-data/@id",
        Some("applications.source_id"),
    ),
    (
        "exchange-document|register-document/bibliographic-data/application-reference/document-id/@document-id-type",
        Some("applications (docdb form first, else epodoc)"),
    ),
    (
        "family-member/application-reference/document-id/@document-id-type",
        Some("applications (docdb form first, else epodoc)"),
    ),
    (
        "exchange-document|register-document/bibliographic-data/application-reference/document-id/country",
        Some("applications.office"),
    ),
    (
        "family-member/application-reference/document-id/country",
        Some("applications.office"),
    ),
    (
        "exchange-document|register-document/bibliographic-data/application-reference/document-id/doc-number",
        Some("applications.number (record key)"),
    ),
    (
        "family-member/application-reference/document-id/doc-number",
        Some("applications.number (record key)"),
    ),
    (
        "exchange-document|register-document/bibliographic-data/application-reference/document-id/kind",
        Some("applications.kind"),
    ),
    (
        "family-member/application-reference/document-id/kind",
        Some("applications.kind"),
    ),
    (
        "exchange-document|register-document/bibliographic-data/application-reference/document-id/date",
        Some("applications.filing_date"),
    ),
    (
        "family-member/application-reference/document-id/date",
        Some("applications.filing_date"),
    ),
    (
        "exchange-document|register-document/bibliographic-data/publication-reference/document-id/@document-id-type|country|doc-number|kind|date",
        Some("publications (office, number, kind, date)"),
    ),
    (
        "family-member|inquiry-result/publication-reference/document-id/@document-id-type|country|doc-number|kind|date",
        Some("publications (office, number, kind, date)"),
    ),
    (
        "publication-reference/document-id/@document-id-type|country|doc-number|kind|date",
        Some("publications (office, number, kind, date)"),
    ),
    (
        "inquiry-result/publication-reference/@family-id",
        Some("applications.docdb_family_id"),
    ),
    (
        "publication-reference/@family-id",
        Some("applications.docdb_family_id"),
    ),
    (
        "exchange-document/bibliographic-data/priority-claims/priority-claim/document-id/@document-id-type|country|doc-number|kind|date",
        Some("priorities (office, number, kind, date)"),
    ),
    (
        "family-member/priority-claim/document-id/@document-id-type|country|doc-number|kind|date",
        Some("priorities (office, number, kind, date)"),
    ),
    (
        "exchange-document/bibliographic-data/parties/applicants/applicant/applicant-name/name",
        Some("parties (applicant; a bracketed country as parties.country)"),
    ),
    (
        "exchange-document/bibliographic-data/parties/inventors/inventor/inventor-name/name",
        Some("parties (inventor; a bracketed country as parties.country)"),
    ),
    (
        "exchange-document/bibliographic-data/parties/applicants|inventors/applicant|inventor/@data-format",
        Some("parties (one format: epodoc, else docdb, else original)"),
    ),
    (
        "register-document/bibliographic-data/parties/applicants/applicant/addressbook/name",
        Some("parties (applicant; current group)"),
    ),
    (
        "register-document/bibliographic-data/parties/inventors/inventor/addressbook/name",
        Some("parties (inventor; current group)"),
    ),
    (
        "register-document/bibliographic-data/parties/applicants|inventors/applicant|inventor/residence|nationality/country",
        Some("parties.country"),
    ),
    (
        "register-document/bibliographic-data/parties/applicants|inventors/applicant|inventor/addressbook/address/country",
        Some("parties.country (when no residence or nationality)"),
    ),
    (
        "exchange-document|register-document/bibliographic-data/classifications-ipcr/classification-ipcr/text",
        Some("classes (IPC; register: current group)"),
    ),
    (
        "exchange-document/bibliographic-data/classification-ipc/main-classification|further-classification",
        Some("classes (IPC)"),
    ),
    (
        "exchange-document/bibliographic-data/classification-ipc/main-classification|further-classification/**",
        Some("classes (IPC)"),
    ),
    (
        "exchange-document/bibliographic-data/patent-classifications/patent-classification/classification-scheme/@scheme",
        Some("classes (scheme: CPC or UC)"),
    ),
    (
        "exchange-document/bibliographic-data/patent-classifications/patent-classification/section|class|subclass|main-group|subgroup|classification-symbol",
        Some("classes (CPC; USPC for scheme UC)"),
    ),
    (
        "exchange-document|register-document/bibliographic-data/invention-title",
        Some("applications.title"),
    ),
    (
        "exchange-document|register-document/bibliographic-data/invention-title/@lang",
        Some("applications.title (English preferred)"),
    ),
    (
        "exchange-document|register-document/bibliographic-data/invention-title/**",
        Some("applications.title"),
    ),
    (
        "exchange-document/abstract/@lang",
        Some("applications.abstract_text (English preferred)"),
    ),
    (
        "exchange-document/abstract/**",
        Some("applications.abstract_text"),
    ),
    (
        "exchange-document|register-document/bibliographic-data/references-cited/citation/nplcit/**",
        Some("applications.npl_citation_count (counted)"),
    ),
    (
        "exchange-document|register-document/bibliographic-data/references-cited/citation/patcit/document-id/@document-id-type|country|doc-number|kind|date",
        Some("citations (office, number, kind, date)"),
    ),
    (
        "exchange-document|register-document/bibliographic-data/references-cited/citation/category",
        Some("citations.category"),
    ),
    (
        "exchange-document|register-document/bibliographic-data/references-cited/citation/@cited-by|@cited-phase",
        Some("citations.cited_by"),
    ),
    ("family-member/legal/@code", Some("legal_events.code")),
    (
        "family-member/legal/L008EP",
        Some("legal_events.code (when no @code)"),
    ),
    ("family-member/legal/L007EP", Some("legal_events.date")),
    (
        "family-member/legal/@desc",
        Some("legal_events.description"),
    ),
    (
        "family-member/legal/L5*",
        Some("legal_events.description (details)"),
    ),
    (
        "family-member/legal/L5*/@desc",
        Some("legal_events.description (details)"),
    ),
    (
        "family-member/legal/**/L5*",
        Some("legal_events.description (details)"),
    ),
    (
        "family-member/legal/**/L5*/@desc",
        Some("legal_events.description (details)"),
    ),
    (
        "register-document/ep-patent-statuses/ep-patent-status",
        Some("applications.legal_status (first), legal_events.description"),
    ),
    (
        "register-document/ep-patent-statuses/ep-patent-status/@change-date",
        Some("legal_events.date"),
    ),
    (
        "register-document/ep-patent-statuses/ep-patent-status/@status-code",
        Some("legal_events.code (EP-STATUS-<code>)"),
    ),
    (
        "register-document/bibliographic-data/designation-of-states/@change-date",
        Some("legal_events.date (DESIGNATED-STATES; current group)"),
    ),
    (
        "register-document/bibliographic-data/designation-of-states/**/regional|national/country",
        Some("legal_events.description (DESIGNATED-STATES; current group)"),
    ),
    (
        "register-document/bibliographic-data/term-of-grant/lapsed-in-country/date",
        Some("legal_events.date (LAPSED-IN-COUNTRY)"),
    ),
    (
        "register-document/bibliographic-data/term-of-grant/lapsed-in-country/country",
        Some("legal_events.description (LAPSED-IN-COUNTRY)"),
    ),
];

/// The field of a record path.
fn field_of(path: &str) -> Option<&'static str> {
    let path = path
        .strip_prefix("family-member/")
        .filter(|p| p.starts_with("exchange-document/"))
        .unwrap_or(path);
    table_field(TABLE, path)
}

/// Adds the paths of one record to the census; values count only when `kept`.
pub(super) fn census_record(node: &Node, kept: bool, census: &mut PathCensus) {
    fn walk(n: &Node, path: &mut String, kept: bool, census: &mut PathCensus) {
        let len = path.len();
        for (k, v) in &n.attrs {
            path.push_str("/@");
            path.push_str(k);
            census.see(path, u64::from(kept && !v.trim().is_empty()), field_of);
            path.truncate(len);
        }
        for c in &n.children {
            path.push('/');
            path.push_str(&c.name);
            walk(c, path, kept, census);
            path.truncate(len);
        }
        let own_text = !n.text.trim().is_empty();
        if own_text || n.children.is_empty() {
            census.see(path, u64::from(kept && own_text), field_of);
        }
    }
    walk(node, &mut node.name.clone(), kept, census);
}

/// The path in the record of the first element (or attribute) named as the last part of
/// `field` (`date`, `L007EP`, `@change-date`) whose value is `value`: a bad value's column.
/// `None` when no such element holds it.
pub(super) fn locate(node: &Node, field: &str, value: &str) -> Option<String> {
    fn find(n: &Node, path: &mut String, leaf: &str, value: &str) -> bool {
        let len = path.len();
        if let Some(attr) = leaf.strip_prefix('@') {
            if n.attr(attr).is_some_and(|v| v.trim() == value) {
                path.push_str("/@");
                path.push_str(attr);
                return true;
            }
        } else if n.name == leaf && n.text.trim() == value {
            return true;
        }
        for c in &n.children {
            path.push('/');
            path.push_str(&c.name);
            if find(c, path, leaf, value) {
                return true;
            }
            path.truncate(len);
        }
        false
    }
    let leaf = field.rsplit('/').next().unwrap_or(field);
    let mut path = node.name.clone();
    find(node, &mut path, leaf, value.trim()).then_some(path)
}
