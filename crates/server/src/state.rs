//! The dashboard's data: the dataset loaded once with every per-application fact precomputed
//! (the corpus, topic matches, industry membership, the quality index), so that a filter
//! change only re-selects application indices and reruns the indicator suite. The field
//! coverage (the data-quality view) is also computed once, on all applications.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use patq_enrich::{CitationGraph, Facts, Harmonizer, Query, Taxonomy};
use patq_indicators::coverage::{self, Coverage};
use patq_indicators::registry;
use patq_indicators::suite::{self, Output};
use patq_indicators::{Corpus, industries};
use patq_model::PatentRecord;
use patq_rank::RankConfig;
use serde::Serialize;

use crate::params::{Known, Selection, TOPIC_NONE};

/// Topic choice id of the shipped blockchain profile.
pub const TOPIC_DEFAULT: &str = "default";
/// Topic choice id of the `--topic FILE` query.
pub const TOPIC_FILE: &str = "file";

/// Results kept for repeated requests (the page, then a table download or a drill-down under
/// the same filters).
const CACHE: usize = 16;

/// Companies offered in the filter list (most applications first); any group id is accepted.
const COMPANY_CHOICES: usize = 2000;

/// How the dashboard is set up beyond the records.
pub struct Setup {
    /// Page title; default says whether the data is synthetic.
    pub title: Option<String>,
    /// What the page says the data is: the dataset directory as the user typed it, never an
    /// absolute path (the caller keeps only the last component of one).
    pub dataset: String,
    pub synthetic: bool,
    pub taxonomy: Taxonomy,
    /// Which taxonomy was chosen and why (shown on the page).
    pub taxonomy_why: String,
    /// The `--topic FILE` query with its label (the file as typed, or its name when absolute).
    pub topic_file: Option<(String, Query)>,
    /// Quality-index configuration for T2/F11; None leaves them out.
    pub rank: Option<RankConfig>,
}

/// A fixed-size set of application indices.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bits {
    words: Vec<u64>,
    len: usize,
}

impl Bits {
    /// The indices `0..n` for which `f` holds, evaluated on all cores: topic matching reads
    /// every word of every record.
    pub fn from_fn(n: usize, f: impl Fn(usize) -> bool + Sync) -> Bits {
        let threads = std::thread::available_parallelism().map_or(1, |t| t.get());
        // Whole words per chunk, so each thread owns its output words.
        let chunk_words = n.div_ceil(64).div_ceil(threads).max(1);
        let mut words = vec![0u64; n.div_ceil(64)];
        let f = &f;
        std::thread::scope(|s| {
            for (c, out) in words.chunks_mut(chunk_words).enumerate() {
                s.spawn(move || {
                    let base = c * chunk_words * 64;
                    for (w, word) in out.iter_mut().enumerate() {
                        for b in 0..64 {
                            let i = base + w * 64 + b;
                            if i < n && f(i) {
                                *word |= 1 << b;
                            }
                        }
                    }
                });
            }
        });
        Bits { words, len: n }
    }

    pub fn get(&self, i: usize) -> bool {
        i < self.len && self.words[i / 64] & (1 << (i % 64)) != 0
    }

    pub fn count(&self) -> u64 {
        self.words.iter().map(|w| u64::from(w.count_ones())).sum()
    }
}

/// One value of a filter list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
    /// Applications of the whole dataset with this value.
    pub applications: u64,
}

/// The filter options and facts of the dataset: `GET /api/meta`.
#[derive(Clone, Debug, Serialize)]
pub struct Meta {
    pub title: String,
    pub synthetic: bool,
    pub dataset: String,
    pub applications: usize,
    pub citation_method: &'static str,
    /// How family sizes were found ([`patq_enrich::FamilyMethod`]).
    pub family_method: &'static str,
    /// Earliest and latest filing year.
    pub years: Option<(i32, i32)>,
    pub countries: Vec<Choice>,
    pub offices: Vec<Choice>,
    /// The [`COMPANY_CHOICES`] groups with most applications.
    pub companies: Vec<Choice>,
    pub companies_total: usize,
    pub topics: Vec<Choice>,
    pub industries: Vec<Choice>,
    /// How T2/F11 relate to the filters.
    pub quality_index: String,
    /// The taxonomy of T3, F13-17, P and the quality index's core dimension, and why it was
    /// chosen (`--taxonomy` and `--topic` choose another at start).
    pub taxonomy: String,
    pub generator: String,
}

/// The field coverage of every application: `GET /api/coverage` and the page's data-quality
/// panel. Computed once at start-up; the filters do not apply to it.
#[derive(Clone, Debug, Serialize)]
pub struct CoverageView {
    pub definition: &'static str,
    /// What the panel says about the filters.
    pub note: &'static str,
    pub applications: u64,
    pub pct_applications: u64,
    /// One row per field, in the order of `patq info --fields`.
    pub rows: Vec<coverage::Row>,
}

