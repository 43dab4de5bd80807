//! F12: applications per filing year of the top N companies of a country. Counts corporate groups
//! (`applicant_group`: entities joined by the alias file).

use patq_model::AppFields;
use std::collections::BTreeMap;

use serde::Serialize;

use crate::company_profile::top_groups;
use crate::corpus::Corpus;
use crate::table::{Availability, Csv};

/// The reference report shows five companies.
pub const DEFAULT_TOP: usize = 5;

/// What F12 counts and how, in words: the text its table carries.
pub const DEFINITION: &str = "F12. Applications per filing year of the top N companies of a \
country; F12 counts corporate groups (applicant_group: entities joined by the alias file) of the \
first applicant, company country as in F2. Ranking by applications in the selection, ties by group \
id. Years run from the earliest to the latest filing year of these companies, zero where a company \
filed nothing; applications without a filing year are counted apart.";

/// One of the top companies of F12.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Company {
    /// Position in the ranking, from 1.
    pub rank: usize,
    /// Harmonised group id.
    pub group: String,
    /// The group's selected applications in the country, with or without a filing year.
    pub applications: u64,
    /// Aligned with [`TopCompanyTrend::years`].
    pub per_year: Vec<u64>,
    /// Of them, applications without a filing year (in no `per_year` entry).
    pub without_year: u64,
}

/// F12: applications per filing year of a country's top companies.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TopCompanyTrend {
    /// The figure's definition, [`DEFINITION`].
    pub definition: &'static str,
    /// The company country looked at; None = all.
    pub country: Option<String>,
    /// Whether the data names applicants; when not, the table holds only the note.
    pub companies_available: Availability,
    /// Every year from the companies' earliest to their latest filing year, ascending; empty when
    /// none has a dated application.
    pub years: Vec<i32>,
    /// The top companies by applications, ties by group id.
    pub companies: Vec<Company>,
}

/// F12 over the selection `sel`: the `top` groups of `country` (None: all countries).
pub fn compute(
    c: &Corpus<'_, impl AppFields>,
    sel: &[usize],
    country: Option<&str>,
    top: usize,
) -> TopCompanyTrend {
    let in_country: Vec<usize> = sel
        .iter()
        .copied()
        .filter(|&i| country.is_none_or(|k| c.info[i].country_label() == k))
        .collect();
    let ranked = top_groups(c, &in_country, top);
    let rank_of: BTreeMap<&str, usize> = ranked
        .iter()
        .enumerate()
        .map(|(r, g)| (g.group.as_str(), r))
        .collect();
    let mut counts: Vec<BTreeMap<i32, u64>> = vec![BTreeMap::new(); ranked.len()];
    let mut without_year = vec![0; ranked.len()];
    for &i in &in_country {
        let a = &c.info[i];
        let Some(&r) = a.group.as_deref().and_then(|g| rank_of.get(g)) else {
            continue;
        };
        match a.year {
            Some(y) => *counts[r].entry(y).or_insert(0) += 1,
            None => without_year[r] += 1,
        }
    }
    let first = counts.iter().filter_map(|m| m.keys().next()).min().copied();
    let last = counts
        .iter()
        .filter_map(|m| m.keys().next_back())
        .max()
        .copied();
    let years: Vec<i32> = match (first, last) {
        (Some(f), Some(l)) => (f..=l).collect(),
        _ => Vec::new(),
    };
    let companies = ranked
        .into_iter()
        .zip(counts.iter().zip(without_year))
        .enumerate()
        .map(|(r, (g, (m, wy)))| Company {
            rank: r + 1,
            group: g.group,
            applications: g.applications,
            per_year: years
                .iter()
                .map(|y| m.get(y).copied().unwrap_or(0))
                .collect(),
            without_year: wy,
        })
        .collect();
    TopCompanyTrend {
        definition: DEFINITION,
        country: country.map(str::to_string),
        companies_available: Availability::from_flag(c.has_applicants, "applicants"),
        years,
        companies,
    }
}

impl TopCompanyTrend {
    /// Long form: one row per (company, year).
    pub fn to_csv(&self) -> String {
        let mut csv = Csv::new(&["rank", "group", "year", "applications"]);
        if !self.companies_available.is_available() {
            csv.row([
                String::new(),
                self.companies_available.cell(),
                String::new(),
                String::new(),
            ]);
        }
        for co in &self.companies {
            for (y, n) in self.years.iter().zip(&co.per_year) {
                csv.row([
                    co.rank.to_string(),
                    co.group.clone(),
                    y.to_string(),
                    n.to_string(),
                ]);
            }
        }
        csv.finish()
    }
}
