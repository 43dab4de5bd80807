//! Reading a dataset back: whole tables as Arrow batches, as [`PatentRecord`]s, or (for the
//! citations, the largest table) streamed row by row as borrowed [`CitationRow`]s.

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use arrow::array::{Array, AsArray, RecordBatch, StringArray};
use arrow::datatypes::{Date32Type, Int32Type, UInt32Type};
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use patq_model::*;

use crate::manifest::Manifest;
use crate::tables::{ALL_TABLES, TableDef, from_days};
use crate::{StoreError, io_err};

/// Reads one table of a dataset as Arrow batches.
pub fn read_table(dir: &Path, def: &TableDef) -> Result<Vec<RecordBatch>, StoreError> {
    let mut out = Vec::new();
    for batch in open_table(dir, def)? {
        out.push(batch?);
    }
    Ok(out)
}

/// Every column of one table as a stream of batches, cut where [`read_table`] cuts them: the
/// row numbers in a child table's errors count from the start of such a batch, so the chunked
/// reader ([`for_each_chunk`]) reports a row where [`load_records_except`] does.
fn open_table(
    dir: &Path,
    def: &TableDef,
) -> Result<parquet::arrow::arrow_reader::ParquetRecordBatchReader, StoreError> {
    let path = dir.join(def.file_name());
    let perr = |source| StoreError::Parquet {
        path: path.display().to_string(),
        source,
    };
    let file = fs::File::open(&path).map_err(io_err(&path))?;
    ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(perr)?
        .with_batch_size(64 * 1024)
        .build()
        .map_err(perr)
}

/// Typed column access on a batch by name.
pub struct Cols<'a> {
    batch: &'a RecordBatch,
    table: &'static str,
}

impl<'a> Cols<'a> {
    /// The columns of `batch`, a batch of the table named `table` (named in errors).
    pub fn new(batch: &'a RecordBatch, table: &'static str) -> Cols<'a> {
        Cols { batch, table }
    }

    fn col(&self, name: &str) -> Result<&'a dyn Array, StoreError> {
        self.batch
            .column_by_name(name)
            .map(|c| c.as_ref())
            .ok_or_else(|| StoreError::Column {
                path: self.table.to_string(),
                column: name.to_string(),
                message: "missing".into(),
            })
    }

    /// The whole column as strings (null where unset).
    pub fn strs(&self, name: &str) -> Result<&'a StringArray, StoreError> {
        Ok(self.col(name)?.as_string::<i32>())
    }

    /// The whole column as 32-bit integers (null where unset).
    pub fn i32s(&self, name: &str) -> Result<&'a arrow::array::Int32Array, StoreError> {
        Ok(self.col(name)?.as_primitive::<Int32Type>())
    }

    /// The whole column as unsigned 32-bit integers (null where unset).
    pub fn u32s(&self, name: &str) -> Result<&'a arrow::array::UInt32Array, StoreError> {
        Ok(self.col(name)?.as_primitive::<UInt32Type>())
    }

    /// The whole column as dates, in days since 1970-01-01 (null where unset).
    pub fn dates(&self, name: &str) -> Result<&'a arrow::array::Date32Array, StoreError> {
        Ok(self.col(name)?.as_primitive::<Date32Type>())
    }

    /// The whole column as booleans (null where unset).
    pub fn bools(&self, name: &str) -> Result<&'a arrow::array::BooleanArray, StoreError> {
        Ok(self.col(name)?.as_boolean())
    }

    /// The string in `row`, `None` for a null.
    pub fn str(&self, name: &str, row: usize) -> Result<Option<String>, StoreError> {
        let c = self.col(name)?.as_string::<i32>();
        Ok((!c.is_null(row)).then(|| c.value(row).to_string()))
    }

    /// The string in `row`, empty for a null.
    pub fn req_str(&self, name: &str, row: usize) -> Result<String, StoreError> {
        Ok(self.str(name, row)?.unwrap_or_default())
    }

    /// The 32-bit integer in `row`, `None` for a null.
    pub fn i32(&self, name: &str, row: usize) -> Result<Option<i32>, StoreError> {
        let c = self.col(name)?.as_primitive::<Int32Type>();
        Ok((!c.is_null(row)).then(|| c.value(row)))
    }

    /// The unsigned 32-bit integer in `row`, `None` for a null.
    pub fn u32(&self, name: &str, row: usize) -> Result<Option<u32>, StoreError> {
        let c = self.col(name)?.as_primitive::<UInt32Type>();
        Ok((!c.is_null(row)).then(|| c.value(row)))
    }

    /// The date in `row`, `None` for a null.
    pub fn date(&self, name: &str, row: usize) -> Result<Option<chrono::NaiveDate>, StoreError> {
        let c = self.col(name)?.as_primitive::<Date32Type>();
        Ok((!c.is_null(row)).then(|| from_days(c.value(row))))
    }

    /// The boolean in `row`, `None` for a null.
    pub fn bool(&self, name: &str, row: usize) -> Result<Option<bool>, StoreError> {
        let c = self.col(name)?.as_boolean();
        Ok((!c.is_null(row)).then(|| c.value(row)))
    }
}

/// Loads every table of a dataset back into records, in key order.
pub fn load_records(dir: &Path) -> Result<(Manifest, Vec<PatentRecord>), StoreError> {
    load_records_except(dir, &[])
}

