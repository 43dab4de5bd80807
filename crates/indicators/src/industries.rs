//! T3: industries of the taxonomy (finance, medical, energy, ...) with their companies,
//! applications and grants; also the per-record industry and scenario matches that the
//! scenario figures (F13-17) reuse.

use std::borrow::Cow;

use patq_enrich::{Facts, FactsMemo, Taxonomy};
use patq_model::{AppFields, PatentRecord};
use serde::Serialize;

use crate::corpus::Corpus;
use crate::par;
use crate::table::{Availability, Csv, fmt_opt, fmt_opt_rate, rate};

/// What T3 counts and how, in words: the text its table carries.
pub const DEFINITION: &str = "T3. Industries of the technology taxonomy in use, named with the \
selection (by default WIPO's 35 technology fields). An industry matches through its own rule or \
any of its scenarios' rules, on CPC/IPC classes and words of title, abstract and claims. An \
application can belong to several industries, so the rows do not add up to the total; \
'unclassified' counts applications matching no industry. Companies = distinct harmonised groups \
with a granted application in the industry; grant rate = grants / applications. Ordered by \
grants, then industry id (by applications when grant status is unknown).";

/// Label of the row of applications that match no industry.
pub const UNCLASSIFIED: &str = "unclassified";

/// The taxonomy facts (split, industries, scenarios) of each selected application, computed
/// once and shared by T3, the scenario figures and the company profiles.
pub struct Matches<'t> {
    /// The taxonomy the facts were computed with.
    pub taxonomy: &'t Taxonomy,
    /// The selection the matches were computed for.
    pub sel: Vec<usize>,
    /// Indexed by record index (entries outside `sel` may be empty): borrowed from a caller
    /// that classified every application once (the dashboard), or owned by [`classify`].
    facts: Cow<'t, [Facts]>,
    /// Per industry, its selected applications in `sel` order: one pass over the selection
    /// instead of one per industry and figure (as u32: half the memory at 10M applications).
    members: Vec<Vec<u32>>,
}

impl<'t> Matches<'t> {
    /// Matches of `sel` from facts of every record (`facts[i]` for record `i`).
    pub fn over(taxonomy: &'t Taxonomy, sel: &[usize], facts: &'t [Facts]) -> Matches<'t> {
        Matches::new(taxonomy, sel.to_vec(), Cow::Borrowed(facts))
    }

    fn new(taxonomy: &'t Taxonomy, sel: Vec<usize>, facts: Cow<'t, [Facts]>) -> Matches<'t> {
        let mut members = vec![Vec::new(); taxonomy.industries.len()];
        for &i in &sel {
            for (x, _) in facts[i].industries.iter() {
                members[*x].push(i as u32);
            }
        }
        Matches {
            taxonomy,
            sel,
            facts,
            members,
        }
    }

    /// The taxonomy facts of record `i` (a selected one).
    pub fn of(&self, i: usize) -> &Facts {
        &self.facts[i]
    }

    /// Selected applications (record indices) in industry `ind`, with their scenario indices.
    pub fn in_industry(&self, ind: usize) -> impl Iterator<Item = (usize, &[usize])> {
        self.members[ind].iter().map(move |&i| {
            let i = i as usize;
            let scen = self.facts[i]
                .industries
                .iter()
                .find(|(x, _)| *x == ind)
                .map_or(&[][..], |(_, s)| s.as_slice());
            (i, scen)
        })
    }
}

/// The facts of every record of the corpus (in parallel): what a caller answering many
/// selections keeps, to build each selection's [`Matches::over`].
pub fn facts_of_all(c: &Corpus, tax: &Taxonomy) -> Vec<Facts> {
    facts_where(c.records, tax, |_| true)
}

/// The facts of the records `admit` accepts (in parallel), indexed by record; the others get
/// empty facts. It needs only the records, so it can run while the corpus is being built,
/// for a superset of the selection still to be made.
pub fn facts_where(
    records: &[PatentRecord],
    tax: &Taxonomy,
    admit: impl Fn(&PatentRecord) -> bool,
) -> Vec<Facts> {
    let sel: Vec<usize> = (0..records.len()).filter(|&i| admit(&records[i])).collect();
    scatter(records, &sel, tax)
}

