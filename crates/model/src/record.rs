//! The record types: one [`PatentRecord`] per application with its publications, parties,
//! classes, priority claims, citations, family members and legal events.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
pub use thin_vec::{ThinVec, thin_vec};

use crate::kind::PubClass;
use crate::words::stored_word;

/// A short string stored inline when it fits in 16 bytes (keys, offices, numbers, kinds, ids),
/// in two words where a `String` takes three, `Option<Text>` included: no heap allocation for
/// the millions of short values a large dataset holds, and 8 bytes less per field.
pub type Text = lean_string::LeanString;

/// Everything one source said about one application.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PatentRecord {
    /// The application itself: its key, filing, status and stated family facts.
    pub app: Application,
    /// Its publications (applications, grants, utility models, designs).
    pub publications: ThinVec<Publication>,
    /// Its applicants, inventors and owners, as the source names them.
    pub parties: ThinVec<Party>,
    /// Its class codes (CPC, IPC, USPC, Locarno).
    pub classes: ThinVec<Classification>,
    /// The earlier applications whose priority it claims.
    pub priorities: ThinVec<Priority>,
    /// The patent publications it cites (backward citations).
    pub citations: ThinVec<Citation>,
    /// The members of its families, as the source lists them.
    pub family_members: ThinVec<FamilyMember>,
    /// Its legal events (INPADOC legal status, EP register).
    pub legal_events: ThinVec<LegalEvent>,
    /// Documents it is related to (continuations, divisions, national phases, reissues).
    pub related: ThinVec<RelatedDoc>,
}

/// Where a record came from, for quarantine messages and `explain`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// Index into the manifest's source list.
    pub source_file: u32,
    /// Human-readable location inside the file: `line 12`, `record 3`, `byte 40960`.
    pub location: Text,
}

/// The application: the counting unit of every indicator.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Application {
    /// Application key, office + cleaned number (see [`crate::app_key`]).
    pub key: Text,
    /// Filing office (authority), e.g. `US`, `CN`, `EP`, `WO`.
    pub office: Text,
    /// Application number as cleaned by [`crate::clean_number`], without the office prefix.
    pub number: Text,
    /// Application kind: `A` regular, `W` PCT international, `T` translation, `U` utility model,
    /// `P` provisional, `F` design, as PATSTAT uses them.
    pub kind: Option<Text>,
    /// Filing date of the application, as the source gives it.
    pub filing_date: Option<NaiveDate>,
    /// Filing year, set even when only the year is known (PATSTAT `appln_filing_year`).
    pub filing_year: Option<i32>,
    /// Intellectual-property right: `PI` invention, `UM` utility model, `DE` design, `PL` plant.
    pub ipr_type: Option<Text>,
    /// True for a PCT international application (office WO or kind W).
    pub is_pct: bool,
    /// Key of the PCT application a national/regional phase entered from.
    pub pct_key: Option<Text>,
    /// Receiving office of a PCT filing.
    pub receiving_office: Option<Text>,
    /// The source's own identifier (PATSTAT appln_id, Lens ID, document id).
    pub source_id: Option<Text>,
    /// Link to the earliest priority filing in the source's id space (PATSTAT
    /// `earliest_filing_id`); applications sharing it belong to one priority family.
    pub earliest_filing_id: Option<Text>,
    /// Earliest priority date, as the source gives it or as the earliest of its priority
    /// claims.
    pub earliest_priority_date: Option<NaiveDate>,
    /// True when this application is itself a first (priority) filing.
    pub is_priority_filing: Option<bool>,
    /// Title, as the source gives it.
    pub title: Option<String>,
    /// Abstract text.
    pub abstract_text: Option<String>,
    /// Text of the claims.
    pub claims_text: Option<String>,
    /// Number of claims, as the source counted them.
    pub claims_count: Option<u32>,
    /// Grant status stated by the source (Lens `Type`, PATSTAT `granted`); `None` when the
    /// source does not say. Kind codes of publications are the other evidence.
    pub granted: Option<bool>,
    /// Legal status as the source words it (`ACTIVE`, `PENDING`, `DISCONTINUED`, ...).
    pub legal_status: Option<Text>,
    /// DOCDB (simple) family id, as the source gives it.
    pub docdb_family_id: Option<Text>,
    /// INPADOC (extended) family id, as the source gives it.
    pub inpadoc_family_id: Option<Text>,
    /// Simple (DOCDB-like) family size as the source computed it.
    pub simple_family_size: Option<u32>,
    /// Extended (INPADOC-like) family size as the source computed it.
    pub extended_family_size: Option<u32>,
    /// Forward citations received, as the source counted them.
    pub cited_by_count: Option<u32>,
    /// Non-patent literature references cited.
    pub npl_citation_count: Option<u32>,
    /// The source file and place in it the record was read from.
    pub provenance: Provenance,
}

