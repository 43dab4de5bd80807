//! Regression runs for the fuzz targets (fuzz/): the local fuzz corpus, when one was grown
//! (it derives from licensed data and is never committed), and a committed sweep that cuts the
//! hand-made fixtures at many points, the commonest shape of a broken download.

use std::path::{Path, PathBuf};

use patq_ingest::Format;

// The fuzz targets' own body (decode, detect, read, check every rejection), so the replay
// checks exactly what fuzzing checked.
#[path = "../../../fuzz/src/lib.rs"]
mod fuzz_body;
use fuzz_body::run;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

const TARGETS: [(&str, Format, bool); 7] = [
    ("lens_csv", Format::LensCsv, false),
    ("google_csv", Format::GoogleCsv, false),
    ("patstat", Format::Patstat, true),
    ("patentsview", Format::PatentsView, true),
    ("lens_json", Format::LensJson, false),
    ("uspto_xml", Format::UsptoXml, false),
    ("epo_ops", Format::EpoOps, false),
];

#[test]
fn local_fuzz_corpus_replays_cleanly() {
    let mut n = 0;
    for (target, format, multi) in TARGETS {
        let dir = repo().join("fuzz/corpus").join(target);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries {
            let data = std::fs::read(e.unwrap().path()).unwrap();
            run(format, &data, multi);
            n += 1;
        }
    }
    if n == 0 {
        eprintln!("skipped: no local fuzz corpus (run fuzz/run.sh to grow one)");
    } else {
        eprintln!("replayed {n} corpus inputs");
    }
}

#[test]
fn hand_made_fixtures_cut_anywhere_read_without_panic() {
    let fixtures = [
        ("lens_current_drones.csv", Format::LensCsv),
        ("google_drones.csv", Format::GoogleCsv),
        ("patstat_tls201.csv", Format::Patstat),
        ("pv_g_patent.tsv", Format::PatentsView),
        ("epo_biblio_small.xml", Format::EpoOps),
    ];
    for (name, format) in fixtures {
        let data = std::fs::read(repo().join("tests/fixtures").join(name)).unwrap();
        // About 300 cut points per file, every byte for the first 64 (headers, BOMs).
        let step = (data.len() / 300).max(1);
        let cuts = (0..64.min(data.len())).chain((64..data.len()).step_by(step));
        for cut in cuts {
            run(format, &data[..cut], false);
        }
    }
}

/// What fuzzing with 64 KiB inputs cannot reach (fuzz/seed.py seeds the same shapes for longer
/// runs): 200,000 levels of nesting, closed and left open, and a field past the 16 MiB limit,
/// through the fuzz body (decode, detect, read, check every rejection). Each reader's own tests
/// check where and why such a record is rejected.
#[test]
fn deep_and_long_inputs_read_without_crash() {
    let n = 200_000;
    let long = "a".repeat(patq_ingest::limits::MAX_FIELD_BYTES + 1);
    let open = |tag: &str| format!("<{tag}>").repeat(n);
    let close = |tag: &str| format!("</{tag}>").repeat(n);
    let grant = |inner: &str| {
        format!(
            "<?xml version=\"1.0\"?>\n<us-patent-grant><us-bibliographic-data-grant>\
             <invention-title>{inner}</invention-title></us-bibliographic-data-grant></us-patent-grant>\n"
        )
    };
    let ops = |inner: &str| {
        format!(
            "<?xml version=\"1.0\"?><ops:world-patent-data xmlns:ops=\"http://ops.epo.org\">\
             <exchange-documents><exchange-document><bibliographic-data>{inner}\
             </bibliographic-data></exchange-document></exchange-documents></ops:world-patent-data>"
        )
    };
    let cases = [
        (
            Format::UsptoXml,
            grant(&format!("{}x{}", open("b"), close("b"))),
        ),
        (Format::UsptoXml, grant(&open("b"))),
        (Format::UsptoXml, grant(&long)),
        (
            Format::EpoOps,
            ops(&format!("{}x{}", open("p"), close("p"))),
        ),
        (Format::EpoOps, ops(&open("p"))),
        (Format::EpoOps, ops(&long)),
        (
            Format::LensJson,
            format!("{{\"lens_id\":\"1\",\"x\":{}}}", "[".repeat(n)),
        ),
        (
            Format::LensJson,
            format!("[{}0{}]", "[".repeat(n), "]".repeat(n)),
        ),
        (
            Format::LensJson,
            format!("{{\"lens_id\":\"1\",\"x\":\"{long}\"}}"),
        ),
    ];
    for (format, text) in cases {
        run(format, text.as_bytes(), false);
    }
}
