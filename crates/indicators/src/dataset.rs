//! Opening a dataset written by `patq ingest` for the figures: its records without their
//! citation lists and the [`Corpus`] over them, the citation graph streamed from the
//! citations table; or, for the lean path of `patq indicators`, compact cores read in chunks.
//!
//! ```
//! use patq_ingest::Sink as _;
//! use patq_model::{PatentRecord, app_key};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // A dataset as `patq ingest` writes it: three US applications of one company, 2019-2021.
//! let dir = std::env::temp_dir().join(format!("patq-dataset-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir)?;
//! let src = dir.join("export.csv");
//! std::fs::write(&src, "Lens ID\n")?;
//! let mut builder = patq_store::DatasetBuilder::new();
//! builder.add_source(&src, "export.csv", "lens-csv", "UTF-8", false)?;
//! for n in 1..=3 {
//!     let mut r = PatentRecord::default();
//!     r.app.office = "US".into();
//!     r.app.number = format!("1610000{n}").into();
//!     r.app.key = app_key("US", &r.app.number);
//!     r.app.filing_year = Some(2018 + n);
//!     patq_testkit::add_applicant(&mut r, "SYNTHETIC CORP", "US");
//!     builder.record(r)?;
//! }
//! builder.write(&dir.join("ds"))?;
//!
//! // What `patq indicators ds` does: open, build the corpus, select, run the suite.
//! let ds = patq_indicators::Dataset::open(&dir.join("ds"))?;
//! let corpus = ds.corpus()?;
//! let sel = corpus.select(&patq_indicators::Filters::default());
//! let outputs = patq_indicators::suite::compute(
//!     &corpus,
//!     &sel,
//!     &patq_enrich::Taxonomy::named("wipo")?,
//!     &Default::default(),
//! );
//! let f6 = outputs.iter().find(|o| o.id == "F6").expect("F6 is always computed");
//! assert!(f6.csv.contains("2019,1"), "{}", f6.csv);
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok(())
//! # }
//! ```

use std::path::{Path, PathBuf};

use patq_enrich::{
    CitationGraph, CitationGraphBuilder, CitedDoc, Harmonizer, PubDoc, Publications,
    RecordPublications,
};
use patq_ingest::timing::Phases;
use patq_model::{AppCore, AppFields, PatentRecord};
use patq_store::{Manifest, StoreError};

use crate::coverage::Coverage;
use crate::{Corpus, RecordFacts};

/// A dataset's records, loaded without their citation lists: those are about nine owned
/// citations per application, and the corpus needs only their graph, which
/// [`Dataset::corpus`] and [`Dataset::citation_graph`] stream from the citations table.
pub struct Dataset {
    dir: PathBuf,
    /// The dataset's `manifest.json`: sources, rows per table, ingest totals.
    pub manifest: Manifest,
    /// One record per application, in stored order, with their citation lists left empty.
    pub records: Vec<PatentRecord>,
}

impl Dataset {
    /// Reads the manifest and every record of `dir` except its citation lists.
    pub fn open(dir: &Path) -> Result<Dataset, StoreError> {
        let (manifest, records) = patq_store::read::load_records_except(dir, &["citations"])?;
        Ok(Dataset {
            dir: dir.to_path_buf(),
            manifest,
            records,
        })
    }

    /// The directory the dataset was read from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The corpus of the records with the shipped aliases, its citation graph streamed.
    pub fn corpus(&self) -> Result<Corpus<'_>, StoreError> {
        Corpus::build_streaming(&self.records, &Harmonizer::default(), || {
            self.citation_graph()
        })
    }

    /// The citation graph: what [`Corpus::build`] computes from complete records, resolved
    /// while streaming the citations table (None when it has no rows).
    pub fn citation_graph(&self) -> Result<Option<CitationGraph>, StoreError> {
        let pubs = RecordPublications(&self.records);
        graph_with(&self.dir, &self.records, pubs, |never| match never {})
    }

    /// The field coverage of every application; the records were read without their
    /// citation lists, so those are counted from the citations table.
    pub fn field_coverage(&self) -> Result<Coverage, StoreError> {
        let mut cov = Coverage::of(&self.records);
        cov.set_citation_lists(self.applications_citing()?);
        Ok(cov)
    }

    /// Applications with at least one row in the citations table (a citation list).
    pub fn applications_citing(&self) -> Result<u64, StoreError> {
        let mut citing = vec![false; self.records.len()];
        patq_store::read::for_each_citation(&self.dir, &self.records, |i, _| citing[i] = true)?;
        Ok(citing.iter().filter(|&&c| c).count() as u64)
    }
}

