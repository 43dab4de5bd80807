//! F5: international applications (filed outside the company's home country, WO included)
//! and their share by country.

use patq_model::AppFields;
use std::collections::BTreeMap;

use serde::Serialize;

use crate::corpus::{Corpus, order_countries};
use crate::table::{Csv, fmt_rate, rate};

pub const DEFINITION: &str = "F5. International applications by company country. International \
= filed at an office other than the company's home country; WO/PCT filings always count. An \
application whose company country is unknown is not counted as international. Share = \
international / applications.";

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    pub country: String,
    pub applications: u64,
    pub international: u64,
    pub share: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InternationalByCountry {
    pub definition: &'static str,
    pub rows: Vec<Row>,
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