/// [`load_records`] without the tables named in `skip` (their lists stay empty). Indicators
/// skip `citations`: its rows outnumber applications about ninefold and are better streamed
/// once with [`for_each_citation`] than held as owned strings.
pub fn load_records_except(
    dir: &Path,
    skip: &[&str],
) -> Result<(Manifest, Vec<PatentRecord>), StoreError> {
    let manifest = Manifest::load(dir)?;
    let mut records = load_applications(dir)?;
    // Each child table fills its own list of every record, so tables can be decoded and
    // converted on worker threads in any order while this thread moves finished batches
    // into the records; the keys the workers look rows up by are moved out meanwhile.
    let keys: Vec<Text> = records
        .iter_mut()
        .map(|r| std::mem::take(&mut r.app.key))
        .collect();
    let index = KeyIndex::new(&keys[..]);
    let tables: Vec<&TableDef> = ALL_TABLES
        .iter()
        .copied()
        .filter(|d| d.name != "applications" && !skip.contains(&d.name))
        .collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(tables.len());
    let result = std::thread::scope(|s| {
        type Rows = (Vec<usize>, Children);
        let (tx, rx) = std::sync::mpsc::sync_channel::<Result<Rows, StoreError>>(workers * 2);
        for _ in 0..workers {
            let (tx, next, tables, keys, index) = (tx.clone(), &next, &tables, &keys, &index);
            s.spawn(move || {
                while let Some(def) =
                    tables.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
                {
                    let sent = (|| {
                        let mut first_row = 0;
                        for batch in read_table(dir, def)? {
                            let at = index.rows(&keys[..], &batch, def.name)?;
                            let rows = children(def.name, &batch, first_row)?;
                            first_row += batch.num_rows() as u64;
                            if tx.send(Ok((at, rows))).is_err() {
                                break;
                            }
                        }
                        Ok(())
                    })();
                    if let Err(e) = sent {
                        // The receiver stops at the first error; later ones are moot.
                        let _ = tx.send(Err(e));
                        return;
                    }
                }
            });
        }
        drop(tx);
        let mut first_error = None;
        for rows in rx {
            match rows {
                Ok((at, mut rows)) => rows.attach(&at, &mut records),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        first_error.map_or(Ok(()), Err)
    });
    for (r, k) in records.iter_mut().zip(keys) {
        r.app.key = k;
    }
    result?;
    Ok((manifest, records))
}

/// Reads a dataset as [`load_records_except`] does, but hands its records to `f` in
/// consecutive chunks of at most `chunk` records (the last may be shorter; no call at all for
/// a dataset without applications) while holding about one chunk and the Parquet batches
/// being decoded, not every record: for readers that keep a digest of each record (an
/// [`AppCore`]) and let the record go. At 10M applications without the citations, reading
/// them whole peaked at 8.4 GB; in chunks of 65,536, at 0.34 GB. Returns the manifest.
///
/// The chunks, one after another, are exactly what [`load_records_except`] returns. patq
/// writes every table in application key order, so each child table is merged into the
/// current chunk by a cursor, its batches decoded and converted on a thread of its own. A
/// dataset in another order is read whole by [`load_records_except`] and handed out in chunks
/// (correct, not memory-bounded): applications not strictly ascending are found before `f` is
/// first called; a child table is checked row by row as it is merged, and a row out of order
/// found after `f` was called is [`StoreError::Unsorted`], never a wrong chunk. A child row of
/// no application is [`load_records_except`]'s error, though chunks before it may have been
/// handed out by then. A `chunk` of 0 is taken as 1.
pub fn for_each_chunk<E: From<StoreError>>(
    dir: &Path,
    skip: &[&str],
    chunk: usize,
    mut f: impl FnMut(Vec<PatentRecord>) -> Result<(), E>,
) -> Result<Manifest, E> {
    let manifest = Manifest::load(dir)?;
    let chunk = chunk.max(1);
    // The applications' order is checked on their key column alone before any chunk is read:
    // checked as the chunks go, a disorder could show after `f` had taken some, too late to
    // fall back. The pass reads one short column: ~0.2 s of ~6.3 s at 10M applications (run
    // beside the first chunks instead, it could overlap little more than the queues' depth,
    // and every error before it ended would have to wait for its verdict).
    if let Some(total) = ascending_applications(dir)?
        && chunked(dir, skip, chunk, total, &mut f)?
    {
        return Ok(manifest);
    }
    let (_, records) = load_records_except(dir, skip)?;
    let mut records = records.into_iter();
    loop {
        let part: Vec<PatentRecord> = records.by_ref().take(chunk).collect();
        if part.is_empty() {
            return Ok(manifest);
        }
        f(part)?;
    }
}

/// How many applications there are when their keys strictly ascend (what [`KeyIndex`]'s
/// cursor and [`for_each_chunk`]'s merge rely on); None when they do not.
fn ascending_applications(dir: &Path) -> Result<Option<usize>, StoreError> {
    let mut last: Option<String> = None;
    let mut total = 0;
    for batch in read_columns(dir, &crate::tables::APPLICATIONS, &["key"])? {
        let batch = batch?;
        let keys = Cols::new(&batch, "applications").strs("key")?;
        let key = |i| opt_str(keys, i).unwrap_or("");
        let n = batch.num_rows();
        if n == 0 {
            continue;
        }
        if last.as_deref().is_some_and(|l| l >= key(0)) || (1..n).any(|i| key(i - 1) >= key(i)) {
            return Ok(None);
        }
        last = Some(key(n - 1).to_string());
        total += n;
    }
    Ok(Some(total))
}

/// [`for_each_chunk`] on `total` applications known to ascend: true once every chunk went to
/// `f`, false when a child table turned out of key order before `f` was first called (the
/// caller then reads the dataset whole).
fn chunked<E: From<StoreError>>(
    dir: &Path,
    skip: &[&str],
    chunk: usize,
    total: usize,
    f: &mut impl FnMut(Vec<PatentRecord>) -> Result<(), E>,
) -> Result<bool, E> {
    use std::sync::mpsc::sync_channel;
    let tables: Vec<&'static TableDef> = ALL_TABLES
        .iter()
        .copied()
        .filter(|d| d.name != "applications" && !skip.contains(&d.name))
        .collect();
    std::thread::scope(|s| {
        // A queue of its own per table, so this thread can wait for the table it needs next
        // while the others' threads stop one batch ahead (one shared queue would have to hold
        // whatever the other tables sent meanwhile). The queues close when this closure
        // returns, early or not, which ends the threads.
        let (tx, apps) = sync_channel(1);
        s.spawn(move || send_applications(dir, tx));
        let mut cursors: Vec<ChildCursor> = tables
            .iter()
            .map(|&def| {
                let (tx, rows) = sync_channel(1);
                s.spawn(move || send_children(dir, def, tx));
                ChildCursor {
                    table: def.name,
                    rows,
                    current: None,
                }
            })
            .collect();
        let mut next = Vec::new().into_iter();
        let (mut handed, mut called) = (0, false);
        loop {
            let mut part = Vec::with_capacity(chunk.min(total.saturating_sub(handed)));
            // A full part is the last only if no application follows it, so the next batch
            // is waited for before a part is handed out: the merge below must know whether a
            // child row beyond the part's keys is of a later part or of no application.
            let last = loop {
                part.extend(next.by_ref().take(chunk - part.len()));
                if next.len() > 0 {
                    break false;
                }
                match apps.recv() {
                    Ok(batch) => next = batch?.into_iter(),
                    Err(_) => break true,
                }
            };
            handed += part.len();
            for c in &mut cursors {
                match c.fill(&mut part, last) {
                    Ok(()) => {}
                    Err(StoreError::Unsorted { .. }) if !called => return Ok(false),
                    Err(e) => return Err(e.into()),
                }
            }
            if !part.is_empty() {
                called = true;
                f(part)?;
            }
            if last {
                return Ok(true);
            }
        }
    })
}

/// Decodes the applications table into records batch by batch for [`for_each_chunk`], until
/// the table ends, the receiver hangs up or an error (sent last) ends it.
fn send_applications(
    dir: &Path,
    tx: std::sync::mpsc::SyncSender<Result<Vec<PatentRecord>, StoreError>>,
) {
    let sent = (|| {
        for batch in open_table(dir, &crate::tables::APPLICATIONS)? {
            let batch = batch?;
            let mut records = Vec::with_capacity(batch.num_rows());
            push_applications(&batch, |r| records.push(r))?;
            if tx.send(Ok(records)).is_err() {
                break;
            }
        }
        Ok(())
    })();
    if let Err(e) = sent {
        let _ = tx.send(Err(e));
    }
}

/// One batch of a child table for [`for_each_chunk`]: its rows converted, its `app_key` column,
/// and the row where each run of rows of one application starts, then the row count.
struct KeyedRows {
    items: Children,
    keys: StringArray,
    runs: Vec<usize>,
}

/// Decodes and converts one child table batch by batch for [`for_each_chunk`], as
/// [`send_applications`] does the applications. A row whose key sorts before the row above it
/// ends the stream with [`StoreError::Unsorted`]: checked here, on every row, so the merge
/// can never put a row out of order into a wrong chunk.
fn send_children(
    dir: &Path,
    def: &'static TableDef,
    tx: std::sync::mpsc::SyncSender<Result<KeyedRows, StoreError>>,
) {
    let sent = (|| {
        let mut previous: Option<String> = None;
        let mut first_row = 0;
        for batch in open_table(dir, def)? {
            let batch = batch?;
            // The key column is looked at before the others are converted, as in
            // `load_records_except`, so a table with faults in both fails the same way.
            let keys = Cols::new(&batch, def.name).strs("app_key")?.clone();
            let runs =
                key_runs(&keys, &mut previous).map_err(|(key, previous)| StoreError::Unsorted {
                    path: dir.join(def.file_name()).display().to_string(),
                    key,
                    previous,
                })?;
            let items = children(def.name, &batch, first_row)?;
            first_row += batch.num_rows() as u64;
            if tx.send(Ok(KeyedRows { items, keys, runs })).is_err() {
                break;
            }
        }
        Ok(())
    })();
    if let Err(e) = sent {
        let _ = tx.send(Err(e));
    }
}

/// Where each run of equal keys starts in `keys`, then `keys.len()`. `previous` is the last
/// key of the batch before and becomes this batch's last; Err((key, previous key)) at the
/// first key that sorts before the one above it.
fn key_runs(
    keys: &StringArray,
    previous: &mut Option<String>,
) -> Result<Vec<usize>, (String, String)> {
    let key = |i| opt_str(keys, i).unwrap_or("");
    let mut runs = Vec::new();
    let mut above = previous.as_deref();
    for i in 0..keys.len() {
        let k = key(i);
        if let Some(a) = above {
            if k < a {
                return Err((k.to_string(), a.to_string()));
            }
            // A batch starts a run even where its first key continues the batch before's.
            if k == a && i > 0 {
                continue;
            }
        }
        runs.push(i);
        above = Some(k);
    }
    runs.push(keys.len());
    if !keys.is_empty() {
        *previous = Some(key(keys.len() - 1).to_string());
    }
    Ok(runs)
}

/// One child table in [`for_each_chunk`]: the queue its thread fills, and the batch under the
/// cursor with its first run not yet attached.
struct ChildCursor {
    table: &'static str,
    rows: std::sync::mpsc::Receiver<Result<KeyedRows, StoreError>>,
    current: Option<(KeyedRows, usize)>,
}

impl ChildCursor {
    /// Attaches this table's rows of the applications in `part`, which follow those of the
    /// parts before in key order; `last` says no application follows `part`, so a row still
    /// left is of none.
    fn fill(&mut self, part: &mut [PatentRecord], last: bool) -> Result<(), StoreError> {
        let mut at = Vec::new();
        // The cursor into `part` moves on across batches: a record's rows can span two.
        let mut ri = 0;
        loop {
            let (rows, run) = match &mut self.current {
                Some(current) => current,
                None => match self.rows.recv() {
                    Ok(rows) => self.current.insert((rows?, 0)),
                    // The table's thread is done and every row attached.
                    Err(_) => return Ok(()),
                },
            };
            at.clear();
            while *run + 1 < rows.runs.len() {
                let (start, end) = (rows.runs[*run], rows.runs[*run + 1]);
                let key = opt_str(&rows.keys, start).unwrap_or("");
                while part.get(ri).is_some_and(|r| r.app.key.as_str() < key) {
                    ri += 1;
                }
                match part.get(ri) {
                    // Every application of `part` sorts below the key: the rows are of a later
                    // part (or, if none has the key, of no application, found there).
                    None if !last => break,
                    Some(r) if r.app.key.as_str() == key => {
                        at.extend(std::iter::repeat_n(ri, end - start));
                    }
                    _ => return Err(not_in_applications(self.table, start, key)),
                }
                *run += 1;
            }
            rows.items.attach(&at, part);
            if *run + 1 < rows.runs.len() {
                return Ok(());
            }
            self.current = None;
        }
    }
}

/// One row of the citations table, borrowed from its Arrow batch.
#[derive(Clone, Copy, Debug)]
pub struct CitationRow<'a> {
    /// Office of the cited publication, when stored.
    pub office: Option<&'a str>,
    /// Cleaned number of the cited publication (empty for a null).
    pub number: &'a str,
    /// Kind code of the cited publication, when stored.
    pub kind: Option<&'a str>,
    /// Source identifier of the cited document (Lens ID), when stored.
    pub source_id: Option<&'a str>,
}

/// Streams the citations table of `dir` batch by batch (only the columns resolution needs),
/// calling `f(record index, row)` for every row, in file order; `records` are the
/// applications as [`load_records_except`] returned them, or anything that keeps their keys in
/// their order (such as an [`AppCore`] of each). Returns the rows seen.
pub fn for_each_citation<R: AppFields>(
    dir: &Path,
    records: &[R],
    mut f: impl FnMut(usize, CitationRow<'_>),
) -> Result<u64, StoreError> {
    let cols = ["app_key", "office", "number", "kind", "source_id"];
    for_each_row(dir, &crate::tables::CITATIONS, records, &cols, |at, c| {
        let (office, number, kind, source) = (
            c.strs("office")?,
            c.strs("number")?,
            c.strs("kind")?,
            c.strs("source_id")?,
        );
        for (i, &ri) in at.iter().enumerate() {
            f(
                ri,
                CitationRow {
                    office: opt_str(office, i),
                    number: opt_str(number, i).unwrap_or(""),
                    kind: opt_str(kind, i),
                    source_id: opt_str(source, i),
                },
            );
        }
        Ok(())
    })
}

/// One publication's number, borrowed from a row of the publications table.
#[derive(Clone, Copy, Debug)]
pub struct PublicationRow<'a> {
    /// Publishing office.
    pub office: &'a str,
    /// Cleaned publication number, without office or kind.
    pub number: &'a str,
    /// Kind code, e.g. `B2`.
    pub kind: &'a str,
}

/// Streams the office, number and kind of every row of the publications table of `dir` as
/// [`for_each_citation`] streams the citations: `f(record index, row)`, in file order (each
/// record's publications in the order [`load_records`] gives them). Returns the rows seen.
pub fn for_each_publication<R: AppFields>(
    dir: &Path,
    records: &[R],
    mut f: impl FnMut(usize, PublicationRow<'_>),
) -> Result<u64, StoreError> {
    let cols = ["app_key", "office", "number", "kind"];
    for_each_row(dir, PUBS, records, &cols, |at, c| {
        let (office, number, kind) = (c.strs("office")?, c.strs("number")?, c.strs("kind")?);
        for (i, &ri) in at.iter().enumerate() {
            let row = PublicationRow {
                office: opt_str(office, i).unwrap_or(""),
                number: opt_str(number, i).unwrap_or(""),
                kind: opt_str(kind, i).unwrap_or(""),
            };
            f(ri, row);
        }
        Ok(())
    })
}

const PUBS: &TableDef = &crate::tables::PUBLICATIONS;

/// Streams the class and source id of every row of the publications table, as
/// [`for_each_publication`] streams the numbers (two short columns instead of three).
pub fn for_each_publication_id<R: AppFields>(
    dir: &Path,
    records: &[R],
    mut f: impl FnMut(usize, PubClass, Option<&str>),
) -> Result<u64, StoreError> {
    let cols = ["app_key", "class", "source_id"];
    let mut first_row = 0;
    for_each_row(dir, PUBS, records, &cols, |at, c| {
        let (class, source) = (c.strs("class")?, c.strs("source_id")?);
        let place = Place {
            table: PUBS.name,
            first_row,
        };
        for (i, &ri) in at.iter().enumerate() {
            f(ri, place.word(class, "class", i)?, opt_str(source, i));
        }
        first_row += at.len() as u64;
        Ok(())
    })
}

/// Streams `columns` of the child table `def` batch by batch, handing each batch with the
/// record index of every row to `each`; returns the rows seen.
fn for_each_row<R: AppFields>(
    dir: &Path,
    def: &'static TableDef,
    records: &[R],
    columns: &[&str],
    mut each: impl FnMut(&[usize], &Cols<'_>) -> Result<(), StoreError>,
) -> Result<u64, StoreError> {
    let keys = RecordKeys(records);
    let index = KeyIndex::new(&keys);
    let reader = read_columns(dir, def, columns)?;
    // Decoding a batch and finding its records runs one batch ahead on its own thread while
    // `each` consumes the previous one; the short queue bounds the batches held at once.
    std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::sync_channel(2);
        let (keys, index) = (&keys, &index);
        s.spawn(move || {
            for batch in reader {
                let decoded = batch
                    .map_err(StoreError::from)
                    .and_then(|b| Ok((index.rows(keys, &b, def.name)?, b)));
                let failed = decoded.is_err();
                if tx.send(decoded).is_err() || failed {
                    return;
                }
            }
        });
        let mut n = 0u64;
        for decoded in rx {
            let (at, batch) = decoded?;
            each(&at, &Cols::new(&batch, def.name))?;
            n += at.len() as u64;
        }
        Ok(n)
    })
}

/// Reads only `columns` of one table, as a stream of batches.
fn read_columns(
    dir: &Path,
    def: &TableDef,
    columns: &[&str],
) -> Result<parquet::arrow::arrow_reader::ParquetRecordBatchReader, StoreError> {
    let path = dir.join(def.file_name());
    let perr = |source| StoreError::Parquet {
        path: path.display().to_string(),
        source,
    };
    let file = fs::File::open(&path).map_err(io_err(&path))?;
    let b = ParquetRecordBatchReaderBuilder::try_new(file).map_err(perr)?;
    let mask = ProjectionMask::columns(b.parquet_schema(), columns.iter().copied());
    b.with_projection(mask)
        .with_batch_size(64 * 1024)
        .build()
        .map_err(perr)
}

/// Where a batch's rows sit: its table, and the row of the table it starts at (counted from
/// 0), so that a bad value is named by its row in the file, not in the batch.
#[derive(Clone, Copy)]
struct Place {
    table: &'static str,
    first_row: u64,
}

impl Place {
    /// The enum stored as a word in row `i` of the batch's `column`. A word this patq does not
    /// know, or none, is an error naming table, column, row and value: read as a default
    /// (an applicant, IPC) it would change the figures unsaid.
    fn word<T: std::str::FromStr<Err = UnknownValue>>(
        self,
        a: &StringArray,
        column: &'static str,
        i: usize,
    ) -> Result<T, StoreError> {
        let value = opt_str(a, i);
        value
            .unwrap_or("")
            .parse()
            .map_err(|e: UnknownValue| StoreError::UnknownValue {
                table: self.table.to_string(),
                column: column.to_string(),
                row: self.first_row + i as u64,
                kind: e.kind,
                value: value.map(str::to_string),
            })
    }
}

fn opt_str(a: &StringArray, i: usize) -> Option<&str> {
    (!a.is_null(i)).then(|| a.value(i))
}

fn own(a: &StringArray, i: usize) -> Option<String> {
    opt_str(a, i).map(str::to_string)
}

/// A short string column's value as [`Text`] (inline, no allocation, when it fits).
fn text(a: &StringArray, i: usize) -> Text {
    opt_str(a, i).unwrap_or_default().into()
}

fn opt_text(a: &StringArray, i: usize) -> Option<Text> {
    opt_str(a, i).map(Text::from)
}

fn req(a: &StringArray, i: usize) -> String {
    opt_str(a, i).unwrap_or_default().to_string()
}

fn prim<T: arrow::datatypes::ArrowPrimitiveType>(
    a: &arrow::array::PrimitiveArray<T>,
    i: usize,
) -> Option<T::Native> {
    (!a.is_null(i)).then(|| a.value(i))
}

fn date(a: &arrow::array::Date32Array, i: usize) -> Option<chrono::NaiveDate> {
    prim(a, i).map(from_days)
}

fn boolean(a: &arrow::array::BooleanArray, i: usize) -> Option<bool> {
    (!a.is_null(i)).then(|| a.value(i))
}

/// The applications table as records without their lists, in file (key) order. Each thread
/// decodes its own run of row groups and converts it straight into its part of one list
/// sized for all records, so the decoded table is never held whole and no record is copied
/// from a thread's list into the final one (at 10M applications of ~650-byte records that
/// copy alone moved 3.2 GB into freshly faulted pages).
fn load_applications(dir: &Path) -> Result<Vec<PatentRecord>, StoreError> {
    let def = &crate::tables::APPLICATIONS;
    let path = dir.join(def.file_name());
    let open = || {
        let file = fs::File::open(&path).map_err(io_err(&path))?;
        ParquetRecordBatchReaderBuilder::try_new(file).map_err(|source| StoreError::Parquet {
            path: path.display().to_string(),
            source,
        })
    };
    let sizes: Vec<usize> = open()?
        .metadata()
        .row_groups()
        .iter()
        .map(|g| g.num_rows().max(0) as usize)
        .collect();
    let total: usize = sizes.iter().sum();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let runs = runs_of(&sizes, threads);
    let mut records: Vec<PatentRecord> = Vec::with_capacity(total);
    let mut spare = &mut records.spare_capacity_mut()[..total];
    // (first slot, rows the metadata counts, slots filled, rows seen, how it ended) per run.
    type Filled = (usize, usize, usize, usize, Result<(), StoreError>);
    let filled: Vec<Filled> = std::thread::scope(|s| {
        let mut start = 0;
        let handles: Vec<_> = runs
            .iter()
            .map(|run| {
                let rows: usize = sizes[run.clone()].iter().sum();
                let (part, rest) = std::mem::take(&mut spare).split_at_mut(rows);
                spare = rest;
                let at = start;
                start += rows;
                let (open, path, run) = (&open, &path, run.clone());
                (
                    at,
                    rows,
                    s.spawn(move || fill_records(open(), path, run, part)),
                )
            })
            .collect();
        handles
            .into_iter()
            .map(|(at, rows, h)| {
                let (n, seen, r) = h.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
                (at, rows, n, seen, r)
            })
            .collect()
    });
    if filled.iter().any(|f| f.3 != f.1 || f.4.is_err()) {
        // Nothing leaks on the error path: the records every run wrote are dropped here (the
        // list's length, 0, keeps them from a second drop).
        for &(at, _, n, _, _) in &filled {
            for x in &mut records.spare_capacity_mut()[at..at + n] {
                // SAFETY: `fill_records` initialised the first `n` slots of its part.
                unsafe { x.assume_init_drop() };
            }
        }
        for (_, rows, _, seen, r) in filled {
            r?;
            if seen != rows {
                return Err(StoreError::Column {
                    path: path.display().to_string(),
                    column: "key".into(),
                    message: format!(
                        "row groups hold {seen} rows where their metadata says {rows}"
                    ),
                });
            }
        }
        unreachable!("a run that failed or saw other rows returned above");
    }
    // SAFETY: every run saw and wrote exactly its rows, so each of the `total` slots was
    // initialised once.
    unsafe { records.set_len(total) };
    Ok(records)
}

/// Contiguous runs of row groups, one per thread, of about equal numbers of rows.
fn runs_of(sizes: &[usize], threads: usize) -> Vec<std::ops::Range<usize>> {
    let total: usize = sizes.iter().sum();
    let per = total.div_ceil(threads.max(1)).max(1);
    let (mut runs, mut from, mut acc) = (Vec::new(), 0, 0);
    for (g, &n) in sizes.iter().enumerate() {
        acc += n;
        if acc >= per * (runs.len() + 1) && g + 1 < sizes.len() {
            runs.push(from..g + 1);
            from = g + 1;
        }
    }
    runs.push(from..sizes.len());
    runs
}

/// Decodes the row groups `run` and writes their applications into the first slots of
/// `part`, which has room for exactly the rows their metadata counts. Returns the slots it
/// filled, the rows it saw (more than `part` holds if the metadata undercounts) and how it
/// ended.
fn fill_records(
    builder: Result<ParquetRecordBatchReaderBuilder<fs::File>, StoreError>,
    path: &Path,
    run: std::ops::Range<usize>,
    part: &mut [std::mem::MaybeUninit<PatentRecord>],
) -> (usize, usize, Result<(), StoreError>) {
    let mut seen = 0;
    let result = (|| {
        let reader = builder?
            .with_row_groups(run.collect())
            .with_batch_size(64 * 1024)
            .build()
            .map_err(|source| StoreError::Parquet {
                path: path.display().to_string(),
                source,
            })?;
        for batch in reader {
            push_applications(&batch?, |r| {
                if let Some(slot) = part.get_mut(seen) {
                    slot.write(r);
                }
                seen += 1;
            })?;
        }
        Ok(())
    })();
    (seen.min(part.len()), seen, result)
}

/// Hands `put` the applications of one batch, in order; every column is looked up once per
/// batch.
fn push_applications(
    batch: &RecordBatch,
    mut put: impl FnMut(PatentRecord),
) -> Result<(), StoreError> {
    let c = Cols::new(batch, "applications");
    let s = |n: &str| c.strs(n);
    let (key, office, number, kind, ipr, pct, ro, sid, efid) = (
        s("key")?,
        s("office")?,
        s("number")?,
        s("kind")?,
        s("ipr_type")?,
        s("pct_key")?,
        s("receiving_office")?,
        s("source_id")?,
        s("earliest_filing_id")?,
    );
    let (title, abs, claims, legal, docdb, inpadoc, loc) = (
        s("title")?,
        s("abstract")?,
        s("claims")?,
        s("legal_status")?,
        s("docdb_family_id")?,
        s("inpadoc_family_id")?,
        s("source_location")?,
    );
    let (fdate, epd) = (c.dates("filing_date")?, c.dates("earliest_priority_date")?);
    let fyear = c.i32s("filing_year")?;
    let (is_pct, is_prio, granted) = (
        c.bools("is_pct")?,
        c.bools("is_priority_filing")?,
        c.bools("granted_source")?,
    );
    let u = |n: &str| c.u32s(n);
    let (ccount, sfs, efs, cbc, npl, sfile) = (
        u("claims_count")?,
        u("simple_family_size")?,
        u("extended_family_size")?,
        u("cited_by_count")?,
        u("npl_citation_count")?,
        u("source_file")?,
    );
    for i in 0..batch.num_rows() {
        let app = Application {
            key: text(key, i),
            office: text(office, i),
            number: text(number, i),
            kind: opt_text(kind, i),
            filing_date: date(fdate, i),
            filing_year: prim(fyear, i),
            ipr_type: opt_text(ipr, i),
            is_pct: boolean(is_pct, i).unwrap_or(false),
            pct_key: opt_text(pct, i),
            receiving_office: opt_text(ro, i),
            source_id: opt_text(sid, i),
            earliest_filing_id: opt_text(efid, i),
            earliest_priority_date: date(epd, i),
            is_priority_filing: boolean(is_prio, i),
            title: own(title, i),
            abstract_text: own(abs, i),
            claims_text: own(claims, i),
            claims_count: prim(ccount, i),
            granted: boolean(granted, i),
            legal_status: opt_text(legal, i),
            docdb_family_id: opt_text(docdb, i),
            inpadoc_family_id: opt_text(inpadoc, i),
            simple_family_size: prim(sfs, i),
            extended_family_size: prim(efs, i),
            cited_by_count: prim(cbc, i),
            npl_citation_count: prim(npl, i),
            provenance: Provenance {
                source_file: prim(sfile, i).unwrap_or(0),
                location: text(loc, i),
            },
        };
        put(PatentRecord {
            app,
            ..PatentRecord::default()
        });
    }
    Ok(())
}

/// The rows of one batch of a child table as model items, in file order, taken from the
/// front: in [`for_each_chunk`] one batch can hold the rows of several chunks.
enum Children {
    Publications(std::vec::IntoIter<Publication>),
    Parties(std::vec::IntoIter<Party>),
    Classes(std::vec::IntoIter<Classification>),
    Priorities(std::vec::IntoIter<Priority>),
    Citations(std::vec::IntoIter<Citation>),
    FamilyMembers(std::vec::IntoIter<FamilyMember>),
    LegalEvents(std::vec::IntoIter<LegalEvent>),
    Related(std::vec::IntoIter<RelatedDoc>),
}

impl Children {
    /// Moves the next `at.len()` items, in order, each to the list of its record `at[i]`
    /// (a record's rows are consecutive in `at`).
    fn attach(&mut self, at: &[usize], records: &mut [PatentRecord]) {
        fn put<T>(
            items: &mut std::vec::IntoIter<T>,
            at: &[usize],
            records: &mut [PatentRecord],
            list: fn(&mut PatentRecord) -> &mut patq_model::ThinVec<T>,
        ) {
            // A list grown by push starts at four items and most records have one or two
            // (at 1M applications that slack was ~0.6 GB): each record's run of rows, which
            // are consecutive in a batch, is reserved at its exact length first.
            for run in at.chunk_by(|a, b| a == b) {
                let l = list(&mut records[run[0]]);
                l.reserve_exact(run.len());
                l.extend(items.by_ref().take(run.len()));
            }
        }
        match self {
            Children::Publications(v) => put(v, at, records, |r| &mut r.publications),
            Children::Parties(v) => put(v, at, records, |r| &mut r.parties),
            Children::Classes(v) => put(v, at, records, |r| &mut r.classes),
            Children::Priorities(v) => put(v, at, records, |r| &mut r.priorities),
            Children::Citations(v) => put(v, at, records, |r| &mut r.citations),
            Children::FamilyMembers(v) => put(v, at, records, |r| &mut r.family_members),
            Children::LegalEvents(v) => put(v, at, records, |r| &mut r.legal_events),
            Children::Related(v) => put(v, at, records, |r| &mut r.related),
        }
    }
}

/// `item(row)` of every row of a batch of `rows` rows.
fn each<T>(rows: usize, item: impl Fn(usize) -> T) -> std::vec::IntoIter<T> {
    (0..rows).map(item).collect::<Vec<_>>().into_iter()
}

/// [`each`] for an `item` that can fail: the first error is returned.
fn try_each<T>(
    rows: usize,
    item: impl Fn(usize) -> Result<T, StoreError>,
) -> Result<std::vec::IntoIter<T>, StoreError> {
    Ok((0..rows)
        .map(item)
        .collect::<Result<Vec<_>, _>>()?
        .into_iter())
}

/// Converts the rows of one batch of a child table (see [`Children`]); the batch starts at
/// row `first_row` of its table.
fn children(
    table: &'static str,
    batch: &RecordBatch,
    first_row: u64,
) -> Result<Children, StoreError> {
    let c = Cols::new(batch, table);
    let rows = batch.num_rows();
    let place = Place { table, first_row };
    Ok(match table {
        "publications" => {
            let (office, number, kind, class, sid) = (
                c.strs("office")?,
                c.strs("number")?,
                c.strs("kind")?,
                c.strs("class")?,
                c.strs("source_id")?,
            );
            let d = c.dates("date")?;
            Children::Publications(try_each(rows, |i| {
                Ok(Publication {
                    office: text(office, i),
                    number: text(number, i),
                    kind: text(kind, i),
                    date: date(d, i),
                    class: place.word(class, "class", i)?,
                    source_id: opt_text(sid, i),
                })
            })?)
        }
        "parties" => {
            let (role, name, country) = (c.strs("role")?, c.strs("name")?, c.strs("country")?);
            let seq = c.u32s("seq")?;
            Children::Parties(try_each(rows, |i| {
                Ok(Party {
                    role: place.word(role, "role", i)?,
                    seq: prim(seq, i).unwrap_or(0),
                    name: req(name, i),
                    country: opt_text(country, i),
                })
            })?)
        }
        "classes" => {
            let (scheme, code) = (c.strs("scheme")?, c.strs("code")?);
            Children::Classes(try_each(rows, |i| {
                Ok(Classification {
                    scheme: place.word(scheme, "scheme", i)?,
                    code: text(code, i),
                })
            })?)
        }
        "priorities" => {
            let (office, number, kind, key) = (
                c.strs("office")?,
                c.strs("number")?,
                c.strs("kind")?,
                c.strs("priority_key")?,
            );
            let d = c.dates("date")?;
            Children::Priorities(each(rows, |i| Priority {
                office: text(office, i),
                number: text(number, i),
                kind: opt_text(kind, i),
                date: date(d, i),
                key: text(key, i),
            }))
        }
        "citations" => {
            let (office, number, kind, cat, by, sid) = (
                c.strs("office")?,
                c.strs("number")?,
                c.strs("kind")?,
                c.strs("category")?,
                c.strs("cited_by")?,
                c.strs("source_id")?,
            );
            let d = c.dates("date")?;
            Children::Citations(each(rows, |i| Citation {
                office: opt_text(office, i),
                number: text(number, i),
                kind: opt_text(kind, i),
                date: date(d, i),
                category: opt_text(cat, i),
                cited_by: opt_text(by, i),
                source_id: opt_text(sid, i),
            }))
        }
        "family_members" => {
            let (family, member, sid) =
                (c.strs("family")?, c.strs("member")?, c.strs("source_id")?);
            Children::FamilyMembers(try_each(rows, |i| {
                Ok(FamilyMember {
                    family: place.word(family, "family", i)?,
                    member: text(member, i),
                    source_id: opt_text(sid, i),
                })
            })?)
        }
        "legal_events" => {
            let (code, desc) = (c.strs("code")?, c.strs("description")?);
            let d = c.dates("date")?;
            Children::LegalEvents(each(rows, |i| LegalEvent {
                date: date(d, i),
                code: req(code, i),
                description: own(desc, i),
            }))
        }
        "related" => {
            let (rel, office, number) = (c.strs("relation")?, c.strs("office")?, c.strs("number")?);
            let d = c.dates("date")?;
            Children::Related(each(rows, |i| RelatedDoc {
                relation: req(rel, i),
                office: own(office, i),
                number: req(number, i),
                date: date(d, i),
            }))
        }
        other => unreachable!("unknown table {other}"),
    })
}

/// Finds the record of an `app_key`. Child tables are written in application key order, so
/// the next row's key is almost always the current record or a later one: a cursor with a
/// binary search over the (sorted) keys answers without hashing or allocating. Datasets whose
/// applications are not sorted (not written by patq) fall back to a hash map.
struct KeyIndex {
    map: Option<HashMap<String, usize>>,
}

/// The application keys a [`KeyIndex`] finds rows among: `key(i)` of record `i`.
trait KeyList: Sync {
    fn len(&self) -> usize;
    fn key(&self, i: usize) -> &str;

    /// The record whose key is `key`, when the keys ascend.
    fn search(&self, key: &str) -> Option<usize> {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.key(mid).cmp(key) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }
}

impl<K: AsRef<str> + Sync> KeyList for [K] {
    fn len(&self) -> usize {
        <[K]>::len(self)
    }
    fn key(&self, i: usize) -> &str {
        self[i].as_ref()
    }
}

/// The keys of records read in place: a list of borrowed keys beside them was 160 MB at
/// 10M applications.
struct RecordKeys<'a, R>(&'a [R]);

