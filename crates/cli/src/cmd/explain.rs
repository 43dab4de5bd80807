//! `patq explain`: list the applications behind one number of an indicator, so every figure
//! can be audited back to the records it counts.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use patq_enrich::Harmonizer;
use patq_indicators::Filters;
use patq_indicators::explain::{ExplainRow, ROW_HEADER, Spec, explain, rows_csv};

use crate::Outcome;

/// List the applications behind one number of `patq indicators`.
///
/// Examples: `patq explain ds F2:grants --country CN`; `patq explain ds "F9:>10" --from 2018
/// --format csv > cited.csv`.
///
/// The first line gives the count ("N applications", plus the families or companies the
/// figure counts for F3, F10 and T1); it equals the number `patq indicators` prints with the
/// same --from/--to/--country/--office/--topic (world row). --group narrows further. In CSV
/// format the count line goes to stderr so stdout stays plain CSV.
///
/// The specs each figure takes are listed below (F7 looks at --office, default the busiest
/// office); an unknown spec lists them too.
#[derive(clap::Args)]
#[command(after_help = specs_help())]
pub struct Args {
    /// Dataset directory written by `patq ingest`.
    pub dataset: PathBuf,
    /// Indicator spec, e.g. F2:grants, F4:cited, "F9:>10", T1:1-9, F6:2019.
    pub indicator: String,
    /// Only applications of this harmonised applicant group (id or name).
    #[arg(long)]
    pub group: Option<String>,
    /// Only applications of companies of this country (ISO code).
    #[arg(long)]
    pub country: Option<String>,
    /// Only applications filed at this office; also the office F7 looks at (default: the office
    /// with most applications, as `patq indicators` chooses).
    #[arg(long)]
    pub office: Option<String>,
    /// First filing year (inclusive).
    #[arg(long)]
    pub from: Option<i32>,
    /// Last filing year (inclusive).
    #[arg(long)]
    pub to: Option<i32>,
    #[command(flatten)]
    pub topic: super::TopicArg,
    /// Rows to show (0 = all). Default: 50 in table format, all in CSV and JSON.
    #[arg(long)]
    pub limit: Option<usize>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

/// The specs every figure takes, from the figure registry, as the help's closing section.
fn specs_help() -> String {
    let specs = patq_indicators::explain::valid_specs();
    let lines: Vec<String> = specs.lines().map(|l| format!("  {l}")).collect();
    format!("Specs:\n{}", lines.join("\n"))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
}

/// Titles longer than this are cut in table format.
const TITLE_WIDTH: usize = 60;

pub fn run(args: Args) -> Result<Outcome> {
    // Check the spec before loading a possibly large dataset.
    let spec: Spec = args.indicator.parse()?;
    let ds = patq_indicators::Dataset::open(&args.dataset)?;
    let manifest = &ds.manifest;
    let harmonizer = Harmonizer::default();
    let corpus = ds.corpus()?;
    let filters = Filters {
        from_year: args.from,
        to_year: args.to,
        country: args.country.clone(),
        office: args.office.clone(),
    };
    let mut sel = corpus.select(&filters);
    if let Some(msg) = args.topic.apply(&corpus, &mut sel)? {
        eprintln!("{msg}");
    }
    // F7's office is chosen on the selection before --group narrows it, as indicators does.
    let options = patq_indicators::suite::Options {
        grant_office: args.office.clone(),
        ..Default::default()
    };
    let f7_office = patq_indicators::suite::resolve(&corpus, &sel, &options)
        .1
        .unwrap_or_default();
    if let Some(g) = &args.group {
        let id = harmonizer.harmonize(g, None).id;
        sel.retain(|&i| {
            corpus.info[i]
                .group
                .as_deref()
                .is_some_and(|x| x == g || x == id)
        });
    }
    let e = explain(&corpus, &sel, spec, &f7_office)?;

    let mut count = format!("{} applications", e.apps.len());
    if let Some((n, unit)) = e.counted {
        let unit = match (n, unit) {
            (1, "families") => "family",
            (1, "companies") => "company",
            _ => unit,
        };
        count.push_str(&format!(" ({n} {unit})"));
    }
    if let Some(m) = e.family_method {
        count.push_str(&format!("; family sizes: {m}"));
    }
    if manifest.synthetic {
        count.insert_str(0, "SYNTHETIC DATA: ");
    }
    let limit = match (args.limit, args.format) {
        (Some(0), _) | (None, Format::Csv | Format::Json) => usize::MAX,
        (Some(n), _) => n,
        (None, Format::Table) => 50,
    };
    let rows: Vec<ExplainRow> = e
        .apps
        .iter()
        .take(limit)
        .map(|&i| ExplainRow::new(&corpus, i))
        .collect();
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Table => {
            writeln!(out, "{count}")?;
            out.write_all(table(&rows).as_bytes())?;
            if e.apps.len() > rows.len() {
                writeln!(
                    out,
                    "... {} more (--limit 0 shows all)",
                    e.apps.len() - rows.len()
                )?;
            }
        }
        Format::Csv => {
            eprintln!("{count}");
            out.write_all(rows_csv(&rows).as_bytes())?;
        }
        Format::Json => {
            let mut v = serde_json::json!({
                "spec": e.spec.to_string(),
                "synthetic": manifest.synthetic,
                "filters": filters,
                "group": args.group,
                "topic": args.topic.topic,
                "applications": e.apps.len(),
                "rows": rows,
            });
            if let Some((n, unit)) = e.counted {
                v[unit] = n.into();
            }
            if let Some(m) = e.family_method {
                v["family_method"] = m.into();
            }
            // Serialise first: a broken pipe must reach main as an io::Error to exit quietly.
            let text = serde_json::to_string_pretty(&v)?;
            writeln!(out, "{text}")?;
        }
    }
    Ok(Outcome::Ok)
}

/// Aligned columns; the title comes last, cut to [`TITLE_WIDTH`] characters.
fn table(rows: &[ExplainRow]) -> String {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let mut f = r.fields().to_vec();
            if let Some(t) = f.last_mut()
                && t.chars().count() > TITLE_WIDTH
            {
                *t = t.chars().take(TITLE_WIDTH - 3).collect::<String>() + "...";
            }
            f
        })
        .collect();
    let mut width: Vec<usize> = ROW_HEADER.iter().map(|h| h.len()).collect();
    for row in &cells {
        for (w, c) in width.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut s = String::new();
    let header = ROW_HEADER.iter().map(|h| h.to_string()).collect::<Vec<_>>();
    for row in std::iter::once(&header).chain(&cells) {
        let line: Vec<String> = row
            .iter()
            .zip(&width)
            .map(|(c, &w)| format!("{c:<w$}"))
            .collect();
        s.push_str(line.join("  ").trim_end());
        s.push('\n');
    }
    s
}