/// One publication of an application (A1, B2, ...).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Publication {
    /// Publishing office, e.g. `US`, `EP`.
    pub office: Text,
    /// Cleaned publication number without office prefix or kind.
    pub number: Text,
    /// Kind code as the office writes it, e.g. `A1`, `B2`.
    pub kind: Text,
    /// Publication date.
    pub date: Option<NaiveDate>,
    /// What the publication is, from office, kind and date ([`crate::classify_publication`]).
    pub class: PubClass,
    /// Lens ID or other source identifier of the publication.
    pub source_id: Option<Text>,
}

/// Role of a party named on an application.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PartyRole {
    /// Applicant.
    Applicant,
    /// Inventor.
    Inventor,
    /// Current owner / assignee of record (Lens `Owners`, USPTO assignee).
    Owner,
}

impl PartyRole {
    /// Stable lower-case name used in Parquet and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            PartyRole::Applicant => "applicant",
            PartyRole::Inventor => "inventor",
            PartyRole::Owner => "owner",
        }
    }
}

stored_word!(PartyRole, "party role", [Applicant, Inventor, Owner]);

/// An applicant, inventor or owner, as written in the source.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Party {
    /// Whether the party is an applicant, an inventor or an owner.
    pub role: PartyRole,
    /// Position in the source's list, from 0.
    pub seq: u32,
    /// Name as the source writes it.
    pub name: String,
    /// ISO country code when the source gives one (residence, address country).
    pub country: Option<Text>,
}

/// Classification scheme of a class code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ClassScheme {
    /// Cooperative Patent Classification.
    Cpc,
    /// International Patent Classification.
    Ipc,
    /// US Patent Classification.
    Uspc,
    /// Locarno (designs).
    Locarno,
}

impl ClassScheme {
    /// Stable lower-case name used in Parquet and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ClassScheme::Cpc => "cpc",
            ClassScheme::Ipc => "ipc",
            ClassScheme::Uspc => "uspc",
            ClassScheme::Locarno => "locarno",
        }
    }
}

stored_word!(ClassScheme, "class scheme", [Cpc, Ipc, Uspc, Locarno]);

/// A class code, normalised to the `H04L9/3236` form for CPC and IPC
/// (see [`normalize_class_code`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Classification {
    /// The scheme the code belongs to.
    pub scheme: ClassScheme,
    /// The code, e.g. `H04L9/3236` (CPC, IPC normalised; others as given).
    pub code: Text,
}

/// Normalises CPC/IPC codes written as `H04L 9/32`, `H04L0009320000`, `H04L9/32 (2006.01)` or
/// `H04L   9/3236` to `H04L9/32` / `H04L9/3236`, so prefix queries work across sources.
pub fn normalize_class_code(raw: &str) -> String {
    let s = raw.split(['(', ';']).next().unwrap_or("").trim();
    let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let compact = compact.to_ascii_uppercase();
    // Fixed-width form: 4-char subclass, 4-digit main group, 6-digit subgroup.
    if !compact.contains('/') && compact.len() >= 8 && compact.is_ascii() {
        let (sub, rest) = compact.split_at(4);
        if rest.bytes().all(|b| b.is_ascii_digit()) && rest.len() >= 4 {
            let (main, subg) = rest.split_at(4);
            let main = main.trim_start_matches('0');
            let subg = subg.trim_end_matches('0');
            let subg = if subg.is_empty() { "00" } else { subg };
            let subg = if subg.len() == 1 {
                format!("{subg}0")
            } else {
                subg.to_string()
            };
            return format!("{sub}{}/{subg}", if main.is_empty() { "0" } else { main });
        }
    }
    if let Some((head, tail)) = compact.split_once('/')
        && head.len() > 4
        && head.is_ascii()
    {
        let (sub, main) = head.split_at(4);
        let main = main.trim_start_matches('0');
        return format!("{sub}{}/{tail}", if main.is_empty() { "0" } else { main });
    }
    compact
}

/// A priority claim: the earlier application whose date this one claims.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Priority {
    /// Office of the priority application.
    pub office: Text,
    /// Cleaned number of the priority application.
    pub number: Text,
    /// Kind of the priority application, when given (as [`Application::kind`]).
    pub kind: Option<Text>,
    /// Filing date of the priority application (the priority date).
    pub date: Option<NaiveDate>,
    /// Application key of the priority application ([`crate::app_key`] of office and number).
    pub key: Text,
}

