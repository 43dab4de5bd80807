//! `patq indicators`: compute the report's indicators on a dataset and write each as CSV and
//! JSON (with its definition, and "not available: needs X" where the data lacks a field).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use patq_enrich::Harmonizer;
use patq_indicators::*;
use patq_store::atomic::write_file;

use crate::Outcome;

/// Compute the indicators of METHODOLOGY.md implemented so far (F2 grants and grant rate by
/// country, F3 families, F4 cited patents, F5 international filings, F6 applications and
/// companies per year, F7 grants per year at one office, T1 companies by size band, F9
/// citation bands, F10 family-size bands) and write OUT/<id>.csv and OUT/<id>.json.
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
    /// First filing year (inclusive).
    #[arg(long)]
    pub from: Option<i32>,
    /// Last filing year (inclusive).
    #[arg(long)]
    pub to: Option<i32>,
    /// Only applications of companies of this country (ISO code).
    #[arg(long)]
    pub country: Option<String>,
    /// Only applications filed at this office.
    #[arg(long)]
    pub office: Option<String>,
    /// Country whose yearly trend F6 shows (default: all).
    #[arg(long)]
    pub trend_country: Option<String>,
    /// Office whose grant trend F7 shows.
    #[arg(long, default_value = "CN")]
    pub grant_office: String,
    #[command(flatten)]
    pub topic: super::TopicArg,
}

pub fn run(args: Args) -> Result<Outcome> {
    let (manifest, records) = patq_store::read::load_records(&args.dataset)?;
    let harmonizer = Harmonizer::default();
    let corpus = Corpus::build(&records, &harmonizer);
    let filters = Filters {
        from_year: args.from,
        to_year: args.to,
        country: args.country.clone(),
        office: args.office.clone(),
    };
    let mut sel = corpus.select(&filters);
    if let Some(msg) = args.topic.apply(&corpus, &mut sel)? {
        println!("{msg}");
    }
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let out = &args.out;
    put(
        out,
        "F2_grants_by_country",
        &grants_by_country::compute(&corpus, &sel),
        |r| r.to_csv(),
    )?;
    let f3 = families::compute(&corpus, &sel);
    put(out, "F3_families", &f3, |r| r.to_csv())?;
    write_file(
        &out.join("F3_family_size_distribution.csv"),
        f3.size_distribution_csv().as_bytes(),
    )?;
    put(
        out,
        "F4_citations",
        &citations::compute(&corpus, &sel),
        |r| r.to_csv(),
    )?;
    put(
        out,
        "F5_international",
        &international::compute(&corpus, &sel),
        |r| r.to_csv(),
    )?;
    put(
        out,
        "F6_trend",
        &trend::compute(&corpus, &sel, args.trend_country.as_deref()),
        |r| r.to_csv(),
    )?;
    put(
        out,
        "F7_office_grant_trend",
        &office_grant_trend::compute(&corpus, &sel, &args.grant_office),
        |r| r.to_csv(),
    )?;
    put(
        out,
        "T1_company_size_bands",
        &company_size_bands::compute(&corpus, &sel),
        |r| r.to_csv(),
    )?;
    put(
        out,
        "F9_citation_bands",
        &citation_bands::compute(&corpus, &sel),
        |r| r.to_csv(),
    )?;
    let f10 = family_size_bands::compute(&corpus, &sel, 10);
    put(out, "F10_family_size_bands", &f10, |r| r.to_csv())?;
    write_file(
        &out.join("F10_large_family_holders.csv"),
        f10.holders_csv().as_bytes(),
    )?;
    println!(
        "{}indicators for {} of {} applications written to {}",
        if manifest.synthetic {
            "SYNTHETIC DATA: "
        } else {
            ""
        },
        sel.len(),
        records.len(),
        out.display()
    );
    Ok(Outcome::Ok)
}

fn put<T: serde::Serialize>(
    dir: &Path,
    id: &str,
    result: &T,
    csv: impl Fn(&T) -> String,
) -> Result<()> {
    write_file(&dir.join(format!("{id}.csv")), csv(result).as_bytes())?;
    let json = serde_json::to_vec_pretty(result)?;
    write_file(&dir.join(format!("{id}.json")), &json)?;
    Ok(())
}
