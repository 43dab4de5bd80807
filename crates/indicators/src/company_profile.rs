//! P: the profile of one corporate group (`applicant_group`: entities joined by the alias file):
//! grants and their share of the world, citations and their bands, core-technology,
//! international and triadic counts, offices, yearly filings; and the ranking of groups by
//! applications that picks whose profiles to show.

use patq_model::AppFields;
use std::collections::{BTreeMap, BTreeSet};

use patq_enrich::{Split, Taxonomy};
use serde::Serialize;

use crate::citation_bands::BANDS;
use crate::corpus::Corpus;
use crate::industries::Matches;
use crate::par;
use crate::table::{Availability, Csv, band_label, band_of, fmt_opt, fmt_opt_rate, fmt_rate, rate};

/// What P counts and how, in words: the text its tables carry.
pub const DEFINITION: &str = "P. Profile of one company; P counts corporate groups \
(applicant_group: entities joined by the alias file) of the first applicant. World = every \
application of the selection. Share of world grants = its grants / all grants; share of world \
cited = its cited applications (>= 1 forward citation) / all cited applications; citation bands \
1-2, 3-10, >10 among its cited applications; core-technology share = its applications the taxonomy \
marks core / its applications; international share = applications filed outside its home country \
(WO included) / its applications; extended families and triadic families (EP and JP members and a \
granted US member) counted over the families in which it holds a selected application; offices = \
distinct filing offices of its applications.";

/// A group and its number of applications in some set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GroupCount {
    /// Harmonised group id (`applicant_group`).
    pub group: String,
    /// The group's applications among those ranked (the selection, or e.g. a scenario's).
    pub applications: u64,
}

/// Groups of the applications `apps`, by descending applications then group id; applications
/// without an applicant are left out.
pub fn rank_groups(
    c: &Corpus<'_, impl AppFields>,
    apps: impl IntoIterator<Item = usize>,
) -> Vec<GroupCount> {
    let mut m = c.groups.count(apps);
    // Ids are in name order, so (count desc, id) is (count desc, name).
    m.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    m.into_iter()
        .map(|(g, n)| GroupCount {
            group: c.groups.name(g).to_string(),
            applications: n,
        })
        .collect()
}

/// The `n` groups with the most applications in the selection (ties by group id).
pub fn top_groups(c: &Corpus<'_, impl AppFields>, sel: &[usize], n: usize) -> Vec<GroupCount> {
    let mut v = rank_groups(c, sel.iter().copied());
    v.truncate(n);
    v
}

/// A group's applications filed in one year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct YearCount {
    /// Filing year.
    pub year: i32,
    /// The group's selected applications filed that year.
    pub applications: u64,
}

/// P: the profile of one corporate group within the selection.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CompanyProfile {
    /// The figure's definition, [`DEFINITION`].
    pub definition: &'static str,
    /// Harmonised group id of the company profiled.
    pub group: String,
    /// Whether grant status exists; when not, the grant cells hold the note.
    pub grant_status: Availability,
    /// Whether forward citation counts exist; when not, the citation cells hold the note.
    pub citations: Availability,
    /// The group's selected applications.
    pub applications: u64,
    /// Of them, granted; None without grant status.
    pub grants: Option<u64>,
    /// Granted applications of the whole selection; None without grant status.
    pub world_grants: Option<u64>,
    /// `grants` / `world_grants`, a share 0-1; None without grant status or when the selection has
    /// no grant.
    pub share_of_world_grants: Option<f64>,
    /// `grants` / `applications`, a share 0-1; None without grant status or without applications.
    pub grant_rate: Option<f64>,
    /// The group's applications with at least one forward citation; None without citation counts.
    pub cited: Option<u64>,
    /// Applications of the whole selection with at least one forward citation; None without
    /// citation counts.
    pub world_cited: Option<u64>,
    /// `cited` / `world_cited`, a share 0-1; None without citation counts or when nothing selected
    /// is cited.
    pub share_of_world_cited: Option<f64>,
    /// Labels of the citation bands of [`BANDS`]: `1-2`, `3-10`, `>=11`.
    pub band_labels: Vec<String>,
    /// Cited applications per band of [`BANDS`]; None without citation counts.
    pub citation_bands: Option<Vec<u64>>,
    /// The group's applications the taxonomy marks core (underlying) technology.
    pub core: u64,
    /// `core` / `applications`, a share 0-1; None when the group has no selected application.
    pub core_share: Option<f64>,
    /// The group's applications filed at an office other than their company country, WO always
    /// counted (as in F5).
    pub international: u64,
    /// `international` / `applications`, a share 0-1; None when the group has no selected
    /// application.
    pub international_share: Option<f64>,
    /// Distinct extended families holding at least one of the group's selected applications.
    pub extended_families: u64,
    /// None without grant status: the triadic rule needs a granted US member.
    pub triadic_families: Option<u64>,
    /// Distinct filing offices of the group's selected applications, in code order.
    pub offices: Vec<String>,
    /// The group's applications per filing year, ascending; years without one are left out.
    pub years: Vec<YearCount>,
    /// The group's selected applications without a filing year.
    pub without_year: u64,
}

