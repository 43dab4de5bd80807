//! `for_each_chunk` hands out, chunk after chunk, exactly the records `load_records_except`
//! returns: on a hand-built dataset for several chunk sizes and skipped tables, on every dataset
//! of ../shared/data, and on datasets not in key order (read whole, or refused with a typed
//! error once chunks were handed out); a child row of no application fails as it does there.

use std::path::Path;

use arrow::array::{ArrayRef, RecordBatch, StringArray, UInt32Array};
use chrono::NaiveDate;
use patq_ingest::{Input, Sink, detect, read_all};
use patq_model::*;
use patq_store::build::writer_props;
use patq_store::read::{
    for_each_chunk, for_each_citation, for_each_publication, for_each_publication_id,
    load_records_except, read_table,
};
use patq_store::tables::{APPLICATIONS, CLASSES, TableDef};
use patq_store::{DatasetBuilder, StoreError};

/// The skip lists every comparison runs with.
const SKIPS: [&[&str]; 3] = [&[], &["citations"], &["citations", "publications"]];

/// The chunks `for_each_chunk` hands out, in order.
fn chunks(dir: &Path, skip: &[&str], chunk: usize) -> Result<Vec<Vec<PatentRecord>>, StoreError> {
    let mut out = Vec::new();
    for_each_chunk::<StoreError>(dir, skip, chunk, |part| {
        out.push(part);
        Ok(())
    })?;
    Ok(out)
}

/// Asserts that for every skip list and chunk size the chunks are full but for the last, none
/// empty, and together equal to `load_records_except`; returns the records of the first skip
/// list (none skipped) for the caller to check the data is not trivial.
fn assert_chunks_are_the_whole(dir: &Path, sizes: &[usize]) -> Vec<PatentRecord> {
    let mut all = None;
    for skip in SKIPS {
        let (_, whole) = load_records_except(dir, skip).unwrap();
        for &size in sizes {
            let parts = chunks(dir, skip, size).unwrap();
            assert_eq!(parts.len(), whole.len().div_ceil(size), "{skip:?} {size}");
            for (i, p) in parts.iter().enumerate() {
                assert!(!p.is_empty(), "{skip:?} {size}: chunk {i} empty");
                if i + 1 < parts.len() {
                    assert_eq!(p.len(), size, "{skip:?} {size}: chunk {i} not full");
                }
            }
            let joined: Vec<PatentRecord> = parts.into_iter().flatten().collect();
            assert_eq!(joined.len(), whole.len(), "{skip:?} {size}");
            if let Some(i) = (0..whole.len()).find(|&i| joined[i] != whole[i]) {
                panic!(
                    "{skip:?} chunk {size}: record {i} differs:\n{:#?}\nvs whole\n{:#?}",
                    joined[i], whole[i]
                );
            }
        }
        for r in &whole {
            if skip.contains(&"citations") {
                assert!(r.citations.is_empty());
            }
            if skip.contains(&"publications") {
                assert!(r.publications.is_empty());
            }
        }
        all.get_or_insert(whole);
    }
    all.expect("a skip list")
}

/// Application `number` of `office` with no child row when `n` is 0, else 0 to 3 rows in each
/// child table (`n` shifted by the table's place, so records differ in which lists they have).
fn record(office: &str, number: &str, n: usize) -> PatentRecord {
    let mut r = PatentRecord::default();
    r.app.key = app_key(office, number);
    r.app.office = office.into();
    r.app.number = number.into();
    r.app.title = Some(format!("title of {office}{number}"));
    let k = |t: usize| if n == 0 { 0 } else { (n + t) % 4 };
    for i in 0..k(0) {
        r.publications.push(Publication {
            office: office.into(),
            number: format!("{number}{i}").into(),
            kind: if i == 0 { "A1" } else { "B1" }.into(),
            date: NaiveDate::from_ymd_opt(2010 + i as i32, 1, 1),
            class: if i == 0 {
                PubClass::Application
            } else {
                PubClass::Grant
            },
            source_id: None,
        });
    }
    for i in 0..k(1) {
        r.parties.push(Party {
            role: PartyRole::Applicant,
            seq: i as u32,
            name: format!("party {i} of {number}"),
            country: Some("FI".into()),
        });
    }
    for i in 0..k(2) {
        r.classes.push(Classification {
            scheme: ClassScheme::Cpc,
            code: format!("H04W{i}/{number}").into(),
        });
    }
    for i in 0..k(3) {
        let num = format!("9{number}{i}");
        r.priorities.push(Priority {
            office: "FI".into(),
            number: num.as_str().into(),
            kind: None,
            date: None,
            key: app_key("FI", &num),
        });
    }
    for i in 0..k(4) {
        r.citations.push(Citation {
            office: Some("US".into()),
            number: format!("200500{i}{number}").into(),
            kind: Some("A1".into()),
            date: None,
            category: Some("X".into()),
            cited_by: Some("examiner".into()),
            source_id: None,
        });
    }
    for i in 0..k(5) {
        r.family_members.push(FamilyMember {
            family: FamilyKind::Simple,
            member: format!("WO{number}{i}").into(),
            source_id: None,
        });
    }
    for i in 0..k(6) {
        r.legal_events.push(LegalEvent {
            date: NaiveDate::from_ymd_opt(2020, 1, 1 + i as u32),
            code: format!("PG{i}"),
            description: None,
        });
    }
    for i in 0..k(7) {
        r.related.push(RelatedDoc {
            relation: "division".into(),
            office: Some(office.into()),
            number: format!("{number}{i}"),
            date: None,
        });
    }
    r
}

