//! Deterministic, seeded generator of a SYNTHETIC blockchain-like patent corpus, calibrated to
//! the published figures of the 2021 blockchain patent quality report (see `calib`), written
//! as a Lens CSV export, Lens JSON, PatentsView tables or PATSTAT tables. It is patq's built-in
//! demo dataset and its benchmark input; nothing in it is real data, and every output says so
//! (a `SYNTHETIC` marker file, `SYNTH` company names, a note in every abstract).
//!
//! Families are generated one at a time and streamed to disk, so memory stays flat up to
//! millions of applications (the PatentsView citation table keeps one small entry per US
//! grant, the PATSTAT citation pass 8 bytes per application; only the Lens JSON writer holds
//! its edges, to write each citing document's list). The same configuration always gives
//! byte-identical files.
//!
//! ```
//! use patq_synth::{SynthConfig, generate_lens_json};
//!
//! let dir = tempfile::tempdir()?;
//! let cfg = SynthConfig { applications: 200, seed: 7 };
//! let summary = generate_lens_json(&cfg, dir.path(), &mut |_| {})?;
//! assert_eq!(summary.applications, 200);
//! assert!(dir.path().join(patq_synth::MARKER).exists());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod calib;
mod citations;
mod generate;
mod lens;
mod lens_json;
mod patentsview;
mod patstat;
mod text;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

pub use generate::{App, Family, Generator, Pub};

/// What to generate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SynthConfig {
    /// Number of applications (the counting unit; publications are more).
    pub applications: u64,
    /// Seed of the ChaCha stream; the same seed gives the same corpus.
    pub seed: u64,
}

impl Default for SynthConfig {
    fn default() -> SynthConfig {
        SynthConfig {
            applications: calib::DEFAULT_APPLICATIONS,
            seed: 42,
        }
    }
}

/// What was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SynthSummary {
    /// Applications in the files (for PatentsView: the granted US applications written).
    pub applications: u64,
    /// Publication rows (Lens) or `g_patent` rows (PatentsView).
    pub publications: u64,
    /// Forward citations: the sum of `Cited by Patent Count` over applications (Lens CSV), the
    /// citations between the corpus's applications in the lists (Lens JSON), the
    /// rows of `g_us_patent_citation` (PatentsView), or the `tls212` rows linking two
    /// applications of the corpus (PATSTAT).
    pub citations: u64,
    /// Every file written, the marker included.
    pub files: Vec<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Csv {
        path: PathBuf,
        #[source]
        source: csv::Error,
    },
}

/// Applications between two progress callbacks.
const PROGRESS_EVERY: u64 = 2_000;

/// Writes `out_dir/synthetic-lens.csv` (current Lens export schema, one row per publication)
/// and the marker file `out_dir/SYNTHETIC`.
pub fn generate_lens_csv(
    cfg: &SynthConfig,
    out_dir: &Path,
    progress: &mut dyn FnMut(u64),
) -> Result<SynthSummary, SynthError> {
    lens::write(cfg, out_dir, progress)
}

/// Writes `out_dir/synthetic-lens.jsonl` (Lens API JSON, one document per publication per
/// line, with backward citation lists between the corpus's applications) and the marker file.
/// `citations` in the summary counts the edges written.
pub fn generate_lens_json(
    cfg: &SynthConfig,
    out_dir: &Path,
    progress: &mut dyn FnMut(u64),
) -> Result<SynthSummary, SynthError> {
    lens_json::write(cfg, out_dir, progress)
}

/// Writes PatentsView-layout TSV tables (`g_patent`, `g_application`,
/// `g_assignee_disambiguated`, `g_location_disambiguated`, `g_cpc_current`,
/// `g_us_patent_citation`, `g_foreign_priority`) for the US grants of the same corpus, and the
/// `SYNTHETIC` marker.
pub fn generate_patentsview(
    cfg: &SynthConfig,
    out_dir: &Path,
    progress: &mut dyn FnMut(u64),
) -> Result<SynthSummary, SynthError> {
    patentsview::write(cfg, out_dir, progress)
}

/// Writes the whole corpus as PATSTAT-shaped CSV tables (`tls201_appln`, `tls204_appln_prior`,
/// `tls206_person`, `tls207_pers_appln`, `tls211_pat_publn`, `tls212_citation`,
/// `tls224_appln_cpc`) with citation edges between its applications, and the `SYNTHETIC`
/// marker. `citations` in the summary counts the in-corpus edges; every application also
/// cites on average [`EXTERNAL_CITATIONS_MEAN`] documents outside the corpus.
pub fn generate_patstat(
    cfg: &SynthConfig,
    out_dir: &Path,
    progress: &mut dyn FnMut(u64),
) -> Result<SynthSummary, SynthError> {
    patstat::write(cfg, out_dir, progress)
}

