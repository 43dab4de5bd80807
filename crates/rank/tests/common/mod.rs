//! Helpers shared by the integration tests: reading source files into one record per
//! application, as `load_records` would return them.

use std::collections::BTreeMap;
use std::path::PathBuf;

use patq_ingest::{CollectSink, IngestError, Input, Sink};
use patq_model::PatentRecord;

/// Records of `files` read by `reader`, merged per application key, in key order.
pub fn read_merged(
    files: &[PathBuf],
    reader: fn(&[&Input], &mut dyn Sink) -> Result<(), IngestError>,
) -> Vec<PatentRecord> {
    let inputs: Vec<Input> = files
        .iter()
        .enumerate()
        .map(|(i, p)| Input::load(p, i as u32).expect("load"))
        .collect();
    let refs: Vec<&Input> = inputs.iter().collect();
    let mut sink = CollectSink::default();
    reader(&refs, &mut sink).expect("read");
    let mut by_key: BTreeMap<patq_model::Text, PatentRecord> = BTreeMap::new();
    for r in sink.records {
        match by_key.get_mut(&r.app.key) {
            Some(e) => {
                e.merge(r);
            }
            None => {
                by_key.insert(r.app.key.clone(), r);
            }
        }
    }
    by_key.into_values().collect()
}