/// Writes `records` as a dataset at `dir/ds` and returns its path.
fn write(dir: &Path, records: Vec<PatentRecord>) -> std::path::PathBuf {
    let src = dir.join("src.txt");
    std::fs::write(&src, "x").unwrap();
    let mut b = DatasetBuilder::new();
    b.add_source(&src, "src.txt", "lens-csv", "UTF-8", false)
        .unwrap();
    for r in records {
        b.record(r).unwrap();
    }
    let out = dir.join("ds");
    b.write(&out).unwrap();
    out
}

/// Keys that are prefixes of one another (US1 < US10 < US100 < US11 < US2), records without
/// any child row, with one, and with several.
fn small_dataset(dir: &Path) -> std::path::PathBuf {
    let mut records = Vec::new();
    for (i, number) in ["1", "10", "100", "11", "2", "20", "3", "1000", "101", "9"]
        .iter()
        .enumerate()
    {
        records.push(record("US", number, i % 4));
        records.push(record("EP", number, (i + 1) % 3));
    }
    records.push(record("WO", "2010000001", 0));
    write(dir, records)
}

#[test]
fn chunks_of_a_small_dataset_are_its_records() {
    let tmp = tempfile::tempdir().unwrap();
    let ds = small_dataset(tmp.path());
    let whole = assert_chunks_are_the_whole(&ds, &[1, 2, 3, 7, 1000]);
    assert_eq!(whole.len(), 21);
    let keys: Vec<&str> = whole.iter().map(|r| r.app.key.as_str()).collect();
    let at = |k: &str| keys.iter().position(|&x| x == k).unwrap();
    assert!(at("US1") < at("US10") && at("US10") < at("US100") && at("US100") < at("US11"));
    assert!(at("US11") < at("US2"));
    // Not trivial: records with no child row, and some with several of every table.
    let sizes = |r: &PatentRecord| {
        [
            r.publications.len(),
            r.parties.len(),
            r.classes.len(),
            r.priorities.len(),
            r.citations.len(),
            r.family_members.len(),
            r.legal_events.len(),
            r.related.len(),
        ]
    };
    assert!(whole.iter().any(|r| sizes(r).iter().all(|&n| n == 0)));
    for t in 0..8 {
        assert!(whole.iter().any(|r| sizes(r)[t] >= 2), "table {t}");
    }
}

#[test]
fn a_dataset_without_applications_makes_no_chunk() {
    let tmp = tempfile::tempdir().unwrap();
    let ds = write(tmp.path(), Vec::new());
    for skip in SKIPS {
        assert!(load_records_except(&ds, skip).unwrap().1.is_empty());
        assert!(chunks(&ds, skip, 3).unwrap().is_empty());
    }
}

#[test]
fn a_chunk_of_zero_is_taken_as_one() {
    let tmp = tempfile::tempdir().unwrap();
    let ds = small_dataset(tmp.path());
    let parts = chunks(&ds, &[], 0).unwrap();
    assert_eq!(parts.len(), 21);
    assert!(parts.iter().all(|p| p.len() == 1));
}

