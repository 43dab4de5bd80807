//! F2: applications, grants and grant rate by company country, with world totals.

use patq_model::AppFields;
use std::collections::BTreeMap;

use serde::Serialize;

use crate::corpus::{Corpus, order_countries};
use crate::table::{Availability, Csv, fmt_opt, fmt_opt_rate, rate};

/// What F2 counts and how, in words: the text its table carries.
pub const DEFINITION: &str = "F2. Applications, grants and grant rate by company country. \
Application = counting unit (publications collapse to it). Granted = the source's grant flag or \
an invention-grant publication (kind codes per office; utility models never count). Grant rate \
= granted / applications. Country = harmonised applicant's country, else office of the first \
priority filing, else a PCT filing's receiving office, else the filing office; regional and \
international offices (EP, WO, ...) name no country (rule recorded).";

/// One row of F2: a company country, or the WORLD total.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    /// Company country (two-letter code), `UNKNOWN` when no rule finds one, or `WORLD` for the
    /// total row.
    pub country: String,
    /// Selected applications of the country.
    pub applications: u64,
    /// None when grant status is not available.
    pub grants: Option<u64>,
    /// `grants` / `applications`, a share 0-1; None when grant status is not available.
    pub grant_rate: Option<f64>,
}

/// F2: applications, grants and grant rate by company country.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GrantsByCountry {
    /// The figure's definition, [`DEFINITION`].
    pub definition: &'static str,
    /// Whether grant status exists; when not, the grant cells hold the note.
    pub grants: Availability,
    /// One row per company country with a selected application, by applications descending, then
    /// country code.
    pub rows: Vec<Row>,
    /// The WORLD row: sums over all rows.
    pub world: Row,
    /// How many applications got their country by each rule.
    pub country_rules: BTreeMap<&'static str, u64>,
}

fn row(country: String, apps: u64, grants: u64, avail: bool) -> Row {
    Row {
        country,
        applications: apps,
        grants: avail.then_some(grants),
        grant_rate: if avail { rate(grants, apps) } else { None },
    }
}

/// F2 over the selection `sel`.
pub fn compute(c: &Corpus<'_, impl AppFields>, sel: &[usize]) -> GrantsByCountry {
    let avail = c.has_grant_status;
    let mut m: BTreeMap<&str, (String, u64, u64)> = BTreeMap::new();
    for &i in sel {
        let a = &c.info[i];
        let e = m
            .entry(a.country_label())
            .or_insert_with(|| (a.country_label().to_string(), 0, 0));
        e.1 += 1;
        e.2 += u64::from(a.granted == Some(true));
    }
    let (wa, wg) = m.values().fold((0, 0), |(x, y), e| (x + e.1, y + e.2));
    let rows = order_countries(m, |e| e.1)
        .into_iter()
        .map(|(k, a, g)| row(k, a, g, avail))
        .collect();
    GrantsByCountry {
        definition: DEFINITION,
        grants: Availability::from_flag(avail, "grant status"),
        rows,
        world: row("WORLD".into(), wa, wg, avail),
        country_rules: c.country_rules(sel),
    }
}

impl GrantsByCountry {
    /// One row per country, then WORLD: applications, grants, grant rate.
    pub fn to_csv(&self) -> String {
        let mut csv = Csv::new(&["country", "applications", "grants", "grant_rate"]);
        for r in self.rows.iter().chain(std::iter::once(&self.world)) {
            csv.row([
                r.country.clone(),
                r.applications.to_string(),
                fmt_opt(r.grants, &self.grants),
                fmt_opt_rate(r.grant_rate, &self.grants),
            ]);
        }
        csv.finish()
    }
}
