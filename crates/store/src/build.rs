//! [`DatasetBuilder`]: receives reader output as an ingest sink, merges the records of one
//! application, keeps the quarantine, and writes the dataset directory atomically.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use arrow::record_batch::RecordBatch;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use patq_ingest::{ColumnUse, FieldAction, FieldNote, Location, Rejection, Sink, SinkError, Skip};
use patq_model::PatentRecord;
use patq_model::Text;
use patq_model::{pack, unpack};
use sha2::{Digest, Sha256};

use crate::atomic::{recover_dir, replace_dir, tmp_sibling};
use crate::manifest::{IGNORED, Manifest, SCHEMA_VERSION, SourceColumn, SourceEntry, Totals};
use crate::tables::*;
use crate::{StoreError, io_err};

/// Rows per Parquet row group (and per Arrow batch while writing).
pub(crate) const BATCH_ROWS: usize = 64 * 1024;

/// Snappy, row groups of 64 Ki rows (`BATCH_ROWS`), documented in SCHEMA.md; identifier
/// columns of `def` are written without a dictionary.
pub fn writer_props(def: &TableDef) -> WriterProperties {
    let mut b = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(BATCH_ROWS));
    // Nearly every value of these columns differs within a row group, so a dictionary never
    // pays: the writer would intern each value until the dictionary page overflows and then
    // write plain values anyway (interning was ~8% of a 1M-application ingest).
    for &(table, column) in PLAIN_COLUMNS {
        if table == def.name {
            b = b.set_column_dictionary_enabled(column.into(), false);
        }
    }
    b.build()
}

/// Identifier columns whose values rarely repeat within a row group, written without a
/// dictionary (docs/SCHEMA.md lists them).
pub const PLAIN_COLUMNS: &[(&str, &str)] = &[
    ("applications", "key"),
    ("applications", "number"),
    ("applications", "source_id"),
    ("publications", "number"),
    ("publications", "source_id"),
    ("priorities", "number"),
    ("priorities", "priority_key"),
    ("citations", "number"),
    ("citations", "source_id"),
];

/// Conflicts kept with their locations; enough to find a pattern, bounded for huge inputs.
const CONFLICT_NOTES: usize = 100;

/// Collects records and rejections during ingest, then writes the dataset.
///
/// By default every record is held (packed) until [`DatasetBuilder::write`], because records of
/// one application may come from several inputs in any order. When the caller knows records
/// arrive in key order, [`DatasetBuilder::stream_to`] writes them as they come instead.
#[derive(Default)]
pub struct DatasetBuilder {
    /// Records by key, packed (see [`patq_model::pack`]): at scale they are most of the memory.
    records: BTreeMap<Text, Box<[u8]>>,
    /// Set by [`DatasetBuilder::stream_to`]: the dataset being written as records arrive.
    stream: Option<Stream>,
    rejections: Vec<Rejection>,
    /// Values of kept records not stored as read; written to quarantine.jsonl after the
    /// rejected records.
    field_notes: Vec<FieldNote>,
    sources: Vec<SourceEntry>,
    by_name: HashMap<String, usize>,
    totals: Totals,
    decoding_notes: Vec<String>,
    /// Source of the previous skip (see `skip_at`).
    last_source: Option<usize>,
    /// Size and SHA-256 of each source, computed in the background.
    checksums: Vec<std::thread::JoinHandle<Result<(u64, String), StoreError>>>,
    /// The first [`CONFLICT_NOTES`] conflicts, located, for the ingest log.
    conflict_notes: Vec<String>,
    /// Called with the bytes done in the current file, for progress bars.
    on_progress: Option<Box<dyn FnMut(u64)>>,
    /// Why a record was refused (the streamed dataset could not be written): the read
    /// stopped there, so the dataset would lack records and [`DatasetBuilder::write`] refuses
    /// to finish it.
    abandoned: Option<String>,
}

/// A dataset written while it is read: only the last record is held, so a record of the same
/// key that follows it can still be merged into it.
struct Stream {
    out: PathBuf,
    staged: PathBuf,
    writers: TableWriters,
    pending: Option<PatentRecord>,
    written: u64,
}

