//! `patq serve`: the web dashboard over one dataset on the local machine — the report's
//! figures under filters, drill-down to the applications behind a number, table downloads.

use std::io::Write;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;

use anyhow::{Context, Result};
use patq_server::{Dashboard, Setup};

use crate::Outcome;

/// Serve a dashboard of DATASET on http://127.0.0.1:PORT: the figures of `patq report` with
/// filters (filing years, company country, office, company, topic, industry) that recompute
/// them, a click on a bar or number to list the applications behind it (as `patq explain`),
/// and each table as CSV/JSON under the current filters. Prints exactly one line,
/// `listening on http://ADDR:PORT`, once the dataset is loaded; stop with Ctrl-C.
/// T2/F11 (quality index) are ranked once on all applications and ignore the filters.
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Dataset directory written by `patq ingest`.
    pub dataset: PathBuf,
    /// Port to listen on; 0 picks a free one (printed).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Address to listen on. The default keeps the dashboard on this machine; another address
    /// shows the dataset to anyone who can reach it.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Extra topic choice: a topic query FILE (syntax in crates/enrich/src/topic.rs), offered
    /// beside "none" and the shipped blockchain profile.
    #[arg(long, value_name = "FILE")]
    pub topic: Option<PathBuf>,
    /// Technology taxonomy (industries for the filter, T3 and F13-17) as TOML; default the
    /// shipped profiles/taxonomy.toml.
    #[arg(long, value_name = "FILE")]
    pub taxonomy: Option<PathBuf>,
    /// Page title.
    #[arg(long)]
    pub title: Option<String>,
}

pub fn run(args: Args) -> Result<Outcome> {
    let select = super::SelectArgs {
        bounds: super::FilterArgs {
            from: None,
            to: None,
            country: None,
            office: None,
        },
        topic: super::TopicArg {
            topic: args.topic.as_ref().map(|p| p.display().to_string()),
        },
        taxonomy: args.taxonomy.clone(),
    };
    let taxonomy = select.taxonomy()?;
    let topic_file = match (&args.topic, select.topic.load()?) {
        (Some(p), Some(q)) => Some((p.display().to_string(), q)),
        _ => None,
    };
    let (manifest, records) = super::indicators::records_without_citations(&args.dataset)?;
    let cfg = super::rank::config("report", None, None, None)?;
    let t0 = std::time::Instant::now();
    let graph = super::indicators::citation_graph(&args.dataset, &records)?;
    let dashboard = Dashboard::with_citations(
        records,
        graph,
        Setup {
            title: args.title.clone(),
            dataset: args.dataset.display().to_string(),
            synthetic: manifest.synthetic,
            taxonomy,
            topic_file,
            rank: Some(cfg),
        },
    );
    let steps: Vec<String> = dashboard
        .startup
        .iter()
        .map(|(step, d)| format!("{step} {:.2} s", d.as_secs_f64()))
        .collect();
    eprintln!(
        "{}patq serve: {} applications prepared in {:.1} s ({})",
        if manifest.synthetic {
            "SYNTHETIC DATA: "
        } else {
            ""
        },
        dashboard.meta.applications,
        t0.elapsed().as_secs_f64(),
        steps.join(", ")
    );
    let listener = TcpListener::bind(SocketAddr::new(args.bind, args.port))
        .with_context(|| format!("listening on {}:{}", args.bind, args.port))?;
    let addr = listener.local_addr()?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "listening on http://{addr}")?;
        out.flush()?;
    }
    patq_server::serve(listener, dashboard).context("serving the dashboard")?;
    Ok(Outcome::Ok)
}
