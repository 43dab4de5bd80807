//! Writes a synthetic corpus: `cargo run --release -p patq-synth --example synth_write -- OUT_DIR
//! [APPLICATIONS] [SEED] [lens|pv|patstat]`.

use std::path::PathBuf;

use patq_synth::{SynthConfig, generate_lens_csv, generate_patentsview, generate_patstat};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = PathBuf::from(args.first().map(String::as_str).unwrap_or("synthetic-out"));
    let cfg = SynthConfig {
        applications: args.get(1).and_then(|a| a.parse().ok()).unwrap_or(55_000),
        seed: args.get(2).and_then(|a| a.parse().ok()).unwrap_or(42),
    };
    let start = std::time::Instant::now();
    let summary = match args.get(3).map(String::as_str) {
        Some("pv") => generate_patentsview(&cfg, &out, &mut |_| {}),
        Some("patstat") => generate_patstat(&cfg, &out, &mut |_| {}),
        _ => generate_lens_csv(&cfg, &out, &mut |_| {}),
    };
    match summary {
        Ok(s) => println!("{s:?} in {:.1}s", start.elapsed().as_secs_f64()),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