/// A backward citation made by this application to a patent publication.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Citation {
    /// Office of the cited publication, when given.
    pub office: Option<Text>,
    /// Cleaned number of the cited publication.
    pub number: Text,
    /// Kind code of the cited publication, when given.
    pub kind: Option<Text>,
    /// Publication date of the cited document, when given.
    pub date: Option<NaiveDate>,
    /// Search-report category (X, Y, A, ...) when given.
    pub category: Option<Text>,
    /// Who cited it: `examiner`, `applicant`, `third party` ...
    pub cited_by: Option<Text>,
    /// Source identifier of the cited document (Lens ID) when given.
    pub source_id: Option<Text>,
}

/// Which family a family-member list belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FamilyKind {
    /// Simple / DOCDB family (same priorities).
    Simple,
    /// Extended / INPADOC family (linked through any priority).
    Extended,
}

impl FamilyKind {
    /// Stable lower-case name used in Parquet and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            FamilyKind::Simple => "simple",
            FamilyKind::Extended => "extended",
        }
    }
}

stored_word!(FamilyKind, "family kind", [Simple, Extended]);

/// A member of this application's family, as listed by the source.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FamilyMember {
    /// The family the member was listed in.
    pub family: FamilyKind,
    /// Publication number as given (`US 2015/0123456 A1`), cleaned.
    pub member: Text,
    /// Source identifier of the member (Lens ID) when given.
    pub source_id: Option<Text>,
}

/// A legal event (INPADOC legal status, EP register).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LegalEvent {
    /// Date of the event.
    pub date: Option<NaiveDate>,
    /// Event code as the source gives it.
    pub code: String,
    /// What the event is, in the source's words.
    pub description: Option<String>,
}

/// A related document: continuation, division, PCT national-phase link, reissue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RelatedDoc {
    /// The relation as the source names it (continuation, division, ...).
    pub relation: String,
    /// Office of the related document, when given.
    pub office: Option<String>,
    /// Number of the related document, as given.
    pub number: String,
    /// Date of the related document, when given.
    pub date: Option<NaiveDate>,
}

impl PatentRecord {
    /// The rows its child lists hold: what the dataset's child tables count for it.
    pub fn child_rows(&self) -> usize {
        self.publications.len()
            + self.parties.len()
            + self.classes.len()
            + self.priorities.len()
            + self.citations.len()
            + self.family_members.len()
            + self.legal_events.len()
            + self.related.len()
    }

    /// True when any evidence says the application was granted as an invention patent: the
    /// source's own flag, or a publication whose kind code is an invention grant. A design
    /// patent is granted too ([`PatentRecord::right_granted`]) but in its own category, as
    /// utility models are: a source's grant flag on a design is not an invention grant.
    pub fn is_granted(&self) -> bool {
        self.publications.iter().any(|p| p.class == PubClass::Grant)
            || (self.app.granted == Some(true) && !self.is_design())
    }

    /// True for a design patent or design application: the source says so (`ipr_type` DE),
    /// or it has a design publication and no invention-grant publication.
    pub fn is_design(&self) -> bool {
        self.app.ipr_type.as_deref() == Some("DE")
            || (self
                .publications
                .iter()
                .any(|p| p.class == PubClass::Design)
                && !self.publications.iter().any(|p| p.class == PubClass::Grant))
    }

    /// True when a right was granted, whatever its category: an invention grant
    /// ([`PatentRecord::is_granted`]) or a design patent, whose publication is its grant.
    pub fn right_granted(&self) -> bool {
        self.is_granted()
            || (self.is_design()
                && (self.app.granted == Some(true)
                    || self.publications.iter().any(|p| p.class.grants_right())))
    }

    /// Date of the first publication that grants a right ([`PubClass::grants_right`]): the
    /// first invention-grant publication, or a design patent's publication (its grant).
    pub fn grant_date(&self) -> Option<NaiveDate> {
        self.publications
            .iter()
            .filter(|p| p.class.grants_right())
            .filter_map(|p| p.date)
            .min()
    }