impl Stream {
    /// Writes the held record, if any; false once writing has failed (see
    /// [`TableWriters::push`]).
    fn flush(&mut self) -> bool {
        match self.pending.take() {
            Some(r) => {
                self.written += 1;
                self.writers.push(&r)
            }
            None => true,
        }
    }

    /// The error that stopped the writing, once [`Stream::flush`] said it stopped.
    fn failure(&mut self) -> StoreError {
        match self.writers.finish() {
            Err(e) => e,
            // `push` stops only on an error that `finish` returns; this is never reached.
            Ok(_) => StoreError::Abandoned {
                path: self.out.display().to_string(),
                reason: "the table writers stopped without an error".into(),
            },
        }
    }
}

impl Drop for Stream {
    /// An abandoned dataset (never written, or failed) leaves no staging directory behind.
    fn drop(&mut self) {
        self.writers.close();
        if self.staged.exists() {
            let _ = fs::remove_dir_all(&self.staged);
        }
    }
}

impl DatasetBuilder {
    /// An empty builder that holds records until [`DatasetBuilder::write`].
    pub fn new() -> DatasetBuilder {
        DatasetBuilder::default()
    }

    /// Writes records into the dataset at `out` as they arrive instead of holding them until
    /// [`DatasetBuilder::write`] (which must then be given the same `out`). The caller promises
    /// that records arrive in key order, those of one key one after another (they are merged as
    /// usual); a record out of order is refused, which stops the read, and the dataset is then
    /// not written. Memory then stays that of one record, and the files are the same byte for
    /// byte as those written from held records.
    pub fn stream_to(&mut self, out: &Path) -> Result<(), StoreError> {
        assert!(
            self.records.is_empty() && self.stream.is_none(),
            "stream_to before any record"
        );
        let staged = stage(out)?;
        // The stream owns the staging directory from here on (its drop removes it).
        let stream = Stream {
            out: out.to_path_buf(),
            writers: TableWriters::new(&staged)?,
            staged,
            pending: None,
            written: 0,
        };
        self.stream = Some(stream);
        Ok(())
    }

    /// Registers an input file; returns its index, which readers put in record provenance.
    pub fn add_source(
        &mut self,
        path: &Path,
        name: &str,
        format: &str,
        encoding: &str,
        synthetic: bool,
    ) -> Result<u32, StoreError> {
        // Size now (so an unreadable file fails here); the checksum on another thread while
        // the readers parse, collected by `write`.
        let bytes = fs::metadata(path).map_err(io_err(path))?.len();
        let owned = path.to_path_buf();
        self.checksums
            .push(std::thread::spawn(move || sha256_file(&owned)));
        let idx = self.sources.len();
        self.sources.push(SourceEntry {
            path: name.to_string(),
            format: format.to_string(),
            bytes,
            sha256: String::new(),
            encoding: encoding.to_string(),
            synthetic,
            ..SourceEntry::default()
        });
        self.by_name.insert(name.to_string(), idx);
        Ok(idx as u32)
    }

    /// Sets the progress callback.
    pub fn on_progress(&mut self, f: impl FnMut(u64) + 'static) {
        self.on_progress = Some(Box::new(f));
    }

    /// Records rejected whole so far, in the order reported (the quarantine).
    pub fn rejections(&self) -> &[Rejection] {
        &self.rejections
    }

    /// Values of kept records that were rejected, repaired or flagged, in the order reported.
    pub fn field_notes(&self) -> &[FieldNote] {
        &self.field_notes
    }

    /// The manifest's totals as counted so far.
    pub fn totals(&self) -> &Totals {
        &self.totals
    }

    /// The input files registered so far ([`DatasetBuilder::add_source`]).
    pub fn sources(&self) -> &[SourceEntry] {
        &self.sources
    }

    /// Files a reader loaded itself (`Sink::decoded`) that were not clean UTF-8, each as a
    /// message for the user.
    pub fn decoding_notes(&self) -> &[String] {
        &self.decoding_notes
    }

