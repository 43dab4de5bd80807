//! Time and peak memory of reading a dataset without its citations (as `patq indicators` reads
//! it) in chunks with `for_each_chunk`, against reading it whole with `load_records_except`:
//! both count the records and their child rows. Run by hand, under
//! `/usr/bin/time -f "%e s %M KB"` for the peak:
//!
//!     cargo build --release -p patq-store --example chunk_load
//!     target/release/examples/chunk_load DIR chunks [CHUNK]   # CHUNK defaults to 65536
//!     target/release/examples/chunk_load DIR whole
use std::time::Instant;

use patq_model::PatentRecord;
use patq_store::StoreError;
use patq_store::read::{for_each_chunk, load_records_except};

fn main() {
    let usage = "usage: chunk_load DIR chunks [CHUNK] | chunk_load DIR whole";
    let mut args = std::env::args().skip(1);
    let dir = std::path::PathBuf::from(args.next().expect(usage));
    let mode = args.next().expect(usage);
    let skip = &["citations"][..];
    let t = Instant::now();
    let (mut records, mut rows, mut chunks) = (0u64, 0u64, 0u64);
    match mode.as_str() {
        "chunks" => {
            let chunk = args.next().map_or(65536, |c| c.parse().expect(usage));
            for_each_chunk::<StoreError>(&dir, skip, chunk, |part| {
                chunks += 1;
                records += part.len() as u64;
                rows += part.iter().map(PatentRecord::child_rows).sum::<usize>() as u64;
                Ok(())
            })
            .expect("read in chunks");
        }
        "whole" => {
            let (_, all) = load_records_except(&dir, skip).expect("read whole");
            chunks = 1;
            records = all.len() as u64;
            rows = all.iter().map(PatentRecord::child_rows).sum::<usize>() as u64;
            // Letting 10M records go takes seconds of its own, which the chunks spread over
            // their reading: both times are told.
            println!("whole: read in {:.2} s", t.elapsed().as_secs_f64());
        }
        _ => panic!("{usage}"),
    }
    println!(
        "{mode}: {records} records, {rows} child rows, {chunks} chunks in {:.2} s",
        t.elapsed().as_secs_f64()
    );
}
