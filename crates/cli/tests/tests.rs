//! The integration tests of this crate, gathered into one test binary (one link instead of
//! one per file); each file is a module.

mod util;

mod test_adversarial;
mod test_crash;
mod test_determinism;
mod test_explain;
mod test_indicators;
mod test_ingest;
mod test_report;
mod test_schema;
mod test_serve;
mod test_sql;
