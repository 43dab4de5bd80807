//! The PATSTAT writer: the whole corpus (every office) as PATSTAT-shaped CSV tables, the one
//! layout that carries citation edges between applications of any office (tls212) and priority
//! links between them (tls204), so patq's own family building and citation inversion have real
//! edges to work on. It is also the benchmark input (bench/scale.py).
//!
//! Two passes keep memory flat in the number of edges: the first streams families to
//! tls201/204/206/207/211/224 and keeps 8 bytes per application (filing day, first publication
//! id, target forward-citation count); the second draws, for each application with a target
//! count c (calibrated: cited rate by country x cohort, F9 bands), c distinct citing
//! applications filed later, and streams those rows to tls212 together with each application's
//! backward citations to documents outside the corpus. Nothing per edge is held in memory.

use std::collections::HashMap;
use std::path::Path;

use chrono::{Datelike, NaiveDate};
use rand::Rng;

use crate::citations::{self, Cite};
use crate::generate::{App, Generator};
use crate::{
    PROGRESS_EVERY, SynthConfig, SynthError, SynthSummary, Table, ensure_dir, write_marker,
};

/// Table file names and headers (PATSTAT column names).
const TABLES: [(&str, &[&str]); 7] = [
    (
        "tls201_appln",
        &[
            "appln_id",
            "appln_auth",
            "appln_nr",
            "appln_kind",
            "appln_filing_date",
            "appln_filing_year",
            "ipr_type",
            "granted",
        ],
    ),
    (
        "tls204_appln_prior",
        &["appln_id", "prior_appln_id", "prior_appln_seq_nr"],
    ),
    (
        "tls206_person",
        &["person_id", "person_name", "person_ctry_code"],
    ),
    (
        "tls207_pers_appln",
        &["person_id", "appln_id", "applt_seq_nr", "invt_seq_nr"],
    ),
    (
        "tls211_pat_publn",
        &[
            "pat_publn_id",
            "publn_auth",
            "publn_nr",
            "publn_kind",
            "publn_date",
            "appln_id",
            "publn_first_grant",
        ],
    ),
    (
        "tls212_citation",
        &[
            "pat_publn_id",
            "citn_replenished",
            "citn_id",
            "citn_origin",
            "cited_pat_publn_id",
            "cited_appln_id",
            "cited_npl_publn_id",
            "citn_categ",
        ],
    ),
    ("tls224_appln_cpc", &["appln_id", "cpc_class_symbol"]),
];
const T201: usize = 0;
const T204: usize = 1;
const T206: usize = 2;
const T207: usize = 3;
const T211: usize = 4;
const T212: usize = 5;
const T224: usize = 6;

/// Mean number of backward citations per application to patent documents outside the corpus
/// (older art). With the in-corpus edges this gives about 9 citation rows per application, so
/// 10M applications are about 100M citation rows, the scale target of issue 6.
pub const EXTERNAL_CITATIONS_MEAN: u32 = 8;

/// Publication ids of outside documents start here, far above any id of the corpus.
const EXTERNAL_PUBLN_BASE: u64 = 900_000_000_000;

/// The first day a filing can have; filing days are stored as offsets from it.
pub(crate) fn day0() -> NaiveDate {
    NaiveDate::from_ymd_opt(2015, 1, 1).expect("valid date")
}

