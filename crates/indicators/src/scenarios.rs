//! F13-17: the application scenarios inside one industry of the taxonomy (supply-chain
//! finance, prescriptions, power trading, ...) with their companies, applications, grants and
//! leading companies.

use patq_enrich::Taxonomy;
use patq_model::AppFields;
use serde::Serialize;

use crate::company_profile::rank_groups;
use crate::corpus::Corpus;
use crate::industries::{Matches, classify};
use crate::table::{Availability, Csv, fmt_opt};

/// Leading companies shown per scenario.
pub const TOP_COMPANIES: usize = 5;

/// What F13-17 counts and how, in words: the text its tables carry.
pub const DEFINITION: &str = "F13-17. Scenarios inside one industry of the technology taxonomy \
in use (for a WIPO technology field, its IPC subclasses). An application is in a scenario when the scenario's rule matches it; \
it can be in several scenarios, or in the industry through the industry's own rule only \
(counted as 'without scenario'). Companies = distinct harmonised groups with an application in \
the scenario; top companies = the 5 groups with the most applications in it (ties by group \
id). Scenarios ordered by applications, then scenario id.";

/// The industry id is not in the taxonomy.
#[derive(Debug, thiserror::Error)]
#[error("unknown industry {id:?}; the taxonomy has: {known}")]
pub struct UnknownIndustry {
    /// The industry id asked for.
    pub id: String,
    /// The taxonomy's industry ids, comma-separated.
    pub known: String,
}

/// One of a scenario's leading companies.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TopCompany {
    /// Harmonised group id.
    pub group: String,
    /// The group's selected applications in the scenario.
    pub applications: u64,
    /// Of them, granted; None when grant status is not available.
    pub grants: Option<u64>,
}

/// One scenario of an industry.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    /// Scenario id in the taxonomy.
    pub scenario: String,
    /// Scenario name as the taxonomy gives it.
    pub name: String,
    /// Distinct harmonised groups with a selected application in the scenario (granted or not);
    /// None without applicants.
    pub companies: Option<u64>,
    /// Selected applications the scenario's rule matches (an application can be in several
    /// scenarios).
    pub applications: u64,
    /// Of them, granted; None when grant status is not available.
    pub grants: Option<u64>,
    /// Up to [`TOP_COMPANIES`] groups with the most applications in the scenario, ties by group id.
    pub top_companies: Vec<TopCompany>,
}

/// F13-17: the scenarios of one industry.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scenarios {
    /// The figure's definition, [`DEFINITION`].
    pub definition: &'static str,
    /// Industry id in the taxonomy.
    pub industry: String,
    /// Industry name as the taxonomy gives it.
    pub industry_name: String,
    /// Whether grant status exists; when not, the grant cells hold the note.
    pub grants_available: Availability,
    /// Whether the data names applicants, which the company counts need.
    pub companies_available: Availability,
    /// Applications in the industry.
    pub applications: u64,
    /// Applications in the industry that match none of its scenarios.
    pub without_scenario: u64,
    /// One row per scenario of the industry, empty ones included, by applications descending, then
    /// scenario id.
    pub rows: Vec<Row>,
}

/// F13-17 for the industry with id `industry`, the selection `sel` classified with `tax`; an error
/// when the taxonomy has no such industry.
pub fn compute(
    c: &Corpus,
    sel: &[usize],
    tax: &Taxonomy,
    industry: &str,
) -> Result<Scenarios, UnknownIndustry> {
    from_matches(c, &classify(c, sel, tax), industry)
}

/// The scenarios of every industry, in taxonomy order.
pub fn compute_all(c: &Corpus, sel: &[usize], tax: &Taxonomy) -> Vec<Scenarios> {
    all_from_matches(c, &classify(c, sel, tax))
}

/// The scenarios of every industry from matches already computed, in taxonomy order.
pub fn all_from_matches(c: &Corpus<'_, impl AppFields>, m: &Matches) -> Vec<Scenarios> {
    (0..m.taxonomy.industries.len())
        .map(|x| of_industry(c, m, x))
        .collect()
}