/// Ingests every recognised file of `folder` (as `patq ingest FOLDER` does) into `out`.
fn ingest(folder: &Path, out: &Path) {
    let mut files: Vec<_> = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    let mut b = DatasetBuilder::new();
    let mut inputs = Vec::new();
    for p in files {
        let mut input = Input::load(&p, 0).unwrap();
        let Some(format) = detect(&input.text) else {
            continue;
        };
        let name = p.display().to_string();
        input.file_index = b
            .add_source(&p, &name, format.name(), input.encoding, false)
            .unwrap();
        inputs.push((input, format));
    }
    assert!(
        !inputs.is_empty(),
        "{}: no input recognised",
        folder.display()
    );
    read_all(&inputs, &mut b).unwrap();
    b.write(out).unwrap();
}

#[test]
fn chunks_of_every_shared_dataset_are_its_records() {
    let Some(data) = patq_testkit::shared_data("chunks_of_every_shared_dataset_are_its_records")
    else {
        return;
    };
    let mut folders: Vec<_> = std::fs::read_dir(&data)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    assert!(folders.len() >= 5, "{folders:?}");
    let tmp = tempfile::tempdir().unwrap();
    let (mut total, mut children) = (0, 0);
    for folder in folders {
        let out = tmp.path().join(folder.file_name().unwrap());
        ingest(&folder, &out);
        let whole = assert_chunks_are_the_whole(&out, &[1, 7, 1000, 65536]);
        assert!(!whole.is_empty(), "{}", folder.display());
        total += whole.len();
        children += whole.iter().map(PatentRecord::child_rows).sum::<usize>();
        if folder.ends_with("blockchain-patstat-denter") {
            // Larger than one batch of a child table: its runs cross batches.
            assert_eq!(whole.len(), 25_097);
        }
    }
    assert!(total > 30_000, "{total}");
    assert!(children > 100_000, "{children}");
}

/// Replaces table `def` of dataset `dir` with `batch`, written as patq writes it.
fn rewrite(dir: &Path, def: &'static TableDef, batch: &RecordBatch) {
    let file = std::fs::File::create(dir.join(def.file_name())).unwrap();
    let mut w =
        parquet::arrow::ArrowWriter::try_new(file, def.schema(), Some(writer_props(def))).unwrap();
    w.write(batch).unwrap();
    w.close().unwrap();
}

/// Table `def` of dataset `dir` as one batch.
fn table(dir: &Path, def: &TableDef) -> RecordBatch {
    let batches = read_table(dir, def).unwrap();
    arrow::compute::concat_batches(&def.schema(), &batches).unwrap()
}

/// The rows `rows` of `batch`, in that order (repeats allowed).
fn take(batch: &RecordBatch, rows: impl IntoIterator<Item = u32>) -> RecordBatch {
    let idx = UInt32Array::from_iter_values(rows);
    arrow::compute::take_record_batch(batch, &idx).unwrap()
}

/// `batch` with its `app_key` column replaced by `keys`.
fn with_app_keys(batch: &RecordBatch, keys: &[&str]) -> RecordBatch {
    let at = batch.schema().index_of("app_key").unwrap();
    let mut cols: Vec<ArrayRef> = batch.columns().to_vec();
    cols[at] = std::sync::Arc::new(StringArray::from(keys.to_vec()));
    RecordBatch::try_new(batch.schema(), cols).unwrap()
}

#[test]
fn applications_out_of_key_order_are_read_whole_and_chunked() {
    let tmp = tempfile::tempdir().unwrap();
    let ds = small_dataset(tmp.path());
    let apps = table(&ds, &APPLICATIONS);
    let n = apps.num_rows() as u32;
    rewrite(&ds, &APPLICATIONS, &take(&apps, (0..n).rev()));
    let whole = assert_chunks_are_the_whole(&ds, &[1, 2, 3, 7, 1000]);
    assert!(whole.windows(2).all(|w| w[0].app.key > w[1].app.key));
    assert!(whole.iter().any(|r| r.classes.len() >= 2));
}

#[test]
fn duplicate_applications_are_read_whole_and_chunked() {
    let tmp = tempfile::tempdir().unwrap();
    let ds = small_dataset(tmp.path());
    let apps = table(&ds, &APPLICATIONS);
    let n = apps.num_rows() as u32;
    // The first application (EP1, with classes) again at the end: `load_records_except`
    // gives the child rows to the second of the two, and so must the chunks.
    rewrite(&ds, &APPLICATIONS, &take(&apps, (0..n).chain([0])));
    let whole = assert_chunks_are_the_whole(&ds, &[1, 2, 3, 1000]);
    let (a, b) = (&whole[0], &whole[whole.len() - 1]);
    assert_eq!((a.app.key.as_str(), b.app.key.as_str()), ("EP1", "EP1"));
    assert!(a.classes.is_empty() && !b.classes.is_empty());
}