fn ymd(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The PATSTAT `appln_nr`: the digits of the Lens number; a PCT application keeps its
/// receiving office (`CN 2019012345 W` -> `CN2019012345`).
fn appln_nr(app: &App) -> String {
    let mut parts = app.number.split(' ');
    let office = parts.next().unwrap_or_default();
    let digits: String = parts
        .next()
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    if app.office == "WO" {
        format!("{office}{digits}")
    } else {
        digits
    }
}

/// What the citation pass needs of one application: 8 bytes.
struct Compact {
    day: Vec<u16>,
    /// pat_publn_id of the application's first publication (A, U, or B when granted first).
    publn: Vec<u32>,
    cited_by: Vec<u16>,
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
            out_dir.join(format!("{name}.csv")),
            b',',
            header,
        )?);
    }

    let mut generator = Generator::new(cfg.applications, cfg.seed);
    let cap = cfg.applications.min(u32::MAX as u64) as usize;
    let mut apps = Compact {
        day: Vec::with_capacity(cap),
        publn: Vec::with_capacity(cap),
        cited_by: Vec::with_capacity(cap),
    };
    // Applicants are a bounded pool (Zipf ranks scale sub-linearly), so this map stays small.
    let mut persons: HashMap<String, u32> = HashMap::new();
    let mut publn_id: u32 = 0;
    let mut reported = 0;
    while let Some(f) = generator.next_family() {
        let mut person_ids = Vec::with_capacity(f.applicants.len());
        for (name, id) in &f.applicants {
            let next = persons.len() as u32 + 1;
            let pid = *persons.entry(id.clone()).or_insert(next);
            if pid == next {
                tables[T206].row([pid.to_string().as_str(), name, f.country])?;
            }
            person_ids.push(pid.to_string());
        }
        let first_id = apps.day.len() as u64 + 1;
        for (k, app) in f.apps.iter().enumerate() {
            let id = (apps.day.len() as u64 + 1).to_string();
            let granted = app.grant.is_some();
            tables[T201].row([
                id.as_str(),
                app.office,
                &appln_nr(app),
                if app.office == "WO" { "W" } else { "A" },
                &ymd(app.filing),
                &app.filing.year().to_string(),
                if app.utility_model { "UM" } else { "PI" },
                if granted { "Y" } else { "N" },
            ])?;
            if k > 0 {
                tables[T204].row([id.as_str(), &first_id.to_string(), "1"])?;
            }
            for (seq, pid) in person_ids.iter().enumerate() {
                tables[T207].row([pid.as_str(), &id, &(seq + 1).to_string(), "0"])?;
            }
            for c in &f.cpc {
                tables[T224].row([id.as_str(), c])?;
            }
            let mut first_publn = 0;
            for (p, grant) in [(app.first_pub.as_ref(), false), (app.grant.as_ref(), true)] {
                let Some(p) = p else { continue };
                publn_id += 1;
                if first_publn == 0 {
                    first_publn = publn_id;
                }
                tables[T211].row([
                    publn_id.to_string().as_str(),
                    p.office,
                    &p.number,
                    p.kind,
                    &ymd(p.date),
                    &id,
                    if grant { "Y" } else { "N" },
                ])?;
            }
            let day = app.filing.signed_duration_since(day0()).num_days();
            apps.day.push(day.clamp(0, u16::MAX as i64) as u16);
            apps.publn.push(first_publn);
            apps.cited_by.push(app.cited_by.min(u16::MAX as u32) as u16);
        }
        if generator.done() - reported >= PROGRESS_EVERY {
            reported = generator.done();
            progress(reported);
        }
    }
    progress(generator.done());

    let edges = write_citations(cfg.seed, &apps, &mut tables[T212])?;
    let mut files = Vec::new();
    for t in tables {
        files.push(t.commit()?);
    }
    files.push(write_marker(cfg, out_dir, "PATSTAT table layout")?);
    Ok(SynthSummary {
        applications: generator.done(),
        publications: publn_id as u64,
        citations: edges,
        files,
    })
}

/// Streams tls212: for each application in id order, its forward citations from distinct
/// later-filed applications of the corpus, then outside citations of the same application.
/// Returns the number of in-corpus edges.
fn write_citations(seed: u64, apps: &Compact, table: &mut Table) -> Result<u64, SynthError> {
    let mut citn_id: u64 = 0;
    let mut row = |table: &mut Table, citing: u32, cited: u64, origin: &str| {
        citn_id += 1;
        table.row([
            citing.to_string().as_str(),
            "0",
            &citn_id.to_string(),
            origin,
            &cited.to_string(),
            "0",
            "0",
            "",
        ])
    };
    citations::draw(seed, &apps.day, &apps.cited_by, |rng, step| match step {
        Cite::Edge { citing, cited } => {
            let origin = if rng.random_bool(0.6) { "SEA" } else { "APP" };
            let cited_publn = apps.publn[cited as usize] as u64;
            row(table, apps.publn[citing as usize], cited_publn, origin)
        }
        Cite::End { cited } => {
            // Older art outside the corpus, cited by application `cited`.
            for _ in 0..rng.random_range(0..=2 * EXTERNAL_CITATIONS_MEAN) {
                let doc = EXTERNAL_PUBLN_BASE + rng.random_range(0..50_000_000u64);
                row(table, apps.publn[cited as usize], doc, "SEA")?;
            }
            Ok(())
        }
    })
}
