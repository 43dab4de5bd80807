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
    let corpus = args.out.join("corpus");
    let dataset = args.out.join("dataset");
    super::generate::generate(&super::generate::Args {
        applications: args.applications,
        seed: args.seed,
        out: corpus.clone(),
        layout: "lens".into(),
        quiet: args.quiet,
    })?;
    let outcome = super::ingest::ingest(&super::ingest::Args {
        sources: vec![corpus],
        out: dataset.clone(),
        format: None,
        strict: false,
        synthetic: true,
        quiet: args.quiet,
    })?;
    let m = patq_store::Manifest::load(&dataset)?;
    print!("{}", super::info::summary(&dataset, &m)?);
    Ok(outcome)
}