    /// The first conflicts between records of one application, each naming the key, the
    /// field and both records' file and location (the totals count them all).
    pub fn conflict_notes(&self) -> &[String] {
        &self.conflict_notes
    }

    fn provenance_text(&self, p: &patq_model::Provenance) -> String {
        let file = self
            .sources
            .get(p.source_file as usize)
            .map_or("?", |s| s.path.as_str());
        format!("{file} {}", p.location)
    }

    /// Writes the dataset to `out` (replacing an existing one only once the new one is
    /// complete) and returns its manifest.
    ///
    /// Refuses ([`StoreError::Abandoned`]) when a record was refused before: the read stopped
    /// there and the dataset would be incomplete.
    pub fn write(mut self, out: &Path) -> Result<Manifest, StoreError> {
        if let Some(reason) = self.abandoned.take() {
            return Err(StoreError::Abandoned {
                path: out.display().to_string(),
                reason,
            });
        }
        let (staged, tables, _stream) = match self.stream.take() {
            Some(mut stream) => {
                assert_eq!(stream.out, out, "write to the path given to stream_to");
                // A failed write of the last record is returned by `finish` below.
                stream.flush();
                self.totals.applications = stream.written;
                let tables = stream.writers.finish()?;
                // `_stream` keeps the staging directory until the rename below, and removes
                // it if anything before that fails.
                (stream.staged.clone(), tables, Some(stream))
            }
            None => {
                let staged = stage(out)?;
                self.totals.applications = self.records.len() as u64;
                let tables = write_tables(&self.records, &staged)?;
                (staged, tables, None)
            }
        };
        for (s, h) in self.sources.iter_mut().zip(self.checksums.drain(..)) {
            let (bytes, sha256) = h.join().expect("checksum thread panicked")?;
            s.bytes = bytes;
            s.sha256 = sha256;
        }
        for s in &mut self.sources {
            for c in s.fields.values_mut() {
                c.kept = c.read.saturating_sub(c.rejected);
            }
        }
        write_quarantine(&self.rejections, &self.field_notes, &staged)?;

        let manifest = Manifest {
            schema_version: SCHEMA_VERSION,
            generator: format!("patq {}", env!("CARGO_PKG_VERSION")),
            synthetic: self.sources.iter().any(|s| s.synthetic),
            sources: self.sources,
            tables,
            totals: self.totals,
        };
        let json = serde_json::to_vec_pretty(&manifest).expect("manifest serialises");
        let mpath = staged.join("manifest.json");
        fs::write(&mpath, json).map_err(io_err(&mpath))?;
        replace_dir(&staged, out)?;
        Ok(manifest)
    }

    /// Merges `record` into `existing`, a record of the same key, counting the merge and its
    /// conflicts.
    fn merge(&mut self, existing: &mut PatentRecord, record: PatentRecord) {
        self.totals.merged += 1;
        let kept = existing.app.provenance.clone();
        let other = record.app.provenance.clone();
        let key = record.app.key.clone();
        let fields = existing.merge(record);
        for field in fields {
            *self.totals.conflicts.entry(field.to_string()).or_default() += 1;
            if self.conflict_notes.len() < CONFLICT_NOTES {
                let note = format!(
                    "{key}: field {field}: {} kept, {} differs",
                    self.provenance_text(&kept),
                    self.provenance_text(&other)
                );
                self.conflict_notes.push(note);
            }
        }
    }

    /// Counts a record handed over, in and out (a merge is counted where it happens).
    fn count_record(&mut self, source_file: u32) {
        self.totals.records_in += 1;
        self.totals.records_out += 1;
        if let Some(s) = self.sources.get_mut(source_file as usize) {
            s.records += 1;
        }
    }

    fn source_index(&mut self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }

