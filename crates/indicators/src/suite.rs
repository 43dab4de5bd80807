//! The whole indicator set in one call: every figure and table of METHODOLOGY.md that needs
//! only the corpus (F2-F10, F12, F18, T1, T3, F13-17, P), in report order, each as an [`Output`]
//! with its CSV and JSON, so `patq indicators`, `patq report` and the dashboard show the same
//! list. The quality index (T2, F11) lives in patq-rank and is added by its callers.

use patq_model::AppFields;
use std::collections::BTreeMap;

use patq_enrich::Taxonomy;
use serde::Serialize;

use crate::corpus::{Corpus, UNKNOWN_COUNTRY};
use crate::registry::{self, Figure};
use crate::*;

/// Choices the figures leave open.
#[derive(Clone, Debug, Serialize)]
pub struct Options {
    /// Country whose trend F6 shows; None = all countries.
    pub trend_country: Option<String>,
    /// Office of F7; None = the office with most applications in the selection.
    pub grant_office: Option<String>,
    /// Country of F8 and F12; None = the country with most applications (known countries only).
    pub focus_country: Option<String>,
    /// Companies in F12 and company profiles (P).
    pub top_companies: usize,
    /// Large-family holders listed with F10.
    pub large_family_holders: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            trend_country: None,
            grant_office: None,
            focus_country: None,
            top_companies: 5,
            large_family_holders: 10,
        }
    }
}

/// One table of the set.
#[derive(Clone, Debug, Serialize)]
pub struct Output {
    /// Figure id as METHODOLOGY.md names it (`F2`, `T1`, `F13-17`, `P`).
    pub id: String,
    /// File stem (`F2_grants_by_country`), unique within the set.
    pub file: String,
    /// Report part the figure belongs to.
    pub part: &'static str,
    /// The table's title, its template filled in (country, office, focus country, top N).
    pub title: String,
    /// The figure's definition; empty for a figure whose computing crate writes it at run time.
    pub definition: String,
    /// The table as CSV (RFC 4180), header row first.
    pub csv: String,
    /// The typed result as JSON; None for companion tables that only exist as CSV.
    pub json: Option<serde_json::Value>,
}

/// The typed result as JSON.
fn json<T: Serialize>(x: &T) -> Option<serde_json::Value> {
    // Every result derives Serialize over plain data; failure would be a programming error.
    Some(serde_json::to_value(x).expect("indicator results serialise"))
}

/// Appends the outputs of figure `f`: one per table of the registry entry, in its order,
/// from the (CSV, JSON) pairs of `tables`; `vars` fill the title templates.
fn push<const N: usize>(
    v: &mut Vec<Output>,
    f: &Figure,
    vars: &[(&str, &str)],
    tables: [(String, Option<serde_json::Value>); N],
) {
    debug_assert_eq!(f.tables.len(), N, "{}: tables computed vs registered", f.id);
    for (t, (csv, json)) in f.tables.iter().zip(tables) {
        v.push(Output {
            id: f.id.into(),
            file: t.file.into(),
            part: f.part,
            title: t.title(vars),
            definition: f.definition.unwrap_or_default().into(),
            csv,
            json,
        });
    }
}

/// Most frequent value (ties by smallest key), ignoring `skip`.
fn busiest<'a>(values: impl Iterator<Item = &'a str>, skip: &str) -> Option<String> {
    let mut m: BTreeMap<&str, u64> = BTreeMap::new();
    for v in values.filter(|v| *v != skip && !v.is_empty()) {
        *m.entry(v).or_insert(0) += 1;
    }
    m.into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(a.0)))
        .map(|(k, _)| k.to_string())
}

/// The focus country and office the options resolve to on this selection.
pub fn resolve(
    c: &Corpus<'_, impl AppFields>,
    sel: &[usize],
    o: &Options,
) -> (Option<String>, Option<String>) {
    let country = o.focus_country.clone().or_else(|| {
        busiest(
            sel.iter().map(|&i| c.info[i].country_label()),
            UNKNOWN_COUNTRY,
        )
    });
    // The reference report looks at CN, its landscape's largest office; for any other
    // landscape the largest office is the one whose grant trend says most.
    let office = o
        .grant_office
        .clone()
        .or_else(|| busiest(sel.iter().map(|&i| c.records[i].office()), ""));
    (country, office)
}

pub use crate::registry::{
    PART_COUNTRIES, PART_FAMILIES, PART_INDUSTRIES, PART_PROFILES, PART_TRENDS,
};

/// Computes every figure for the selection `sel`.
pub fn compute(c: &Corpus, sel: &[usize], tax: &Taxonomy, o: &Options) -> Vec<Output> {
    compute_matched(c, sel, &industries::classify(c, sel, tax), o)
}