/// The panel's statement on the filters, as T2/F11 state theirs.
pub const COVERAGE_NOTE: &str = "Computed once on all applications of the dataset; the \
filters do not apply to it.";

impl CoverageView {
    fn of(c: &Coverage) -> CoverageView {
        CoverageView {
            definition: coverage::DEFINITION,
            note: COVERAGE_NOTE,
            applications: c.applications,
            pct_applications: c.pct_applications,
            rows: c.rows(),
        }
    }
}

/// The quality index, ranked once on the whole dataset (see [`Dashboard::quality_note`]).
enum Quality {
    Off,
    Ranked(Vec<Output>),
    Failed(String),
}

/// The figures of one selection.
pub struct Computed {
    pub selection: Selection,
    /// Selected application indices, ascending.
    pub sel: Vec<usize>,
    /// The suite's outputs in report order, then T2/F11 when ranked.
    pub outputs: Vec<Output>,
    /// Office F7 and its drill-down look at.
    pub f7_office: Option<String>,
    /// Country F8 and F12 look at.
    pub focus_country: Option<String>,
    /// Wall time of selection plus suite.
    pub elapsed: Duration,
    /// The `/api/figures` answer, drawn once per cached selection: drawing every chart costs
    /// about as much as a small recompute.
    pub figures_json: OnceLock<axum::body::Bytes>,
}

/// Everything the server answers from.
pub struct Dashboard {
    pub corpus: Corpus<'static>,
    pub taxonomy: Taxonomy,
    pub known: Known,
    pub meta: Meta,
    topics: BTreeMap<String, Bits>,
    industries: BTreeMap<String, Bits>,
    /// Every application's taxonomy facts (split, industries, scenarios), as T3, F13-17 and P
    /// use them.
    facts: Vec<Facts>,
    quality: Quality,
    /// Field coverage of all applications (see [`Dashboard::set_citation_lists`]).
    field_coverage: Coverage,
    pub coverage: CoverageView,
    /// Every table name a selection can produce.
    pub tables: BTreeSet<String>,
    cache: Mutex<VecDeque<Arc<Computed>>>,
    /// How long each start-up step took, for the start-up log.
    pub startup: Vec<(&'static str, Duration)>,
}

/// (value, applications) ordered by applications descending, then value.
fn ranked(counts: BTreeMap<String, u64>) -> Vec<Choice> {
    let mut v: Vec<Choice> = counts
        .into_iter()
        .map(|(value, applications)| Choice {
            label: value.clone(),
            value,
            applications,
        })
        .collect();
    v.sort_by(|a, b| {
        b.applications
            .cmp(&a.applications)
            .then_with(|| a.value.cmp(&b.value))
    });
    v
}

/// Topic membership of every application and the topic choices: none, the shipped topic
/// profiles (blockchain as `default`, the others by name, as `--topic NAME` offers them) and
/// the `--topic` file, if any.
fn topic_bits(
    records: &[PatentRecord],
    file: Option<&(String, Query)>,
) -> (BTreeMap<String, Bits>, Vec<Choice>) {
    let n = records.len();
    let mut topics = BTreeMap::new();
    let mut choices = vec![Choice {
        value: TOPIC_NONE.into(),
        label: "no topic filter".into(),
        applications: n as u64,
    }];
    let mut add = |value: &str, label: String, q: &Query| {
        let bits = Bits::from_fn(n, |i| q.matches(&records[i]));
        choices.push(Choice {
            value: value.into(),
            label,
            applications: bits.count(),
        });
        topics.insert(value.to_string(), bits);
    };
    add(
        TOPIC_DEFAULT,
        "blockchain (profiles/blockchain.topic)".into(),
        &Query::default(),
    );
    for (name, _) in patq_enrich::NAMED_TAXONOMIES {
        if *name == "blockchain" {
            continue;
        }
        if let Some(q) = Taxonomy::named(name).ok().and_then(|t| t.topic) {
            add(name, format!("{name} (profiles/{name}.toml)"), &q);
        }
    }
    if let Some((label, q)) = file {
        add(TOPIC_FILE, label.clone(), q);
    }
    (topics, choices)
}

/// Industry membership of every application, exactly as T3 and P classify it, and the
/// industry choices in taxonomy order.
fn industry_bits(taxonomy: &Taxonomy, facts: &[Facts]) -> (BTreeMap<String, Bits>, Vec<Choice>) {
    let n = facts.len();
    let mut member = vec![vec![false; n]; taxonomy.industries.len()];
    for (i, f) in facts.iter().enumerate() {
        for &(x, _) in f.industries.iter() {
            member[x][i] = true;
        }
    }
    let mut industries = BTreeMap::new();
    let mut choices = Vec::new();
    for (ind, flags) in taxonomy.industries.iter().zip(member) {
        let bits = Bits::from_fn(n, |i| flags[i]);
        choices.push(Choice {
            value: ind.id.clone(),
            label: ind.name.clone(),
            applications: bits.count(),
        });
        industries.insert(ind.id.clone(), bits);
    }
    (industries, choices)
}

impl Dashboard {
    /// Builds the dashboard over `records`. The records live as long as the process: a server
    /// answers from them until it stops, so they are leaked rather than reference-counted
    /// through every indicator's borrow of the corpus.
    pub fn new(records: Vec<PatentRecord>, setup: Setup) -> Dashboard {
        let graph = Corpus::graph_of(&records);
        Dashboard::with_citations(records, graph, setup)
    }

