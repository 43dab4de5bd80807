//! The integration tests of this crate, gathered into one test binary (one link instead of
//! one per file); each file is a module.

mod corpus;
mod patstat;
