//! `patq demo`: the whole pipeline on the built-in synthetic corpus, in one command.

use std::path::PathBuf;

use anyhow::Result;

use crate::Outcome;

/// Run patq end to end on its built-in default: generate the SYNTHETIC blockchain-like corpus
/// (55,000 applications, seed 42), ingest it into a dataset and summarise it. Every figure it
/// prints is synthetic, not real patent data.
#[derive(clap::Args)]
pub struct Args {
    /// Output directory (corpus in OUT/corpus, dataset in OUT/dataset).
    #[arg(long, short, default_value = "out/demo")]
    pub out: PathBuf,
    /// Number of applications.
    #[arg(long, default_value_t = 55_000)]
    pub applications: u64,
    /// Random seed.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// No progress bars.
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn run(args: Args) -> Result<Outcome> {
    super::outpath::check(&args.out, super::outpath::Kind::Demo, &[])?;
    let dataset = prepare(&args.out, args.applications, args.seed, args.quiet)?;
    let m = patq_store::Manifest::load(&dataset)?;
    print!("{}", super::info::summary(&dataset, &m)?);
    Ok(Outcome::Ok)
}

/// Generates the synthetic corpus into OUT/corpus and ingests it into OUT/dataset, which it
/// returns.
pub fn prepare(
    out: &std::path::Path,
    applications: u64,
    seed: u64,
    quiet: bool,
) -> Result<PathBuf> {
    let corpus = out.join("corpus");
    let dataset = out.join("dataset");
    super::generate::generate(&super::generate::Args {
        applications,
        seed,
        out: corpus.clone(),
        // Lens JSON: the Lens layout that carries citation lists, so every figure has data.
        layout: "lens-json".into(),
        quiet,
    })?;
    super::ingest::ingest(&super::ingest::Args {
        sources: vec![corpus],
        out: dataset.clone(),
        format: None,
        strict: false,
        synthetic: true,
        quiet,
    })?;
    Ok(dataset)
}
