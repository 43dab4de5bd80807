//! `patq sql`: prints the indicator queries as Spark SQL or DuckDB SQL over the dataset's
//! Parquet layout, after writing the derived `app_facts` table they read (docs/DISTRIBUTED.md).

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use patq_enrich::{Harmonizer, Taxonomy};
use patq_indicators::sql::{Dialect, Norm, Params, RankSpec, queries, script, setup};
use patq_indicators::{Corpus, registry};
use patq_rank::{Dimension, Normalisation, RankConfig, Variant};
use patq_store::atomic::write_file;
use patq_store::derived;
use patq_store::tables::APP_FACTS;

use crate::Outcome;

/// Print the indicator queries (F2-F7, F9, F10, T1, T2) as SQL for Spark or DuckDB.
///
/// The queries read the dataset layout of docs/SCHEMA.md. With --dataset, patq first writes
/// DIR/app_facts.parquet: its harmonised group, company country, extended family and forward
/// citations per application, so the engine does not re-implement name harmonisation. The
/// queries give the numbers `patq indicators` writes (scripts/spark_check.py checks this).
#[derive(clap::Args)]
pub struct Args {
    /// SQL dialect.
    #[arg(long, value_parser = ["spark", "duckdb"], default_value = "duckdb")]
    pub dialect: String,
    /// Dataset directory written by `patq ingest`: app_facts.parquet is (re)written into it.
    #[arg(long)]
    pub dataset: Option<PathBuf>,
    /// Dataset location as the engine sees it (e.g. s3a://bucket/patq/ds); default: the
    /// --dataset directory, else the placeholder $DATASET.
    #[arg(long)]
    pub location: Option<String>,
    /// Print JSON ({dialect, setup, queries: [{id, about, sql}]}) instead of an SQL script.
    #[arg(long)]
    pub json: bool,
    /// Also write patq's own T2 quality index (as `patq_rank` computes it, bootstrap off) to
    /// DIR/T2_quality_index.json, the reference the check script compares the SQL with.
    #[arg(long, value_name = "DIR", requires = "dataset")]
    pub reference: Option<PathBuf>,
    #[command(flatten)]
    pub bounds: super::FilterArgs,
    /// Office whose grant trend F7 shows (default: the office with most applications of the
    /// selection, chosen in SQL as `patq indicators` chooses it).
    #[arg(long)]
    pub grant_office: Option<String>,
    /// Taxonomy whose core-technology rule app_facts.core follows: wipo, blockchain, drones
    /// or a TOML FILE (default as for `patq report`).
    #[arg(long, value_name = "wipo|blockchain|drones|FILE")]
    pub taxonomy: Option<String>,
}

pub fn run(args: Args) -> Result<Outcome> {
    let dialect = match args.dialect.as_str() {
        "spark" => Dialect::Spark,
        _ => Dialect::Duckdb,
    };
    if let (Some(out), Some(dir)) = (&args.reference, &args.dataset) {
        let kind = super::outpath::Kind::Tables;
        super::outpath::check_option("--reference", out, kind, &[dir.as_path()])?;
    }
    let cfg = RankConfig::from_toml(patq_rank::DEFAULT_PROFILE)?;
    let filters = args.bounds.filters();
    let location = match (&args.location, &args.dataset) {
        (Some(l), _) => l.trim_end_matches('/').to_string(),
        (None, Some(d)) => std::path::absolute(d)?.display().to_string(),
        (None, None) => "$DATASET".to_string(),
    };
    let params = Params {
        dataset: location,
        filters: filters.clone(),
        grant_office: args.grant_office.clone(),
        top_holders: 10,
        rank: rank_spec(&cfg)?,
    };
    if let Some(dir) = &args.dataset {
        let (_, records) = patq_store::read::load_records(dir)?;
        let corpus = Corpus::build(&records, &Harmonizer::default());
        let synthetic = patq_store::Manifest::load(dir)?.synthetic;
        let (taxonomy, why) = super::choose_taxonomy(args.taxonomy.as_deref(), None, synthetic)?;
        eprintln!("app_facts.core by the {why}");
        write_app_facts(dir, &corpus, &taxonomy)?;
        if let Some(out) = &args.reference {
            let sel = corpus.select(&filters);
            let mut cfg = cfg;
            cfg.robustness.bootstrap = 0;
            let ranking = patq_rank::rank(&corpus, &sel, &cfg, &taxonomy)?;
            std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
            // Indexing a constant: an empty T2 entry fails the build, not the run.
            const T2_FILE: &str = registry::T2.tables[0].file;
            write_file(
                &out.join(format!("{T2_FILE}.json")),
                &serde_json::to_vec_pretty(&ranking)?,
            )?;
        }
    }
    if args.json {
        let doc = serde_json::json!({
            "dialect": dialect.as_str(),
            "setup": setup(dialect, &params)?,
            "queries": queries(&params)?,
        });
        println!("{}", serde_json::to_string_pretty(&doc)?);
    } else {
        print!("{}", script(dialect, &params)?);
    }
    Ok(Outcome::Ok)
}

/// The SQL form of a rank profile: count variant and a normalisation SQL can express.
fn rank_spec(cfg: &RankConfig) -> Result<RankSpec> {
    let norm = match cfg.normalisation {
        Normalisation::LogMax => Norm::LogMax,
        Normalisation::MaxRatio => Norm::MaxRatio,
        Normalisation::MinMax => Norm::MinMax,
        Normalisation::Percentile => bail!("patq sql: percentile normalisation is not offered"),
    };
    let mut weights = Vec::new();
    for (&d, spec) in &cfg.dimensions {
        if cfg.variant_of(d) != Variant::Count || d == Dimension::AssetIndex {
            bail!(
                "patq sql: only the count variant of granted, cited, core, families and international"
            );
        }
        weights.push((d.as_str(), spec.weight));
    }
    Ok(RankSpec {
        min_applications: cfg.min_applications,
        from_data: cfg.threshold == patq_rank::Threshold::FromData,
        norm,
        weights,
    })
}

/// Writes DIR/app_facts.parquet from the corpus (one row per application, in dataset order).
fn write_app_facts(dir: &std::path::Path, c: &Corpus, taxonomy: &Taxonomy) -> Result<()> {
    let method = c.citation_method.as_str();
    derived::write_table(dir, &APP_FACTS, c.records.len(), |i, b| {
        let r = &c.records[i];
        let a = &c.info[i];
        // Core is unknown (not false) for a record the taxonomy has nothing to read in, and for
        // every record when the taxonomy has no core-technology rule (the index then drops
        // the dimension, as patq-rank does).
        let searchable =
            !r.classes.is_empty() || r.app.title.is_some() || r.app.abstract_text.is_some();
        b.str(Some(&r.app.key))
            .u32(Some(c.families.extended[i]))
            .u32(Some(c.families.extended_size(c.families.extended[i])))
            .str(a.group.as_deref())
            .str(a.entity.as_deref())
            .str(a.kind.map(|k| k.as_str()))
            .str(a.country.as_deref())
            .str(Some(a.country_rule.as_str()))
            .u32(a.cited_by)
            .u32(a.cited_by_family)
            .u32(a.cited_by_excl_self)
            .f64(a.cohort_index)
            .bool((searchable && taxonomy.has_core_rule()).then(|| taxonomy.is_core(r)))
            .str(Some(method));
    })?;
    Ok(())
}
