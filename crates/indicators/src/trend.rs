//! F6: applications per filing year and distinct applicant companies per year, for one company
//! country or for all. The company count counts corporate groups (`applicant_group`: entities
//! joined by the alias file) of the first applicant.

use patq_model::AppFields;
use std::collections::BTreeMap;

use serde::Serialize;

use crate::corpus::Corpus;
use crate::table::{Availability, Csv, fmt_opt};

/// What F6 counts and how, in words: the text its table carries.
pub const DEFINITION: &str = "F6. Applications per filing year and applicant companies per filing \
year, for one company country or all. The company count counts corporate groups (applicant_group: \
entities joined by the alias file) of the first applicant. Applications without a filing year are \
reported apart.";

/// One filing year of F6.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    /// Filing year.
    pub year: i32,
    /// Selected applications of the country (or of all) filed that year.
    pub applications: u64,
    /// Distinct harmonised groups among them; None without applicants.
    pub companies: Option<u64>,
}

/// F6: applications and applicant companies per filing year.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Trend {
    /// The figure's definition, [`DEFINITION`].
    pub definition: &'static str,
    /// The company country looked at; None = all.
    pub country: Option<String>,
    /// Whether the data names applicants; when not, the company cells hold the note.
    pub companies: Availability,
    /// One row per filing year with an application, ascending; years with none are left out.
    pub rows: Vec<Row>,
    /// Applications looked at without a filing year; in no row, and not written to the CSV.
    pub without_year: u64,
}

/// F6 over the selection `sel`, for the companies of `country` (None: all countries).
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
    /// One row per year: applications, companies; applications without a filing year are not
    /// written.
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
