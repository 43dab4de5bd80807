//! `patq ingest` end to end: real files from ../shared/data, malformed input, exit codes,
//! quarantine, determinism and atomic replacement.

use crate::util;

use patq_testkit::{shared_data, shared_file};
use util::{TestCommand, dir_bytes, manifest};

#[test]
fn patstat_blockchain_set() {
    let Some(src) = shared_file(
        "patstat_blockchain_set",
        "blockchain-patstat-denter/raw_data_2020_autumn.csv",
    ) else {
        return;
    };
    let t = TestCommand::new();
    let run = t
        .run(&["ingest", src.to_str().unwrap(), "--out", "ds"])
        .expect_code(0);
    assert!(
        run.stdout()
            .contains("records in 25097 = out 25097 + rejected 0 + skipped 0"),
        "{}",
        run.stdout()
    );
    let m = manifest(&t.path("ds"));
    assert_eq!(m["tables"]["applications"], 25097);
    assert_eq!(m["totals"]["applications"], 25097);
    assert_eq!(m["sources"][0]["format"], "patstat");
    assert_eq!(m["sources"][0]["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(m["synthetic"], false);
    // Office counts from SOURCE.md, checked again through `patq info`.
    let info = t.run(&["info", "ds"]).expect_code(0).stdout();
    assert!(
        info.contains("US       7642 (0 granted; 7642 unknown)"),
        "{info}"
    );
    assert!(info.contains("CN       6565"), "{info}");
    assert!(info.contains("WO       4166"), "{info}");
    assert!(
        info.contains("2018: 7817") && info.contains("2019: 7952") && info.contains("2020: 919"),
        "{info}"
    );
}

#[test]
fn lens_drones_grants_match_type_column() {
    let Some(src) = shared_file(
        "lens_drones",
        "lens-csv-oldham/drones_fulltext_families_5884_raw.csv",
    ) else {
        return;
    };
    let t = TestCommand::new();
    let run = t
        .run(&["ingest", src.to_str().unwrap(), "--out", "ds"])
        .expect_code(0);
    assert!(
        run.stdout()
            .contains("records in 5884 = out 5884 + rejected 0 + skipped 0"),
        "{}",
        run.stdout()
    );
    // Four AU applications appear as an application row and a grant row (checked by hand).
    let m = manifest(&t.path("ds"));
    assert_eq!(m["totals"]["applications"], 5880);
    assert_eq!(m["totals"]["merged"], 4);
}

#[test]
fn uspto_folder_skips_sequence_listings_and_merges_overlap() {
    let Some(data) = shared_data("uspto_folder") else {
        return;
    };
    let t = TestCommand::new();
    let run = t
        .run(&[
            "ingest",
            data.join("uspto-xml").to_str().unwrap(),
            "--out",
            "ds",
        ])
        .expect_code(0);
    let out = run.stdout();
    // 316 grants + 4 applications = 320 documents read, 2 sequence listings skipped (ipg130416).
    assert!(
        out.contains("records in 322 = out 320 + rejected 0 + skipped 2"),
        "{out}"
    );
    // SOURCE.md's README notes SOURCE.md is not data: it is left out, not an error.
    assert!(
        run.stderr()
            .contains("SOURCE.md: not a recognised format, left out"),
        "{}",
        run.stderr()
    );
    let m = manifest(&t.path("ds"));
    let skipped = &m["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["path"].as_str().unwrap().ends_with("ipg130416.small.xml"))
        .unwrap()["skipped"];
    assert_eq!(skipped["us-sequence-listing"], 2);
}

#[test]
fn whole_shared_folder_in_one_run() {
    let Some(data) = shared_data("whole_shared_folder") else {
        return;
    };
    let t = TestCommand::new();
    let run = t
        .run(&["ingest", data.to_str().unwrap(), "--out", "ds", "--quiet"])
        .expect_code(0);
    let m = manifest(&t.path("ds"));
    let formats: std::collections::BTreeSet<String> = m["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["format"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        formats.into_iter().collect::<Vec<_>>(),
        ["epo-ops", "lens-csv", "lens-json", "patstat", "uspto-xml"],
        "{}",
        run.stdout()
    );
    let tot = &m["totals"];
    assert_eq!(
        tot["records_in"].as_u64().unwrap(),
        tot["records_out"].as_u64().unwrap()
            + tot["rejected"].as_u64().unwrap()
            + tot["skipped"].as_u64().unwrap()
    );
}

#[test]
fn bad_rows_are_quarantined_with_location_and_field() {
    let t = TestCommand::new();
    t.write(
        "bad.csv",
        "Jurisdiction,Kind,Publication Number,Lens ID,Publication Date,Application Number,Application Date,Type\n\
         US,B2,US 9876543 B2,000-000-000-000-001,2018-01-09,US 15/123456 A,2016-03-01,Granted Patent\n\
         US,A1,US 2017/0123456 A1,000-000-000-000-002,2017-13-45,US 15/654321 A,2016-03-02,Patent Application\n",
    );
    let run = t.run(&["ingest", "bad.csv", "--out", "ds"]).expect_code(0);
    // A bad date loses only itself: the record is kept, the value named in quarantine.
    assert!(
        run.stdout()
            .contains("records in 2 = out 2 + rejected 0 + skipped 0"),
        "{}",
        run.stdout()
    );
    assert!(run.stderr().contains("bad.csv: line 3"), "{}", run.stderr());
    let q = std::fs::read_to_string(t.path("ds/quarantine.jsonl")).unwrap();
    let rej: serde_json::Value = serde_json::from_str(q.lines().next().unwrap()).unwrap();
    assert_eq!(rej["file"], "bad.csv");
    assert_eq!(rej["location"]["at"], 3);
    assert_eq!(rej["field"], "Publication Date");
    assert_eq!(rej["action"], "rejected");
    assert_eq!(rej["value"], "2017-13-45");

    // A row without an application number is rejected whole.
    t.write(
        "bad.csv",
        "Jurisdiction,Kind,Publication Number,Lens ID,Publication Date,Application Number,Application Date,Type\n\
         US,B2,US 9876543 B2,000-000-000-000-001,2018-01-09,US 15/123456 A,2016-03-01,Granted Patent\n\
         US,A1,US 2017/0123456 A1,000-000-000-000-002,2017-03-15,,2016-03-02,Patent Application\n",
    );
    // --strict: any rejection fails (exit 1) and leaves no dataset.
    t.run(&["ingest", "bad.csv", "--out", "strict", "--strict"])
        .expect_code(1);
    assert!(!t.path("strict").exists());
}

#[test]
fn nothing_usable_is_an_error() {
    let t = TestCommand::new();
    t.write("junk.txt", "this is not a patent export\n");
    let run = t.run(&["ingest", "junk.txt", "--out", "ds"]).expect_code(2);
    assert!(
        run.stderr().contains("junk.txt: format not recognised"),
        "{}",
        run.stderr()
    );
    t.write(
        "empty.csv",
        "Jurisdiction,Kind,Publication Number,Lens ID,Application Number\nUS,B2,US 1 B2,x,\n",
    );
    let run = t
        .run(&["ingest", "empty.csv", "--out", "ds"])
        .expect_code(2);
    assert!(run.stderr().contains("nothing usable"), "{}", run.stderr());
    assert!(!t.path("ds").exists());
}

#[test]
fn same_input_same_bytes_and_atomic_replace() {
    let Some(src) = shared_file("determinism", "lens-api-jsonl/lens_api_biopoly_valid.jsonl")
    else {
        return;
    };
    let t = TestCommand::new();
    let s = src.to_str().unwrap();
    t.run(&["ingest", s, "--out", "a"]).expect_code(0);
    t.run(&["ingest", s, "--out", "b"]).expect_code(0);
    assert_eq!(dir_bytes(&t.path("a")), dir_bytes(&t.path("b")));
    // Re-ingesting over an existing dataset replaces it whole and leaves no temporary files.
    t.run(&["ingest", s, "--out", "a"]).expect_code(0);
    assert_eq!(dir_bytes(&t.path("a")), dir_bytes(&t.path("b")));
    let names: Vec<String> = std::fs::read_dir(t.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");
}

#[test]
fn latin1_and_cr_only_input() {
    let t = TestCommand::new();
    let mut bytes = b"Jurisdiction,Kind,Publication Number,Lens ID,Publication Date,Application Number,Application Date,Applicants,Type\r".to_vec();
    bytes.extend_from_slice(b"FR,A1,FR 3012345 A1,000-000-000-000-009,2015-04-24,FR 1358123 A,2013-08-21,SOCI\xc9T\xc9 G\xc9N\xc9RALE,Patent Application\r");
    t.write("latin1.csv", bytes);
    let run = t
        .run(&["ingest", "latin1.csv", "--out", "ds"])
        .expect_code(0);
    assert!(
        run.stdout().contains("records in 1 = out 1"),
        "{}",
        run.stdout()
    );
    assert!(
        run.stderr().contains("decoded from windows-1252"),
        "{}",
        run.stderr()
    );
    let (_, records) = patq_store::read::load_records(&t.path("ds")).unwrap();
    assert_eq!(records[0].parties[0].name, "SOCIÉTÉ GÉNÉRALE");
}

/// A PATSTAT table is named from its first 64 KiB and decoded whole only by its pass: a
/// Latin-1 byte far past the head still decides the file's encoding, in the manifest and in
/// the note, and the name comes out right.
#[test]
fn patstat_encoding_is_that_of_the_whole_file() {
    let t = TestCommand::new();
    let n = 4000;
    let mut t201 = String::from("appln_id,appln_auth,appln_nr,appln_kind,appln_filing_date\n");
    let mut t207 = String::from("person_id,appln_id,applt_seq_nr,invt_seq_nr\n");
    let mut t206 = b"person_id,person_name,person_ctry_code\n".to_vec();
    for i in 1..=n {
        t201 += &format!("{i},FR,{},A,2015-04-{:02}\n", 1_358_000 + i, 1 + i % 28);
        t207 += &format!("{i},{i},1,0\n");
        if i < n {
            t206.extend_from_slice(format!("{i},Company number {i},FR\n").as_bytes());
        }
    }
    assert!(t206.len() > 100 * 1024);
    // The last person's name in Latin-1 bytes, far past the first 64 KiB.
    t206.extend_from_slice(format!("{n},SOCI").as_bytes());
    t206.extend_from_slice(b"\xc9T\xc9 G\xc9N\xc9RALE,FR\n");
    t.write("tls201_appln.csv", t201);
    t.write("tls206_person.csv", &t206);
    t.write("tls207_pers_appln.csv", t207);
    let run = t
        .run(&[
            "ingest",
            "tls201_appln.csv",
            "tls206_person.csv",
            "tls207_pers_appln.csv",
            "--out",
            "ds",
        ])
        .expect_code(0);
    assert!(
        run.stderr()
            .contains("note: tls206_person.csv: decoded from windows-1252"),
        "{}",
        run.stderr()
    );
    let m = manifest(&t.path("ds"));
    let sources = m["sources"].as_array().unwrap();
    let enc = |name: &str| {
        sources.iter().find(|s| s["path"] == name).unwrap()["encoding"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(enc("tls206_person.csv"), "windows-1252");
    assert_eq!(enc("tls201_appln.csv"), "UTF-8");
    let (_, records) = patq_store::read::load_records(&t.path("ds")).unwrap();
    assert_eq!(records.len(), n);
    let names: Vec<&str> = records.iter().map(|r| r.parties[0].name.as_str()).collect();
    assert!(names.contains(&"SOCIÉTÉ GÉNÉRALE"), "{:?}", &names[..3]);
}

/// Runs `patq ARGS` in `t`'s directory, killed after `secs` seconds so a hang fails the test
/// instead of stalling it.
fn run_within(t: &TestCommand, args: &[&str], secs: u64) -> std::process::Output {
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_patq"))
        .args(args)
        .current_dir(t.path(""))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("patq runs");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            let out = child.wait_with_output().unwrap();
            panic!(
                "patq {args:?} still running after {secs} s\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

const LENS_CSV: &str = "Jurisdiction,Kind,Display Key,Lens ID,Publication Date,Application Number,Application Date,Title\n\
EP,A1,EP 3000001 A1,000-000-000-001,2019-05-01,EP 17000001 A,2017-01-02,Synthetic widget\n\
EP,A1,EP 3000002 A1,000-000-000-002,2019-05-01,EP 17000002 A,2017-01-02,Synthetic gadget\n";

#[test]
fn special_files_in_a_folder_are_listed_and_left_out() {
    use std::os::unix::fs::symlink;
    let t = TestCommand::new();
    t.write("in/a.csv", LENS_CSV);
    let d = t.path("in");
    let fifo = std::process::Command::new("mkfifo")
        .arg(d.join("pipe"))
        .status()
        .expect("mkfifo runs");
    assert!(fifo.success());
    symlink("/dev/zero", d.join("zero")).unwrap();
    symlink(d.join("loop2"), d.join("loop1")).unwrap();
    symlink(d.join("loop1"), d.join("loop2")).unwrap();
    symlink(d.join("gone.csv"), d.join("broken")).unwrap();
    std::fs::create_dir(d.join("sub")).unwrap();
    symlink(&d, d.join("sub/up")).unwrap();
    let out = run_within(&t, &["ingest", "in", "--out", "ds", "-q"], 120);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("records in 2 = out 2 + rejected 0 + skipped 0"),
        "{stdout}"
    );
    for line in [
        "patq: note: in/broken: broken symlink",
        "patq: note: in/loop1: symlink loop, left out",
        "patq: note: in/loop2: symlink loop, left out",
        "patq: note: in/pipe: named pipe (FIFO): not a regular file, left out",
        "patq: note: in/sub/up: symlink to a folder already read",
        "patq: note: in/zero: symlink to a character device: not a regular file, left out",
        "patq: note: 6 folder entries left out (not regular files)",
    ] {
        assert!(stderr.contains(line), "{line:?} not in\n{stderr}");
    }
    assert_eq!(manifest(&t.path("ds"))["tables"]["applications"], 2);

    // Named explicitly, a pipe or a device is refused, not read.
    for src in ["in/pipe", "/dev/zero"] {
        let out = run_within(&t, &["ingest", src, "--out", "ds2"], 60);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("not a regular file"), "{stderr}");
    }
}

#[test]
fn duplicate_header_column_is_an_error_naming_both() {
    let t = TestCommand::new();
    t.write(
        "dup.csv",
        LENS_CSV
            .replacen(",Title\n", ",Title,title\n", 1)
            .replace("widget\n", "widget,other\n")
            .replace("gadget\n", "gadget,x\n"),
    );
    let run = t.run(&["ingest", "dup.csv", "--out", "ds"]).expect_code(2);
    assert!(
        run.stderr()
            .contains("dup.csv: the header names column \"Title\" twice (columns 8 and 9)"),
        "{}",
        run.stderr()
    );
}

/// A Google Patents export re-saved by pandas (no search-URL line, snake_case headers,
/// day-first dates) is detected and read with its dates; every column is in the manifest,
/// mapped or ignored, with values read per mapped column; an unreadable date is a rejected
/// value in quarantine.jsonl and the run summary, its record kept.
#[test]
fn google_pandas_resave_keeps_its_dates_and_reports_its_columns() {
    let t = TestCommand::new();
    t.write(
        "cn.csv",
        "id,title,assignee,inventor,priority_date,filing_date,publication_date,grant_date,result_link,representative_figure_link\n\
         CN-108000001-A,无人机,深圳市飞农科技有限公司,李娜,21/03/2017,21/04/2018,21/10/2019,,https://patents.google.com/patent/CN108000001A/en,\n\
         CN-108000002-A,无人机,深圳市飞农科技有限公司,李娜,22/03/2017,31/02/2018,22/10/2019,,https://patents.google.com/patent/CN108000002A/en,\n",
    );
    let run = t.run(&["ingest", "cn.csv", "--out", "ds"]).expect_code(0);
    let out = run.stdout();
    assert!(out.contains("records in 2 = out 2 + rejected 0"), "{out}");
    assert!(
        out.contains(
            "ignored columns (2, read by no field): result_link, representative_figure_link"
        ),
        "{out}"
    );
    let m = manifest(&t.path("ds"));
    let s = &m["sources"][0];
    assert_eq!(s["format"], "google-csv");
    assert_eq!(s["columns"].as_array().unwrap().len(), 10);
    assert_eq!(s["columns"][4]["column"], "priority_date");
    assert_eq!(s["columns"][8]["field"], "ignored");
    let f = &s["fields"]["filing_date"];
    assert_eq!(
        (&f["read"], &f["kept"], &f["rejected"]),
        (&2.into(), &1.into(), &1.into())
    );
    assert_eq!(s["fields"]["priority_date"]["kept"], 2);
    let q = std::fs::read_to_string(t.path("ds/quarantine.jsonl")).unwrap();
    let note: serde_json::Value = serde_json::from_str(q.lines().next().unwrap()).unwrap();
    assert_eq!(
        (&note["field"], &note["value"], &note["action"]),
        (
            &"filing_date".into(),
            &"31/02/2018".into(),
            &"rejected".into()
        )
    );
    assert_eq!(note["location"]["at"], 3);
    let (_, records) = patq_store::read::load_records(&t.path("ds")).unwrap();
    let first = records
        .iter()
        .find(|r| r.app.number == "108000001")
        .unwrap();
    assert_eq!(first.app.filing_date.unwrap().to_string(), "2018-04-21");
    assert_eq!(
        first.app.earliest_priority_date.unwrap().to_string(),
        "2017-03-21"
    );
}