#[test]
fn a_child_table_out_of_key_order_at_its_start_is_read_whole_and_chunked() {
    let tmp = tempfile::tempdir().unwrap();
    let ds = small_dataset(tmp.path());
    let classes = table(&ds, &CLASSES);
    let n = classes.num_rows() as u32;
    assert!(n > 10);
    rewrite(&ds, &CLASSES, &take(&classes, (0..n).rev()));
    let whole = assert_chunks_are_the_whole(&ds, &[1, 2, 3, 7, 1000]);
    // The lists come in the table's (now reversed) order, as `load_records_except` has them.
    let r = whole.iter().find(|r| r.classes.len() >= 2).unwrap();
    assert!(r.classes[0].code > r.classes[1].code);
}

/// A dataset of US1, US2 and US3 with one class each.
fn three(dir: &Path) -> (std::path::PathBuf, RecordBatch) {
    let records = ["1", "2", "3"]
        .iter()
        .map(|n| {
            let mut r = record("US", n, 0);
            r.classes.push(Classification {
                scheme: ClassScheme::Ipc,
                code: format!("A01B{n}").into(),
            });
            r
        })
        .collect();
    let ds = write(dir, records);
    let classes = table(&ds, &CLASSES);
    assert_eq!(classes.num_rows(), 3);
    (ds, classes)
}

#[test]
fn a_record_s_rows_across_two_batches_stay_in_one_list() {
    let tmp = tempfile::tempdir().unwrap();
    let (ds, classes) = three(tmp.path());
    // US1, then 64K rows of US2 (the first batch ends inside them), then US3.
    let rows = [0]
        .into_iter()
        .chain(std::iter::repeat_n(1, 64 * 1024))
        .chain([2]);
    rewrite(&ds, &CLASSES, &take(&classes, rows));
    let whole = assert_chunks_are_the_whole(&ds, &[1, 2, 3]);
    let counts: Vec<usize> = whole.iter().map(|r| r.classes.len()).collect();
    assert_eq!(counts, [1, 64 * 1024, 1]);
}

#[test]
fn a_child_table_out_of_order_after_chunks_went_out_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let (ds, classes) = three(tmp.path());
    // A first batch (64K rows) all of US2, then a row of US1: out of order only in the second
    // batch, read after US1's chunk was handed out.
    let rows = std::iter::repeat_n(1, 64 * 1024).chain([0]);
    rewrite(&ds, &CLASSES, &take(&classes, rows));
    let (_, whole) = load_records_except(&ds, &[]).unwrap();
    assert_eq!(whole[1].classes.len(), 64 * 1024);
    assert_eq!(whole[0].classes.len(), 1);
    let mut seen = Vec::new();
    let err = for_each_chunk::<StoreError>(&ds, &[], 1, |part| {
        seen.extend(part.into_iter().map(|r| r.app.key));
        Ok(())
    })
    .unwrap_err();
    match &err {
        StoreError::Unsorted {
            path,
            key,
            previous,
        } => {
            assert!(path.ends_with("classes.parquet"), "{path}");
            assert_eq!((key.as_str(), previous.as_str()), ("US1", "US2"));
        }
        other => panic!("expected Unsorted, got {other:?}"),
    }
    assert!(err.to_string().contains("classes.parquet"), "{err}");
    assert_eq!(seen, ["US1"]);
    // Found before any chunk went out (all three in one chunk), it is read whole.
    assert_eq!(chunks(&ds, &[], 1000).unwrap().concat(), whole);
    // And a skipped table is not read at all.
    assert_eq!(
        chunks(&ds, &["classes"], 1).unwrap().concat(),
        load_records_except(&ds, &["classes"]).unwrap().1
    );
}

#[test]
fn a_child_row_of_no_application_fails_as_the_whole_read_does() {
    // The new keys of the three class rows, the row of no application, and how many
    // one-record chunks go out before it is found.
    for (keys, row, before) in [
        (["AA1", "US2", "US3"], 0, 0),
        (["US1", "US15", "US3"], 1, 1),
        // The last chunk is held back until every table is known to have no row left over.
        (["US1", "US2", "ZZ9"], 2, 2),
        // Of no application, right after a run of US1's.
        (["US1", "US1", "US10"], 2, 1),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let (ds, classes) = three(tmp.path());
        rewrite(&ds, &CLASSES, &with_app_keys(&classes, &keys));
        let whole = load_records_except(&ds, &[]).unwrap_err().to_string();
        let want = format!("row {row}: key {:?} not in applications", keys[row]);
        assert!(whole.contains(&want), "{whole}");
        for size in [1, 2, 1000] {
            let chunked = chunks(&ds, &[], size).unwrap_err().to_string();
            assert_eq!(chunked, whole, "{keys:?} {size}");
        }
        // Read in chunks, not whole: the chunks before the row's went out first.
        let mut seen = Vec::new();
        let _ = for_each_chunk::<StoreError>(&ds, &[], 1, |part| {
            seen.extend(part.into_iter().map(|r| r.app.key.to_string()));
            Ok(())
        });
        assert_eq!(seen, ["US1", "US2"][..before], "{keys:?}");
        assert_eq!(chunks(&ds, &["classes"], 1).unwrap().concat().len(), 3);
    }
}

