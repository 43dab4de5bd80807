//! `patq indicators`: compute every figure and table of the report on a dataset and write each
//! as CSV and JSON (with its definition, and "not available: needs X" where the data lacks a
//! field).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use patq_enrich::{CitationGraph, CitationGraphBuilder, CitedDoc, Harmonizer};
use patq_indicators::{Corpus, suite};
use patq_store::atomic::write_file;

use crate::Outcome;

/// Compute the indicators of METHODOLOGY.md and write OUT/<figure>.csv and OUT/<figure>.json:
/// F2 grants and grant rate by country, F3 families, F4 cited patents, F9 citation bands,
/// F6 applications and companies per year, F7 grants per year at one office, T1 companies by
/// size band, F12 top companies per year, F5 international filings, F8 international filings
/// by office, F10 family-size bands, T3 industries, F13-17 scenarios, P company profiles.
/// The quality index (T2, F11) is `patq rank`; everything at once is `patq report`.
/// A dataset without a field an indicator needs (e.g. PATSTAT without grant status) gives
/// "not available: needs X", never zeros.
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Dataset directory written by `patq ingest`.
    pub dataset: PathBuf,
    /// Output directory.
    #[arg(long, short)]
    pub out: PathBuf,
    #[command(flatten)]
    pub select: super::SelectArgs,
    #[command(flatten)]
    pub figures: FigureArgs,
}

/// Choices of the figures that look at one country, office or number of companies.
#[derive(clap::Args, Clone)]
pub struct FigureArgs {
    /// Country whose yearly trend F6 shows (default: all).
    #[arg(long)]
    pub trend_country: Option<String>,
    /// Office whose grant trend F7 shows (default: CN when present, else the busiest office).
    #[arg(long)]
    pub grant_office: Option<String>,
    /// Country of F8 and F12 (default: the country with most applications).
    #[arg(long)]
    pub focus_country: Option<String>,
    /// Companies in F12 and in the company profiles P.
    #[arg(long, default_value_t = 5)]
    pub top_companies: usize,
}

impl FigureArgs {
    pub fn options(&self) -> suite::Options {
        suite::Options {
            trend_country: self.trend_country.clone(),
            grant_office: self.grant_office.clone(),
            focus_country: self.focus_country.clone(),
            top_companies: self.top_companies,
            ..suite::Options::default()
        }
    }
}

pub fn run(args: Args) -> Result<Outcome> {
    let (manifest, records, graph) = load_dataset(&args.dataset)?;
    let taxonomy = args.select.taxonomy()?;
    let corpus = Corpus::build_with_graph(&records, &Harmonizer::default(), graph);
    let (sel, topic) = args.select.select(&corpus)?;
    if let Some(msg) = topic {
        println!("{msg}");
    }
    let outputs = suite::compute(&corpus, &sel, &taxonomy, &args.figures.options());
    write_outputs(&args.out, &outputs)?;
    println!(
        "{}indicators for {} of {} applications written to {} ({} tables)",
        if manifest.synthetic {
            "SYNTHETIC DATA: "
        } else {
            ""
        },
        sel.len(),
        records.len(),
        args.out.display(),
        outputs.len()
    );
    Ok(Outcome::Ok)
}

/// Loads a dataset for the indicators: the records without their citation lists, and the
/// citation graph resolved while streaming the citations table (None when it has no rows),
/// which is what [`Corpus::build`] would compute from the full records, without holding
/// about nine owned citations per application.
pub fn load_dataset(
    dir: &Path,
) -> Result<(
    patq_store::Manifest,
    Vec<patq_model::PatentRecord>,
    Option<CitationGraph>,
)> {
    let (manifest, records) = patq_store::read::load_records_except(dir, &["citations"])?;
    let mut b = CitationGraphBuilder::new(&records);
    patq_store::read::for_each_citation(dir, &records, |i, c| {
        b.add(
            i,
            &CitedDoc {
                office: c.office,
                number: c.number,
                kind: c.kind,
                source_id: c.source_id,
            },
        );
    })?;
    let graph = (b.seen() > 0).then(|| b.finish());
    Ok((manifest, records, graph))
}

/// Writes `<file>.csv` and, when the output has one, `<file>.json` for every output.
pub fn write_outputs(dir: &Path, outputs: &[suite::Output]) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    for o in outputs {
        write_file(&dir.join(format!("{}.csv", o.file)), o.csv.as_bytes())?;
        if let Some(j) = &o.json {
            let mut json = serde_json::to_vec_pretty(j)?;
            json.push(b'\n');
            write_file(&dir.join(format!("{}.json", o.file)), &json)?;
        }
    }
    Ok(())
}
