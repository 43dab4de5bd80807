//! Fuzz target: the LensJson reader on arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use patq_ingest::Format;

fuzz_target!(|data: &[u8]| patq_ingest_fuzz::run(Format::LensJson, data, false));