    /// Gives up the dataset after `err`: the staging directory of a streamed one is removed,
    /// [`DatasetBuilder::write`] will refuse, and the error is returned for the reader to stop.
    fn abandon(&mut self, err: StoreError) -> SinkError {
        self.abandoned = Some(err.to_string());
        // Dropping the stream closes its files and removes its staging directory.
        let out = self.stream.take().map(|s| s.out.clone());
        let what = match out {
            Some(out) => format!("dataset {} cannot be written", out.display()),
            None => "dataset cannot be written".to_string(),
        };
        SinkError::with_source(what, err)
    }
}

impl Sink for DatasetBuilder {
    /// Refuses the record when the streamed dataset cannot be written (a write error, or a
    /// record out of key order), so that the reader stops instead of reading on for nothing;
    /// every record after that is refused too.
    fn record(&mut self, record: PatentRecord) -> Result<(), SinkError> {
        if let Some(reason) = &self.abandoned {
            return Err(SinkError::new(format!(
                "dataset abandoned after an earlier error: {reason}"
            )));
        }
        self.count_record(record.app.provenance.source_file);
        if let Some(stream) = self.stream.as_mut() {
            match stream.pending.take() {
                Some(mut last) if last.app.key == record.app.key => {
                    self.merge(&mut last, record);
                    if let Some(stream) = self.stream.as_mut() {
                        stream.pending = Some(last);
                    }
                }
                Some(last) if last.app.key > record.app.key => {
                    let err = StoreError::Order {
                        path: stream.out.display().to_string(),
                        key: record.app.key.to_string(),
                        previous: last.app.key.to_string(),
                    };
                    return Err(self.abandon(err));
                }
                last => {
                    stream.pending = last;
                    if !stream.flush() {
                        let err = stream.failure();
                        return Err(self.abandon(err));
                    }
                    stream.pending = Some(record);
                }
            }
            return Ok(());
        }
        match self.records.get_mut(&record.app.key) {
            Some(packed) => {
                let mut existing = unpack(packed);
                self.merge(&mut existing, record);
                *self.records.get_mut(&existing.app.key).expect("held") = pack(&existing);
            }
            None => {
                let packed = pack(&record);
                self.records.insert(record.app.key, packed);
            }
        }
        Ok(())
    }

    fn decoded(&mut self, file: &str, encoding: &'static str, had_errors: bool) {
        if let Some(i) = self.source_index(file) {
            self.sources[i].encoding = encoding.to_string();
        }
        if had_errors {
            let note =
                format!("warning: {file}: bytes not valid in {encoding} were replaced by U+FFFD");
            self.decoding_notes.push(note);
        } else if encoding != "UTF-8" {
            self.decoding_notes
                .push(format!("note: {file}: decoded from {encoding}"));
        }
    }

    fn reject(&mut self, rejection: Rejection) {
        self.totals.records_in += 1;
        self.totals.rejected += 1;
        if let Some(i) = self.source_index(&rejection.file) {
            self.sources[i].rejected += 1;
        }
        self.rejections.push(rejection);
    }

    fn skip(&mut self, skip: Skip) {
        self.skip_at(&skip.file, skip.location, &skip.kind);
    }

    fn field_note(&mut self, note: FieldNote) {
        let action = note.action.as_str();
        *self
            .totals
            .field_notes
            .entry(action.to_string())
            .or_default() += 1;
        if let Some(i) = self.source_index(&note.file) {
            let c = self.sources[i]
                .fields
                .entry(note.field.clone())
                .or_default();
            match note.action {
                FieldAction::Rejected => c.rejected += 1,
                FieldAction::Repaired => c.repaired += 1,
                FieldAction::Flagged => c.flagged += 1,
            }
        }
        self.field_notes.push(note);
    }

    fn columns(&mut self, file: &str, columns: &[ColumnUse]) {
        if let Some(i) = self.source_index(file) {
            self.sources[i].columns = columns
                .iter()
                .map(|c| SourceColumn {
                    column: c.column.clone(),
                    field: c.field.clone().unwrap_or_else(|| IGNORED.to_string()),
                })
                .collect();
        }
    }