pub use patstat::EXTERNAL_CITATIONS_MEAN;

/// The file [`generate_lens_csv`] writes.
pub const LENS_CSV_FILE: &str = lens::FILE;
/// The file [`generate_lens_json`] writes.
pub const LENS_JSON_FILE: &str = lens_json::FILE;

/// The name of the marker file written next to every synthetic corpus.
pub const MARKER: &str = "SYNTHETIC";

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> SynthError + '_ {
    move |source| SynthError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A file written under a temporary name and renamed into place only when complete, so a
/// reader never sees half a corpus. Dropped without `commit`, it removes the temporary file.
pub(crate) struct AtomicFile {
    tmp: PathBuf,
    dest: PathBuf,
    committed: bool,
}

impl AtomicFile {
    pub(crate) fn create(dest: PathBuf) -> Result<(AtomicFile, BufWriter<File>), SynthError> {
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = dest.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
        let file = File::create(&tmp).map_err(io_err(&tmp))?;
        Ok((
            AtomicFile {
                tmp,
                dest,
                committed: false,
            },
            BufWriter::with_capacity(1 << 20, file),
        ))
    }

    /// Flushes the writer and renames the file into place.
    pub(crate) fn commit(mut self, w: BufWriter<File>) -> Result<PathBuf, SynthError> {
        let file = w.into_inner().map_err(|e| SynthError::Io {
            path: self.tmp.clone(),
            source: e.into_error(),
        })?;
        file.sync_all().map_err(io_err(&self.tmp))?;
        drop(file);
        std::fs::rename(&self.tmp, &self.dest).map_err(io_err(&self.dest))?;
        self.committed = true;
        Ok(self.dest.clone())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// One delimited output table of a multi-table layout (PatentsView, PATSTAT), written
/// atomically.
pub(crate) struct Table {
    path: PathBuf,
    file: AtomicFile,
    w: csv::Writer<BufWriter<File>>,
}

impl Table {
    /// Creates the table and writes its header.
    pub(crate) fn create(path: PathBuf, delim: u8, header: &[&str]) -> Result<Table, SynthError> {
        let (file, buf) = AtomicFile::create(path.clone())?;
        let w = csv::WriterBuilder::new().delimiter(delim).from_writer(buf);
        let mut t = Table { path, file, w };
        t.row(header.iter().copied())?;
        Ok(t)
    }

    pub(crate) fn row<'a>(
        &mut self,
        fields: impl IntoIterator<Item = &'a str>,
    ) -> Result<(), SynthError> {
        self.w
            .write_record(fields)
            .map_err(|source| SynthError::Csv {
                path: self.path.clone(),
                source,
            })
    }

    pub(crate) fn commit(self) -> Result<PathBuf, SynthError> {
        let buf = self.w.into_inner().map_err(|e| SynthError::Io {
            path: self.path.clone(),
            source: e.into_error(),
        })?;
        self.file.commit(buf)
    }
}

/// Writes the `SYNTHETIC` marker describing the corpus.
pub(crate) fn write_marker(
    cfg: &SynthConfig,
    out_dir: &Path,
    what: &str,
) -> Result<PathBuf, SynthError> {
    let (f, mut w) = AtomicFile::create(out_dir.join(MARKER))?;
    let path = out_dir.join(MARKER);
    write!(
        w,
        "SYNTHETIC DATA - NOT REAL PATENTS\n\
         Generated by patq-synth {} ({what}).\n\
         seed: {}\napplications: {}\n\
         Every application, number, company, inventor, title and citation in this directory is \
         invented by a seeded random generator calibrated to published aggregate figures of the \
         2021 blockchain patent quality report. Company names start with SYNTH. Do not cite or \
         use as real patent data.\n",
        env!("CARGO_PKG_VERSION"),
        cfg.seed,
        cfg.applications
    )
    .map_err(io_err(&path))?;
    f.commit(w)
}

pub(crate) fn ensure_dir(out_dir: &Path) -> Result<(), SynthError> {
    std::fs::create_dir_all(out_dir).map_err(io_err(out_dir))
}
