//! How fast the csv crate alone splits files into records and fields on this machine: every
//! file given is memory-mapped and tokenized (no field converted), on one thread and then on
//! two (each file cut at a line end near its middle; the floor assumes no quoted newline).
//! The lower bound under any reader built on the csv crate. Run by hand:
//!
//!     cargo run --release -p patq-ingest --example tokenize_floor -- FILE...
use std::time::Instant;

fn tokenize(bytes: &[u8]) -> (u64, u64) {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut rec = csv::ByteRecord::new();
    let (mut records, mut fields) = (0u64, 0u64);
    while rdr.read_byte_record(&mut rec).expect("csv") {
        records += 1;
        fields += rec.len() as u64;
    }
    (records, fields)
}

fn halves(b: &[u8]) -> (&[u8], &[u8]) {
    let mid = b.len() / 2;
    let cut = memchr::memchr(b'\n', &b[mid..]).map_or(b.len(), |i| mid + i + 1);
    b.split_at(cut)
}

fn main() {
    let maps: Vec<memmap2::Mmap> = std::env::args()
        .skip(1)
        .map(|f| {
            let file = std::fs::File::open(&f).expect("open");
            // SAFETY: the files are inputs nobody writes while this runs.
            unsafe { memmap2::Mmap::map(&file) }.expect("map")
        })
        .collect();
    let mb = maps.iter().map(|m| m.len()).sum::<usize>() as f64 / 1e6;
    // The first pass faults the pages in; the timed ones read memory.
    let lines: usize = maps
        .iter()
        .map(|m| memchr::memchr_iter(b'\n', m).count())
        .sum();
    println!("{mb:.0} MB, {lines} lines");
    let t = Instant::now();
    let (r1, f1) = maps
        .iter()
        .map(|m| tokenize(m))
        .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    let s = t.elapsed().as_secs_f64();
    println!(
        "1 thread:  {s:.2} s, {:.0} MB/s ({r1} records, {f1} fields)",
        mb / s
    );
    let t = Instant::now();
    let (r2, f2) = std::thread::scope(|sc| {
        let mut sum = (0, 0);
        for m in &maps {
            let (a, b) = halves(m);
            let h = sc.spawn(move || tokenize(a));
            let (x, y) = tokenize(b);
            let (p, q) = h.join().expect("thread");
            sum = (sum.0 + x + p, sum.1 + y + q);
        }
        sum
    });
    let s = t.elapsed().as_secs_f64();
    println!(
        "2 threads: {s:.2} s, {:.0} MB/s ({r2} records, {f2} fields)",
        mb / s
    );
}