    fn values_read(&mut self, file: &str, column: &str, n: u64) {
        if let Some(i) = self.source_index(file) {
            let fields = &mut self.sources[i].fields;
            match fields.get_mut(column) {
                Some(c) => c.read += n,
                None => {
                    fields.entry(column.to_string()).or_default().read = n;
                }
            }
        }
    }

    fn skip_at(&mut self, file: &str, _location: Location, kind: &str) {
        self.totals.records_in += 1;
        self.totals.skipped += 1;
        // Skips come in long runs from one file: remember the last one looked up.
        let i = match self.last_source {
            Some(i) if self.sources[i].path == file => Some(i),
            _ => self.source_index(file),
        };
        self.last_source = i;
        if let Some(i) = i {
            let skipped = &mut self.sources[i].skipped;
            match skipped.get_mut(kind) {
                Some(n) => *n += 1,
                None => {
                    skipped.insert(kind.to_string(), 1);
                }
            }
        }
    }

    fn progress(&mut self, bytes_done: u64) {
        if let Some(f) = self.on_progress.as_mut() {
            f(bytes_done);
        }
    }
}

/// Prepares the empty staging directory beside `out` (recovering what an interrupted run left).
fn stage(out: &Path) -> Result<PathBuf, StoreError> {
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(io_err(parent))?;
    }
    recover_dir(out);
    let staged = tmp_sibling(out);
    if staged.exists() {
        fs::remove_dir_all(&staged).map_err(io_err(&staged))?;
    }
    fs::create_dir_all(&staged).map_err(io_err(&staged))?;
    Ok(staged)
}

/// Streams a file through SHA-256; returns its size and hex digest.
pub fn sha256_file(path: &Path) -> Result<(u64, String), StoreError> {
    let mut f = fs::File::open(path).map_err(io_err(path))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut n = 0u64;
    loop {
        let k = f.read(&mut buf).map_err(io_err(path))?;
        if k == 0 {
            break;
        }
        n += k as u64;
        h.update(&buf[..k]);
    }
    let hex = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    Ok((n, hex))
}

/// One line per rejected record, then one per value note (told apart by their `action` key).
fn write_quarantine(
    rejections: &[Rejection],
    notes: &[FieldNote],
    dir: &Path,
) -> Result<(), StoreError> {
    let path = dir.join("quarantine.jsonl");
    let f = fs::File::create(&path).map_err(io_err(&path))?;
    let mut w = BufWriter::new(f);
    for r in rejections {
        serde_json::to_writer(&mut w, r).expect("rejection serialises");
        w.write_all(b"\n").map_err(io_err(&path))?;
    }
    for n in notes {
        serde_json::to_writer(&mut w, n).expect("field note serialises");
        w.write_all(b"\n").map_err(io_err(&path))?;
    }
    w.flush().map_err(io_err(&path))
}

/// Writes every table in one pass over the records, unpacking each once (see
/// [`TableWriters`]).
fn write_tables(
    records: &BTreeMap<Text, Box<[u8]>>,
    dir: &Path,
) -> Result<BTreeMap<String, u64>, StoreError> {
    let mut writers = TableWriters::new(dir)?;
    for packed in records.values() {
        if !writers.push(&unpack(packed)) {
            break;
        }
    }
    writers.finish()
}

/// The table files of a dataset being written, fed one record at a time in key order: each
/// table's batches go to a thread of its own that encodes them, so the encoding of the large
/// tables runs beside whatever produces the records. Batches are cut exactly where a
/// table-at-a-time writer cut them (after the record that fills [`BATCH_ROWS`]), so the files
/// are the same byte for byte however the records arrive.
pub(crate) struct TableWriters {
    builders: Vec<RowBuilder>,
    senders: Vec<std::sync::mpsc::SyncSender<RecordBatch>>,
    handles: Vec<std::thread::JoinHandle<Result<u64, StoreError>>>,
    /// The first error met while building a batch; the writers' own errors come at `finish`.
    failed: Option<StoreError>,
}

