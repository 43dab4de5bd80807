//! T1: companies by their number of applications, in bands, by country. Counts corporate groups
//! (`applicant_group`: entities joined by the alias file).

use patq_model::AppFields;
use std::collections::BTreeMap;

use serde::Serialize;

use crate::corpus::{Corpus, order_countries};
use crate::table::{Availability, Csv, band_label, band_of};

/// Company-size bands in applications, inclusive (low, high) pairs with None for no upper bound:
/// 1-9, 10-49, 50-99, 100-499, 500-999, >=1000.
pub const BANDS: [(u64, Option<u64>); 6] = [
    (1, Some(9)),
    (10, Some(49)),
    (50, Some(99)),
    (100, Some(499)),
    (500, Some(999)),
    (1000, None),
];

/// What T1 counts and how, in words: the text its table carries.
pub const DEFINITION: &str = "T1. Companies by number of applications in the selection, in bands \
1-9, 10-49, 50-99, 100-499, 500-999, >=1000. T1 counts corporate groups (applicant_group: entities \
joined by the alias file) of the first applicant (else first owner). A company's country is the \
country most of its applications give it (ties: smallest code).";

/// One row of T1: a company country, or the WORLD total.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    /// The companies' country: for each company the one most of its selected applications give it
    /// (ties: smallest code; `UNKNOWN` takes part like a code), or `WORLD` for the total row.
    pub country: String,
    /// Companies (harmonised groups) with a selected application that have this country; the bands
    /// add up to it.
    pub companies: u64,
    /// Companies per band, in the order of [`BANDS`].
    pub bands: Vec<u64>,
}

/// T1: companies by number of applications, in bands, by company country.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CompanySizeBands {
    /// The figure's definition, [`DEFINITION`].
    pub definition: &'static str,
    /// Whether the data names applicants; when not, every count cell holds the note.
    pub applicants: Availability,
    /// Labels of [`BANDS`] as column names, `1-9` to `>=1000`.
    pub band_labels: Vec<String>,
    /// One row per country with a company, by companies descending, then country code.
    pub rows: Vec<Row>,
    /// The WORLD row: every company with a selected application.
    pub world: Row,
}

/// T1 over the selection `sel`: each group sized by its selected applications.
pub fn compute(c: &Corpus<'_, impl AppFields>, sel: &[usize]) -> CompanySizeBands {
    // (group, application) of every application with a group, grouped by group id (integers
    // sort fast; a company's few countries are then counted by a short scan). Eight bytes a
    // pair, reserved once: this list is alive at the suite's peak, so neither wide pairs nor
    // growth by doubling are affordable.
    let mut pairs: Vec<(u32, u32)> = Vec::with_capacity(sel.len());
    pairs.extend(
        sel.iter()
            .filter_map(|&i| c.groups.of(i).map(|g| (g, i as u32))),
    );
    pairs.sort_unstable_by_key(|p| p.0);
    let mut m: BTreeMap<String, Row> = BTreeMap::new();
    let mut world = Row {
        country: "WORLD".into(),
        companies: 0,
        bands: vec![0; BANDS.len()],
    };
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for run in pairs.chunk_by(|x, y| x.0 == y.0) {
        counts.clear();
        for &(_, i) in run {
            let country = c.info[i as usize].country_label();
            match counts.iter_mut().find(|(c, _)| *c == country) {
                Some((_, n)) => *n += 1,
                None => counts.push((country, 1)),
            }
        }
        // Most applications wins; the smallest code wins ties.
        let country = counts
            .iter()
            .min_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)))
            .expect("a company has >= 1 application")
            .0;
        let n = run.len() as u64;
        let b = band_of(n, &BANDS).expect("a company has >= 1 application");
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
    /// One row per country, then WORLD: companies and companies per band.
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
