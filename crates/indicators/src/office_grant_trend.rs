//! F7: grants and grant rate per filing year at one office.

use patq_model::AppFields;
use std::collections::BTreeMap;

use serde::Serialize;

use crate::corpus::Corpus;
use crate::table::{Availability, Csv, fmt_opt, fmt_opt_rate, rate};

pub const DEFINITION: &str = "F7. Applications, grants and grant rate per filing year at one \
filing office. Granted = grant flag or invention-grant publication; recent years are low \
because examination takes years.";

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    pub year: i32,
    pub applications: u64,
    pub grants: Option<u64>,
    pub grant_rate: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OfficeGrantTrend {
    pub definition: &'static str,
    pub office: String,
    pub grants: Availability,
    pub rows: Vec<Row>,
}

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