    /// [`Dashboard::new`] over records loaded without their citation lists, given their
    /// citation graph (streamed from the dataset's citations table, None when it is empty).
    pub fn with_citations(
        records: Vec<PatentRecord>,
        graph: Option<CitationGraph>,
        setup: Setup,
    ) -> Dashboard {
        let records: &'static [PatentRecord] = Box::leak(records.into_boxed_slice());
        let mut startup = Vec::new();
        let mut t = Instant::now();
        let mut lap = |step: &'static str, startup: &mut Vec<_>| {
            startup.push((step, t.elapsed()));
            t = Instant::now();
        };
        let corpus = Corpus::build_with_graph(records, &Harmonizer::default(), graph);
        lap("corpus", &mut startup);
        let n = records.len();

        let (topics, topic_choices) = topic_bits(records, setup.topic_file.as_ref());
        lap("topics", &mut startup);
        // Industry membership and split exactly as T3 and P classify, once for all applications.
        let all: Vec<usize> = (0..n).collect();
        let facts = industries::facts_of_all(&corpus, &setup.taxonomy);
        let (industries, industry_choices) = industry_bits(&setup.taxonomy, &facts);

        lap("industries", &mut startup);
        let mut countries = BTreeMap::new();
        let mut offices = BTreeMap::new();
        let mut companies = BTreeMap::new();
        let mut years: Option<(i32, i32)> = None;
        for (a, r) in corpus.info.iter().zip(records) {
            *countries.entry(a.country_label().to_string()).or_insert(0) += 1;
            *offices.entry(r.app.office.to_string()).or_insert(0) += 1;
            if let Some(g) = &a.group {
                *companies.entry(g.to_string()).or_insert(0) += 1;
            }
            if let Some(y) = a.year {
                years = Some(years.map_or((y, y), |(lo, hi)| (lo.min(y), hi.max(y))));
            }
        }
        let known = Known {
            countries: countries.keys().cloned().collect(),
            offices: offices.keys().cloned().collect(),
            companies: companies.keys().cloned().collect(),
            topics: topics.keys().cloned().collect(),
            industries: industries.keys().cloned().collect(),
        };
        let companies_total = companies.len();
        let mut company_choices = ranked(companies);
        company_choices.truncate(COMPANY_CHOICES);

        let quality = match &setup.rank {
            None => Quality::Off,
            Some(cfg) => match patq_rank::rank(&corpus, &all, cfg, &setup.taxonomy) {
                Ok(r) => Quality::Ranked(patq_report::assemble::quality_index(&r)),
                Err(e) => Quality::Failed(format!("not available: {e}")),
            },
        };
        lap("quality index", &mut startup);
        let field_coverage = Coverage::of(records);
        let coverage = CoverageView::of(&field_coverage);
        lap("field coverage", &mut startup);
        let title = setup.title.clone().unwrap_or_else(|| {
            if setup.synthetic {
                "Patent landscape dashboard (synthetic demonstration data)".into()
            } else {
                "Patent landscape dashboard".into()
            }
        });
        let meta = Meta {
            title,
            synthetic: setup.synthetic,
            dataset: setup.dataset.clone(),
            applications: n,
            citation_method: corpus.citation_method.as_str(),
            family_method: corpus.families.method.as_str(),
            years,
            countries: ranked(countries),
            offices: ranked(offices),
            companies: company_choices,
            companies_total,
            topics: topic_choices,
            industries: industry_choices,
            quality_index: String::new(),
            taxonomy: setup.taxonomy_why.clone(),
            generator: format!("patq {}", env!("CARGO_PKG_VERSION")),
        };
        let mut d = Dashboard {
            corpus,
            taxonomy: setup.taxonomy,
            known,
            meta,
            topics,
            industries,
            facts,
            quality,
            field_coverage,
            coverage,
            tables: BTreeSet::new(),
            cache: Mutex::new(VecDeque::new()),
            startup,
        };
        d.meta.quality_index = d.quality_note();
        // The unfiltered figures: warms the cache for the first page load and names every
        // table, with every table of the suite (F7 exists whenever the dataset has an office
        // at all).
        let first = d.compute(&Selection::default());
        d.tables = first.outputs.iter().map(|o| o.file.clone()).collect();
        d.tables
            .extend(registry::tables_of(registry::Source::Suite).map(|t| t.file.to_string()));
        d.startup.push(("unfiltered figures", first.elapsed));
        d
    }

