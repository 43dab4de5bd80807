//! F6: applications per filing year and distinct applicant companies per year, for one company
//! country or for all. The company count counts corporate groups (`applicant_group`: entities
//! joined by the alias file) of the first applicant.

use patq_model::AppFields;
use std::collections::BTreeMap;

use serde::Serialize;

use crate::corpus::Corpus;
use crate::table::{Availability, Csv, fmt_opt};

pub const DEFINITION: &str = "F6. Applications per filing year and applicant companies per filing \
year, for one company country or all. The company count counts corporate groups (applicant_group: \
entities joined by the alias file) of the first applicant. Applications without a filing year are \
reported apart.";

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    pub year: i32,
    pub applications: u64,
    pub companies: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Trend {
    pub definition: &'static str,
    /// The company country looked at; None = all.
    pub country: Option<String>,
    pub companies: Availability,
    pub rows: Vec<Row>,
    pub without_year: u64,
}

pub fn compute(c: &Corpus<'_, impl AppFields>, sel: &[usize], country: Option<&str>) -> Trend {
    let avail = c.has_applicants;
    let mut m: BTreeMap<i32, (u64, Vec<usize>)> = BTreeMap::new();
    let mut without_year = 0;
    for &i in sel {
        let a = &c.info[i];
        if country.is_some_and(|k| a.country_label() != k) {
            continue;
        }
        let Some(y) = a.year else {
            without_year += 1;
            continue;
        };
        let e = m.entry(y).or_default();
        e.0 += 1;
        e.1.push(i);
    }
    Trend {
        definition: DEFINITION,
        country: country.map(str::to_string),
        companies: Availability::from_flag(avail, "applicants"),
        rows: m
            .into_iter()
            .map(|(year, (n, g))| Row {
                year,
                applications: n,
                companies: avail.then(|| c.groups.distinct(g)),
            })
            .collect(),
        without_year,
    }
}

impl Trend {
    pub fn to_csv(&self) -> String {
        let mut csv = Csv::new(&["year", "applications", "companies"]);
        for r in &self.rows {
            csv.row([
                r.year.to_string(),
                r.applications.to_string(),
                fmt_opt(r.companies, &self.companies),
            ]);
        }
        csv.finish()
    }
}