#[test]
fn cores_kept_from_the_chunks_stream_the_child_tables_as_the_records_do() {
    let tmp = tempfile::tempdir().unwrap();
    let ds = small_dataset(tmp.path());
    let mut cores = Vec::new();
    for_each_chunk::<StoreError>(&ds, &["citations", "publications"], 4, |part| {
        cores.extend(part.iter().cloned().map(AppCore::from));
        Ok(())
    })
    .unwrap();
    let (_, whole) = load_records_except(&ds, &[]).unwrap();
    assert_eq!(cores.len(), whole.len());
    let (by_core, by_record) = (citations_of(&ds, &cores), citations_of(&ds, &whole));
    assert!(!by_core.is_empty());
    assert_eq!(by_core, by_record);
    let mut numbers = (Vec::new(), Vec::new());
    for_each_publication(&ds, &cores, |i, p| {
        numbers.0.push((i, p.number.to_string()))
    })
    .unwrap();
    for_each_publication(&ds, &whole, |i, p| {
        numbers.1.push((i, p.number.to_string()))
    })
    .unwrap();
    assert!(!numbers.0.is_empty());
    assert_eq!(numbers.0, numbers.1);
    let mut ids = (Vec::new(), Vec::new());
    for_each_publication_id(&ds, &cores, |i, c, _| ids.0.push((i, c))).unwrap();
    for_each_publication_id(&ds, &whole, |i, c, _| ids.1.push((i, c))).unwrap();
    assert_eq!(ids.0, ids.1);
    // And the lists the records hold are what was streamed, record by record.
    let held: Vec<_> = whole
        .iter()
        .enumerate()
        .flat_map(|(i, r)| r.citations.iter().map(move |c| (i, c.number.to_string())))
        .collect();
    assert_eq!(by_core, held);
}

/// Every citation's record index and number, streamed over `records`.
fn citations_of<R: AppFields>(ds: &Path, records: &[R]) -> Vec<(usize, String)> {
    let mut v = Vec::new();
    for_each_citation(ds, records, |i, c| v.push((i, c.number.to_string()))).unwrap();
    v
}

/// A class scheme this patq does not know, in the second batch of the classes table, fails
/// both readers alike, naming the row in the table (not in its batch) and the value; it never
/// reads as IPC.
#[test]
fn an_unknown_stored_word_fails_both_readers_naming_its_row() {
    let tmp = tempfile::tempdir().unwrap();
    let (ds, classes) = three(tmp.path());
    let rows: Vec<u32> = [0]
        .into_iter()
        .chain(std::iter::repeat_n(1, 64 * 1024))
        .chain([2])
        .collect();
    let batch = take(&classes, rows.iter().copied());
    let at = batch.schema().index_of("scheme").unwrap();
    let mut cols: Vec<ArrayRef> = batch.columns().to_vec();
    let mut schemes = vec!["ipc"; rows.len()];
    let bad = rows.len() - 1;
    schemes[bad] = "ipc8";
    cols[at] = std::sync::Arc::new(StringArray::from(schemes));
    rewrite(
        &ds,
        &CLASSES,
        &RecordBatch::try_new(batch.schema(), cols).unwrap(),
    );
    let want = format!("table classes, column scheme, row {bad}: unknown class scheme \"ipc8\"");
    let err = load_records_except(&ds, &[]).unwrap_err();
    assert!(
        matches!(&err, StoreError::UnknownValue { row, .. } if *row == bad as u64),
        "{err:?}"
    );
    assert_eq!(err.to_string(), want);
    let err = chunks(&ds, &[], 1).unwrap_err();
    assert_eq!(err.to_string(), want);
    // A reader that skips the table never sees it.
    assert_eq!(load_records_except(&ds, &["classes"]).unwrap().1.len(), 3);
}
