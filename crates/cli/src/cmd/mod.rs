//! One module per subcommand, each starting with its usage text (clap `Args`).

pub mod demo;
pub mod explain;
pub mod generate;
pub mod indicators;
pub mod info;
pub mod ingest;
pub mod outpath;
pub mod rank;
pub mod report;
pub mod schema;
pub mod serve;
pub mod sql;

use std::io::IsTerminal;

use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use patq_enrich::Query;
use patq_indicators::Corpus;

/// A byte-counting progress bar on stderr, hidden when stderr is not a terminal or `quiet`.
pub fn progress_bar(total: u64, what: &str, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
    }
    let pb = ProgressBar::new(total);
    pb.set_style(
        ProgressStyle::with_template(
            "{msg:>10} [{bar:40}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    pb.set_message(what.to_string());
    pb
}

pub use patq_ingest::timing::Phases;

/// The `--topic` option shared by the subcommands that select applications.
#[derive(clap::Args, Clone)]
pub struct TopicArg {
    /// Only applications matching a topic query: a query FILE (syntax in
    /// crates/enrich/src/topic.rs), a topic profile (`blockchain`, `drones`, or a profile
    /// FILE.toml with a `topic` query; the profile's taxonomy then becomes the default), or
    /// `none`; `default` is `blockchain`. Without --topic no topic filter applies: a dataset is
    /// normally already the export of its topic's search, which may have matched on text patq
    /// does not hold (full text).
    #[arg(long, value_name = "FILE|PROFILE|none")]
    pub topic: Option<String>,
}

/// A topic profile's taxonomy: a shipped profile with a topic query, or a `.toml` profile
/// file; None for a plain query file, `none` and `default`.
fn topic_profile(topic: &str) -> Result<Option<patq_enrich::Taxonomy>> {
    use patq_enrich::{NAMED_TAXONOMIES, Taxonomy};
    if NAMED_TAXONOMIES.iter().any(|(n, _)| *n == topic) {
        return Ok(Some(Taxonomy::named(topic)?));
    }
    if topic.ends_with(".toml") {
        let text = std::fs::read_to_string(topic)
            .with_context(|| format!("reading topic profile {topic}"))?;
        let t = Taxonomy::from_toml(&text).with_context(|| format!("topic profile {topic}"))?;
        return Ok(Some(t));
    }
    Ok(None)
}

impl TopicArg {
    /// The query: None for no flag or `none`; a bad file is an error naming the file and
    /// the line and column of the parse error.
    pub fn load(&self) -> Result<Option<Query>> {
        match self.topic.as_deref() {
            None | Some("none") => Ok(None),
            Some("default") => Ok(Some(Query::default())),
            Some(t) if let Some(profile) = topic_profile(t)? => match profile.topic {
                Some(q) => Ok(Some(q)),
                None => bail!(
                    "--topic {t}: the {} profile has no topic query (a profile's `topic = '...'` \
                     gives one); --taxonomy {t} uses its industries without filtering",
                    profile.name
                ),
            },
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("reading topic file {path}"))?;
                let q = Query::parse(&text).with_context(|| format!("topic file {path}"))?;
                Ok(Some(q))
            }
        }
    }

    /// Narrows `sel` to the topic, if any, and says how many applications matched.
    pub fn apply(&self, corpus: &Corpus, sel: &mut Vec<usize>) -> Result<Option<String>> {
        let Some(q) = self.load()? else {
            return Ok(None);
        };
        let before = sel.len();
        corpus.retain_topic(sel, &q);
        // Only an empty result needs to know (and a scan of every record is not free).
        let any_searchable = sel.is_empty() && corpus.records.iter().any(searchable);
        Ok(Some(self.message(before, sel.len(), any_searchable)))
    }

    /// What [`TopicArg::apply`] says of a topic that kept `after` of `before` applications;
    /// `searchable`: whether any record has text or classes to match.
    pub fn message(&self, before: usize, after: usize, searchable: bool) -> String {
        let mut msg = format!(
            "topic {}: {after} of {before} applications match",
            self.topic.as_deref().unwrap_or_default(),
        );
        // An empty result on a dataset without text or classes (e.g. a PATSTAT extract) says
        // nothing about the topic; make that visible rather than printing empty figures.
        if after == 0 && !searchable {
            msg.push_str(" (the dataset has no titles, abstracts, claims or classes to match)");
        }
        msg
    }
}

/// Whether a topic query has anything of `r` to match: text or classes.
pub fn searchable(r: &patq_model::PatentRecord) -> bool {
    r.app.title.is_some()
        || r.app.abstract_text.is_some()
        || r.app.claims_text.is_some()
        || !r.classes.is_empty()
}

