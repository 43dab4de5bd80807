//! T3: industries of the taxonomy (finance, medical, energy, ...) with their companies,
//! applications and grants; also the per-record industry and scenario matches that the
//! scenario figures (F13-17) reuse.

use std::collections::BTreeSet;

use patq_enrich::Taxonomy;
use serde::Serialize;

use crate::corpus::Corpus;
use crate::par;
use crate::table::{Availability, Csv, fmt_opt, fmt_opt_rate, rate};

pub const DEFINITION: &str = "T3. Industries of the technology taxonomy (profiles/taxonomy.toml; \
an industry matches through its own rule or any of its scenarios' rules, on CPC/IPC classes and \
words of title, abstract and claims). An application can belong to several industries, so the \
rows do not add up to the total; 'unclassified' counts applications matching no industry. \
Companies = distinct harmonised groups with a granted application in the industry; grant rate \
= grants / applications. Ordered by grants, then industry id (by applications when grant \
status is unknown).";

/// Label of the row of applications that match no industry.
pub const UNCLASSIFIED: &str = "unclassified";

/// The taxonomy matches of each selected application, computed once and shared by T3 and the
/// scenario figures.
pub struct Matches<'t> {
    pub taxonomy: &'t Taxonomy,
    /// The selection the matches were computed for.
    pub sel: Vec<usize>,
    /// Parallel to `sel`: (industry index, scenario indices) into `taxonomy.industries`.
    pub per_app: Vec<Vec<(usize, Vec<usize>)>>,
}

impl Matches<'_> {
    /// Selected applications (record indices) in industry `ind`, with their scenario indices.
    pub fn in_industry(&self, ind: usize) -> impl Iterator<Item = (usize, &[usize])> {
        self.sel
            .iter()
            .zip(&self.per_app)
            .filter_map(move |(&i, m)| {
                m.iter()
                    .find(|(x, _)| *x == ind)
                    .map(|(_, s)| (i, s.as_slice()))
            })
    }
}

/// Classifies the selection (in parallel on large selections).
pub fn classify<'t>(c: &Corpus, sel: &[usize], tax: &'t Taxonomy) -> Matches<'t> {
    let per_app = par::map(sel, |i| {
        tax.classify(&c.records[i])
            .into_iter()
            .map(|(ind, scen)| {
                let x = tax
                    .industries
                    .iter()
                    .position(|d| d.id == ind)
                    .expect("classify returns taxonomy industries");
                let scen = scen
                    .into_iter()
                    .map(|s| {
                        tax.industries[x]
                            .scenarios
                            .iter()
                            .position(|d| d.id == s)
                            .expect("classify returns the industry's scenarios")
                    })
                    .collect();
                (x, scen)
            })
            .collect()
    });
    Matches {
        taxonomy: tax,
        sel: sel.to_vec(),
        per_app,
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    pub industry: String,
    pub name: String,
    pub companies: Option<u64>,
    pub applications: u64,
    pub grants: Option<u64>,
    pub grant_rate: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Industries {
    pub definition: &'static str,
    pub grants_available: Availability,
    pub companies_available: Availability,
    /// Every industry of the taxonomy, zero rows included.
    pub rows: Vec<Row>,
    pub unclassified: Row,
    /// Applications of the selection.
    pub applications: u64,
}

/// Companies and grant availability: companies need both grants and applicants.
pub(crate) fn availability(c: &Corpus) -> (Availability, Availability) {
    let grants = Availability::from_flag(c.has_grant_status, "grant status");
    let companies = if !c.has_grant_status {
        grants.clone()
    } else {
        Availability::from_flag(c.has_applicants, "applicants")
    };
    (grants, companies)
}

fn row(c: &Corpus, id: &str, name: &str, apps: impl Iterator<Item = usize>) -> Row {
    let (mut n, mut grants) = (0, 0);
    let mut groups = BTreeSet::new();
    for i in apps {
        let a = &c.info[i];
        n += 1;
        if a.granted == Some(true) {
            grants += 1;
            if let Some(g) = &a.group {
                groups.insert(g.as_str());
            }
        }
    }
    let g = c.has_grant_status;
    Row {
        industry: id.to_string(),
        name: name.to_string(),
        companies: (g && c.has_applicants).then_some(groups.len() as u64),
        applications: n,
        grants: g.then_some(grants),
        grant_rate: g.then(|| rate(grants, n)).flatten(),
    }
}

pub fn compute(c: &Corpus, sel: &[usize], tax: &Taxonomy) -> Industries {
    from_matches(c, &classify(c, sel, tax))
}

/// T3 from matches already computed (see [`classify`]).
pub fn from_matches(c: &Corpus, m: &Matches) -> Industries {
    let mut rows: Vec<Row> = m
        .taxonomy
        .industries
        .iter()
        .enumerate()
        .map(|(x, ind)| row(c, &ind.id, &ind.name, m.in_industry(x).map(|(i, _)| i)))
        .collect();
    rows.sort_by(|a, b| {
        let w = |r: &Row| r.grants.unwrap_or(r.applications);
        w(b).cmp(&w(a)).then_with(|| a.industry.cmp(&b.industry))
    });
    let none = m
        .sel
        .iter()
        .zip(&m.per_app)
        .filter(|(_, p)| p.is_empty())
        .map(|(&i, _)| i);
    let (grants_available, companies_available) = availability(c);
    Industries {
        definition: DEFINITION,
        grants_available,
        companies_available,
        unclassified: row(c, UNCLASSIFIED, "No industry matched", none),
        applications: m.sel.len() as u64,
        rows,
    }
}

impl Industries {
    /// Industry rows, then the unclassified row.
    pub fn to_csv(&self) -> String {
        let mut csv = Csv::new(&[
            "industry",
            "name",
            "companies",
            "applications",
            "grants",
            "grant_rate",
        ]);
        for r in self.rows.iter().chain(std::iter::once(&self.unclassified)) {
            csv.row([
                r.industry.clone(),
                r.name.clone(),
                fmt_opt(r.companies, &self.companies_available),
                r.applications.to_string(),
                fmt_opt(r.grants, &self.grants_available),
                fmt_opt_rate(r.grant_rate, &self.grants_available),
            ]);
        }
        csv.finish()
    }
}
