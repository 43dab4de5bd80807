//! `patq serve`: the web dashboard over one dataset on the local machine — the report's
//! figures under filters, drill-down to the applications behind a number, table downloads.

use std::io::Write;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use patq_server::routes::{Hosts, host_entry};
use patq_server::{ConnLimits, Dashboard, Options, Setup};

use crate::Outcome;

/// Serve a dashboard of DATASET on http://127.0.0.1:PORT.
///
/// The dashboard shows the figures of `patq report` with filters (filing years, company
/// country, office, company, topic, industry) that recompute them, a click on a bar or number
/// to list the applications behind it (as `patq explain`), and each table as CSV/JSON under
/// the current filters. Prints exactly one line, `listening on http://ADDR:PORT`, once the
/// dataset is loaded; stop with Ctrl-C. T2/F11 (quality index) are ranked once on all
/// applications and ignore the filters.
#[derive(clap::Args)]
pub struct Args {
    /// Dataset directory written by `patq ingest`.
    pub dataset: PathBuf,
    /// Port to listen on; 0 picks a free one (printed).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Address to listen on. The default keeps the dashboard on this machine; another address
    /// shows the dataset, without authentication, to anyone who can reach it (a warning says
    /// so). Only requests naming an accepted Host are answered: localhost, 127.0.0.1, [::1],
    /// the bound address, and each --allow-host.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Another Host name (or name:port) the dashboard answers to, such as the machine's name
    /// or LAN address when bound to 0.0.0.0; repeatable. Other names get 421 (a guard against
    /// DNS rebinding).
    #[arg(long = "allow-host", value_name = "NAME", value_parser = allow_host)]
    pub allow_host: Vec<String>,
    /// Connections served at once; one more gets a 503 and is closed. The default stays under
    /// the usual limit of 1,024 open files per process.
    #[arg(long, value_name = "N", default_value_t = patq_server::conn::MAX_CONNECTIONS,
          value_parser = connections)]
    pub max_connections: usize,
    /// Seconds a connection has to send a complete request header (for tests).
    #[arg(long, hide = true, value_name = "SECS", default_value = "10", value_parser = seconds)]
    pub header_timeout: Duration,
    /// Seconds a kept-alive connection may wait for its next request (for tests).
    #[arg(long, hide = true, value_name = "SECS", default_value = "60", value_parser = seconds)]
    pub idle_timeout: Duration,
    /// Extra topic choice: a topic query FILE (syntax in crates/enrich/src/topic.rs) or a topic
    /// profile FILE.toml, offered beside "none" and the shipped topic profiles (blockchain,
    /// drones); a profile's taxonomy also becomes the default.
    #[arg(long, value_name = "FILE")]
    pub topic: Option<PathBuf>,
    /// Technology taxonomy (industries for the filter, T3 and F13-17): wipo, blockchain,
    /// drones or a TOML FILE; default as for `patq report`.
    #[arg(long, value_name = "wipo|blockchain|drones|FILE")]
    pub taxonomy: Option<String>,
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
    let topic_file = match (&args.topic, select.topic.load()?) {
        (Some(p), Some(q)) => Some((shown_name(p), q)),
        _ => None,
    };
    let ds = patq_indicators::Dataset::open(&args.dataset)?;
    let manifest = ds.manifest.clone();
    let (taxonomy, taxonomy_why) = select.taxonomy(manifest.synthetic)?;
    let cfg = super::rank::config("report", None, None, None)?;
    let t0 = std::time::Instant::now();
    let graph = ds.citation_graph()?;
    // The records come without their citation lists: the field coverage counts the
    // applications with one from the citations table, as the report does.
    let citation_lists = ds.applications_citing()?;
    let mut dashboard = Dashboard::with_citations(
        ds.records,
        graph,
        Setup {
            title: args.title.clone(),
            dataset: shown_name(&args.dataset),
            synthetic: manifest.synthetic,
            taxonomy,
            taxonomy_why,
            topic_file,
            rank: Some(cfg),
        },
    );
    dashboard.set_citation_lists(citation_lists);
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
    let hosts = Hosts::for_addr(addr, &args.allow_host);
    if !addr.ip().is_loopback() {
        eprintln!(
            "{}",
            exposure_warning(addr, &hosts, args.allow_host.is_empty())
        );
    }
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "listening on http://{addr}")?;
        out.flush()?;
    }
    let options = Options {
        conn: ConnLimits {
            max_connections: args.max_connections,
            header_timeout: args.header_timeout,
            idle_timeout: args.idle_timeout,
        },
        allow_hosts: args.allow_host,
    };
    patq_server::serve(listener, dashboard, &options).context("serving the dashboard")?;
    Ok(Outcome::Ok)
}

/// What the dashboard shows for a path the user gave: as typed when relative, only its last
/// component when absolute (`patq_store::shown_paths`, as the report does), so the page never
/// names the directories of the machine it runs on.
fn shown_name(p: &Path) -> String {
    patq_store::shown_paths(&[&p.to_string_lossy()]).remove(0)
}

/// The stderr warning for a listener outside loopback.
fn exposure_warning(addr: SocketAddr, hosts: &Hosts, no_allow: bool) -> String {
    let mut w = format!(
        "patq serve: WARNING: listening on {addr}, which is reachable from the network; the \
dashboard has no authentication, so anyone who can reach it can read this dataset. Accepted \
Host names: {}; other names get 421 (a guard against DNS rebinding).",
        hosts.describe()
    );
    if no_allow {
        w.push_str(
            " No --allow-host was given, so only the bound address and the loopback names are \
accepted; add --allow-host NAME for each name or address clients use (e.g. this machine's \
name or LAN address).",
        );
    }
    w
}

/// `--allow-host`: a host name or IP literal (IPv6 in brackets), optionally with `:port`.
fn allow_host(s: &str) -> Result<String, String> {
    let (name, _) = host_entry(s).ok_or_else(|| format!("{s:?} is not NAME or NAME:PORT"))?;
    let bracketed = name.starts_with('[') && name.ends_with(']');
    let plain = name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
    if plain
        || bracketed
            && name[1..name.len() - 1]
                .parse::<std::net::Ipv6Addr>()
                .is_ok()
    {
        Ok(s.to_string())
    } else {
        Err(format!(
            "{s:?} is not a host name or IP address (IPv6 in brackets), with an optional :PORT"
        ))
    }
}

/// `--max-connections`: 1 to 65,536.
fn connections(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if (1..=65_536).contains(&n) => Ok(n),
        _ => Err(format!(
            "{s:?} is not a number of connections from 1 to 65536"
        )),
    }
}

/// A positive number of seconds, fractions allowed.
fn seconds(s: &str) -> Result<Duration, String> {
    match s.parse::<f64>() {
        Ok(x) if x > 0.0 && x <= 86_400.0 => Ok(Duration::from_secs_f64(x)),
        _ => Err(format!(
            "{s:?} is not a number of seconds between 0 and 86400"
        )),
    }
}
