//! F8: one country's international filings by filing office (WO, US, EP, ...): how many of its
//! companies file there and how many applications.

use patq_model::AppFields;
use std::collections::BTreeMap;

use serde::Serialize;

use crate::corpus::Corpus;
use crate::table::{Availability, Csv, fmt_opt};

/// What F8 counts and how, in words: the text its table carries.
pub const DEFINITION: &str = "F8. International applications of the companies of one country \
by filing office. International = filed at an office other than the company's home country, \
WO/PCT always counts (as in F5). Companies = distinct harmonised groups of the first applicant \
with an international application at the office; the total counts each company once. Offices \
ordered by applications, then office code.";

/// One filing office of F8.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    /// Filing office of the international applications (WO for PCT filings).
    pub office: String,
    /// Distinct harmonised groups with an international application at the office; None without
    /// applicants.
    pub companies: Option<u64>,
    /// International applications of the country's companies filed at the office.
    pub applications: u64,
}

/// F8: one country's international applications by filing office.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InternationalOffices {
    /// The figure's definition, [`DEFINITION`].
    pub definition: &'static str,
    /// The company country looked at: a code, or `UNKNOWN`.
    pub country: String,
    /// Whether the data names applicants, which the company counts need.
    pub companies_available: Availability,
    /// One row per office, by applications descending, then office code.
    pub rows: Vec<Row>,
    /// Companies with an international application anywhere.
    pub companies: Option<u64>,
    /// All the country's international applications (the rows' sum).
    pub applications: u64,
    /// Offices with at least one of them (the number of rows).
    pub offices: u64,
}

/// F8 over the selection `sel` for the companies of `country`.
pub fn compute(
    c: &Corpus<'_, impl AppFields>,
    sel: &[usize],
    country: &str,
) -> InternationalOffices {
    let avail = c.has_applicants;
    let mut m: BTreeMap<&str, (u64, Vec<usize>)> = BTreeMap::new();
    let mut all = Vec::new();
    for &i in sel {
        let a = &c.info[i];
        if !a.international || a.country_label() != country {
            continue;
        }
        let e = m.entry(c.records[i].office()).or_default();
        e.0 += 1;
        e.1.push(i);
        all.push(i);
    }
    let mut rows: Vec<Row> = m
        .into_iter()
        .map(|(office, (n, groups))| Row {
            office: office.to_string(),
            companies: avail.then(|| c.groups.distinct(groups)),
            applications: n,
        })
        .collect();
    rows.sort_by(|a, b| {
        b.applications
            .cmp(&a.applications)
            .then_with(|| a.office.cmp(&b.office))
    });
    InternationalOffices {
        definition: DEFINITION,
        country: country.to_string(),
        companies_available: Availability::from_flag(avail, "applicants"),
        companies: avail.then(|| c.groups.distinct(all)),
        applications: rows.iter().map(|r| r.applications).sum(),
        offices: rows.len() as u64,
        rows,
    }
}

impl InternationalOffices {
    /// One row per office and a TOTAL row (distinct companies, all international applications).
    pub fn to_csv(&self) -> String {
        let mut csv = Csv::new(&["office", "companies", "applications"]);
        let total = Row {
            office: "TOTAL".into(),
            companies: self.companies,
            applications: self.applications,
        };
        for r in self.rows.iter().chain(std::iter::once(&total)) {
            csv.row([
                r.office.clone(),
                fmt_opt(r.companies, &self.companies_available),
                r.applications.to_string(),
            ]);
        }
        csv.finish()
    }
}
