//! A PATSTAT extract written while it is read (`DatasetBuilder::stream_to`, what `patq ingest`
//! does for PATSTAT alone) gives the same dataset, byte for byte, as one written from records
//! held until the end; checked on the real extract in `../shared/data`.

use std::path::Path;

use patq_ingest::{Input, patstat};
use patq_store::DatasetBuilder;
use patq_testkit::shared_file;

fn build(src: &Path, out: &Path, stream: bool) -> patq_store::Manifest {
    let mut b = DatasetBuilder::new();
    let name = "raw_data_2020_autumn.csv";
    let index = b.add_source(src, name, "patstat", "UTF-8", false).unwrap();
    let mut input = Input::load(src, index).unwrap();
    input.name = name.to_string();
    if stream {
        b.stream_to(out).unwrap();
    }
    patstat::read(&[&input], &mut b).unwrap();
    b.write(out).unwrap()
}

#[test]
fn a_streamed_patstat_dataset_equals_a_held_one() {
    let Some(src) = shared_file(
        "a_streamed_patstat_dataset_equals_a_held_one",
        "blockchain-patstat-denter/raw_data_2020_autumn.csv",
    ) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let (held, streamed) = (tmp.path().join("held"), tmp.path().join("streamed"));
    let a = build(&src, &held, false);
    let b = build(&src, &streamed, true);
    assert_eq!(a.totals.applications, 25_097);
    assert_eq!(a.totals, b.totals);
    let mut names: Vec<_> = std::fs::read_dir(&held)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert!(names.len() >= 10, "{names:?}");
    for name in names {
        assert_eq!(
            std::fs::read(held.join(&name)).unwrap(),
            std::fs::read(streamed.join(&name)).unwrap(),
            "{name:?}"
        );
    }
}
