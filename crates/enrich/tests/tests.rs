//! The integration tests of this crate, gathered into one test binary (one link instead of
//! one per file); each file is a module.

mod citations_prop;
mod citations_real;
mod families_fixture;
mod families_prop;
mod families_real;
mod topic_real;
