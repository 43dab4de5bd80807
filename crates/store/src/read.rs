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
    let path = dir.join(def.file_name());
    let perr = |source| StoreError::Parquet {
        path: path.display().to_string(),
        source,
    };
    let file = fs::File::open(&path).map_err(io_err(&path))?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(perr)?
        .with_batch_size(64 * 1024)
        .build()
        .map_err(perr)?;
    let mut out = Vec::new();
    for batch in reader {
        out.push(batch?);
    }
    Ok(out)
}

/// Typed column access on a batch by name.
pub struct Cols<'a> {
    batch: &'a RecordBatch,
    table: &'static str,
}

impl<'a> Cols<'a> {
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

    pub fn i32s(&self, name: &str) -> Result<&'a arrow::array::Int32Array, StoreError> {
        Ok(self.col(name)?.as_primitive::<Int32Type>())
    }

    pub fn u32s(&self, name: &str) -> Result<&'a arrow::array::UInt32Array, StoreError> {
        Ok(self.col(name)?.as_primitive::<UInt32Type>())
    }

    pub fn dates(&self, name: &str) -> Result<&'a arrow::array::Date32Array, StoreError> {
        Ok(self.col(name)?.as_primitive::<Date32Type>())
    }

    pub fn bools(&self, name: &str) -> Result<&'a arrow::array::BooleanArray, StoreError> {
        Ok(self.col(name)?.as_boolean())
    }

    pub fn str(&self, name: &str, row: usize) -> Result<Option<String>, StoreError> {
        let c = self.col(name)?.as_string::<i32>();
        Ok((!c.is_null(row)).then(|| c.value(row).to_string()))
    }

    pub fn req_str(&self, name: &str, row: usize) -> Result<String, StoreError> {
        Ok(self.str(name, row)?.unwrap_or_default())
    }

    pub fn i32(&self, name: &str, row: usize) -> Result<Option<i32>, StoreError> {
        let c = self.col(name)?.as_primitive::<Int32Type>();
        Ok((!c.is_null(row)).then(|| c.value(row)))
    }

    pub fn u32(&self, name: &str, row: usize) -> Result<Option<u32>, StoreError> {
        let c = self.col(name)?.as_primitive::<UInt32Type>();
        Ok((!c.is_null(row)).then(|| c.value(row)))
    }

    pub fn date(&self, name: &str, row: usize) -> Result<Option<chrono::NaiveDate>, StoreError> {
        let c = self.col(name)?.as_primitive::<Date32Type>();
        Ok((!c.is_null(row)).then(|| from_days(c.value(row))))
    }

    pub fn bool(&self, name: &str, row: usize) -> Result<Option<bool>, StoreError> {
        let c = self.col(name)?.as_boolean();
        Ok((!c.is_null(row)).then(|| c.value(row)))
    }
}

/// Loads every table of a dataset back into records, in key order.
pub fn load_records(dir: &Path) -> Result<(Manifest, Vec<PatentRecord>), StoreError> {
    load_records_except(dir, &[])
}