impl<R: AppFields> KeyList for RecordKeys<'_, R> {
    fn len(&self) -> usize {
        self.0.len()
    }
    fn key(&self, i: usize) -> &str {
        self.0[i].key()
    }
}

impl KeyIndex {
    /// `keys.key(i)` is the key of record `i`.
    fn new<K: KeyList + ?Sized>(keys: &K) -> KeyIndex {
        let sorted = (1..keys.len()).all(|i| keys.key(i - 1) < keys.key(i));
        let map = (!sorted).then(|| {
            let mut m = HashMap::with_capacity(keys.len());
            for i in 0..keys.len() {
                m.insert(keys.key(i).to_string(), i);
            }
            m
        });
        KeyIndex { map }
    }

    /// The record index of every row of `batch`, by its `app_key` column.
    fn rows<K: KeyList + ?Sized>(
        &self,
        keys: &K,
        batch: &RecordBatch,
        table: &'static str,
    ) -> Result<Vec<usize>, StoreError> {
        let col = Cols::new(batch, table).strs("app_key")?;
        let mut out = Vec::with_capacity(batch.num_rows());
        let mut cur = 0usize;
        let is = |i: usize, key: &str| i < keys.len() && keys.key(i) == key;
        for i in 0..batch.num_rows() {
            let key = opt_str(col, i).unwrap_or("");
            let hit = match &self.map {
                Some(m) => m.get(key).copied(),
                None if is(cur, key) => Some(cur),
                // Child rows come sorted by key: the next key is most often the next record.
                None if is(cur + 1, key) => Some(cur + 1),
                None => keys.search(key),
            };
            let Some(ri) = hit else {
                return Err(not_in_applications(table, i, key));
            };
            cur = ri;
            out.push(ri);
        }
        Ok(out)
    }
}

