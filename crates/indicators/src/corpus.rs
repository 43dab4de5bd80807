//! Everything the indicators need per application, computed once: extended families, the
//! harmonised applicant group, the company's country (and the rule used), filing year, grant,
//! international and cited flags, plus which of those the dataset can answer at all.

use std::collections::BTreeMap;

use patq_enrich::{CountryRule, Families, Harmonizer, company_country};
use patq_model::{PartyRole, PatentRecord, PubClass};
use serde::{Deserialize, Serialize};

/// The row label for applications whose company country no rule could find.
pub const UNKNOWN_COUNTRY: &str = "UNKNOWN";

/// Derived facts about one application (same index as the record).
#[derive(Clone, Debug, Serialize)]
pub struct AppInfo {
    /// Harmonised group of the first applicant, else of the first owner.
    pub group: Option<String>,
    pub country: Option<String>,
    pub country_rule: CountryRule,
    pub year: Option<i32>,
    /// None when the dataset holds no grant evidence at all (no flag, no publications).
    pub granted: Option<bool>,
    /// Filed at an office other than the company's home country (WO always counts). False
    /// when the country is unknown: nothing shows it is foreign.
    pub international: bool,
    /// Forward citations as the source counts them; None when the source gives no count.
    pub cited_by: Option<u32>,
}

impl AppInfo {
    pub fn country_label(&self) -> &str {
        self.country.as_deref().unwrap_or(UNKNOWN_COUNTRY)
    }

    pub fn cited(&self) -> Option<bool> {
        self.cited_by.map(|c| c > 0)
    }
}

/// Which application selection an indicator looks at. Years are filing years, inclusive;
/// an application without a filing year fails a year bound.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filters {
    pub from_year: Option<i32>,
    pub to_year: Option<i32>,
    /// Company country (ISO code, or [`UNKNOWN_COUNTRY`]).
    pub country: Option<String>,
    /// Filing office.
    pub office: Option<String>,
}

/// The records with their derived facts and families.
pub struct Corpus<'a> {
    pub records: &'a [PatentRecord],
    pub info: Vec<AppInfo>,
    /// Built over all records, so a filter never truncates a family.
    pub families: Families,
    pub has_grant_status: bool,
    pub has_citation_counts: bool,
    pub has_applicants: bool,
}

fn first_party(r: &PatentRecord, role: PartyRole) -> Option<&patq_model::Party> {
    r.parties
        .iter()
        .filter(|p| p.role == role && !p.name.trim().is_empty())
        .min_by_key(|p| p.seq)
}

impl<'a> Corpus<'a> {
    /// `records` one per application (as `load_records` returns them).
    pub fn build(records: &'a [PatentRecord], harmonizer: &Harmonizer) -> Corpus<'a> {
        // A dataset with publications can tell "not granted" (only A publications) from
        // "unknown"; one with neither flags nor publications (PATSTAT extract) cannot.
        let has_grant_status = records
            .iter()
            .any(|r| r.app.granted.is_some() || !r.publications.is_empty());
        let has_citation_counts = records.iter().any(|r| r.app.cited_by_count.is_some());
        let mut has_applicants = false;
        let info = records
            .iter()
            .map(|r| {
                let party = first_party(r, PartyRole::Applicant)
                    .or_else(|| first_party(r, PartyRole::Owner));
                let group = party.map(|p| harmonizer.harmonize(&p.name, p.country.as_deref()));
                has_applicants |= group.is_some();
                let cc = company_country(group.as_ref(), r);
                let office = r.app.office.as_str();
                let international =
                    office == "WO" || cc.country.as_deref().is_some_and(|c| c != office);
                let granted = has_grant_status.then(|| {
                    r.app.granted == Some(true)
                        || r.publications.iter().any(|p| p.class == PubClass::Grant)
                });
                AppInfo {
                    group: group.map(|g| g.id),
                    country: cc.country,
                    country_rule: cc.rule,
                    year: r.app.filing_year,
                    granted,
                    international,
                    cited_by: r.app.cited_by_count,
                }
            })
            .collect();
        Corpus {
            records,
            info,
            families: Families::build(records),
            has_grant_status,
            has_citation_counts,
            has_applicants,
        }
    }

    /// Indices of the applications that pass `f`, ascending.
    pub fn select(&self, f: &Filters) -> Vec<usize> {
        (0..self.records.len())
            .filter(|&i| {
                let a = &self.info[i];
                let year_ok = |bound: Option<i32>, ok: fn(i32, i32) -> bool| match bound {
                    None => true,
                    Some(b) => a.year.is_some_and(|y| ok(y, b)),
                };
                year_ok(f.from_year, |y, b| y >= b)
                    && year_ok(f.to_year, |y, b| y <= b)
                    && f.country.as_deref().is_none_or(|c| a.country_label() == c)
                    && f.office
                        .as_deref()
                        .is_none_or(|o| self.records[i].app.office == o)
            })
            .collect()
    }

    /// How many applications of the selection got their country by each rule.
    pub fn country_rules(&self, sel: &[usize]) -> BTreeMap<&'static str, u64> {
        let mut m = BTreeMap::new();
        for &i in sel {
            *m.entry(self.info[i].country_rule.as_str()).or_insert(0) += 1;
        }
        m
    }

    /// Extended families with at least one selected member, each with its representative: the
    /// earliest-filed selected member (ties by key), whose company gives the family's country.
    pub fn selected_families(&self, sel: &[usize]) -> BTreeMap<u32, usize> {
        let mut rep: BTreeMap<u32, usize> = BTreeMap::new();
        for &i in sel {
            let fam = self.families.extended[i];
            let key = |j: usize| {
                let a = &self.records[j].app;
                (a.filing_date.is_none(), a.filing_date, a.key.clone())
            };
            rep.entry(fam)
                .and_modify(|r| {
                    if key(i) < key(*r) {
                        *r = i;
                    }
                })
                .or_insert(i);
        }
        rep
    }

    /// Keeps in `sel` only the applications whose record matches the topic query `q` (title,
    /// abstract, claims, CPC/IPC classes). Sequential: the workspace has no thread pool, and
    /// matching is cheap next to loading the dataset.
    pub fn retain_topic(&self, sel: &mut Vec<usize>, q: &patq_enrich::Query) {
        sel.retain(|&i| q.matches(&self.records[i]));
    }
}

/// Per-country accumulation, ordered for output by descending `weight` then country code.
pub(crate) fn order_countries<T>(m: BTreeMap<String, T>, weight: impl Fn(&T) -> u64) -> Vec<T> {
    let mut v: Vec<(String, T)> = m.into_iter().collect();
    v.sort_by(|a, b| weight(&b.1).cmp(&weight(&a.1)).then_with(|| a.0.cmp(&b.0)));
    v.into_iter().map(|(_, t)| t).collect()
}