/// The compact cores of a dataset and the per-record facts taken from its records, read in
/// chunks so the complete records are never all held (see [`read_cores`]).
pub struct Cores<'h> {
    /// The dataset's `manifest.json`: sources, rows per table, ingest totals.
    pub manifest: Manifest,
    /// The compact core of each application, in stored order (the corpus indices).
    pub cores: Vec<AppCore>,
    /// The per-record facts (company, country, grant evidence, F18 status, cohort) of the same
    /// applications, in the same order.
    pub facts: RecordFacts<'h>,
}

/// Applications read at a time by [`read_cores`]: large enough that per-chunk work (the
/// taxonomy facts run in parallel over a chunk) amortises, small enough that a chunk of
/// complete records is a few tens of MB next to the compact cores kept.
const CHUNK: usize = 1 << 16;

/// Reads `dir` in chunks, handing each chunk of complete records (without citation lists) to
/// `each` for what else the caller needs of them (taxonomy facts, a topic), and keeps only
/// their cores and per-record facts. Build the corpus with [`Corpus::from_facts`] and
/// [`stored_citation_graph`].
pub fn read_cores<'h, E: From<StoreError>>(
    dir: &Path,
    harmonizer: &'h Harmonizer,
    mut each: impl FnMut(&[PatentRecord]) -> Result<(), E>,
) -> Result<Cores<'h>, E> {
    let manifest = Manifest::load(dir)?;
    // The applications' count sizes every per-application list up front.
    let n = manifest
        .tables
        .get("applications")
        .map_or(0, |&n| usize::try_from(n).unwrap_or(0));
    let mut facts = RecordFacts::new(harmonizer);
    facts.reserve(n);
    let mut cores: Vec<AppCore> = Vec::with_capacity(n);
    patq_store::read::for_each_chunk(dir, &["citations"], CHUNK, |chunk: Vec<PatentRecord>| {
        facts.add(&chunk);
        each(&chunk)?;
        cores.extend(chunk.into_iter().map(AppCore::from));
        Ok::<(), E>(())
    })?;
    Ok(Cores {
        manifest,
        cores,
        facts,
    })
}

/// The citation graph of records that hold neither their citation lists nor their
/// publications (the cores of [`read_cores`]): both are streamed from the dataset's tables.
pub fn stored_citation_graph<R: AppFields>(
    dir: &Path,
    records: &[R],
) -> Result<Option<CitationGraph>, StoreError> {
    graph_with(dir, records, StoredPublications { dir, records }, |e| e)
}

/// The publications table of a dataset, read whenever the citation index needs it.
struct StoredPublications<'a, R> {
    dir: &'a Path,
    records: &'a [R],
}

impl<R: AppFields> Publications for StoredPublications<'_, R> {
    type Error = StoreError;

    fn source_ids(&self, f: &mut dyn FnMut(usize, &str)) -> Result<(), Self::Error> {
        patq_store::read::for_each_publication_id(self.dir, self.records, |i, _, id| {
            if let Some(id) = id {
                f(i, id);
            }
        })
        .map(|_| ())
    }

    fn numbers(&self, f: &mut dyn FnMut(usize, PubDoc<'_>)) -> Result<(), Self::Error> {
        patq_store::read::for_each_publication(self.dir, self.records, |i, p| {
            let doc = PubDoc {
                office: p.office,
                number: p.number,
                kind: p.kind,
            };
            f(i, doc);
        })
        .map(|_| ())
    }
}

/// The citation graph of `records` with their publications from `pubs` (whose errors `lift`
/// turns into the store's), the citations streamed from the dataset's table.
fn graph_with<P: Publications, R: AppFields>(
    dir: &Path,
    records: &[R],
    pubs: P,
    lift: fn(P::Error) -> StoreError,
) -> Result<Option<CitationGraph>, StoreError> {
    let mut t = Phases::start();
    let mut b = CitationGraphBuilder::with_publications(records, pubs).map_err(lift)?;
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
    if b.seen() == 0 {
        return Ok(None);
    }
    Ok(Some(b.try_finish().map_err(lift)?))
}
