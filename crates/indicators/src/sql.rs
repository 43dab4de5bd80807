//! The indicators as SQL over the dataset's Parquet layout (docs/SCHEMA.md), for Spark SQL and
//! DuckDB: the same definitions as the Rust modules, built from the same band constants, so
//! an engine that outgrows one machine computes the numbers `patq indicators` prints.
//!
//! The queries read the source tables plus `app_facts` (patq's harmonised group, company
//! country, extended family and forward citations per application; see docs/DISTRIBUTED.md),
//! so no engine re-implements name harmonisation. Everything else (grant evidence, the
//! international rule, family representatives and sizes, bands, the quality index) is SQL.

use crate::corpus::{Filters, UNKNOWN_COUNTRY};
use crate::registry::FIGURES;
use crate::{citation_bands, company_size_bands, family_size_bands};

/// The SQL engine a script is written for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// Spark SQL: tables registered as `USING parquet` temporary views.
    Spark,
    /// DuckDB: tables registered as temporary views over `read_parquet`.
    Duckdb,
}

impl Dialect {
    /// The dialect's name as the script header states it: `spark` or `duckdb`.
    pub fn as_str(self) -> &'static str {
        match self {
            Dialect::Spark => "spark",
            Dialect::Duckdb => "duckdb",
        }
    }
}

/// How quality-index points are computed from raw values (the SQL-expressible subset of
/// patq-rank's normalisations; percentile is not offered).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Norm {
    /// Points = ln(1 + value) / ln(1 + largest value) x 100; 0 when the largest is 0.
    LogMax,
    /// Points = value / largest value x 100; 0 when the largest is 0.
    MaxRatio,
    /// Points = (value - smallest) / (largest - smallest) x 100; 0 when all values are equal.
    MinMax,
}

/// The quality index (T2) in the count variant: dimensions by name (`granted`, `cited`,
/// `core`, `families`, `international`) with weights, in patq-rank's dimension order.
#[derive(Clone, Debug, PartialEq)]
pub struct RankSpec {
    /// A group is ranked when it has more than this many selected applications (with `from_data`,
    /// the threshold may be lower).
    pub min_applications: u64,
    /// Whether a small landscape's threshold comes from the data, as patq-rank's default
    /// (`Threshold::FromData`): below [`ENOUGH`] groups above `min_applications`, the
    /// largest threshold admitting that many, never below [`FLOOR`] applications.
    pub from_data: bool,
    /// How a dimension's raw counts among the ranked groups become points 0-100.
    pub norm: Norm,
    /// (dimension, weight) pairs; the score is the weighted mean of the points over the dimensions
    /// the data can give.
    pub weights: Vec<(&'static str, f64)>,
}

/// Everything a script depends on.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    /// Dataset location as the engine sees it: a directory or an object-store prefix
    /// (`s3a://bucket/patq/ds`), without trailing slash.
    pub dataset: String,
    /// The selection the `sel` view applies: filing years, company country, filing office.
    pub filters: Filters,
    /// F7's office; None: the office with most applications of the selection (ties: the
    /// smallest code), as `patq indicators` chooses it.
    pub grant_office: Option<String>,
    /// Holders of families > 10 members listed by F10.
    pub top_holders: usize,
    /// The parameters of the quality index (T2) query.
    pub rank: RankSpec,
}

/// One query of the script: an id (the `patq indicators` file it reproduces) and its SQL.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Query {
    /// File stem of the `patq indicators` table the query reproduces, e.g. `F2_grants_by_country`.
    pub id: &'static str,
    /// One line on what the query returns, from the registry's [`crate::registry::Sql::about`].
    pub about: &'static str,
    /// The query, without a trailing `;`; it reads the views [`setup`] creates.
    pub sql: String,
}

/// A value used inside a string literal: codes only, so no quoting rules of either dialect
/// come into play.
#[derive(Debug, thiserror::Error)]
#[error("{what} {value:?}: only letters, digits, '_' and '-' are allowed in SQL parameters")]
pub struct BadParam {
    /// Which parameter was rejected: `country`, `office` or `grant office`.
    pub what: &'static str,
    /// The rejected value as given.
    pub value: String,
}

