//! `patq indicators`: compute every figure and table of the report on a dataset and write each
//! as CSV and JSON (with its definition, and "not available: needs X" where the data lacks a
//! field).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use patq_enrich::Facts;
use patq_enrich::{
    CitationGraph, CitationGraphBuilder, CitedDoc, Harmonizer, PubDoc, Publications,
    RecordPublications,
};
use patq_indicators::{Corpus, RecordFacts, industries, suite};
use patq_model::{AppCore, AppFields, PatentRecord};
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

/// Applications read at a time: large enough that per-chunk work (the taxonomy facts run in
/// parallel over a chunk) amortises, small enough that a chunk of complete records is a few
/// tens of MB next to the compact cores kept.
const CHUNK: usize = 1 << 16;

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
    // records (~640 bytes per application at 10M) are never all held. The applications'
    // count sizes every per-application list up front.
    let n = manifest
        .tables
        .get("applications")
        .map_or(0, |&n| usize::try_from(n).unwrap_or(0));
    let mut facts = RecordFacts::new(&harmonizer);
    facts.reserve(n);
    let mut cores: Vec<AppCore> = Vec::with_capacity(n);
    let mut tax_facts: Vec<Facts> = Vec::with_capacity(n);
    let mut on_topic: Vec<bool> = Vec::with_capacity(if topic.is_some() { n } else { 0 });
    let mut searchable = false;
    patq_store::read::for_each_chunk(
        &args.dataset,
        &["citations"],
        CHUNK,
        |chunk: Vec<PatentRecord>| -> Result<()> {
            facts.add(&chunk);
            // Only for applications the selection may keep (the country bound needs the
            // corpus, so this is a superset).
            tax_facts.extend(industries::facts_where(&chunk, &taxonomy, |r| {
                filters.may_admit(r)
            }));
            if let Some(q) = &topic {
                on_topic.extend(chunk.iter().map(|r| q.matches(r)));
                searchable |= chunk.iter().any(super::searchable);
            }
            cores.extend(chunk.into_iter().map(AppCore::from));
            Ok(())
        },
    )?;
    t.done("load records, per-record facts");
    crate::collect_freed();
    t.done("freed memory collected");
    let corpus = Corpus::from_facts(&cores, facts, || {
        let mut t = super::Phases::start();
        let pubs = StoredPublications {
            dir: &args.dataset,
            records: &cores,
        };
        let graph = citation_graph_with(&args.dataset, &cores, pubs);
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

/// The records of a dataset without their citation lists, as every command that builds a
/// corpus loads them: the lists are about nine owned citations per application, and the
/// corpus needs only their graph, which [`corpus`] and [`citation_graph`] stream.
pub fn records_without_citations(
    dir: &Path,
) -> Result<(patq_store::Manifest, Vec<patq_model::PatentRecord>)> {
    Ok(patq_store::read::load_records_except(dir, &["citations"])?)
}

/// The publications table of a dataset, read whenever the citation index needs it, for
/// records that do not hold their lists (the cores `patq indicators` keeps).
struct StoredPublications<'a, R> {
    dir: &'a Path,
    records: &'a [R],
}

impl<R: AppFields> Publications for StoredPublications<'_, R> {
    type Error = patq_store::StoreError;

    fn source_ids(&self, f: &mut dyn FnMut(usize, &str)) -> Result<(), Self::Error> {
        patq_store::read::for_each_publication_id(self.dir, self.records, |i, _, id| {
            if let Some(id) = id {
                f(i, id);
            }
        })?;
        Ok(())
    }

    fn numbers(&self, f: &mut dyn FnMut(usize, PubDoc<'_>)) -> Result<(), Self::Error> {
        patq_store::read::for_each_publication(self.dir, self.records, |i, p| {
            let doc = PubDoc {
                office: p.office,
                number: p.number,
                kind: p.kind,
            };
            f(i, doc);
        })?;
        Ok(())
    }
}

/// The corpus of records loaded by [`records_without_citations`], with their citation graph
/// streamed.
pub fn corpus<'a>(dir: &Path, records: &'a [patq_model::PatentRecord]) -> Result<Corpus<'a>> {
    Corpus::build_streaming(records, &Harmonizer::default(), || {
        citation_graph(dir, records)
    })
}

/// The citation graph of a dataset whose records were loaded without their citation lists:
/// resolved while streaming the citations table (None when it has no rows), which is what
/// [`Corpus::build`] computes from full records, without holding about nine owned citations
/// per application.
pub fn citation_graph(
    dir: &Path,
    records: &[patq_model::PatentRecord],
) -> Result<Option<CitationGraph>> {
    citation_graph_with(dir, records, RecordPublications(records))
}

/// [`citation_graph`] with the publications read from `pubs`.
fn citation_graph_with<P: Publications, R: AppFields>(
    dir: &Path,
    records: &[R],
    pubs: P,
) -> Result<Option<CitationGraph>>
where
    P::Error: std::error::Error + Sync + 'static,
{
    let mut t = super::Phases::start();
    let mut b = CitationGraphBuilder::with_publications(records, pubs)?;
    t.done("(concurrent) citation index");
    patq_store::read::for_each_citation(dir, records, |i, c| {
        b.add(
            i,
            &CitedDoc {
                office: c.office,
                number: c.number,
                kind: c.kind,
                source_id: c.source_id,
            },
        );
    })?;
    t.done("(concurrent) citations read and resolved");
    Ok((b.seen() > 0).then(|| b.try_finish()).transpose()?)
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