/// [`load_records_except`] `skip` and the publications, each record's publications folded into
/// its grant flag: `granted` becomes `Some(stated grant or a grant publication)` for every
/// record with a publication (so "not granted" stays apart from "unknown", as a reader of
/// complete records tells them), and [`PatentRecord::is_granted`] answers as it would with the
/// list. For readers that need nothing else of the publications (the indicators: their
/// citation index reads the table itself); at 10M applications the lists were ~1.1 GB.
pub fn load_records_grants_folded(
    dir: &Path,
    skip: &[&str],
) -> Result<(Manifest, Vec<PatentRecord>), StoreError> {
    let mut skipped = skip.to_vec();
    skipped.push(PUBS.name);
    let (manifest, mut records) = load_records_except(dir, &skipped)?;
    const ANY: u8 = 1;
    const GRANT: u8 = 2;
    let mut seen = vec![0u8; records.len()];
    for_each_publication_id(dir, &records, |i, class, _| {
        seen[i] |= ANY | if class == PubClass::Grant { GRANT } else { 0 };
    })?;
    for (r, s) in records.iter_mut().zip(seen) {
        if s != 0 {
            r.app.granted = Some(r.app.granted == Some(true) || s & GRANT != 0);
        }
    }
    Ok((manifest, records))
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
    let index = KeyIndex::new(&keys);
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
        let (tx, rx) = std::sync::mpsc::sync_channel::<Result<Children, StoreError>>(workers * 2);
        for _ in 0..workers {
            let (tx, next, tables, keys, index) = (tx.clone(), &next, &tables, &keys, &index);
            s.spawn(move || {
                while let Some(def) =
                    tables.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
                {
                    let sent = (|| {
                        for batch in read_table(dir, def)? {
                            let at = index.rows(keys, &batch, def.name)?;
                            let rows = children(def.name, &batch, &at)?;
                            if tx.send(Ok(rows)).is_err() {
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
                Ok(rows) => rows.attach(&mut records),
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

/// One row of the citations table, borrowed from its Arrow batch.
#[derive(Clone, Copy, Debug)]
pub struct CitationRow<'a> {
    pub office: Option<&'a str>,
    pub number: &'a str,
    pub kind: Option<&'a str>,
    pub source_id: Option<&'a str>,
}

/// Streams the citations table of `dir` batch by batch (only the columns resolution needs),
/// calling `f(record index, row)` for every row, in file order; `records` are the
/// applications as [`load_records_except`] returned them. Returns the rows seen.
pub fn for_each_citation(
    dir: &Path,
    records: &[PatentRecord],
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
    pub office: &'a str,
    pub number: &'a str,
    pub kind: &'a str,
}

/// Streams the office, number and kind of every row of the publications table of `dir` as
/// [`for_each_citation`] streams the citations: `f(record index, row)`, in file order (each
/// record's publications in the order [`load_records`] gives them). Returns the rows seen.
pub fn for_each_publication(
    dir: &Path,
    records: &[PatentRecord],
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
pub fn for_each_publication_id(
    dir: &Path,
    records: &[PatentRecord],
    mut f: impl FnMut(usize, PubClass, Option<&str>),
) -> Result<u64, StoreError> {
    let cols = ["app_key", "class", "source_id"];
    for_each_row(dir, PUBS, records, &cols, |at, c| {
        let (class, source) = (c.strs("class")?, c.strs("source_id")?);
        for (i, &ri) in at.iter().enumerate() {
            f(ri, pub_class(class, i), opt_str(source, i));
        }
        Ok(())
    })
}

/// Streams `columns` of the child table `def` batch by batch, handing each batch with the
/// record index of every row to `each`; returns the rows seen.
fn for_each_row(
    dir: &Path,
    def: &'static TableDef,
    records: &[PatentRecord],
    columns: &[&str],
    mut each: impl FnMut(&[usize], &Cols<'_>) -> Result<(), StoreError>,
) -> Result<u64, StoreError> {
    let keys: Vec<&str> = records.iter().map(|r| r.app.key.as_str()).collect();
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

/// The publication class of row `i` (an unknown word reads as `Other`).
fn pub_class(a: &StringArray, i: usize) -> PubClass {
    PubClass::parse(opt_str(a, i).unwrap_or("")).unwrap_or(PubClass::Other)
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

/// The rows of one batch of a child table as model items, each with its record `at[row]`,
/// in file order.
enum Children {
    Publications(Vec<(usize, Publication)>),
    Parties(Vec<(usize, Party)>),
    Classes(Vec<(usize, Classification)>),
    Priorities(Vec<(usize, Priority)>),
    Citations(Vec<(usize, Citation)>),
    FamilyMembers(Vec<(usize, FamilyMember)>),
    LegalEvents(Vec<(usize, LegalEvent)>),
    Related(Vec<(usize, RelatedDoc)>),
}

impl Children {
    /// Appends each item to its record's list.
    fn attach(self, records: &mut [PatentRecord]) {
        fn put<T>(
            items: Vec<(usize, T)>,
            records: &mut [PatentRecord],
            list: fn(&mut PatentRecord) -> &mut patq_model::ThinVec<T>,
        ) {
            // A list grown by push starts at four items and most records have one or two
            // (at 1M applications that slack was ~0.6 GB): each record's run of rows, which
            // are consecutive in a batch, is reserved at its exact length first.
            let runs: Vec<usize> = items.chunk_by(|a, b| a.0 == b.0).map(<[_]>::len).collect();
            let mut items = items.into_iter();
            for len in runs {
                let mut run = items.by_ref().take(len);
                let Some((ri, first)) = run.next() else { break };
                let l = list(&mut records[ri]);
                l.reserve_exact(len);
                l.push(first);
                l.extend(run.map(|(_, x)| x));
            }
        }
        match self {
            Children::Publications(v) => put(v, records, |r| &mut r.publications),
            Children::Parties(v) => put(v, records, |r| &mut r.parties),
            Children::Classes(v) => put(v, records, |r| &mut r.classes),
            Children::Priorities(v) => put(v, records, |r| &mut r.priorities),
            Children::Citations(v) => put(v, records, |r| &mut r.citations),
            Children::FamilyMembers(v) => put(v, records, |r| &mut r.family_members),
            Children::LegalEvents(v) => put(v, records, |r| &mut r.legal_events),
            Children::Related(v) => put(v, records, |r| &mut r.related),
        }
    }
}

/// `item(row)` of every row of a batch, paired with the row's record `at[row]`.
fn each<T>(at: &[usize], item: impl Fn(usize) -> T) -> Vec<(usize, T)> {
    at.iter()
        .enumerate()
        .map(|(i, &ri)| (ri, item(i)))
        .collect()
}

/// Converts the rows of one batch of a child table (see [`Children`]).
fn children(
    table: &'static str,
    batch: &RecordBatch,
    at: &[usize],
) -> Result<Children, StoreError> {
    let c = Cols::new(batch, table);
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
            Children::Publications(each(at, |i| Publication {
                office: text(office, i),
                number: text(number, i),
                kind: text(kind, i),
                date: date(d, i),
                class: pub_class(class, i),
                source_id: opt_text(sid, i),
            }))
        }
        "parties" => {
            let (role, name, country) = (c.strs("role")?, c.strs("name")?, c.strs("country")?);
            let seq = c.u32s("seq")?;
            Children::Parties(each(at, |i| Party {
                role: match opt_str(role, i).unwrap_or("") {
                    "inventor" => PartyRole::Inventor,
                    "owner" => PartyRole::Owner,
                    _ => PartyRole::Applicant,
                },
                seq: prim(seq, i).unwrap_or(0),
                name: req(name, i),
                country: opt_text(country, i),
            }))
        }
        "classes" => {
            let (scheme, code) = (c.strs("scheme")?, c.strs("code")?);
            Children::Classes(each(at, |i| Classification {
                scheme: match opt_str(scheme, i).unwrap_or("") {
                    "cpc" => ClassScheme::Cpc,
                    "uspc" => ClassScheme::Uspc,
                    "locarno" => ClassScheme::Locarno,
                    _ => ClassScheme::Ipc,
                },
                code: text(code, i),
            }))
        }
        "priorities" => {
            let (office, number, kind, key) = (
                c.strs("office")?,
                c.strs("number")?,
                c.strs("kind")?,
                c.strs("priority_key")?,
            );
            let d = c.dates("date")?;
            Children::Priorities(each(at, |i| Priority {
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
            Children::Citations(each(at, |i| Citation {
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
            Children::FamilyMembers(each(at, |i| FamilyMember {
                family: if opt_str(family, i) == Some("simple") {
                    FamilyKind::Simple
                } else {
                    FamilyKind::Extended
                },
                member: text(member, i),
                source_id: opt_text(sid, i),
            }))
        }
        "legal_events" => {
            let (code, desc) = (c.strs("code")?, c.strs("description")?);
            let d = c.dates("date")?;
            Children::LegalEvents(each(at, |i| LegalEvent {
                date: date(d, i),
                code: req(code, i),
                description: own(desc, i),
            }))
        }
        "related" => {
            let (rel, office, number) = (c.strs("relation")?, c.strs("office")?, c.strs("number")?);
            let d = c.dates("date")?;
            Children::Related(each(at, |i| RelatedDoc {
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

impl KeyIndex {
    /// `keys[i]` is the key of record `i`.
    fn new<K: AsRef<str>>(keys: &[K]) -> KeyIndex {
        let sorted = keys.windows(2).all(|w| w[0].as_ref() < w[1].as_ref());
        let map = (!sorted).then(|| {
            let mut m = HashMap::with_capacity(keys.len());
            for (i, k) in keys.iter().enumerate() {
                m.insert(k.as_ref().to_string(), i);
            }
            m
        });
        KeyIndex { map }
    }

    /// The record index of every row of `batch`, by its `app_key` column.
    fn rows<K: AsRef<str>>(
        &self,
        keys: &[K],
        batch: &RecordBatch,
        table: &'static str,
    ) -> Result<Vec<usize>, StoreError> {
        let col = Cols::new(batch, table).strs("app_key")?;
        let mut out = Vec::with_capacity(batch.num_rows());
        let mut cur = 0usize;
        let is = |i: usize, key: &str| keys.get(i).is_some_and(|k| k.as_ref() == key);
        for i in 0..batch.num_rows() {
            let key = opt_str(col, i).unwrap_or("");
            let hit = match &self.map {
                Some(m) => m.get(key).copied(),
                None if is(cur, key) => Some(cur),
                // Child rows come sorted by key: the next key is most often the next record.
                None if is(cur + 1, key) => Some(cur + 1),
                None => keys.binary_search_by(|k| k.as_ref().cmp(key)).ok(),
            };
            let Some(ri) = hit else {
                return Err(StoreError::Column {
                    path: table.into(),
                    column: "app_key".into(),
                    message: format!("row {i}: key {key:?} not in applications"),
                });
            };
            cur = ri;
            out.push(ri);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        // Two batches; record 1's rows continue from the first batch into the second.
        Children::Classes(vec![(0, class("A")), (1, class("B")), (1, class("C"))])
            .attach(&mut records);
        Children::Classes(vec![(1, class("D")), (2, class("E"))]).attach(&mut records);
        let codes = |r: &PatentRecord| r.classes.iter().map(|c| c.code.clone()).collect::<Vec<_>>();
        assert_eq!(codes(&records[0]), ["A"]);
        assert_eq!(codes(&records[1]), ["B", "C", "D"]);
        assert_eq!(codes(&records[2]), ["E"]);
        assert_eq!(records[0].classes.capacity(), 1);
        assert_eq!(records[2].classes.capacity(), 1);
    }
}
