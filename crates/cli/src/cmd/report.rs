//! `patq report`: the whole job in one command — every figure and table of the report as one
//! self-contained report.html, report.xlsx and CSV/JSON tables; without a dataset, on the
//! built-in SYNTHETIC corpus.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use patq_indicators::suite;
use patq_report::{Meta, Report, assemble};
use patq_store::atomic;

use super::outpath;
use crate::Outcome;

/// Write the whole report: OUT/report.html, OUT/report.xlsx and OUT/tables/.
///
/// report.html is one file (inline CSS and SVG charts, no network), report.xlsx has one sheet
/// per table, and tables/<figure>.csv|json hold the field coverage of the dataset (DQ),
/// F2-F18, T1-T3 and the profiles of the top companies, each with its definition and a "not
/// available: needs X" panel where the dataset lacks a field. Without DATASET, patq first
/// generates its built-in SYNTHETIC blockchain-like corpus (55,000 applications, seed 42) into
/// OUT/synthetic and reports on it; every page then says SYNTHETIC.
#[derive(clap::Args)]
pub struct Args {
    /// Dataset directory written by `patq ingest` (default: the built-in synthetic corpus).
    pub dataset: Option<PathBuf>,
    /// Output directory, replaced as a whole once the new report is complete (an interrupted
    /// run leaves the previous report); it must be new, empty or an earlier report.
    #[arg(long, short, default_value = "report")]
    pub out: PathBuf,
    /// Report title.
    #[arg(long)]
    pub title: Option<String>,
    /// Applications of the synthetic corpus (only without DATASET).
    #[arg(long, default_value_t = 55_000)]
    pub applications: u64,
    /// Seed of the synthetic corpus (only without DATASET).
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Quality-index preset for T2/F11: report, reference (the report's threshold of 100
    /// applications kept however few companies pass it), oecd or pai.
    #[arg(long, default_value = "report", value_parser = ["report", "reference", "oecd", "pai"])]
    pub preset: String,
    /// Quality-index configuration file; overrides --preset.
    #[arg(long, value_name = "FILE")]
    pub weights: Option<PathBuf>,
    /// No progress bars.
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub select: super::SelectArgs,
    #[command(flatten)]
    pub figures: super::indicators::FigureArgs,
}

const SYNTHETIC: &str = "synthetic";

/// The directory the report replaces: `out` through symlinks (so the swap replaces the real
/// directory, not the link) after repairing what a killed run may have left. Refused when it
/// is anything but new, empty or an earlier report holding only what a report writes
/// ([`outpath::Kind::Report`]): the whole directory is replaced, and anything else in it
/// would go with the old report. The dataset read may not overlap it, except a dataset
/// generated into its synthetic/, which moves into the new report.
fn report_dir(out: &Path, dataset: Option<&Path>) -> Result<PathBuf> {
    atomic::recover_dir(out);
    let generated = outpath::resolve(out)?.join(SYNTHETIC);
    let inputs: Vec<&Path> = dataset
        .into_iter()
        .filter(|d| !std::fs::canonicalize(d).is_ok_and(|d| d.starts_with(&generated)))
        .collect();
    outpath::check(out, outpath::Kind::Report, &inputs)?;
    if !out.exists() {
        return Ok(out.to_path_buf());
    }
    let dir = std::fs::canonicalize(out).with_context(|| format!("resolving {}", out.display()))?;
    if dir != out {
        // Staging of killed runs sits beside the real directory, not beside the link.
        atomic::recover_dir(&dir);
    }
    Ok(dir)
}

pub fn run(args: Args) -> Result<Outcome> {
    // Checked before any work, so a wrong --out fails at once.
    let dest = report_dir(&args.out, args.dataset.as_deref())?;
    let dataset = match &args.dataset {
        Some(d) => d.clone(),
        None => {
            // The marker first: a run stopped while generating leaves a directory the next
            // run recognises as its own.
            std::fs::create_dir_all(&dest)
                .with_context(|| format!("creating {}", args.out.display()))?;
            atomic::write_file(
                &dest.join(atomic::REPORT_MARKER),
                atomic::REPORT_MARKER_TEXT,
            )?;
            super::demo::prepare(
                &args.out.join("synthetic"),
                args.applications,
                args.seed,
                args.quiet,
            )?
        }
    };
    let ds = patq_indicators::Dataset::open(&dataset)?;
    let manifest = &ds.manifest;
    let (taxonomy, taxonomy_why) = args.select.taxonomy_for(&args.preset, manifest.synthetic)?;
    let corpus = ds.corpus()?;
    let (sel, topic) = args.select.select(&corpus)?;
    if let Some(msg) = &topic {
        println!("{msg}");
    }
    // The data-quality view first: it says what every figure after it stands on.
    let mut outputs = vec![ds.field_coverage()?.output()];
    outputs.extend(suite::compute(
        &corpus,
        &sel,
        &taxonomy,
        &figure_options(&args),
    ));
    let cfg = super::rank::config(&args.preset, args.weights.as_ref(), None, None)?;
    let mut notes = Vec::new();
    match patq_rank::rank(&corpus, &sel, &cfg, &taxonomy) {
        Ok(r) => outputs.extend(assemble::quality_index(&r)),
        // A preset the data cannot support (e.g. oecd without claims or citation lists) leaves
        // the rest of the report intact and says why T2 is missing.
        Err(e) => notes.push((
            "Quality index (T2, F11)".to_string(),
            format!("not available: {e}"),
        )),
    }
    // The report is written for others: no absolute path of this machine goes into it.
    let sources: Vec<String> = manifest
        .sources
        .iter()
        .zip(manifest.shown_source_paths())
        .map(|(s, shown)| format!("{shown} ({}, {} records)", s.format, s.records))
        .collect();
    let shown_dataset = patq_store::shown_paths(&[&dataset.to_string_lossy()]).remove(0);
    let mut facts = vec![
        ("Dataset".to_string(), shown_dataset),
        ("Sources".to_string(), sources.join("; ")),
        ("Selection".to_string(), args.select.describe()),
        (
            "Applications".to_string(),
            format!("{} selected of {}", sel.len(), ds.records.len()),
        ),
        (
            "Citations".to_string(),
            corpus.citation_method.as_str().to_string(),
        ),
    ];
    if let Some(t) = topic {
        facts.push(("Topic".into(), t));
    }
    facts.push(("Technology taxonomy".into(), taxonomy_why));
    facts.extend(notes);
    let meta = Meta {
        title: args.title.clone().unwrap_or_else(|| {
            if manifest.synthetic {
                "Patent landscape and quality report (synthetic demonstration data)".into()
            } else {
                "Patent landscape and quality report".into()
            }
        }),
        synthetic: manifest.synthetic,
        facts,
        generator: format!("patq {}", env!("CARGO_PKG_VERSION")),
    };
    let figures = outputs.into_iter().map(assemble::figure).collect();
    let report = Report { meta, figures };
    // The report is written whole into a hidden sibling, then swapped with the old one in one
    // step (`atomic::replace_dir`, RENAME_EXCHANGE on Linux): a kill at any point leaves the
    // previous report or the new one, complete.
    // Until the swap, the guard deletes the staging on any failure (a full disk included).
    let guard = atomic::Staging::guard(atomic::tmp_sibling(&dest));
    let staging = guard.path().to_path_buf();
    let mut w = report
        .write(&staging)
        .with_context(|| format!("writing the report to {}", staging.display()))?;
    // The generated corpus and dataset (built-in synthetic data) go with the new report. A
    // kill between this move and the swap loses only them: regenerated by the next run.
    let synthetic = dest.join(SYNTHETIC);
    if synthetic.exists() {
        std::fs::rename(&synthetic, staging.join(SYNTHETIC))
            .with_context(|| format!("moving {} into the new report", synthetic.display()))?;
    }
    guard
        .commit(&dest)
        .with_context(|| format!("replacing {} by the new report", args.out.display()))?;
    // Paths as the user named them, not the staging directory's.
    let shown = |p: &PathBuf| args.out.join(p.strip_prefix(&staging).unwrap_or(p));
    w.html = shown(&w.html);
    w.xlsx = shown(&w.xlsx);
    println!(
        "{}report: {} ({} figures, {} charts, {} with a not-available panel), {}, {} tables",
        if manifest.synthetic {
            "SYNTHETIC DATA: "
        } else {
            ""
        },
        w.html.display(),
        w.figures,
        w.charts,
        w.unavailable,
        w.xlsx.display(),
        w.tables.len()
    );
    Ok(Outcome::Ok)
}

/// The figure choices of the arguments; `--preset reference` looks at the reference report's
/// office (CN) unless --grant-office names another.
fn figure_options(args: &Args) -> patq_indicators::suite::Options {
    let mut o = args.figures.options();
    if args.preset == "reference" && o.grant_office.is_none() {
        o.grant_office = Some("CN".into());
    }
    o
}