    /// Merges another record for the same application into this one (the same application seen
    /// in two files, or an A1 and a B2 row of one export). Scalars keep the first non-empty
    /// value; lists are unioned. Returns the names of scalar fields whose values conflicted.
    pub fn merge(&mut self, other: PatentRecord) -> Vec<&'static str> {
        let mut conflicts = Vec::new();
        let a = &mut self.app;
        let b = other.app;
        macro_rules! fill {
            ($($f:ident),*) => {$(
                match (&a.$f, b.$f) {
                    (None, v @ Some(_)) => a.$f = v,
                    (Some(x), Some(y)) if *x != y => conflicts.push(stringify!($f)),
                    _ => {}
                }
            )*};
        }
        fill!(
            kind,
            filing_date,
            filing_year,
            ipr_type,
            pct_key,
            receiving_office,
            source_id,
            earliest_filing_id,
            earliest_priority_date,
            is_priority_filing,
            title,
            abstract_text,
            claims_text,
            claims_count,
            legal_status,
            docdb_family_id,
            inpadoc_family_id,
            cited_by_count,
            npl_citation_count
        );
        // Stated family sizes count the same family at different times or by different
        // rows: the largest is kept (as families take the largest over their members), the
        // disagreement still reported.
        for (x, y, name) in [
            (
                &mut a.simple_family_size,
                b.simple_family_size,
                "simple_family_size",
            ),
            (
                &mut a.extended_family_size,
                b.extended_family_size,
                "extended_family_size",
            ),
        ] {
            if matches!((*x, y), (Some(p), Some(q)) if p != q) {
                conflicts.push(name);
            }
            *x = (*x).max(y);
        }
        // A grant seen anywhere wins over "not granted" seen elsewhere: a later publication
        // is newer evidence, not a conflict.
        a.granted = match (a.granted, b.granted) {
            (Some(x), Some(y)) => Some(x || y),
            (x, y) => x.or(y),
        };
        a.is_pct |= b.is_pct;
        union(&mut self.publications, other.publications);
        union(&mut self.parties, other.parties);
        union(&mut self.classes, other.classes);
        union(&mut self.priorities, other.priorities);
        union(&mut self.citations, other.citations);
        union(&mut self.family_members, other.family_members);
        union(&mut self.legal_events, other.legal_events);
        union(&mut self.related, other.related);
        conflicts
    }
}

fn union<T: PartialEq>(into: &mut ThinVec<T>, from: ThinVec<T>) {
    for x in from {
        if !into.contains(&x) {
            into.push(x);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_codes_normalise() {
        assert_eq!(normalize_class_code("H04L 9/32"), "H04L9/32");
        assert_eq!(normalize_class_code("H04L   9/3236"), "H04L9/3236");
        assert_eq!(normalize_class_code("H04L0009320000"), "H04L9/32");
        assert_eq!(normalize_class_code("G06Q0020065000"), "G06Q20/065");
        assert_eq!(normalize_class_code("G06F0016270000"), "G06F16/27");
        assert_eq!(normalize_class_code("A01K0047000000"), "A01K47/00");
        assert_eq!(normalize_class_code("H04L9/32 (2006.01)"), "H04L9/32");
        assert_eq!(normalize_class_code("h04l2209/56"), "H04L2209/56");
        assert_eq!(normalize_class_code("H04L009/32"), "H04L9/32");
    }

    #[test]
    fn merge_fills_and_reports_conflicts() {
        let mut a = PatentRecord::default();
        a.app.key = "US1".into();
        a.app.title = Some("T".into());
        a.app.granted = Some(false);
        let mut b = PatentRecord::default();
        b.app.key = "US1".into();
        b.app.title = Some("Other".into());
        b.app.filing_year = Some(2015);
        b.app.granted = Some(true);
        b.parties.push(Party {
            role: PartyRole::Applicant,
            seq: 0,
            name: "X".into(),
            country: None,
        });
        let conflicts = a.merge(b.clone());
        assert_eq!(conflicts, vec!["title"]);
        assert_eq!(a.app.filing_year, Some(2015));
        assert_eq!(a.app.granted, Some(true));
        assert_eq!(a.parties.len(), 1);
        // Merging the same record again adds nothing.
        a.merge(b);
        assert_eq!(a.parties.len(), 1);
    }
}

#[cfg(test)]
mod size_tests {
    use super::*;
    use std::mem::size_of;

    /// Ten million records are held at once by the indicators: every byte of the struct is
    /// 10 MB there, so a field that grows it should be a decision, not an accident.
    #[test]
    fn records_and_their_strings_stay_small() {
        assert_eq!(size_of::<Text>(), 16);
        assert_eq!(size_of::<Option<Text>>(), 16);
        // Application keys and publication numbers (up to 16 bytes) take no heap allocation.
        assert!(!Text::from("EP20150100001234").is_heap_allocated());
        assert!(Text::from("EP201501000012345").is_heap_allocated());
        assert!(
            size_of::<PatentRecord>() <= 544,
            "{}",
            size_of::<PatentRecord>()
        );
        assert!(size_of::<Publication>() <= 72);
        assert!(size_of::<Priority>() <= 72);
        assert!(size_of::<Citation>() <= 104);
        assert!(size_of::<Classification>() <= 24);
    }
}
