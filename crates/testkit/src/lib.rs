//! Test helpers: find the real data in `../shared/data` (skipping visibly when absent, failing
//! under CI) and run the `patq` binary in a temporary directory.
//!
//! ```
//! // A test on real data runs where ../shared/data exists and prints a skip notice elsewhere;
//! // under CI (the `CI` variable set) a missing folder fails the test instead.
//! let Some(data) = patq_testkit::shared_data("doc_example") else {
//!     return;
//! };
//! assert!(data.join("README.md").is_file());
//! ```

use std::path::{Path, PathBuf};

/// The workspace root (where the top-level Cargo.toml lives).
pub fn workspace_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .nth(2)
        .expect("testkit lives at crates/testkit")
        .to_path_buf()
}

/// `../shared/data` beside the repository, or `$PATQ_SHARED/data`.
///
/// Returns `None` (after printing a visible skip notice) when the folder is missing, so a user
/// who cloned the repository alone can run the tests; panics when `CI` is set, so CI can never
/// silently skip the tests on real data.
pub fn shared_data(test: &str) -> Option<PathBuf> {
    let base = match std::env::var_os("PATQ_SHARED") {
        Some(p) => PathBuf::from(p),
        None => workspace_root().join("..").join("shared"),
    };
    let data = base.join("data");
    if data.is_dir() {
        return Some(data);
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "{test}: CI is set but {} is missing; the real-data tests must run in CI",
            data.display()
        );
    }
    eprintln!(
        "SKIPPED {test}: {} not found (real-data test; set PATQ_SHARED or place ../shared beside the repository)",
        data.display()
    );
    None
}

/// Path of a file under `../shared/data`, or `None` with a skip notice (see [`shared_data`]).
pub fn shared_file(test: &str, rel: &str) -> Option<PathBuf> {
    let p = shared_data(test)?.join(rel);
    assert!(
        p.exists(),
        "{test}: expected real-data file {} is missing",
        p.display()
    );
    Some(p)
}

/// Adds the first applicant `name` of `country` to a hand-built record.
pub fn add_applicant(r: &mut patq_model::PatentRecord, name: &str, country: &str) {
    r.parties.push(patq_model::Party {
        role: patq_model::PartyRole::Applicant,
        seq: 0,
        name: name.into(),
        country: Some(country.into()),
    });
}

/// Adds a priority claim written as office + number (`"CN1"`) to a hand-built record.
pub fn claim_priority(r: &mut patq_model::PatentRecord, priority: &str) {
    let (office, number) = priority.split_at(2);
    r.priorities.push(patq_model::Priority {
        office: office.into(),
        number: number.into(),
        kind: None,
        date: None,
        key: patq_model::app_key(office, number),
    });
}

/// Asserts a computed rate equals the hand-computed one (to 1e-9).
pub fn assert_rate(got: Option<f64>, want: f64) {
    let got = got.expect("a rate");
    assert!((got - want).abs() < 1e-9, "{got} != {want}");
}

/// What in `html` could load something from outside the page (scripts and styles from a URL,
/// links to http, CSS imports, CDN paths): the patterns found, empty for a self-contained page.
pub fn external_refs(html: &str) -> Vec<&'static str> {
    [
        "src=",
        "href=\"http",
        "href='http",
        "url(",
        "@import",
        "<link",
        "//cdn",
    ]
    .into_iter()
    .filter(|p| html.contains(p))
    .collect()
}
