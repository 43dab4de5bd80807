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
