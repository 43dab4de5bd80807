//! `patq indicators`: compute every figure and table of the report on a dataset and write each
//! as CSV and JSON (with its definition, and "not available: needs X" where the data lacks a
//! field).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use patq_enrich::{Facts, Harmonizer};
use patq_indicators::{Cores, Corpus, industries, suite};
use patq_store::atomic::write_file;

use crate::Outcome;

/// Compute the indicators of METHODOLOGY.md into OUT/<figure>.csv and OUT/<figure>.json.
///
/// F2 grants and grant rate by country, F3 families, F4 cited patents, F9 citation bands, F6
/// applications and companies per year, F7 grants per year at one office, T1 companies by size
/// band, F12 top companies per year, F5 international filings, F8 international filings by
/// office, F18 first filings by office, F10 family-size bands, T3 industries, F13-17
/// scenarios, P company profiles.
///
/// The quality index (T2, F11) is `patq rank`; everything at once is `patq report`. A dataset
/// without a field an indicator needs (e.g. PATSTAT without grant status) gives "not
/// available: needs X", never zeros.
#[derive(clap::Args)]
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
    /// Office whose grant trend F7 shows (default: the office with most applications; CN
    /// under `patq report --preset reference`).
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
    let kind = super::outpath::Kind::Tables;
    super::outpath::check(&args.out, kind, &[args.dataset.as_path()])?;
    let mut t = super::Phases::start();
    let manifest = patq_store::Manifest::load(&args.dataset)?;
    let (taxonomy, taxonomy_why) = args.select.taxonomy(manifest.synthetic)?;
    let filters = args.select.filters();
    let topic = args.select.topic.load()?;
    let harmonizer = Harmonizer::default();
    // The records are read in chunks: each chunk's per-record facts (company, country,
    // cohort, taxonomy, topic) are taken and only its compact cores kept, so the complete
    // records are never all held.
    let n = manifest
        .tables
        .get("applications")
        .map_or(0, |&n| usize::try_from(n).unwrap_or(0));
    let mut tax_facts: Vec<Facts> = Vec::with_capacity(n);
    let mut on_topic: Vec<bool> = Vec::with_capacity(if topic.is_some() { n } else { 0 });
    let mut searchable = false;
    let Cores { cores, facts, .. } =
        patq_indicators::read_cores(&args.dataset, &harmonizer, |chunk| -> Result<()> {
            // Only for applications the selection may keep (the country bound needs the
            // corpus, so this is a superset).
            tax_facts.extend(industries::facts_where(chunk, &taxonomy, |r| {
                filters.may_admit(r)
            }));
            if let Some(q) = &topic {
                on_topic.extend(chunk.iter().map(|r| q.matches(r)));
                searchable |= chunk.iter().any(super::searchable);
            }
            Ok(())
        })?;
    t.done("load records, per-record facts");
    crate::collect_freed();
    t.done("freed memory collected");
    let corpus = Corpus::from_facts(&cores, facts, || {
        let mut t = super::Phases::start();
        let graph = patq_indicators::stored_citation_graph(&args.dataset, &cores);
        t.done("(concurrent) citation graph");
        graph
    })?;
    t.done("corpus and citations");
    let mut sel = corpus.select(&filters);
    if topic.is_some() {
        let before = sel.len();
        sel.retain(|&i| on_topic[i]);
        println!(
            "{}",
            args.select.topic.message(before, sel.len(), searchable)
        );
    }
    let matches = industries::Matches::over(&taxonomy, &sel, &tax_facts);
    let outputs = suite::compute_matched(&corpus, &sel, &matches, &args.figures.options());
    t.done("suite");
    write_outputs(&args.out, &outputs)?;
    t.done("write");
    println!(
        "{}indicators for {} of {} applications written to {} ({} tables)",
        if manifest.synthetic {
            "SYNTHETIC DATA: "
        } else {
            ""
        },
        sel.len(),
        cores.len(),
        args.out.display(),
        outputs.len()
    );
    println!("Industries (T3, F13-17) and core technology by the {taxonomy_why}");
    // The process ends here: handing millions of small allocations back one by one would
    // take seconds on a large dataset, and the OS reclaims the memory at once.
    std::mem::forget(matches);
    std::mem::forget(corpus);
    std::mem::forget(tax_facts);
    std::mem::forget(cores);
    Ok(Outcome::Ok)
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
