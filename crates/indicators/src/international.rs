//! F5: international applications (filed outside the company's home country, WO included)
//! and their share by country.

use patq_model::AppFields;
use std::collections::BTreeMap;

use serde::Serialize;

use crate::corpus::{Corpus, order_countries};
use crate::table::{Csv, fmt_rate, rate};

/// What F5 counts and how, in words: the text its table carries.
pub const DEFINITION: &str = "F5. International applications by company country. International \
= filed at an office other than the company's home country; WO/PCT filings always count. An \
application whose company country is unknown is not counted as international unless it is a \
WO filing. Share = international / applications.";

/// One row of F5: a company country, or the WORLD total.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    /// Company country (two-letter code), `UNKNOWN` when no rule finds one, or `WORLD` for the
    /// total row.
    pub country: String,
    /// Selected applications of the country.
    pub applications: u64,
    /// Of them, applications filed at an office other than their company country, WO always counted
    /// (see [`crate::AppInfo::international`]).
    pub international: u64,
    /// `international` / `applications`, a share 0-1; None when there is no application.
    pub share: Option<f64>,
}

/// F5: international applications and their share by company country.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InternationalByCountry {
    /// The figure's definition, [`DEFINITION`].
    pub definition: &'static str,
    /// One row per company country with a selected application, by applications descending, then
    /// country code.
    pub rows: Vec<Row>,
    /// The WORLD row: sums over all rows.
    pub world: Row,
}

fn row(country: String, apps: u64, intl: u64) -> Row {
    Row {
        country,
        applications: apps,
        international: intl,
        share: rate(intl, apps),
    }
}

/// F5 over the selection `sel`.
pub fn compute(c: &Corpus<'_, impl AppFields>, sel: &[usize]) -> InternationalByCountry {
    let mut m: BTreeMap<&str, (String, u64, u64)> = BTreeMap::new();
    for &i in sel {
        let a = &c.info[i];
        let k = a.country_label();
        let e = m.entry(k).or_insert_with(|| (k.to_string(), 0, 0));
        e.1 += 1;
        e.2 += u64::from(a.international);
    }
    let (wa, wi) = m.values().fold((0, 0), |(x, y), e| (x + e.1, y + e.2));
    InternationalByCountry {
        definition: DEFINITION,
        rows: order_countries(m, |e| e.1)
            .into_iter()
            .map(|(k, a, n)| row(k, a, n))
            .collect(),
        world: row("WORLD".into(), wa, wi),
    }
}

impl InternationalByCountry {
    /// One row per country, then WORLD: applications, international, share.
    pub fn to_csv(&self) -> String {
        let mut csv = Csv::new(&["country", "applications", "international", "share"]);
        for r in self.rows.iter().chain(std::iter::once(&self.world)) {
            csv.row([
                r.country.clone(),
                r.applications.to_string(),
                r.international.to_string(),
                fmt_rate(r.share),
            ]);
        }
        csv.finish()
    }
}
