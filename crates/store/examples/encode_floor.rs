//! How long the Parquet writer alone takes to encode a dataset: every table of DIR is read
//! into memory as Arrow batches, then written again with the writer settings `patq ingest`
//! uses, one table after another on one thread (the CPU time encoding costs `patq ingest`,
//! whose writers run one thread per table beside the reader). Run by hand:
//!
//!     cargo run --release -p patq-store --example encode_floor -- DIR
use std::time::Instant;

use patq_store::build::writer_props;
use patq_store::read::read_table;
use patq_store::tables::ALL_TABLES;

fn main() {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).expect("usage: encode_floor DIR"));
    let out = std::env::temp_dir().join(format!("patq-encode-floor-{}", std::process::id()));
    std::fs::create_dir_all(&out).expect("temp dir");
    let mut total = 0.0;
    for def in ALL_TABLES {
        let batches = read_table(&dir, def).expect("read");
        let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
        let path = out.join(def.file_name());
        let t = Instant::now();
        let file = std::fs::File::create(&path).expect("create");
        let mut w =
            parquet::arrow::ArrowWriter::try_new(file, def.schema(), Some(writer_props(def)))
                .expect("writer");
        for b in &batches {
            w.write(b).expect("write");
        }
        w.close().expect("close");
        let s = t.elapsed().as_secs_f64();
        total += s;
        let mb = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0) as f64 / 1e6;
        println!("{:<16} {rows:>11} rows {mb:>9.1} MB {s:>7.2} s", def.name);
        drop(batches);
        std::fs::remove_file(&path).ok();
    }
    println!("all tables       {total:>7.2} s of one thread encoding");
    std::fs::remove_dir_all(&out).ok();
}