/// The error of a child row (row `row` of its batch) whose `app_key` names no application.
fn not_in_applications(table: &str, row: usize, key: &str) -> StoreError {
    StoreError::Column {
        path: table.into(),
        column: "app_key".into(),
        message: format!("row {row}: key {key:?} not in applications"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tables::{CLASSES, FAMILY_MEMBERS, PARTIES, PUBLICATIONS, RowBuilder};

    /// A batch of `def` of one row per word, `fill` adding the columns of a row around it.
    fn batch(
        def: &'static TableDef,
        words: &[&str],
        fill: impl Fn(&mut RowBuilder, &str),
    ) -> RecordBatch {
        let mut b = RowBuilder::new(def);
        for w in words {
            fill(&mut b, w);
            b.end_row();
        }
        b.finish().unwrap()
    }

    /// The error converting `batch` gives.
    fn fails(table: &'static str, batch: &RecordBatch, first_row: u64) -> StoreError {
        match children(table, batch, first_row) {
            Ok(_) => panic!("{table}: converted"),
            Err(e) => e,
        }
    }

    fn parties(roles: &[&str]) -> RecordBatch {
        batch(&PARTIES, roles, |b, role| {
            b.str(Some("EP1"))
                .str(Some(role))
                .u32(Some(0))
                .str(Some("Name"))
                .str(None);
        })
    }

    #[test]
    fn stored_words_read_back_as_their_variants() {
        let roles: Vec<&str> = PartyRole::ALL.iter().map(|r| r.as_str()).collect();
        let Children::Parties(got) = children("parties", &parties(&roles), 0).unwrap() else {
            panic!("parties")
        };
        let got: Vec<PartyRole> = got.map(|p| p.role).collect();
        assert_eq!(got, PartyRole::ALL);
    }

    /// An unknown word is an error naming table, column, row (counted in the table, not the
    /// batch) and value, in every table holding one; it never becomes a default.
    #[test]
    fn an_unknown_stored_word_is_an_error_naming_where_it_is() {
        let err = fails("parties", &parties(&["inventor", "assignee"]), 70_000);
        assert_eq!(
            err.to_string(),
            "table parties, column role, row 70001: unknown party role \"assignee\""
        );
        assert!(matches!(
            &err,
            StoreError::UnknownValue { row: 70_001, value: Some(v), .. } if v == "assignee"
        ));

        let classes = batch(&CLASSES, &["cpc", "IPC"], |b, scheme| {
            b.str(Some("EP1")).str(Some(scheme)).str(Some("H04L9/32"));
        });
        let err = fails("classes", &classes, 0).to_string();
        assert_eq!(
            err,
            "table classes, column scheme, row 1: unknown class scheme \"IPC\""
        );

        let members = batch(&FAMILY_MEMBERS, &["docdb"], |b, family| {
            b.str(Some("EP1"))
                .str(Some(family))
                .str(Some("EP2"))
                .str(None);
        });
        let err = fails("family_members", &members, 5).to_string();
        assert_eq!(
            err,
            "table family_members, column family, row 5: unknown family kind \"docdb\""
        );

        let pubs = batch(&PUBLICATIONS, &["grant", "granted"], |b, class| {
            b.str(Some("EP1"))
                .str(Some("EP"))
                .str(Some("1"))
                .str(Some("B1"))
                .date(None)
                .str(Some(class))
                .str(None);
        });
        let err = fails("publications", &pubs, 0).to_string();
        assert_eq!(
            err,
            "table publications, column class, row 1: unknown publication class \"granted\""
        );
    }

    #[test]
    fn runs_split_row_groups_into_contiguous_parts_of_about_equal_rows() {
        assert_eq!(runs_of(&[10, 10, 10, 10], 2), vec![0..2, 2..4]);
        assert_eq!(runs_of(&[64, 64, 22], 2), vec![0..2, 2..3]);
        assert_eq!(runs_of(&[5], 2), vec![0..1]);
        assert_eq!(runs_of(&[], 2), vec![0..0]);
        assert_eq!(runs_of(&[3, 3, 3], 1), vec![0..3]);
        // Every group in exactly one run, in order, for any split.
        let sizes = [7, 1, 9, 4, 4, 12, 3];
        for t in 1..=8 {
            let runs = runs_of(&sizes, t);
            assert!(runs.len() <= t.max(1));
            assert_eq!(runs.first().unwrap().start, 0);
            assert_eq!(runs.last().unwrap().end, sizes.len());
            assert!(runs.windows(2).all(|w| w[0].end == w[1].start));
        }
    }

    fn class(code: &str) -> Classification {
        Classification {
            scheme: ClassScheme::Cpc,
            code: code.into(),
        }
    }

    #[test]
    fn attached_lists_keep_row_order_at_their_exact_length() {
        let mut records = vec![PatentRecord::default(); 3];
        // Two batches; record 1's rows continue from the first batch into the second, which
        // is attached in two parts as two chunks would take it.
        let batch = |codes: &[&str]| {
            Children::Classes(
                codes
                    .iter()
                    .map(|c| class(c))
                    .collect::<Vec<_>>()
                    .into_iter(),
            )
        };
        batch(&["A", "B", "C"]).attach(&[0, 1, 1], &mut records);
        let mut second = batch(&["D", "E"]);
        second.attach(&[1], &mut records);
        second.attach(&[2], &mut records);
        let codes = |r: &PatentRecord| r.classes.iter().map(|c| c.code.clone()).collect::<Vec<_>>();
        assert_eq!(codes(&records[0]), ["A"]);
        assert_eq!(codes(&records[1]), ["B", "C", "D"]);
        assert_eq!(codes(&records[2]), ["E"]);
        assert_eq!(records[0].classes.capacity(), 1);
        assert_eq!(records[2].classes.capacity(), 1);
    }
}
