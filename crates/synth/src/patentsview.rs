//! The PatentsView writer: the granted US applications of the corpus as `g_*` bulk tables
//! (tab-separated, PatentsView column names).
//!
//! Forward citations between the synthetic US grants are drawn after generation: a grant whose
//! Lens `Cited by Patent Count` is c is cited by up to c later US grants (worldwide citations
//! are more than US-to-US ones, so PatentsView shows a subset, as in real data). Each grant
//! also cites a few older, out-of-corpus US patents, as examiners do.

use std::collections::{BTreeSet, HashSet};
use std::path::Path;

use chrono::{Datelike, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::generate::Generator;
use crate::{
    PROGRESS_EVERY, SynthConfig, SynthError, SynthSummary, Table, ensure_dir, write_marker,
};

/// Table names and headers.
const TABLES: [(&str, &[&str]); 7] = [
    (
        "g_patent",
        &[
            "patent_id",
            "patent_type",
            "patent_date",
            "patent_title",
            "patent_abstract",
            "wipo_kind",
            "num_claims",
            "withdrawn",
            "filename",
        ],
    ),
    (
        "g_application",
        &[
            "application_id",
            "patent_id",
            "patent_application_type",
            "filing_date",
            "series_code",
            "rule_47_flag",
        ],
    ),
    (
        "g_assignee_disambiguated",
        &[
            "patent_id",
            "assignee_sequence",
            "assignee_id",
            "disambig_assignee_individual_name_first",
            "disambig_assignee_individual_name_last",
            "disambig_assignee_organization",
            "assignee_type",
            "location_id",
        ],
    ),
    (
        "g_location_disambiguated",
        &[
            "location_id",
            "disambig_city",
            "disambig_state",
            "disambig_country",
            "latitude",
            "longitude",
            "county",
            "state_fips",
            "county_fips",
        ],
    ),
    (
        "g_cpc_current",
        &[
            "patent_id",
            "cpc_sequence",
            "cpc_section",
            "cpc_class",
            "cpc_subclass",
            "cpc_group",
            "cpc_type",
        ],
    ),
    (
        "g_us_patent_citation",
        &[
            "patent_id",
            "citation_sequence",
            "citation_patent_id",
            "citation_date",
            "record_name",
            "wipo_kind",
            "citation_category",
        ],
    ),
    (
        "g_foreign_priority",
        &[
            "patent_id",
            "priority_claim_sequence",
            "priority_claim_kind",
            "foreign_application_id",
            "filing_date",
            "foreign_country_filed",
        ],
    ),
];
const PATENT: usize = 0;
const APPLICATION: usize = 1;
const ASSIGNEE: usize = 2;
const LOCATION: usize = 3;
const CPC: usize = 4;
const CITATION: usize = 5;
const PRIORITY: usize = 6;

/// A US grant kept for the citation pass.
struct Grant {
    date: NaiveDate,
    id: u64,
    kind: &'static str,
    cited_by: u32,
}

fn ymd(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub fn write(
    cfg: &SynthConfig,
    out_dir: &Path,
    progress: &mut dyn FnMut(u64),
) -> Result<SynthSummary, SynthError> {
    ensure_dir(out_dir)?;
    let mut tables = Vec::new();
    for (name, header) in TABLES {
        tables.push(Table::create(
            out_dir.join(format!("{name}.tsv")),
            b'\t',
            header,
        )?);
    }

    let mut generator = Generator::new(cfg.applications, cfg.seed);
    let mut grants: Vec<Grant> = Vec::new();
    let mut countries: BTreeSet<&'static str> = BTreeSet::new();
    let mut reported = 0;
    while let Some(f) = generator.next_family() {
        for app in &f.apps {
            let (Some(g), Some((app_id, series))) = (&app.grant, &app.us_id) else {
                continue;
            };
            let id = &g.number;
            let d = ymd(g.date);
            let file = format!(
                "ipg{:02}{:02}{:02}.xml",
                g.date.year() % 100,
                g.date.month(),
                g.date.day()
            );
            tables[PATENT].row([
                id.as_str(),
                "utility",
                &d,
                &f.title,
                &f.abstract_text,
                g.kind,
                &f.claims.to_string(),
                "0",
                &file,
            ])?;
            let series = series.to_string();
            tables[APPLICATION].row([
                app_id.as_str(),
                id,
                &series,
                &ymd(app.filing),
                &series,
                "FALSE",
            ])?;
            for (seq, (name, aid)) in f.applicants.iter().enumerate() {
                // assignee_type 2 = US company, 3 = foreign company.
                let kind = if f.country == "US" { "2" } else { "3" };
                let loc = format!("synth-loc-{}", f.country);
                countries.insert(f.country);
                tables[ASSIGNEE].row([
                    id.as_str(),
                    &seq.to_string(),
                    aid,
                    "",
                    "",
                    name,
                    kind,
                    &loc,
                ])?;
            }
            for (seq, c) in f.cpc.iter().enumerate() {
                let kind = if seq == 0 {
                    "inventional"
                } else {
                    "additional"
                };
                let subclass = c.get(..4).unwrap_or(c);
                tables[CPC].row([
                    id.as_str(),
                    &seq.to_string(),
                    &c[..1],
                    &c[..3.min(c.len())],
                    subclass,
                    c,
                    kind,
                ])?;
            }
            if f.priority_office != "US" {
                let number = f
                    .priority_number
                    .split_whitespace()
                    .next()
                    .unwrap_or_default();
                let kind = if f.priority_office == "EP" {
                    "regional"
                } else {
                    "national"
                };
                tables[PRIORITY].row([
                    id.as_str(),
                    "0",
                    kind,
                    number,
                    &ymd(f.priority_date),
                    f.priority_office,
                ])?;
            }
            grants.push(Grant {
                date: g.date,
                id: id.parse().unwrap_or_default(),
                kind: g.kind,
                cited_by: app.cited_by,
            });
        }
        if generator.done() - reported >= PROGRESS_EVERY {
            reported = generator.done();
            progress(reported);
        }
    }
    progress(generator.done());

    for c in &countries {
        tables[LOCATION].row([
            format!("synth-loc-{c}").as_str(),
            "",
            "",
            c,
            "",
            "",
            "",
            "",
            "",
        ])?;
    }

    let citations = write_citations(cfg.seed, &mut grants, &mut tables[CITATION])?;

    let mut files = Vec::new();
    for t in tables {
        files.push(t.commit()?);
    }
    files.push(write_marker(cfg, out_dir, "PatentsView table layout")?);
    Ok(SynthSummary {
        applications: grants.len() as u64,
        publications: grants.len() as u64,
        citations,
        files,
    })
}

/// Draws the citation rows; returns how many were written.
fn write_citations(seed: u64, grants: &mut [Grant], table: &mut Table) -> Result<u64, SynthError> {
    // A separate stream: the corpus itself must not depend on which writer runs.
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5EED_C17E);
    grants.sort_by_key(|g| (g.date, g.id));
    let n = grants.len();
    // (citing, cited) as indices into the sorted grants.
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    for (i, g) in grants.iter().enumerate() {
        if g.cited_by == 0 {
            continue;
        }
        let first_later = grants.partition_point(|x| x.date <= g.date);
        let later = n - first_later;
        let want = (g.cited_by as usize).min(later);
        let mut chosen = HashSet::new();
        let mut tries = 0;
        while chosen.len() < want && tries < want * 8 {
            chosen.insert(rng.random_range(first_later..n) as u32);
            tries += 1;
        }
        let mut chosen: Vec<u32> = chosen.into_iter().collect();
        chosen.sort_unstable();
        pairs.extend(chosen.into_iter().map(|c| (c, i as u32)));
    }
    pairs.sort_unstable();

    let mut rows = 0u64;
    let mut next = 0;
    for (ci, citing) in grants.iter().enumerate() {
        let pid = citing.id.to_string();
        let mut seq = 0u32;
        // Older, out-of-corpus patents cited by the examiner or the applicant.
        for _ in 0..rng.random_range(2..=6) {
            let number = rng.random_range(7_000_000..9_000_000u64);
            let year = rng.random_range(2006..=2014);
            let d =
                NaiveDate::from_ymd_opt(year, rng.random_range(1..=12), rng.random_range(1..=28))
                    .unwrap_or(citing.date);
            let category = if rng.random_bool(0.6) {
                "cited by examiner"
            } else {
                "cited by applicant"
            };
            table.row([
                pid.as_str(),
                &seq.to_string(),
                &number.to_string(),
                &ymd(d),
                "SYNTH",
                "B2",
                category,
            ])?;
            seq += 1;
            rows += 1;
        }
        while next < pairs.len() && pairs[next].0 as usize == ci {
            let cited = &grants[pairs[next].1 as usize];
            table.row([
                pid.as_str(),
                &seq.to_string(),
                &cited.id.to_string(),
                &ymd(cited.date),
                "SYNTH",
                cited.kind,
                "cited by examiner",
            ])?;
            seq += 1;
            rows += 1;
            next += 1;
        }
    }
    Ok(rows)
}