fn code(what: &'static str, value: &str) -> Result<String, BadParam> {
    if !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        Ok(format!("'{value}'"))
    } else {
        Err(BadParam {
            what,
            value: value.to_string(),
        })
    }
}

/// The tables a script reads: `applications` and the per-application facts `app_facts`
/// (written by `patq sql --dataset DIR` from the dataset).
pub const TABLES: [&str; 2] = ["applications", "app_facts"];

/// Statements that register the tables and the shared views (`meta`, `sel`, `app`,
/// `fam_size`, `grp_country`); run them before any query.
pub fn setup(d: Dialect, p: &Params) -> Result<Vec<String>, BadParam> {
    let mut out: Vec<String> = TABLES
        .iter()
        .map(|t| {
            let path = format!("{}/{t}.parquet", p.dataset);
            match d {
                Dialect::Spark => format!(
                    "CREATE OR REPLACE TEMPORARY VIEW {t} USING parquet OPTIONS (path '{path}')"
                ),
                Dialect::Duckdb => format!(
                    "CREATE OR REPLACE TEMPORARY VIEW {t} AS SELECT * FROM read_parquet('{path}')"
                ),
            }
        })
        .collect();
    let u = UNKNOWN_COUNTRY;
    let f = &p.filters;
    let mut conds = Vec::new();
    if let Some(y) = f.from_year {
        conds.push(format!("a.filing_year >= {y}"));
    }
    if let Some(y) = f.to_year {
        conds.push(format!("a.filing_year <= {y}"));
    }
    if let Some(c) = &f.country {
        conds.push(format!(
            "COALESCE(f.country, '{u}') = {}",
            code("country", c)?
        ));
    }
    if let Some(o) = &f.office {
        conds.push(format!("a.office = {}", code("office", o)?));
    }
    let filter = if conds.is_empty() {
        String::new()
    } else {
        format!("\nWHERE {}", conds.join(" AND "))
    };
    // Availability flags over the whole dataset, as Corpus::build decides them: grant status
    // exists when any application has a derived grant flag (a source flag or publications).
    out.push(
        "CREATE OR REPLACE TEMPORARY VIEW meta AS
SELECT
  COALESCE(MAX(CASE WHEN a.granted IS NOT NULL THEN 1 ELSE 0 END), 0) = 1 AS has_grants,
  COALESCE(MAX(CASE WHEN f.applicant_group IS NOT NULL THEN 1 ELSE 0 END), 0) = 1 AS has_applicants,
  COALESCE(MIN(f.citation_method), 'not available') <> 'not available' AS has_cited,
  COALESCE(MIN(f.citation_method), 'not available') = 'citation lists' AS has_lists
FROM applications a JOIN app_facts f ON a.key = f.key"
            .to_string(),
    );
    // The selection, with the per-application facts every indicator reads. International:
    // WO always, else an office other than the known company country.
    out.push(format!(
        "CREATE OR REPLACE TEMPORARY VIEW sel AS
SELECT a.key, a.office, a.filing_year AS year, a.filing_date, f.family,
  f.applicant_group AS grp,
  COALESCE(f.country, '{u}') AS country,
  f.country IS NOT NULL AS has_country,
  COALESCE(a.granted, FALSE) AS granted,
  CASE WHEN a.office = 'WO' OR (f.country IS NOT NULL AND f.country <> a.office) THEN 1 ELSE 0 END AS intl,
  f.cited_by, f.cited_by_family, f.cited_by_excl_self, f.cohort_index, f.core
FROM applications a JOIN app_facts f ON a.key = f.key{filter}"
    ));
    // A family's representative: its earliest-filed selected member (no date last, ties by key).
    out.push(
        "CREATE OR REPLACE TEMPORARY VIEW app AS
SELECT sel.*,
  ROW_NUMBER() OVER (PARTITION BY family
    ORDER BY CASE WHEN filing_date IS NULL THEN 1 ELSE 0 END, filing_date, key) = 1 AS is_rep
FROM sel"
            .to_string(),
    );
    // Sizes over the whole dataset: a filter never truncates a family. The size is the one
    // the figures count (a size the source states wins over the members in the data), the
    // same for every member of the family.
    out.push(
        "CREATE OR REPLACE TEMPORARY VIEW fam_size AS
SELECT family, MAX(family_size) AS size FROM app_facts GROUP BY family"
            .to_string(),
    );
    // A company's country: the one most of its selected applications give it, ties by code.
    out.push(
        "CREATE OR REPLACE TEMPORARY VIEW grp_country AS
SELECT grp, apps, country FROM (
  SELECT grp, country, SUM(n) OVER (PARTITION BY grp) AS apps,
    ROW_NUMBER() OVER (PARTITION BY grp ORDER BY n DESC, country) AS rk
  FROM (SELECT grp, country, COUNT(*) AS n FROM app WHERE grp IS NOT NULL GROUP BY grp, country) gc
) g WHERE rk = 1"
            .to_string(),
    );
    Ok(out)
}

