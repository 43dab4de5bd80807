//! A sink that refuses a record stops every reader at that record, and the reader's error
//! names the file it was reading.

use std::path::{Path, PathBuf};

use patq_ingest::{
    ColumnUse, FieldNote, IngestError, Input, Rejection, Sink, SinkError, Skip, epo_ops,
    google_csv, lens_csv, lens_json, patentsview, patstat, uspto_xml,
};
use patq_model::PatentRecord;
use patq_testkit::shared_file;

/// Takes records until the `fail_at`-th (1-based), which it refuses; counts every record
/// offered, so a reader that reads on after the refusal is seen.
struct FailingSink {
    fail_at: usize,
    offered: usize,
    kept: Vec<PatentRecord>,
}

impl FailingSink {
    fn new(fail_at: usize) -> FailingSink {
        FailingSink {
            fail_at,
            offered: 0,
            kept: Vec::new(),
        }
    }
}

impl Sink for FailingSink {
    fn record(&mut self, record: PatentRecord) -> Result<(), SinkError> {
        self.offered += 1;
        if self.offered == self.fail_at {
            return Err(SinkError::with_source(
                "cannot keep the record",
                std::io::Error::other("disk full"),
            ));
        }
        self.kept.push(record);
        Ok(())
    }
    fn reject(&mut self, _rejection: Rejection) {}
    fn skip(&mut self, _skip: Skip) {}
    fn field_note(&mut self, _note: FieldNote) {}
    fn columns(&mut self, _file: &str, _columns: &[ColumnUse]) {}
    fn values_read(&mut self, _file: &str, _column: &str, _n: u64) {}
}

type Reader = fn(&[&Input], &mut dyn Sink) -> Result<(), IngestError>;

/// Reads `inputs` with a sink that takes everything, then with one that refuses the second
/// record: the read must stop there (one record kept, two offered) with an error naming
/// `file`, the file that record came from.
/// [`assert_stops_at_refusal`] for a format read from one file.
fn assert_one_file_stops_at_refusal(read: Reader, path: &std::path::Path) {
    let input = load(path, 0);
    let name = input.name.clone();
    assert_stops_at_refusal(read, &[input], &name);
}

fn assert_stops_at_refusal(read: Reader, inputs: &[Input], file: &str) {
    let refs: Vec<&Input> = inputs.iter().collect();
    let mut all = FailingSink::new(usize::MAX);
    read(&refs, &mut all).expect("a sink that takes everything");
    assert!(
        all.offered >= 3,
        "{file}: the test needs at least 3 records, found {}",
        all.offered
    );

    let mut sink = FailingSink::new(2);
    let err = read(&refs, &mut sink).expect_err("the refusal is returned");
    assert_eq!(sink.offered, 2, "{file}: records offered after the refusal");
    assert_eq!(sink.kept.len(), 1);
    assert_eq!(
        sink.kept[0], all.kept[0],
        "{file}: the record before it is kept"
    );
    match &err {
        IngestError::Sink { path, source } => {
            assert_eq!(path, file);
            assert_eq!(source.message(), "cannot keep the record");
        }
        other => panic!("{file}: expected IngestError::Sink, got {other:?}"),
    }
    assert_eq!(
        err.to_string(),
        format!("{file}: cannot keep the record: disk full")
    );
    let cause = std::error::Error::source(&err).and_then(std::error::Error::source);
    assert_eq!(cause.map(ToString::to_string).as_deref(), Some("disk full"));
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(name)
}

fn load(path: &Path, file_index: u32) -> Input {
    Input::load(path, file_index).expect("fixture loads")
}

/// The fixtures of one table-set format (file names starting with `prefix`), numbered as a
/// dataset numbers its sources.
fn table_set(prefix: &str) -> Vec<Input> {
    let dir = fixture("");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures folder")
        .map(|e| e.expect("fixture entry").path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
        })
        .collect();
    paths.sort();
    paths
        .iter()
        .enumerate()
        .map(|(i, p)| load(p, i as u32))
        .collect()
}

fn name_of<'i>(inputs: &'i [Input], suffix: &str) -> &'i str {
    inputs
        .iter()
        .map(|i| i.name.as_str())
        .find(|n| n.ends_with(suffix))
        .expect("fixture present")
}

#[test]
fn lens_csv_stops_at_the_refused_record() {
    assert_one_file_stops_at_refusal(lens_csv::read, &fixture("lens_current_drones.csv"));
}

#[test]
fn google_csv_stops_at_the_refused_record() {
    assert_one_file_stops_at_refusal(google_csv::read, &fixture("google_drones.csv"));
}

#[test]
fn epo_ops_stops_at_the_refused_record() {
    // A family response: its members are held until the family closes, then handed over.
    let Some(path) = shared_file("sink_error::epo_ops", "epo-ops-xml/get_family.xml") else {
        return;
    };
    assert_one_file_stops_at_refusal(epo_ops::read, &path);
}

#[test]
fn lens_json_stops_at_the_refused_record() {
    let Some(path) = shared_file(
        "sink_error::lens_json",
        "lens-api-jsonl/lens_api_biopoly_valid.jsonl",
    ) else {
        return;
    };
    assert_one_file_stops_at_refusal(lens_json::read, &path);
}

#[test]
fn uspto_xml_stops_at_the_refused_record() {
    let Some(path) = shared_file("sink_error::uspto_xml", "uspto-xml/ipg120327.18.xml") else {
        return;
    };
    assert_one_file_stops_at_refusal(uspto_xml::read, &path);
}

#[test]
fn patstat_stops_at_the_refused_record() {
    let inputs = table_set("patstat_");
    // Records are built from tls201 rows and handed over after every table is read.
    let name = name_of(&inputs, "patstat_tls201.csv").to_string();
    assert_stops_at_refusal(patstat::read, &inputs, &name);
}

#[test]
fn patentsview_stops_at_the_refused_record() {
    let inputs = table_set("pv_");
    let name = name_of(&inputs, "pv_g_patent.tsv").to_string();
    assert_stops_at_refusal(patentsview::read, &inputs, &name);
}

/// Several inputs of one format: a refusal in the second file is named by it and the files
/// after it are not read.
#[test]
fn the_error_names_the_file_being_read() {
    let first = load(&fixture("lens_current_drones.csv"), 0);
    let mut second = load(&fixture("lens_current_drones.csv"), 1);
    second.name = "second.csv".into();
    let mut third = load(&fixture("lens_current_drones.csv"), 2);
    third.name = "third.csv".into();
    let mut all = FailingSink::new(usize::MAX);
    lens_csv::read(&[&first], &mut all).expect("reads");
    let per_file = all.offered;

    let mut sink = FailingSink::new(per_file + 2);
    let err = lens_csv::read(&[&first, &second, &third], &mut sink).expect_err("refused");
    assert_eq!(sink.offered, per_file + 2);
    assert!(
        matches!(&err, IngestError::Sink { path, .. } if path == "second.csv"),
        "{err:?}"
    );
}
