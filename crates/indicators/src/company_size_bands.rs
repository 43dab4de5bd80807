//! T1: companies (harmonised groups) by their number of applications, in bands, by country.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::corpus::{Corpus, UNKNOWN_COUNTRY, order_countries};
use crate::table::{Availability, Csv, band_label, band_of};

pub const BANDS: [(u64, Option<u64>); 6] = [
    (1, Some(9)),
    (10, Some(49)),
    (50, Some(99)),
    (100, Some(499)),
    (500, Some(999)),
    (1000, None),
];

pub const DEFINITION: &str = "T1. Companies by number of applications in the selection, in bands \
1-9, 10-49, 50-99, 100-499, 500-999, >=1000. Company = harmonised group of the first applicant \
(else first owner). A company's country is the country most of its applications give it (ties: \
smallest code).";

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    pub country: String,
    pub companies: u64,
    /// Companies per band, in the order of [`BANDS`].
    pub bands: Vec<u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CompanySizeBands {
    pub definition: &'static str,
    pub applicants: Availability,
    pub band_labels: Vec<String>,
    pub rows: Vec<Row>,
    pub world: Row,
}

pub fn compute(c: &Corpus, sel: &[usize]) -> CompanySizeBands {
    // group -> (applications, country -> applications)
    let mut groups: BTreeMap<&str, (u64, BTreeMap<&str, u64>)> = BTreeMap::new();
    for &i in sel {
        let a = &c.info[i];
        if let Some(g) = &a.group {
            let e = groups.entry(g).or_default();
            e.0 += 1;
            *e.1.entry(a.country_label()).or_insert(0) += 1;
        }
    }
    let mut m: BTreeMap<String, Row> = BTreeMap::new();
    let mut world = Row {
        country: "WORLD".into(),
        companies: 0,
        bands: vec![0; BANDS.len()],
    };
    for (n, countries) in groups.values() {
        // Most applications wins; BTreeMap order makes the smallest code win ties.
        let country = countries
            .iter()
            .fold(
                (UNKNOWN_COUNTRY, 0),
                |best, (&k, &v)| {
                    if v > best.1 { (k, v) } else { best }
                },
            )
            .0;
        let b = band_of(*n, &BANDS).expect("a company has >= 1 application");
        let r = m.entry(country.to_string()).or_insert_with(|| Row {
            country: country.to_string(),
            companies: 0,
            bands: vec![0; BANDS.len()],
        });
        r.companies += 1;
        r.bands[b] += 1;
        world.companies += 1;
        world.bands[b] += 1;
    }
    CompanySizeBands {
        definition: DEFINITION,
        applicants: Availability::from_flag(c.has_applicants, "applicants"),
        band_labels: BANDS.iter().map(|&b| band_label(b)).collect(),
        rows: order_countries(m, |r| r.companies),
        world,
    }
}

impl CompanySizeBands {
    pub fn to_csv(&self) -> String {
        let mut header = vec!["country", "companies"];
        header.extend(self.band_labels.iter().map(String::as_str));
        let mut csv = Csv::new(&header);
        for r in self.rows.iter().chain(std::iter::once(&self.world)) {
            let mut f = vec![r.country.clone()];
            if self.applicants.is_available() {
                f.push(r.companies.to_string());
                f.extend(r.bands.iter().map(u64::to_string));
            } else {
                f.extend(std::iter::repeat_n(self.applicants.cell(), BANDS.len() + 1));
            }
            csv.row(f);
        }
        csv.finish()
    }
}