/// `SUM(CASE WHEN <expr> in band THEN 1 ELSE 0 END) AS <prefix>_<i>` for every band.
fn band_sums(expr: &str, bands: &[(u64, Option<u64>)], prefix: &str) -> String {
    bands
        .iter()
        .enumerate()
        .map(|(i, &(lo, hi))| {
            let cond = match hi {
                Some(h) => format!("{expr} BETWEEN {lo} AND {h}"),
                None => format!("{expr} >= {lo}"),
            };
            format!("SUM(CASE WHEN {cond} THEN 1 ELSE 0 END) AS {prefix}_{i}")
        })
        .collect::<Vec<_>>()
        .join(",\n  ")
}

fn band_cols(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}_{i}")).collect()
}

/// `r`: the per-country CTE `c` followed by a WORLD row summing `cols` (0 when empty, as
/// the Rust fold gives); `w` orders WORLD last.
fn with_world(cols: &[String]) -> String {
    let sums: Vec<String> = cols
        .iter()
        .map(|c| format!("COALESCE(SUM({c}), 0) AS {c}"))
        .collect();
    format!(
        "r AS (SELECT 0 AS w, country, {} FROM c\n  UNION ALL SELECT 1, 'WORLD', {} FROM c)",
        cols.join(", "),
        sums.join(", ")
    )
}

fn ratio(num: &str, den: &str) -> String {
    format!("CASE WHEN {den} > 0 THEN CAST({num} AS DOUBLE) / {den} END")
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// The indicator queries of the figure registry, in report order.
pub fn queries(p: &Params) -> Result<Vec<Query>, BadParam> {
    let mut q = Vec::new();
    for f in FIGURES {
        for t in f.tables {
            if let Some(s) = &t.sql {
                q.push(Query {
                    id: t.file,
                    about: s.about,
                    sql: (s.build)(p)?,
                });
            }
        }
    }
    Ok(q)
}

/// The CTE of family representatives with their sizes, which F3 and F10 count.
const REPS: &str = "fams AS (SELECT app.country, app.grp, app.cited_by_family, s.size
  FROM app JOIN fam_size s ON app.family = s.family WHERE app.is_rep)";

pub(crate) fn f2(_: &Params) -> Result<String, BadParam> {
    Ok(format!(
        "WITH c AS (SELECT country, COUNT(*) AS applications,
  SUM(CASE WHEN granted THEN 1 ELSE 0 END) AS grants FROM app GROUP BY country),
{}
SELECT r.country, r.applications,
  CASE WHEN m.has_grants THEN r.grants END AS grants,
  CASE WHEN m.has_grants THEN {} END AS grant_rate
FROM r CROSS JOIN meta m
ORDER BY r.w, r.applications DESC, r.country",
        with_world(&strs(&["applications", "grants"])),
        ratio("r.grants", "r.applications")
    ))
}

pub(crate) fn f3_families(_: &Params) -> Result<String, BadParam> {
    Ok(format!(
        "WITH {REPS},
c AS (SELECT country, COUNT(*) AS families,
  SUM(CASE WHEN size >= 2 THEN 1 ELSE 0 END) AS multi_member FROM fams GROUP BY country),
{}
SELECT country, families, multi_member, {} AS multi_member_share
FROM r ORDER BY w, families DESC, country",
        with_world(&strs(&["families", "multi_member"])),
        ratio("multi_member", "families")
    ))
}

pub(crate) fn f3_size_distribution(_: &Params) -> Result<String, BadParam> {
    Ok(format!(
        "WITH {REPS}
SELECT size AS family_size, COUNT(*) AS families FROM fams GROUP BY size ORDER BY size"
    ))
}

