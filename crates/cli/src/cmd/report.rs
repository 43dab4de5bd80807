//! `patq report`: the whole job in one command — every figure and table of the report as one
//! self-contained report.html, report.xlsx and CSV/JSON tables; without a dataset, on the
//! built-in SYNTHETIC corpus.

use std::path::PathBuf;

use anyhow::{Context, Result};
use patq_enrich::Harmonizer;
use patq_indicators::{Corpus, suite};
use patq_report::{Meta, Report, assemble};

use crate::Outcome;

/// Write OUT/report.html (one file: inline CSS and SVG charts, no network), OUT/report.xlsx
/// (one sheet per table) and OUT/tables/<figure>.csv|json: F2-F17, T1-T3 and the profiles of
/// the top companies, each with its definition and a "not available: needs X" panel where the
/// dataset lacks a field. Without DATASET, patq first generates its built-in SYNTHETIC
/// blockchain-like corpus (55,000 applications, seed 42) into OUT/synthetic and reports on
/// it; every page then says SYNTHETIC.
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Dataset directory written by `patq ingest` (default: the built-in synthetic corpus).
    pub dataset: Option<PathBuf>,
    /// Output directory.
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
    /// Quality-index preset (report, pai, oecd) for T2/F11.
    #[arg(long, default_value = "report", value_parser = ["report", "oecd", "pai"])]
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

pub fn run(args: Args) -> Result<Outcome> {
    let dataset = match &args.dataset {
        Some(d) => d.clone(),
        None => super::demo::prepare(
            &args.out.join("synthetic"),
            args.applications,
            args.seed,
            args.quiet,
        )?,
    };
    let (manifest, records) = patq_store::read::load_records(&dataset)?;
    let taxonomy = args.select.taxonomy()?;
    let corpus = Corpus::build(&records, &Harmonizer::default());
    let (sel, topic) = args.select.select(&corpus)?;
    if let Some(msg) = &topic {
        println!("{msg}");
    }
    let mut outputs = suite::compute(&corpus, &sel, &taxonomy, &args.figures.options());
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
    let sources: Vec<String> = manifest
        .sources
        .iter()
        .map(|s| format!("{} ({}, {} records)", s.path, s.format, s.records))
        .collect();
    let mut facts = vec![
        ("Dataset".to_string(), dataset.display().to_string()),
        ("Sources".to_string(), sources.join("; ")),
        ("Selection".to_string(), args.select.describe()),
        (
            "Applications".to_string(),
            format!("{} selected of {}", sel.len(), records.len()),
        ),
        (
            "Citations".to_string(),
            corpus.citation_method.as_str().to_string(),
        ),
    ];
    if let Some(t) = topic {
        facts.push(("Topic".into(), t));
    }
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
    let w = report
        .write(&args.out)
        .with_context(|| format!("writing the report to {}", args.out.display()))?;
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
