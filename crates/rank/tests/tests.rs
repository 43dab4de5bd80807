//! The integration tests of this crate, gathered into one test binary (one link instead of
//! one per file); each file is a module.

mod common;

mod fixture;
mod lens_real;
mod oecd;
mod oecd_real;
mod properties;
mod synthetic;