fn of_group(c: &Corpus<'_, impl AppFields>, sel: &[usize], group: &str) -> Vec<usize> {
    let Some(id) = c.groups.id(group) else {
        return Vec::new();
    };
    sel.iter()
        .copied()
        .filter(|&i| c.groups.of(i) == Some(id))
        .collect()
}

/// The profile of `group` within the selection.
pub fn compute(c: &Corpus, sel: &[usize], tax: &Taxonomy, group: &str) -> CompanyProfile {
    let mine = of_group(c, sel, group);
    let core = par::map(&mine, |i| tax.is_core(&c.records[i]))
        .into_iter()
        .filter(|&b| b)
        .count() as u64;
    profile(c, sel, group, &mine, core)
}

/// [`compute`] with the split taken from taxonomy matches of the selection.
pub fn compute_matched(c: &Corpus<'_, impl AppFields>, m: &Matches, group: &str) -> CompanyProfile {
    let mine = of_group(c, &m.sel, group);
    let core = mine
        .iter()
        .filter(|&&i| m.of(i).split == Split::Core)
        .count() as u64;
    profile(c, &m.sel, group, &mine, core)
}

/// `mine`: the group's applications in `sel`; `core`: how many of them are core patents.
fn profile(
    c: &Corpus<'_, impl AppFields>,
    sel: &[usize],
    group: &str,
    mine: &[usize],
    core: u64,
) -> CompanyProfile {
    let has_grants = c.has_grant_status;
    let has_cites = c.has_citation_counts;
    let count = |apps: &[usize], f: &dyn Fn(usize) -> bool| -> u64 {
        apps.iter().filter(|&&i| f(i)).count() as u64
    };
    let granted = |i: usize| c.info[i].granted == Some(true);
    let cited = |i: usize| c.info[i].cited() == Some(true);
    let (grants, world_grants) = (count(mine, &granted), count(sel, &granted));
    let (n_cited, world_cited) = (count(mine, &cited), count(sel, &cited));
    let applications = mine.len() as u64;

    let mut bands = vec![0; BANDS.len()];
    let mut families = BTreeSet::new();
    let mut offices = BTreeSet::new();
    let mut years: BTreeMap<i32, u64> = BTreeMap::new();
    let mut without_year = 0;
    for &i in mine {
        let a = &c.info[i];
        if let Some(b) = a.cited_by.and_then(|n| band_of(u64::from(n), &BANDS)) {
            bands[b] += 1;
        }
        families.insert(c.families.extended[i]);
        offices.insert(c.records[i].office());
        match a.year {
            Some(y) => *years.entry(y).or_insert(0) += 1,
            None => without_year += 1,
        }
    }
    let triadic = families
        .iter()
        .filter(|&&f| c.families.extended_info[f as usize].triadic)
        .count() as u64;
    let international = count(mine, &|i| c.info[i].international);
    CompanyProfile {
        definition: DEFINITION,
        group: group.to_string(),
        grant_status: Availability::from_flag(has_grants, "grant status"),
        citations: Availability::from_flag(has_cites, "forward citation counts"),
        applications,
        grants: has_grants.then_some(grants),
        world_grants: has_grants.then_some(world_grants),
        share_of_world_grants: has_grants.then(|| rate(grants, world_grants)).flatten(),
        grant_rate: has_grants.then(|| rate(grants, applications)).flatten(),
        cited: has_cites.then_some(n_cited),
        world_cited: has_cites.then_some(world_cited),
        share_of_world_cited: has_cites.then(|| rate(n_cited, world_cited)).flatten(),
        band_labels: BANDS.iter().map(|&b| band_label(b)).collect(),
        citation_bands: has_cites.then_some(bands),
        core,
        core_share: rate(core, applications),
        international,
        international_share: rate(international, applications),
        extended_families: families.len() as u64,
        triadic_families: has_grants.then_some(triadic),
        offices: offices.into_iter().map(str::to_string).collect(),
        years: years
            .into_iter()
            .map(|(year, applications)| YearCount { year, applications })
            .collect(),
        without_year,
    }
}

