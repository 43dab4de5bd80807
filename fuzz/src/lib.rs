//! Shared body of the fuzz targets: decode the bytes as a file would be, run one reader over
//! them and check what every reader promises (no panic, every rejection located and explained).

use std::path::PathBuf;

use patq_ingest::{CollectSink, Format, Input, read_all};

/// Separates the tables of a multi-file input (PATSTAT, PatentsView) inside one fuzz input:
/// ASCII record separator, which no seed contains.
pub const FILE_SEPARATOR: u8 = 0x1E;

/// Runs the reader of `format` over `data`; `multi` splits `data` at [`FILE_SEPARATOR`] into
/// several files read together (at most 12, as a real PATSTAT run has about that many tables).
pub fn run(format: Format, data: &[u8], multi: bool) {
    let pieces: Vec<&[u8]> = if multi {
        data.splitn(12, |&b| b == FILE_SEPARATOR).collect()
    } else {
        vec![data]
    };
    let inputs: Vec<(Input, Format)> = pieces
        .iter()
        .enumerate()
        .map(|(i, bytes)| {
            let path = PathBuf::from(format!("fuzz-{i}.{}", format.name()));
            (Input::from_bytes(&path, bytes.to_vec(), i as u32), format)
        })
        .collect();
    // Detection runs on every file patq is given, so it is fuzzed alongside.
    for (input, _) in &inputs {
        let _ = patq_ingest::detect(&input.text);
    }
    let mut sink = CollectSink::default();
    if read_all(&inputs, &mut sink).is_err() {
        // A whole-file refusal (no header, unknown table) is a clean outcome.
        return;
    }
    for r in &sink.rejections {
        assert!(!r.reason.is_empty(), "rejection without a reason: {r:?}");
        assert!(
            r.file.starts_with("fuzz-"),
            "rejection names no file: {r:?}"
        );
        assert!(r.excerpt.chars().count() <= 200, "excerpt too long: {r:?}");
    }
}
