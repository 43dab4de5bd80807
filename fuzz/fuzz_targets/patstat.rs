//! Fuzz target: the Patstat reader on arbitrary bytes (several tables, split at 0x1E).
#![no_main]

use libfuzzer_sys::fuzz_target;
use patq_ingest::Format;

fuzz_target!(|data: &[u8]| patq_ingest_fuzz::run(Format::Patstat, data, true));
