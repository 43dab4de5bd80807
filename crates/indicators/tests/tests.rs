//! The integration tests of this crate, gathered into one test binary (one link instead of
//! one per file); each file is a module.

mod citations_fixture;
mod figures_fixture;
mod fixture;
mod lens_figures_real;
mod patstat_real;