/// Profiles of the `n` groups with the most applications (the report's "top 5" profiles).
pub fn compute_top(c: &Corpus<'_, impl AppFields>, m: &Matches, n: usize) -> Vec<CompanyProfile> {
    top_groups(c, &m.sel, n)
        .iter()
        .map(|g| compute_matched(c, m, &g.group))
        .collect()
}

/// One row per profile (years apart, see [`years_csv`]).
pub fn table_csv(profiles: &[CompanyProfile]) -> String {
    let mut header = vec![
        "group",
        "applications",
        "grants",
        "share_of_world_grants",
        "grant_rate",
        "cited",
        "share_of_world_cited",
    ];
    let band_cols: Vec<String> = BANDS
        .iter()
        .map(|&b| format!("cited_{}", band_label(b)))
        .collect();
    header.extend(band_cols.iter().map(String::as_str));
    header.extend([
        "core",
        "core_share",
        "international",
        "international_share",
        "extended_families",
        "triadic_families",
        "offices",
    ]);
    let mut csv = Csv::new(&header);
    for p in profiles {
        let g = &p.grant_status;
        let mut row = vec![
            p.group.clone(),
            p.applications.to_string(),
            fmt_opt(p.grants, g),
            fmt_opt_rate(p.share_of_world_grants, g),
            fmt_opt_rate(p.grant_rate, g),
            fmt_opt(p.cited, &p.citations),
            fmt_opt_rate(p.share_of_world_cited, &p.citations),
        ];
        for b in 0..BANDS.len() {
            let v = p.citation_bands.as_ref().map(|v| v[b]);
            row.push(fmt_opt(v, &p.citations));
        }
        row.extend([
            p.core.to_string(),
            fmt_rate(p.core_share),
            p.international.to_string(),
            fmt_rate(p.international_share),
            p.extended_families.to_string(),
            fmt_opt(p.triadic_families, g),
            p.offices.join(";"),
        ]);
        csv.row(row);
    }
    csv.finish()
}

/// Applications per filing year of each profile, one row per (group, year).
pub fn years_csv(profiles: &[CompanyProfile]) -> String {
    let mut csv = Csv::new(&["group", "year", "applications"]);
    for p in profiles {
        for y in &p.years {
            csv.row([
                p.group.clone(),
                y.year.to_string(),
                y.applications.to_string(),
            ]);
        }
    }
    csv.finish()
}

impl CompanyProfile {
    /// The profile as the one row of [`table_csv`].
    pub fn to_csv(&self) -> String {
        table_csv(std::slice::from_ref(self))
    }
}
