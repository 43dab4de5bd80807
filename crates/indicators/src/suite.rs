//! The whole indicator set in one call: every figure and table of METHODOLOGY.md that needs
//! only the corpus (F2-F10, F12, F18, T1, T3, F13-17, P), in report order, each as an [`Output`]
//! with its CSV and JSON, so `patq indicators`, `patq report` and the dashboard show the same
//! list. The quality index (T2, F11) lives in patq-rank and is added by its callers.

use patq_model::AppFields;
use std::collections::BTreeMap;

use patq_enrich::Taxonomy;
use serde::Serialize;

use crate::corpus::{Corpus, UNKNOWN_COUNTRY};
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
    pub title: String,
    pub definition: String,
    pub csv: String,
    /// The typed result as JSON; None for companion tables that only exist as CSV.
    pub json: Option<serde_json::Value>,
}

fn out<T: Serialize>(
    id: &str,
    file: &str,
    part: &'static str,
    title: String,
    definition: &str,
    csv: String,
    json: Option<&T>,
) -> Output {
    Output {
        id: id.into(),
        file: file.into(),
        part,
        title,
        definition: definition.into(),
        csv,
        // Every result derives Serialize over plain data; failure would be a programming error.
        json: json.map(|j| serde_json::to_value(j).expect("indicator results serialise")),
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

pub const PART_COUNTRIES: &str = "Countries: applications, grants, families, citations";
pub const PART_TRENDS: &str = "Trends and companies";
pub const PART_FAMILIES: &str = "International filings and families";
pub const PART_INDUSTRIES: &str = "Industries and scenarios";
pub const PART_PROFILES: &str = "Company profiles";

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
    v.push(out(
        "F2",
        "F2_grants_by_country",
        PART_COUNTRIES,
        "Applications, grants and grant rate by applicant country".into(),
        f2.definition,
        f2.to_csv(),
        Some(&f2),
    ));
    let f3 = families::compute(c, sel);
    v.push(out(
        "F3",
        "F3_families",
        PART_COUNTRIES,
        "Families by country and share of families with two or more members".into(),
        f3.definition,
        f3.to_csv(),
        Some(&f3),
    ));
    v.push(out::<()>(
        "F3",
        "F3_family_size_distribution",
        PART_COUNTRIES,
        "Family-size distribution".into(),
        f3.definition,
        f3.size_distribution_csv(),
        None,
    ));
    let f4 = citations::compute(c, sel);
    v.push(out(
        "F4",
        "F4_citations",
        PART_COUNTRIES,
        "Cited applications and citation rate by country".into(),
        f4.definition,
        f4.to_csv(),
        Some(&f4),
    ));
    let f9 = citation_bands::compute(c, sel);
    v.push(out(
        "F9",
        "F9_citation_bands",
        PART_COUNTRIES,
        "Citation-count bands of cited applications by country".into(),
        f9.definition,
        f9.to_csv(),
        Some(&f9),
    ));
    v.push(out::<()>(
        "F9",
        "F9_citation_bands_detail",
        PART_COUNTRIES,
        "Citation bands: family-level, without self-citations, cohort-normalised".into(),
        f9.definition,
        f9.to_csv_detail(),
        None,
    ));

    let f6 = trend::compute(c, sel, o.trend_country.as_deref());
    v.push(out(
        "F6",
        "F6_trend",
        PART_TRENDS,
        format!(
            "Applications and applicant companies per filing year ({})",
            o.trend_country.as_deref().unwrap_or("all countries")
        ),
        f6.definition,
        f6.to_csv(),
        Some(&f6),
    ));
    if let Some(off) = office {
        let f7 = office_grant_trend::compute(c, sel, off);
        v.push(out(
            "F7",
            "F7_office_grant_trend",
            PART_TRENDS,
            if o.grant_office.is_some() {
                format!("Grants and grant rate per filing year at office {off}")
            } else {
                format!(
                    "Grants and grant rate per filing year at office {off} (the office with most \
                     applications; --grant-office chooses another)"
                )
            },
            f7.definition,
            f7.to_csv(),
            Some(&f7),
        ));
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
    let t1 = company_size_bands::compute(c, sel);
    v.push(out(
        "T1",
        "T1_company_size_bands",
        PART_TRENDS,
        "Companies by number of applications".into(),
        t1.definition,
        t1.to_csv(),
        Some(&t1),
    ));
    let f12 = top_company_trend::compute(c, sel, focus, o.top_companies);
    v.push(out(
        "F12",
        "F12_top_company_trend",
        PART_TRENDS,
        format!(
            "Applications per year of the top {} companies of {focus_label}",
            o.top_companies
        ),
        f12.definition,
        f12.to_csv(),
        Some(&f12),
    ));

    let f5 = international::compute(c, sel);
    v.push(out(
        "F5",
        "F5_international",
        PART_FAMILIES,
        "International applications and their share by country".into(),
        f5.definition,
        f5.to_csv(),
        Some(&f5),
    ));
    let f8 = international_offices::compute(c, sel, focus_label);
    v.push(out(
        "F8",
        "F8_international_offices",
        PART_FAMILIES,
        format!("International filings of {focus_label} companies by office"),
        f8.definition,
        f8.to_csv(),
        Some(&f8),
    ));
    let f18 = first_filings::compute(c, sel);
    v.push(out(
        "F18",
        "F18_first_filings",
        PART_FAMILIES,
        "First filings (priority filings) by office".into(),
        f18.definition,
        f18.to_csv(),
        Some(&f18),
    ));
    let f10 = family_size_bands::compute(c, sel, o.large_family_holders);
    v.push(out(
        "F10",
        "F10_family_size_bands",
        PART_FAMILIES,
        "Families by size band".into(),
        f10.definition,
        f10.to_csv(),
        Some(&f10),
    ));
    v.push(out::<()>(
        "F10",
        "F10_large_family_holders",
        PART_FAMILIES,
        "Who holds the large families".into(),
        f10.definition,
        f10.holders_csv(),
        None,
    ));

    let t3 = industries::from_matches(c, m);
    v.push(out(
        "T3",
        "T3_industries",
        PART_INDUSTRIES,
        "Industries of granted patents".into(),
        t3.definition,
        t3.to_csv(),
        Some(&t3),
    ));
    let sc = scenarios::all_from_matches(c, m);
    let sc_def = sc.first().map_or(scenarios::DEFINITION, |s| s.definition);
    v.push(out(
        "F13-17",
        "F13-17_scenarios",
        PART_INDUSTRIES,
        "Scenarios inside each industry".into(),
        sc_def,
        scenarios::all_to_csv(&sc),
        Some(&sc),
    ));
    v.push(out::<()>(
        "F13-17",
        "F13-17_scenario_top_companies",
        PART_INDUSTRIES,
        "Top companies of each scenario".into(),
        sc_def,
        scenarios::all_top_companies_csv(&sc),
        None,
    ));

    let p = company_profile::compute_top(c, m, o.top_companies);
    v.push(out(
        "P",
        "P_company_profiles",
        PART_PROFILES,
        format!("Profiles of the top {} companies", o.top_companies),
        company_profile::DEFINITION,
        company_profile::table_csv(&p),
        Some(&p),
    ));
    v.push(out::<()>(
        "P",
        "P_company_profile_years",
        PART_PROFILES,
        "Applications per year of the profiled companies".into(),
        company_profile::DEFINITION,
        company_profile::years_csv(&p),
        None,
    ));
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