    /// What the page says about T2/F11. The index is ranked once, on every application: its
    /// bootstrap rank intervals take far longer than a filter change may, and a company's
    /// quality is a property of its whole portfolio rather than of a filtered slice.
    pub fn quality_note(&self) -> String {
        match &self.quality {
            Quality::Off => "not computed".into(),
            Quality::Ranked(_) => "T2 and F11 are ranked once on all applications of the \
dataset; the filters do not apply to them."
                .into(),
            Quality::Failed(e) => e.clone(),
        }
    }

    /// Sets the applications with a citation list, for records loaded without their lists
    /// ([`Dashboard::with_citations`]): counted from the dataset's citations table by the
    /// caller, as the report counts them.
    pub fn set_citation_lists(&mut self, applications: u64) {
        self.field_coverage.set_citation_lists(applications);
        self.coverage = CoverageView::of(&self.field_coverage);
    }

    /// Whether figure `file` ignores the filters (computed once on all applications).
    pub fn ignores_filters(&self, file: &str) -> bool {
        matches!(&self.quality, Quality::Ranked(o) if o.iter().any(|x| x.file == file))
    }

    /// The applications `s` selects, ascending: the corpus's own year/country/office bounds
    /// (the same as `patq indicators`), then topic, industry and company.
    pub fn select(&self, s: &Selection) -> Vec<usize> {
        let mut sel = self.corpus.select(&s.filters());
        if let Some(bits) = s.topic.as_ref().and_then(|t| self.topics.get(t)) {
            sel.retain(|&i| bits.get(i));
        }
        if let Some(bits) = s.industry.as_ref().and_then(|x| self.industries.get(x)) {
            sel.retain(|&i| bits.get(i));
        }
        if let Some(g) = &s.company {
            sel.retain(|&i| self.corpus.info[i].group.as_deref() == Some(g.as_str()));
        }
        sel
    }

    /// The figures for `s`, from the cache when the same selection was asked recently.
    pub fn compute(&self, s: &Selection) -> Arc<Computed> {
        if let Some(c) = self.cached(s) {
            return c;
        }
        let t0 = Instant::now();
        let sel = self.select(s);
        let options = suite::Options::default();
        let m = industries::Matches::over(&self.taxonomy, &sel, &self.facts);
        let mut outputs = suite::compute_matched(&self.corpus, &sel, &m, &options);
        if let Quality::Ranked(q) = &self.quality {
            outputs.extend(q.iter().cloned());
        }
        let (focus_country, f7_office) = suite::resolve(&self.corpus, &sel, &options);
        let c = Arc::new(Computed {
            selection: s.clone(),
            sel,
            outputs,
            f7_office,
            focus_country,
            elapsed: t0.elapsed(),
            figures_json: OnceLock::new(),
        });
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        if !cache.iter().any(|x| x.selection == *s) {
            if cache.len() == CACHE {
                cache.pop_back();
            }
            cache.push_front(Arc::clone(&c));
        }
        c
    }

    fn cached(&self, s: &Selection) -> Option<Arc<Computed>> {
        let cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        cache.iter().find(|c| c.selection == *s).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_match_the_predicate_across_word_and_chunk_edges() {
        for n in [0, 1, 63, 64, 65, 1000] {
            let b = Bits::from_fn(n, |i| i % 3 == 0);
            for i in 0..n + 2 {
                assert_eq!(b.get(i), i < n && i % 3 == 0, "n={n} i={i}");
            }
            // Multiples of 3 below n: ceil(n / 3).
            assert_eq!(b.count(), n.div_ceil(3) as u64);
        }
    }

    #[test]
    fn choices_rank_by_applications_then_value() {
        let m: BTreeMap<String, u64> = [("US", 2), ("CN", 5), ("AU", 2)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        let v: Vec<String> = ranked(m).into_iter().map(|c| c.value).collect();
        assert_eq!(v, ["CN", "AU", "US"]);
    }
}
