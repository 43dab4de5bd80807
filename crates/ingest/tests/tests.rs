//! The integration tests of this crate, gathered into one test binary (one link instead of
//! one per file); each file is a module.

mod epo_ops;
mod fuzz_corpus;
mod google_csv;
mod lens_csv;
mod lens_json;
mod patentsview;
mod patstat;
mod patstat_compact;
mod sink_error;
mod uspto_xml;