/// The scenarios of the industry with id `industry` from matches already computed; an error when
/// the taxonomy has no such industry.
pub fn from_matches(
    c: &Corpus<'_, impl AppFields>,
    m: &Matches,
    industry: &str,
) -> Result<Scenarios, UnknownIndustry> {
    let inds = &m.taxonomy.industries;
    match inds.iter().position(|d| d.id == industry) {
        Some(x) => Ok(of_industry(c, m, x)),
        None => Err(UnknownIndustry {
            id: industry.to_string(),
            known: inds
                .iter()
                .map(|d| d.id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}

fn of_industry(c: &Corpus<'_, impl AppFields>, m: &Matches, x: usize) -> Scenarios {
    let ind = &m.taxonomy.industries[x];
    let mut apps: Vec<Vec<usize>> = vec![Vec::new(); ind.scenarios.len()];
    let (mut n, mut without) = (0, 0);
    for (i, scen) in m.in_industry(x) {
        n += 1;
        without += u64::from(scen.is_empty());
        for &s in scen {
            apps[s].push(i);
        }
    }
    let g = c.has_grant_status;
    let granted = |v: &mut dyn Iterator<Item = usize>| {
        g.then(|| v.filter(|&i| c.info[i].granted == Some(true)).count() as u64)
    };
    let mut rows: Vec<Row> = ind
        .scenarios
        .iter()
        .zip(&apps)
        .map(|(s, v)| {
            let companies = c.groups.distinct(v.iter().copied());
            let mut top = rank_groups(c, v.iter().copied());
            top.truncate(TOP_COMPANIES);
            Row {
                scenario: s.id.clone(),
                name: s.name.clone(),
                companies: c.has_applicants.then_some(companies),
                applications: v.len() as u64,
                grants: granted(&mut v.iter().copied()),
                top_companies: top
                    .into_iter()
                    .map(|t| {
                        let id = c.groups.id(&t.group);
                        TopCompany {
                            grants: granted(
                                &mut v.iter().copied().filter(|&i| c.groups.of(i) == id),
                            ),
                            group: t.group,
                            applications: t.applications,
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.applications
            .cmp(&a.applications)
            .then_with(|| a.scenario.cmp(&b.scenario))
    });
    Scenarios {
        definition: DEFINITION,
        industry: ind.id.clone(),
        industry_name: ind.name.clone(),
        grants_available: Availability::from_flag(g, "grant status"),
        companies_available: Availability::from_flag(c.has_applicants, "applicants"),
        applications: n,
        without_scenario: without,
        rows,
    }
}

fn write_rows(csv: &mut Csv, s: &Scenarios) {
    for r in &s.rows {
        csv.row([
            s.industry.clone(),
            r.scenario.clone(),
            r.name.clone(),
            fmt_opt(r.companies, &s.companies_available),
            r.applications.to_string(),
            fmt_opt(r.grants, &s.grants_available),
        ]);
    }
}

fn write_top(csv: &mut Csv, s: &Scenarios) {
    for r in &s.rows {
        for (k, t) in r.top_companies.iter().enumerate() {
            csv.row([
                s.industry.clone(),
                r.scenario.clone(),
                (k + 1).to_string(),
                t.group.clone(),
                t.applications.to_string(),
                fmt_opt(t.grants, &s.grants_available),
            ]);
        }
    }
}

const ROW_HEADER: [&str; 6] = [
    "industry",
    "scenario",
    "name",
    "companies",
    "applications",
    "grants",
];
const TOP_HEADER: [&str; 6] = [
    "industry",
    "scenario",
    "rank",
    "group",
    "applications",
    "grants",
];

/// The scenario rows of several industries in one table.
pub fn all_to_csv(all: &[Scenarios]) -> String {
    let mut csv = Csv::new(&ROW_HEADER);
    all.iter().for_each(|s| write_rows(&mut csv, s));
    csv.finish()
}

/// The top companies of every scenario of several industries in one table.
pub fn all_top_companies_csv(all: &[Scenarios]) -> String {
    let mut csv = Csv::new(&TOP_HEADER);
    all.iter().for_each(|s| write_top(&mut csv, s));
    csv.finish()
}

impl Scenarios {
    /// One row per scenario: industry, scenario, name, companies, applications, grants.
    pub fn to_csv(&self) -> String {
        all_to_csv(std::slice::from_ref(self))
    }

    /// One row per leading company of each scenario, with its rank from 1.
    pub fn top_companies_csv(&self) -> String {
        all_top_companies_csv(std::slice::from_ref(self))
    }
}
