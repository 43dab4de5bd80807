//! F7: grants and grant rate per filing year at one office.

use patq_model::AppFields;
use std::collections::BTreeMap;

use serde::Serialize;

use crate::corpus::Corpus;
use crate::table::{Availability, Csv, fmt_opt, fmt_opt_rate, rate};

/// What F7 counts and how, in words: the text its table carries.
pub const DEFINITION: &str = "F7. Applications, grants and grant rate per filing year at one \
filing office. Granted = grant flag or invention-grant publication; recent years are low \
because examination takes years.";

/// One filing year of F7.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    /// Filing year.
    pub year: i32,
    /// Selected applications filed that year at the office.
    pub applications: u64,
    /// Of them, granted; None when grant status is not available.
    pub grants: Option<u64>,
    /// `grants` / `applications`, a share 0-1; None when grant status is not available.
    pub grant_rate: Option<f64>,
}

/// F7: applications, grants and grant rate per filing year at one office.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OfficeGrantTrend {
    /// The figure's definition, [`DEFINITION`].
    pub definition: &'static str,
    /// The filing office looked at.
    pub office: String,
    /// Whether grant status exists; when not, the grant cells hold the note.
    pub grants: Availability,
    /// One row per filing year with an application at the office, ascending; applications without a
    /// filing year are left out.
    pub rows: Vec<Row>,
}

/// F7 over the selection `sel` at filing office `office`.
pub fn compute(c: &Corpus<'_, impl AppFields>, sel: &[usize], office: &str) -> OfficeGrantTrend {
    let avail = c.has_grant_status;
    let mut m: BTreeMap<i32, (u64, u64)> = BTreeMap::new();
    for &i in sel {
        let a = &c.info[i];
        if c.records[i].office() != office {
            continue;
        }
        if let Some(y) = a.year {
            let e = m.entry(y).or_default();
            e.0 += 1;
            e.1 += u64::from(a.granted == Some(true));
        }
    }
    OfficeGrantTrend {
        definition: DEFINITION,
        office: office.to_string(),
        grants: Availability::from_flag(avail, "grant status"),
        rows: m
            .into_iter()
            .map(|(year, (n, g))| Row {
                year,
                applications: n,
                grants: avail.then_some(g),
                grant_rate: if avail { rate(g, n) } else { None },
            })
            .collect(),
    }
}

impl OfficeGrantTrend {
    /// One row per year: applications, grants, grant rate.
    pub fn to_csv(&self) -> String {
        let mut csv = Csv::new(&["year", "applications", "grants", "grant_rate"]);
        for r in &self.rows {
            csv.row([
                r.year.to_string(),
                r.applications.to_string(),
                fmt_opt(r.grants, &self.grants),
                fmt_opt_rate(r.grant_rate, &self.grants),
            ]);
        }
        csv.finish()
    }
}