/// Classifies the selection (in parallel on large selections).
pub fn classify<'t>(c: &Corpus, sel: &[usize], tax: &'t Taxonomy) -> Matches<'t> {
    let facts = scatter(c.records, sel, tax);
    Matches::new(tax, sel.to_vec(), Cow::Owned(facts))
}

/// The facts of each record of `sel` at its position of a vector as long as `records` (empty
/// facts elsewhere).
fn scatter(records: &[PatentRecord], sel: &[usize], tax: &Taxonomy) -> Vec<Facts> {
    let facts = par::map_with(sel, FactsMemo::default, |memo, i| {
        tax.facts_memo(&records[i], memo)
    });
    if sel.len() == records.len() {
        return facts;
    }
    let mut all = vec![Facts::default(); records.len()];
    for (&i, x) in sel.iter().zip(facts) {
        all[i] = x;
    }
    all
}

/// One industry of T3, or the unclassified row.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    /// Industry id in the taxonomy, or [`UNCLASSIFIED`].
    pub industry: String,
    /// Industry name as the taxonomy gives it.
    pub name: String,
    /// Distinct harmonised groups with a granted selected application in the industry; None without
    /// grant status or applicants.
    pub companies: Option<u64>,
    /// Selected applications in the industry (an application can be in several industries).
    pub applications: u64,
    /// Of them, granted; None without grant status.
    pub grants: Option<u64>,
    /// `grants` / `applications`, a share 0-1; None without grant status or without applications.
    pub grant_rate: Option<f64>,
}

/// T3: the industries of the taxonomy with their companies, applications and grants.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Industries {
    /// The figure's definition, [`DEFINITION`].
    pub definition: &'static str,
    /// Whether grant status exists; when not, the grant cells hold the note.
    pub grants_available: Availability,
    /// Whether companies can be counted: they need grant status and applicants.
    pub companies_available: Availability,
    /// Every industry of the taxonomy, zero rows included.
    pub rows: Vec<Row>,
    /// Selected applications that match no industry, as the row [`UNCLASSIFIED`].
    pub unclassified: Row,
    /// Applications of the selection.
    pub applications: u64,
}

/// Companies and grant availability: companies need both grants and applicants.
pub(crate) fn availability(c: &Corpus<'_, impl AppFields>) -> (Availability, Availability) {
    let grants = Availability::from_flag(c.has_grant_status, "grant status");
    let companies = if !c.has_grant_status {
        grants.clone()
    } else {
        Availability::from_flag(c.has_applicants, "applicants")
    };
    (grants, companies)
}

fn row(
    c: &Corpus<'_, impl AppFields>,
    id: &str,
    name: &str,
    apps: impl Iterator<Item = usize>,
) -> Row {
    let (mut n, mut grants) = (0, 0);
    let mut granted = Vec::new();
    for i in apps {
        n += 1;
        if c.info[i].granted == Some(true) {
            grants += 1;
            granted.push(i);
        }
    }
    let companies = c.groups.distinct(granted);
    let g = c.has_grant_status;
    Row {
        industry: id.to_string(),
        name: name.to_string(),
        companies: (g && c.has_applicants).then_some(companies),
        applications: n,
        grants: g.then_some(grants),
        grant_rate: g.then(|| rate(grants, n)).flatten(),
    }
}

/// T3 over the selection `sel`, classified with `tax` (see [`from_matches`] to reuse matches).
pub fn compute(c: &Corpus, sel: &[usize], tax: &Taxonomy) -> Industries {
    from_matches(c, &classify(c, sel, tax))
}

/// T3 from matches already computed (see [`classify`]).
pub fn from_matches(c: &Corpus<'_, impl AppFields>, m: &Matches) -> Industries {
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
        .copied()
        .filter(|&i| m.of(i).industries.is_empty());
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
