//! The integration tests of this crate, gathered into one test binary (one link instead of
//! one per file); each file is a module.

mod chunks;
mod roundtrip;
mod streamed_citations;
mod streamed_patstat;
