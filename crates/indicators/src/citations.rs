//! F4: cited applications (at least one forward citation) and citation rate by country.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::corpus::{Corpus, order_countries};
use crate::table::{Availability, Csv, fmt_opt, fmt_opt_rate, rate};

pub const DEFINITION: &str = "F4. Cited applications by company country. Cited = received >= 1 \
forward citation, as counted by the source's cited-by count. Citation rate = cited / all \
applications of the country.";

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    pub country: String,
    pub applications: u64,
    pub cited: Option<u64>,
    pub citation_rate: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CitationsByCountry {
    pub definition: &'static str,
    pub cited: Availability,
    pub rows: Vec<Row>,
    pub world: Row,
}

fn row(country: String, apps: u64, cited: u64, avail: bool) -> Row {
    Row {
        country,
        applications: apps,
        cited: avail.then_some(cited),
        citation_rate: if avail { rate(cited, apps) } else { None },
    }
}

pub fn compute(c: &Corpus, sel: &[usize]) -> CitationsByCountry {
    let avail = c.has_citation_counts;
    let mut m: BTreeMap<String, (String, u64, u64)> = BTreeMap::new();
    for &i in sel {
        let a = &c.info[i];
        let k = a.country_label().to_string();
        let e = m.entry(k.clone()).or_insert((k, 0, 0));
        e.1 += 1;
        e.2 += u64::from(a.cited() == Some(true));
    }
    let (wa, wc) = m.values().fold((0, 0), |(x, y), e| (x + e.1, y + e.2));
    CitationsByCountry {
        definition: DEFINITION,
        cited: Availability::from_flag(avail, "forward citation counts"),
        rows: order_countries(m, |e| e.1)
            .into_iter()
            .map(|(k, a, cc)| row(k, a, cc, avail))
            .collect(),
        world: row("WORLD".into(), wa, wc, avail),
    }
}

impl CitationsByCountry {
    pub fn to_csv(&self) -> String {
        let mut csv = Csv::new(&["country", "applications", "cited", "citation_rate"]);
        for r in self.rows.iter().chain(std::iter::once(&self.world)) {
            csv.row([
                r.country.clone(),
                r.applications.to_string(),
                fmt_opt(r.cited, &self.cited),
                fmt_opt_rate(r.citation_rate, &self.cited),
            ]);
        }
        csv.finish()
    }
}