impl TableWriters {
    /// Creates the table files in `dir` and starts their encoding threads.
    pub(crate) fn new(dir: &Path) -> Result<TableWriters, StoreError> {
        let mut senders = Vec::new();
        let mut handles = Vec::new();
        for def in ALL_TABLES {
            let (tx, rx) = std::sync::mpsc::sync_channel::<RecordBatch>(2);
            let path = dir.join(def.file_name());
            let file = fs::File::create(&path).map_err(io_err(&path))?;
            senders.push(tx);
            handles.push(
                std::thread::Builder::new()
                    .name(format!("write {}", def.name))
                    .spawn(move || write_table(def, rx, file, &path))
                    .map_err(io_err(dir))?,
            );
        }
        Ok(TableWriters {
            builders: ALL_TABLES.iter().map(|d| RowBuilder::new(d)).collect(),
            senders,
            handles,
            failed: None,
        })
    }

    /// Adds the rows of one record; false once writing has failed (the error comes at
    /// [`TableWriters::finish`]), so a caller can stop producing records.
    pub(crate) fn push(&mut self, r: &PatentRecord) -> bool {
        if self.failed.is_some() {
            return false;
        }
        for ((def, b), tx) in ALL_TABLES.iter().zip(&mut self.builders).zip(&self.senders) {
            add_rows(def, r, b);
            if b.rows() >= BATCH_ROWS {
                match b.finish() {
                    // A closed channel means that writer failed; its error is reported by
                    // `finish`.
                    Ok(batch) => {
                        if tx.send(batch).is_err() {
                            return false;
                        }
                    }
                    Err(e) => {
                        self.failed = Some(StoreError::from(e));
                        return false;
                    }
                }
            }
        }
        true
    }

    /// Sends the last batches, closes the files and returns the rows written per table.
    pub(crate) fn finish(&mut self) -> Result<BTreeMap<String, u64>, StoreError> {
        if self.failed.is_none() {
            for (b, tx) in self.builders.iter_mut().zip(&self.senders) {
                match b.finish() {
                    Ok(batch) => {
                        let _ = tx.send(batch);
                    }
                    Err(e) => self.failed = Some(StoreError::from(e)),
                }
            }
        }
        self.senders.clear();
        let mut tables = BTreeMap::new();
        let mut first_err = None;
        for (def, h) in ALL_TABLES.iter().zip(self.handles.drain(..)) {
            match h.join().expect("table writer thread panicked") {
                Ok(rows) => {
                    tables.insert(def.name.to_string(), rows);
                }
                Err(e) => {
                    first_err.get_or_insert(e);
                }
            }
        }
        match self.failed.take().or(first_err) {
            Some(e) => Err(e),
            None => Ok(tables),
        }
    }

    /// Abandons the files unfinished (an error elsewhere, `--strict`): the threads end when
    /// their channels close, and are waited for so that no file is still open.
    fn close(&mut self) {
        self.senders.clear();
        for h in self.handles.drain(..) {
            let _ = h.join();
        }
    }
}

impl Drop for TableWriters {
    fn drop(&mut self) {
        self.close();
    }
}

/// Writes the batches received on `rx` to one table file until the channel closes.
fn write_table(
    def: &'static TableDef,
    rx: std::sync::mpsc::Receiver<RecordBatch>,
    file: fs::File,
    path: &Path,
) -> Result<u64, StoreError> {
    let perr = |source| StoreError::Parquet {
        path: path.display().to_string(),
        source,
    };
    let mut writer =
        ArrowWriter::try_new(file, def.schema(), Some(writer_props(def))).map_err(perr)?;
    let mut total = 0u64;
    for batch in rx {
        total += batch.num_rows() as u64;
        writer.write(&batch).map_err(perr)?;
    }
    writer.close().map_err(perr)?;
    Ok(total)
}

/// The derived grant flag: a grant publication or the source's flag says granted; any other
/// publication or a source flag of false says not granted; otherwise the data cannot tell.
pub fn derived_granted(r: &PatentRecord) -> Option<bool> {
    if r.is_granted() {
        Some(true)
    } else if r.app.granted.is_some() || !r.publications.is_empty() {
        Some(false)
    } else {
        None
    }
}