pub(crate) fn f4(_: &Params) -> Result<String, BadParam> {
    Ok(format!(
        "WITH a AS (SELECT country, COUNT(*) AS applications,
  SUM(CASE WHEN cited_by >= 1 THEN 1 ELSE 0 END) AS cited,
  SUM(CASE WHEN cited_by_excl_self >= 1 THEN 1 ELSE 0 END) AS cited_excl_self,
  COALESCE(SUM(cohort_index), 0) AS index_sum,
  COUNT(cohort_index) AS index_n
  FROM app GROUP BY country),
f AS (SELECT country, COUNT(*) AS families,
  SUM(CASE WHEN cited_by_family >= 1 THEN 1 ELSE 0 END) AS cited_families
  FROM app WHERE is_rep GROUP BY country),
c AS (SELECT a.*, COALESCE(f.families, 0) AS families, COALESCE(f.cited_families, 0) AS cited_families
  FROM a LEFT JOIN f ON a.country = f.country),
{}
SELECT r.country, r.applications,
  CASE WHEN m.has_cited THEN r.cited END AS cited,
  CASE WHEN m.has_cited THEN {} END AS citation_rate,
  r.families,
  CASE WHEN m.has_lists THEN r.cited_families END AS cited_families,
  CASE WHEN m.has_lists THEN {} END AS family_citation_rate,
  CASE WHEN m.has_lists AND m.has_applicants THEN r.cited_excl_self END AS cited_excl_self,
  CASE WHEN m.has_lists AND m.has_applicants THEN {} END AS citation_rate_excl_self,
  CASE WHEN r.index_n > 0 THEN r.index_sum / r.index_n END AS mean_cohort_index
FROM r CROSS JOIN meta m
ORDER BY r.w, r.applications DESC, r.country",
        with_world(&strs(&[
            "applications",
            "cited",
            "cited_excl_self",
            "index_sum",
            "index_n",
            "families",
            "cited_families"
        ])),
        ratio("r.cited", "r.applications"),
        ratio("r.cited_families", "r.families"),
        ratio("r.cited_excl_self", "r.applications"),
    ))
}

pub(crate) fn f5(_: &Params) -> Result<String, BadParam> {
    Ok(format!(
        "WITH c AS (SELECT country, COUNT(*) AS applications, SUM(intl) AS international
  FROM app GROUP BY country),
{}
SELECT country, applications, international, {} AS share
FROM r ORDER BY w, applications DESC, country",
        with_world(&strs(&["applications", "international"])),
        ratio("international", "applications")
    ))
}

pub(crate) fn f6(_: &Params) -> Result<String, BadParam> {
    Ok("SELECT s.year, COUNT(*) AS applications,
  CASE WHEN m.has_applicants THEN COUNT(DISTINCT s.grp) END AS companies
FROM app s CROSS JOIN meta m
GROUP BY s.year, m.has_applicants
ORDER BY CASE WHEN s.year IS NULL THEN 1 ELSE 0 END, s.year"
        .to_string())
}

pub(crate) fn f7(p: &Params) -> Result<String, BadParam> {
    let office = match &p.grant_office {
        Some(o) => code("grant office", o)?,
        None => "(SELECT office FROM app WHERE office IS NOT NULL AND office <> ''
  GROUP BY office ORDER BY COUNT(*) DESC, office LIMIT 1)"
            .to_string(),
    };
    Ok(format!(
        "SELECT s.year, COUNT(*) AS applications,
  CASE WHEN m.has_grants THEN SUM(CASE WHEN s.granted THEN 1 ELSE 0 END) END AS grants,
  CASE WHEN m.has_grants THEN CAST(SUM(CASE WHEN s.granted THEN 1 ELSE 0 END) AS DOUBLE) / COUNT(*) END AS grant_rate
FROM app s CROSS JOIN meta m
WHERE s.office = {office} AND s.year IS NOT NULL
GROUP BY s.year, m.has_grants
ORDER BY s.year"
    ))
}