/// The taxonomy `--taxonomy` names (a shipped name or a file), else the default for the topic:
/// the reference report's blockchain taxonomy for a blockchain selection, WIPO's technology
/// fields for any other. Returns it with the reason shown beside the figures.
pub fn choose_taxonomy(
    flag: Option<&str>,
    topic: Option<&str>,
    synthetic: bool,
) -> Result<(patq_enrich::Taxonomy, String)> {
    use patq_enrich::{NAMED_TAXONOMIES, Taxonomy};
    let (t, why) = match flag {
        Some(f) if NAMED_TAXONOMIES.iter().any(|(n, _)| *n == f) => {
            (Taxonomy::named(f)?, "--taxonomy".to_string())
        }
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading taxonomy file {path}"))?;
            let t = Taxonomy::from_toml(&text).with_context(|| format!("taxonomy file {path}"))?;
            (t, format!("--taxonomy {path}"))
        }
        None if topic == Some("default") => (
            Taxonomy::named("blockchain")?,
            "the blockchain topic's default".into(),
        ),
        None if let Some(t) = topic
            && let Some(profile) = topic_profile(t)? =>
        {
            (profile, format!("the profile of --topic {t}"))
        }
        None if synthetic => (
            Taxonomy::named("blockchain")?,
            "the default on patq's synthetic corpus, which is modelled on the blockchain report"
                .into(),
        ),
        None => (
            Taxonomy::named("wipo")?,
            "the default for any topic (--taxonomy chooses another)".into(),
        ),
    };
    let source = t
        .source
        .as_deref()
        .map(|s| format!(" ({s})"))
        .unwrap_or_default();
    let why = format!("taxonomy {}{source}: {why}", t.name);
    Ok((t, why))
}

/// The filing-year, company-country and office bounds of a selection.
#[derive(clap::Args, Clone)]
pub struct FilterArgs {
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
}

impl FilterArgs {
    pub fn filters(&self) -> patq_indicators::Filters {
        patq_indicators::Filters {
            from_year: self.from,
            to_year: self.to,
            country: self.country.clone(),
            office: self.office.clone(),
        }
    }
}

/// Which applications a figure covers: filing years, company country, office, topic; plus the
/// taxonomy the industry figures use. Shared by `indicators`, `rank` and `report`.
#[derive(clap::Args, Clone)]
pub struct SelectArgs {
    #[command(flatten)]
    pub bounds: FilterArgs,
    #[command(flatten)]
    pub topic: TopicArg,
    /// Technology taxonomy (industries with their scenarios, and the core-technology rule):
    /// `wipo` (WIPO's 35 technology fields, for any topic), `blockchain` (the reference
    /// report's industries and core/application split), `drones` (a worked topic profile:
    /// WIPO fields plus a drone core rule), or a TOML FILE. Default: blockchain with
    /// `--topic blockchain` or on patq's synthetic blockchain-like corpus, else wipo.
    #[arg(long, value_name = "wipo|blockchain|drones|FILE")]
    pub taxonomy: Option<String>,
}

impl SelectArgs {
    pub fn filters(&self) -> patq_indicators::Filters {
        self.bounds.filters()
    }

    /// The selected application indices and the topic message, if a topic was given.
    pub fn select(&self, corpus: &Corpus) -> Result<(Vec<usize>, Option<String>)> {
        let mut sel = corpus.select(&self.filters());
        let msg = self.topic.apply(corpus, &mut sel)?;
        Ok((sel, msg))
    }

    /// The taxonomy the figures use and, in words, why it is that one. `synthetic`: the
    /// dataset is patq's synthetic corpus, which is modelled on the blockchain landscape.
    pub fn taxonomy(&self, synthetic: bool) -> Result<(patq_enrich::Taxonomy, String)> {
        choose_taxonomy(
            self.taxonomy.as_deref(),
            self.topic.topic.as_deref(),
            synthetic,
        )
    }

    /// [`SelectArgs::taxonomy`] for a quality-index preset: `reference` reproduces the
    /// reference report, so its default taxonomy is the blockchain one.
    pub fn taxonomy_for(
        &self,
        preset: &str,
        synthetic: bool,
    ) -> Result<(patq_enrich::Taxonomy, String)> {
        if preset == "reference" && self.taxonomy.is_none() {
            let t = patq_enrich::Taxonomy::named("blockchain")?;
            return Ok((t, "taxonomy blockchain: --preset reference".into()));
        }
        self.taxonomy(synthetic)
    }

    /// One line describing the selection, for reports and logs.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        match (self.bounds.from, self.bounds.to) {
            (Some(a), Some(b)) => parts.push(format!("filed {a}-{b}")),
            (Some(a), None) => parts.push(format!("filed from {a}")),
            (None, Some(b)) => parts.push(format!("filed up to {b}")),
            (None, None) => {}
        }
        if let Some(c) = &self.bounds.country {
            parts.push(format!("company country {c}"));
        }
        if let Some(o) = &self.bounds.office {
            parts.push(format!("office {o}"));
        }
        if let Some(t) = &self.topic.topic {
            parts.push(format!("topic {t}"));
        }
        if parts.is_empty() {
            "all applications".into()
        } else {
            parts.join(", ")
        }
    }
}