fn add_rows(def: &TableDef, r: &PatentRecord, b: &mut RowBuilder) {
    let k = Some(r.app.key.as_str());
    match def.name {
        "applications" => {
            let a = &r.app;
            // A design patent's publication is its grant: dated like an invention grant.
            let grant_date = r.grant_date();
            let first_pub = r.publications.iter().filter_map(|p| p.date).min();
            b.str(k)
                .str(Some(&a.office))
                .str(Some(&a.number))
                .str(a.kind.as_deref())
                .date(a.filing_date)
                .i32(a.filing_year)
                .str(a.ipr_type.as_deref())
                .bool(Some(a.is_pct))
                .str(a.pct_key.as_deref())
                .str(a.receiving_office.as_deref())
                .str(a.source_id.as_deref())
                .str(a.earliest_filing_id.as_deref())
                .date(a.earliest_priority_date)
                .bool(a.is_priority_filing)
                .str(a.title.as_deref())
                .str(a.abstract_text.as_deref())
                .str(a.claims_text.as_deref())
                .u32(a.claims_count)
                .bool(derived_granted(r))
                .bool(a.granted)
                .date(grant_date)
                .date(first_pub)
                .str(a.legal_status.as_deref())
                .str(a.docdb_family_id.as_deref())
                .str(a.inpadoc_family_id.as_deref())
                .u32(a.simple_family_size)
                .u32(a.extended_family_size)
                .u32(a.cited_by_count)
                .u32(a.npl_citation_count)
                .u32(Some(a.provenance.source_file))
                .str(Some(&a.provenance.location))
                .end_row();
        }
        "publications" => {
            for p in &r.publications {
                b.str(k)
                    .str(Some(&p.office))
                    .str(Some(&p.number))
                    .str(Some(&p.kind))
                    .date(p.date)
                    .str(Some(p.class.as_str()))
                    .str(p.source_id.as_deref())
                    .end_row();
            }
        }
        "parties" => {
            for p in &r.parties {
                b.str(k)
                    .str(Some(p.role.as_str()))
                    .u32(Some(p.seq))
                    .str(Some(&p.name))
                    .str(p.country.as_deref())
                    .end_row();
            }
        }
        "classes" => {
            for c in &r.classes {
                b.str(k)
                    .str(Some(c.scheme.as_str()))
                    .str(Some(&c.code))
                    .end_row();
            }
        }
        "priorities" => {
            for (i, p) in r.priorities.iter().enumerate() {
                b.str(k)
                    .u32(Some(i as u32))
                    .str(Some(&p.office))
                    .str(Some(&p.number))
                    .str(p.kind.as_deref())
                    .date(p.date)
                    .str(Some(&p.key))
                    .end_row();
            }
        }
        "citations" => {
            for (i, c) in r.citations.iter().enumerate() {
                b.str(k)
                    .u32(Some(i as u32))
                    .str(c.office.as_deref())
                    .str(Some(&c.number))
                    .str(c.kind.as_deref())
                    .date(c.date)
                    .str(c.category.as_deref())
                    .str(c.cited_by.as_deref())
                    .str(c.source_id.as_deref())
                    .end_row();
            }
        }
        "family_members" => {
            for m in &r.family_members {
                b.str(k)
                    .str(Some(m.family.as_str()))
                    .str(Some(&m.member))
                    .str(m.source_id.as_deref())
                    .end_row();
            }
        }
        "legal_events" => {
            for e in &r.legal_events {
                b.str(k)
                    .date(e.date)
                    .str(Some(&e.code))
                    .str(e.description.as_deref())
                    .end_row();
            }
        }
        "related" => {
            for d in &r.related {
                b.str(k)
                    .str(Some(&d.relation))
                    .str(d.office.as_deref())
                    .str(Some(&d.number))
                    .date(d.date)
                    .end_row();
            }
        }
        other => unreachable!("unknown table {other}"),
    }
}