/// [`compute`] given the taxonomy matches of exactly `sel`: a caller answering many
/// selections of one corpus (the dashboard) classifies every application once instead of
/// re-running the text matching, which dominates the suite's time, per selection.
pub fn compute_matched(
    c: &Corpus<'_, impl AppFields>,
    sel: &[usize],
    m: &industries::Matches,
    o: &Options,
) -> Vec<Output> {
    debug_assert_eq!(m.sel, sel, "matches of another selection");
    let (focus, office) = resolve(c, sel, o);
    let focus_label = focus.clone().unwrap_or_else(|| UNKNOWN_COUNTRY.into());
    // The figures only read the corpus: the second half of the list is computed on another
    // thread while this one computes the first (the halves take about as long at 1M
    // applications), and the outputs keep report order.
    let large = sel.len() >= PARALLEL_FROM;
    let (mut v, rest) = std::thread::scope(|s| {
        let rest =
            large.then(|| s.spawn(|| later_figures(c, sel, m, o, focus.as_deref(), &focus_label)));
        let first = first_figures(c, sel, o, office.as_deref());
        let rest = rest.map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
        (first, rest)
    });
    v.extend(rest.unwrap_or_else(|| later_figures(c, sel, m, o, focus.as_deref(), &focus_label)));
    v
}

/// Selections smaller than this compute the suite on one thread.
const PARALLEL_FROM: usize = 4096;

/// F2, F3, F4, F9, F6 and F7, in report order.
fn first_figures(
    c: &Corpus<'_, impl AppFields>,
    sel: &[usize],
    o: &Options,
    office: Option<&str>,
) -> Vec<Output> {
    let mut v = Vec::new();
    let f2 = grants_by_country::compute(c, sel);
    push(&mut v, &registry::F2, &[], [(f2.to_csv(), json(&f2))]);
    let f3 = families::compute(c, sel);
    push(
        &mut v,
        &registry::F3,
        &[],
        [(f3.to_csv(), json(&f3)), (f3.size_distribution_csv(), None)],
    );
    let f4 = citations::compute(c, sel);
    push(&mut v, &registry::F4, &[], [(f4.to_csv(), json(&f4))]);
    let f9 = citation_bands::compute(c, sel);
    push(
        &mut v,
        &registry::F9,
        &[],
        [(f9.to_csv(), json(&f9)), (f9.to_csv_detail(), None)],
    );

    let f6 = trend::compute(c, sel, o.trend_country.as_deref());
    let country = o.trend_country.as_deref().unwrap_or("all countries");
    push(
        &mut v,
        &registry::F6,
        &[("country", country)],
        [(f6.to_csv(), json(&f6))],
    );
    if let Some(off) = office {
        let f7 = office_grant_trend::compute(c, sel, off);
        let busiest = if o.grant_office.is_some() {
            ""
        } else {
            registry::BUSIEST_OFFICE_NOTE
        };
        push(
            &mut v,
            &registry::F7,
            &[("office", off), ("busiest", busiest)],
            [(f7.to_csv(), json(&f7))],
        );
    }
    v
}

/// T1, F12, F5, F8, F18, F10, T3, F13-17 and P, in report order.
fn later_figures(
    c: &Corpus<'_, impl AppFields>,
    sel: &[usize],
    m: &industries::Matches,
    o: &Options,
    focus: Option<&str>,
    focus_label: &str,
) -> Vec<Output> {
    let mut v = Vec::new();
    let top = o.top_companies.to_string();
    let t1 = company_size_bands::compute(c, sel);
    push(&mut v, &registry::T1, &[], [(t1.to_csv(), json(&t1))]);
    let f12 = top_company_trend::compute(c, sel, focus, o.top_companies);
    push(
        &mut v,
        &registry::F12,
        &[("top", &top), ("focus", focus_label)],
        [(f12.to_csv(), json(&f12))],
    );

    let f5 = international::compute(c, sel);
    push(&mut v, &registry::F5, &[], [(f5.to_csv(), json(&f5))]);
    let f8 = international_offices::compute(c, sel, focus_label);
    push(
        &mut v,
        &registry::F8,
        &[("focus", focus_label)],
        [(f8.to_csv(), json(&f8))],
    );
    let f18 = first_filings::compute(c, sel);
    push(&mut v, &registry::F18, &[], [(f18.to_csv(), json(&f18))]);
    let f10 = family_size_bands::compute(c, sel, o.large_family_holders);
    push(
        &mut v,
        &registry::F10,
        &[],
        [(f10.to_csv(), json(&f10)), (f10.holders_csv(), None)],
    );

    let t3 = industries::from_matches(c, m);
    push(&mut v, &registry::T3, &[], [(t3.to_csv(), json(&t3))]);
    let sc = scenarios::all_from_matches(c, m);
    push(
        &mut v,
        &registry::F13_17,
        &[],
        [
            (scenarios::all_to_csv(&sc), json(&sc)),
            (scenarios::all_top_companies_csv(&sc), None),
        ],
    );

    let p = company_profile::compute_top(c, m, o.top_companies);
    push(
        &mut v,
        &registry::P,
        &[("top", &top)],
        [
            (company_profile::table_csv(&p), json(&p)),
            (company_profile::years_csv(&p), None),
        ],
    );
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busiest_breaks_ties_by_key() {
        let vals = ["US", "CN", "US", "CN", "UNKNOWN", "UNKNOWN", "UNKNOWN"];
        assert_eq!(busiest(vals.iter().copied(), "UNKNOWN"), Some("CN".into()));
        assert_eq!(busiest(["", ""].iter().copied(), ""), None);
    }
}