pub(crate) fn t1(_: &Params) -> Result<String, BadParam> {
    let t1 = &company_size_bands::BANDS;
    let t1_cols = band_cols("band", t1.len());
    let mut t1_all = strs(&["companies"]);
    t1_all.extend(t1_cols.iter().cloned());
    Ok(format!(
        "WITH c AS (SELECT country, COUNT(*) AS companies,
  {}
  FROM grp_country GROUP BY country),
{}
SELECT country, {} FROM r ORDER BY w, companies DESC, country",
        band_sums("apps", t1, "band"),
        with_world(&t1_all),
        t1_all.join(", ")
    ))
}

pub(crate) fn f9(_: &Params) -> Result<String, BadParam> {
    let cb = &citation_bands::BANDS;
    let n = cb.len();
    let mut f9_cols = strs(&["cited"]);
    f9_cols.extend(band_cols("band", n));
    f9_cols.push("cited_excl_self".into());
    f9_cols.extend(band_cols("excl_self_band", n));
    f9_cols.extend(strs(&["index_sum", "index_n", "cited_families"]));
    f9_cols.extend(band_cols("family_band", n));
    let shares: Vec<String> = (0..n)
        .map(|i| format!("{} AS share_{i}", ratio(&format!("r.band_{i}"), "r.cited")))
        .collect();
    let lists = |cols: Vec<String>, cond: &str| -> String {
        cols.iter()
            .map(|c| format!("CASE WHEN {cond} THEN r.{c} END AS {c}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut fam_cols = strs(&["cited_families"]);
    fam_cols.extend(band_cols("family_band", n));
    let mut excl_cols = strs(&["cited_excl_self"]);
    excl_cols.extend(band_cols("excl_self_band", n));
    Ok(format!(
        "WITH a AS (SELECT country,
  SUM(CASE WHEN cited_by >= 1 THEN 1 ELSE 0 END) AS cited,
  {},
  SUM(CASE WHEN cited_by_excl_self >= 1 THEN 1 ELSE 0 END) AS cited_excl_self,
  {},
  COALESCE(SUM(CASE WHEN cited_by >= 1 THEN cohort_index END), 0) AS index_sum,
  COUNT(CASE WHEN cited_by >= 1 THEN cohort_index END) AS index_n
  FROM app GROUP BY country),
f AS (SELECT country, SUM(CASE WHEN cited_by_family >= 1 THEN 1 ELSE 0 END) AS cited_families,
  {}
  FROM app WHERE is_rep GROUP BY country),
c AS (SELECT a.*, COALESCE(f.cited_families, 0) AS cited_families, {}
  FROM a LEFT JOIN f ON a.country = f.country),
{}
SELECT r.country, r.cited, {}, {},
  {},
  {},
  CASE WHEN r.index_n > 0 THEN r.index_sum / r.index_n END AS mean_cohort_index
FROM r CROSS JOIN meta m
ORDER BY r.w, r.cited DESC, r.country",
        band_sums("cited_by", cb, "band"),
        band_sums("cited_by_excl_self", cb, "excl_self_band"),
        band_sums("cited_by_family", cb, "family_band"),
        band_cols("family_band", n)
            .iter()
            .map(|c| format!("COALESCE(f.{c}, 0) AS {c}"))
            .collect::<Vec<_>>()
            .join(", "),
        with_world(&f9_cols),
        band_cols("r.band", n).join(", "),
        shares.join(", "),
        lists(fam_cols, "m.has_lists"),
        lists(excl_cols, "m.has_lists AND m.has_applicants"),
    ))
}

pub(crate) fn f10(_: &Params) -> Result<String, BadParam> {
    Ok(format!(
        "WITH {REPS}
SELECT {} FROM fams",
        band_sums("size", &family_size_bands::BANDS, "band")
    ))
}

pub(crate) fn f10_holders(p: &Params) -> Result<String, BadParam> {
    let fb = &family_size_bands::BANDS;
    let (large, _) = fb[fb.len() - 1];
    Ok(format!(
        "WITH {REPS}
SELECT grp AS applicant_group, COUNT(*) AS large_families FROM fams
WHERE size >= {large} AND grp IS NOT NULL
GROUP BY grp ORDER BY large_families DESC, grp LIMIT {}",
        p.top_holders
    ))
}

pub(crate) fn t2(p: &Params) -> Result<String, BadParam> {
    Ok(quality_index(&p.rank))
}

/// Groups needed above the reference's threshold before it is kept (patq-rank's
/// `Threshold::ENOUGH`).
pub const ENOUGH: u64 = 10;
/// The lowest data-driven threshold, in applications (patq-rank's `Threshold::FLOOR`).
pub const FLOOR: u64 = 5;

/// The `th` CTE: the eligibility threshold `t` (a group is ranked with more than `t`
/// applications), fixed or from the group sizes as patq-rank's `eligibility` decides it.
fn threshold(spec: &RankSpec) -> String {
    let min = spec.min_applications;
    let floor = FLOOR - 1;
    if !spec.from_data || min <= floor {
        return format!("th AS (SELECT {min} AS t),");
    }
    format!(
        "sz AS (SELECT grp, COUNT(*) AS n FROM app WHERE grp IS NOT NULL GROUP BY grp),
k AS (SELECT n, ROW_NUMBER() OVER (ORDER BY n DESC, grp) AS r FROM sz),
th AS (SELECT CASE WHEN (SELECT COUNT(*) FROM sz WHERE n > {min}) >= {ENOUGH} THEN {min}
  ELSE LEAST(GREATEST(COALESCE((SELECT n - 1 FROM k WHERE r = {ENOUGH}), {floor}), {floor}), {min})
  END AS t),"
    )
}

/// T2: raw counts per eligible group, points by the normalisation across the eligible groups,
/// score = weighted mean over the dimensions the data can give, rank by score to 6 decimals
/// then group id.
fn quality_index(spec: &RankSpec) -> String {
    let points = |d: &str| {
        let x = format!("CAST(g.{d} AS DOUBLE)");
        match spec.norm {
            Norm::LogMax => format!(
                "CASE WHEN LN(1 + x.{d}) > 0 THEN LN(1 + {x}) / LN(1 + x.{d}) * 100 ELSE 0 END"
            ),
            Norm::MaxRatio => {
                format!("CASE WHEN x.{d} > 0 THEN {x} / x.{d} * 100 ELSE 0 END")
            }
            Norm::MinMax => format!(
                "CASE WHEN x.{d} > n.{d} THEN ({x} - n.{d}) / (x.{d} - n.{d}) * 100 ELSE 0 END"
            ),
        }
    };
    // Whether the data can give each dimension, as patq-rank decides it.
    let avail = |d: &str| match d {
        "granted" => "m.has_grants",
        "cited" => "m.has_cited",
        "core" => "s.has_core",
        "international" => "s.has_country",
        _ => "TRUE",
    };
    let dims: Vec<&str> = spec.weights.iter().map(|(d, _)| *d).collect();
    let num: Vec<String> = spec
        .weights
        .iter()
        .map(|(d, w)| format!("CASE WHEN {} THEN {w:?} * p_{d} ELSE 0 END", avail(d)))
        .collect();
    let den: Vec<String> = spec
        .weights
        .iter()
        .map(|(d, w)| format!("CASE WHEN {} THEN {w:?} ELSE 0 END", avail(d)))
        .collect();
    format!(
        "WITH {threshold}
g AS (SELECT grp, COUNT(*) AS applications,
  SUM(CASE WHEN granted THEN 1 ELSE 0 END) AS granted,
  SUM(CASE WHEN cited_by >= 1 THEN 1 ELSE 0 END) AS cited,
  SUM(CASE WHEN core THEN 1 ELSE 0 END) AS core,
  COUNT(DISTINCT family) AS families,
  SUM(intl) AS international
  FROM app CROSS JOIN th WHERE grp IS NOT NULL GROUP BY grp, th.t HAVING COUNT(*) > th.t),
x AS (SELECT {maxes} FROM g),
n AS (SELECT {mins} FROM g),
s AS (SELECT COALESCE(MAX(CASE WHEN core IS NOT NULL THEN 1 ELSE 0 END), 0) = 1 AS has_core,
  COALESCE(MAX(CASE WHEN has_country THEN 1 ELSE 0 END), 0) = 1 AS has_country FROM app),
p AS (SELECT g.*, {pts} FROM g CROSS JOIN x CROSS JOIN n),
sc AS (SELECT p.*, ({num}) / ({den}) AS score
  FROM p CROSS JOIN meta m CROSS JOIN s)
SELECT ROW_NUMBER() OVER (ORDER BY ROUND(sc.score * 1000000) DESC, sc.grp) AS rank,
  sc.grp AS applicant_group, gc.country, sc.applications, sc.score,
  {raw}
FROM sc JOIN grp_country gc ON sc.grp = gc.grp
ORDER BY rank",
        threshold = threshold(spec),
        maxes = dims
            .iter()
            .map(|d| format!("MAX({d}) AS {d}"))
            .collect::<Vec<_>>()
            .join(", "),
        mins = dims
            .iter()
            .map(|d| format!("MIN({d}) AS {d}"))
            .collect::<Vec<_>>()
            .join(", "),
        pts = dims
            .iter()
            .map(|d| format!("{} AS p_{d}", points(d)))
            .collect::<Vec<_>>()
            .join(",\n  "),
        num = num.join(" + "),
        den = den.join(" + "),
        raw = dims
            .iter()
            .map(|d| format!("sc.{d}, sc.p_{d}"))
            .collect::<Vec<_>>()
            .join(", "),
    )
}

/// The whole script as text: the setup statements, then each query after a `-- query: ID`
/// line, every statement ending with `;`.
pub fn script(d: Dialect, p: &Params) -> Result<String, BadParam> {
    let mut s = format!(
        "-- patq indicator queries, dialect {}, dataset {}\n-- Layout: docs/SCHEMA.md; \
         app_facts is written by `patq sql --dataset DIR`.\n\n",
        d.as_str(),
        p.dataset
    );
    for st in setup(d, p)? {
        s.push_str(&st);
        s.push_str(";\n\n");
    }
    for q in queries(p)? {
        s.push_str(&format!(
            "-- query: {}\n-- {}\n{};\n\n",
            q.id, q.about, q.sql
        ));
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> Params {
        Params {
            dataset: "/data/ds".into(),
            filters: Filters::default(),
            grant_office: Some("CN".into()),
            top_holders: 10,
            rank: RankSpec {
                min_applications: 100,
                from_data: true,
                norm: Norm::LogMax,
                weights: vec![("granted", 20.0), ("families", 20.0)],
            },
        }
    }

    #[test]
    fn bands_come_from_the_rust_constants() {
        // F9's bands 1-2, 3-10, >=11 become three CASE sums.
        let s = band_sums("cited_by", &citation_bands::BANDS, "band");
        assert_eq!(
            s,
            "SUM(CASE WHEN cited_by BETWEEN 1 AND 2 THEN 1 ELSE 0 END) AS band_0,\n  \
             SUM(CASE WHEN cited_by BETWEEN 3 AND 10 THEN 1 ELSE 0 END) AS band_1,\n  \
             SUM(CASE WHEN cited_by >= 11 THEN 1 ELSE 0 END) AS band_2"
        );
    }

    #[test]
    fn dialects_differ_only_in_table_registration() {
        let p = params();
        let spark = setup(Dialect::Spark, &p).unwrap();
        let duck = setup(Dialect::Duckdb, &p).unwrap();
        assert_eq!(
            spark[0],
            "CREATE OR REPLACE TEMPORARY VIEW applications USING parquet OPTIONS (path '/data/ds/applications.parquet')"
        );
        assert_eq!(
            duck[0],
            "CREATE OR REPLACE TEMPORARY VIEW applications AS SELECT * FROM read_parquet('/data/ds/applications.parquet')"
        );
        assert_eq!(spark[2..], duck[2..]);
        let ids: Vec<&str> = queries(&p).unwrap().iter().map(|q| q.id).collect();
        assert_eq!(ids.len(), 12);
        assert_eq!(ids[0], "F2_grants_by_country");
        assert_eq!(ids[11], "T2_quality_index");
    }

    #[test]
    fn filters_become_a_where_clause_and_reject_quotes() {
        let mut p = params();
        p.filters.from_year = Some(2015);
        p.filters.office = Some("CN".into());
        let s = setup(Dialect::Duckdb, &p).unwrap();
        assert!(s[3].contains("WHERE a.filing_year >= 2015 AND a.office = 'CN'"));
        p.filters.country = Some("x' OR 1=1 --".into());
        assert!(setup(Dialect::Duckdb, &p).is_err());
    }
}
