//! F9: how often the cited applications of each country were cited, in bands 1-2, 3-10, >10.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::corpus::{Corpus, order_countries};
use crate::table::{Availability, Csv, band_label, band_of, fmt_rate, rate};

pub const BANDS: [(u64, Option<u64>); 3] = [(1, Some(2)), (3, Some(10)), (11, None)];

pub const DEFINITION: &str = "F9. Citation-count bands among cited applications (>= 1 forward \
citation, source's cited-by count) by company country: 1-2, 3-10, >10 (>=11). Share = \
applications in the band / cited applications of the country.";

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    pub country: String,
    pub cited: u64,
    pub bands: Vec<u64>,
    pub shares: Vec<Option<f64>>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CitationBands {
    pub definition: &'static str,
    pub cited: Availability,
    pub band_labels: Vec<String>,
    pub rows: Vec<Row>,
    pub world: Row,
}

fn new_row(country: &str) -> Row {
    Row {
        country: country.to_string(),
        cited: 0,
        bands: vec![0; BANDS.len()],
        shares: vec![],
    }
}

fn finish(mut r: Row) -> Row {
    r.shares = r.bands.iter().map(|&b| rate(b, r.cited)).collect();
    r
}

pub fn compute(c: &Corpus, sel: &[usize]) -> CitationBands {
    let mut m: BTreeMap<String, Row> = BTreeMap::new();
    let mut world = new_row("WORLD");
    for &i in sel {
        let a = &c.info[i];
        let Some(b) = a.cited_by.and_then(|n| band_of(u64::from(n), &BANDS)) else {
            continue;
        };
        let r = m
            .entry(a.country_label().to_string())
            .or_insert_with(|| new_row(a.country_label()));
        for r in [r, &mut world] {
            r.cited += 1;
            r.bands[b] += 1;
        }
    }
    CitationBands {
        definition: DEFINITION,
        cited: Availability::from_flag(c.has_citation_counts, "forward citation counts"),
        band_labels: BANDS.iter().map(|&b| band_label(b)).collect(),
        rows: order_countries(m, |r| r.cited)
            .into_iter()
            .map(finish)
            .collect(),
        world: finish(world),
    }
}

impl CitationBands {
    pub fn to_csv(&self) -> String {
        let mut header = vec!["country".to_string(), "cited".to_string()];
        header.extend(self.band_labels.iter().cloned());
        header.extend(self.band_labels.iter().map(|l| format!("share_{l}")));
        let h: Vec<&str> = header.iter().map(String::as_str).collect();
        let mut csv = Csv::new(&h);
        for r in self.rows.iter().chain(std::iter::once(&self.world)) {
            let mut f = vec![r.country.clone()];
            if self.cited.is_available() {
                f.push(r.cited.to_string());
                f.extend(r.bands.iter().map(u64::to_string));
                f.extend(r.shares.iter().map(|&s| fmt_rate(s)));
            } else {
                f.extend(std::iter::repeat_n(self.cited.cell(), h.len() - 1));
            }
            csv.row(f);
        }
        csv.finish()
    }
}
