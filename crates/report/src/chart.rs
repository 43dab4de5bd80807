//! Which columns of a figure's table become its chart: categories from one column, one series
//! per value column (or per distinct value of a pivot column for long tables).

use std::collections::BTreeMap;

use patq_indicators::registry::{self, ChartKind};

use crate::ReportError;
use crate::svg::{Chart, Kind, Series};
use crate::table::Table;

/// How to draw a figure from its table.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartSpec {
    pub kind: Kind,
    /// Column giving the categories (x axis, or the bars' labels).
    pub label: String,
    /// Columns drawn as series, named by their header.
    pub series: Vec<String>,
    /// Long tables: one series per distinct value of `pivot.0`, values from `pivot.1`;
    /// `series` is then ignored.
    pub pivot: Option<(String, String)>,
    /// Category labels left out of the chart (e.g. the WORLD total row).
    pub skip: Vec<String>,
    /// Draw at most this many categories (first rows of the table, which is already sorted).
    pub limit: Option<usize>,
    /// With `limit`, a longer table draws the rows with the largest values of this column,
    /// kept in table order (ties: the earlier row).
    pub largest: Option<String>,
    /// Values are fractions shown as percentages.
    pub percent: bool,
}

impl ChartSpec {
    /// Bars of `series` columns by `label`, skipping the WORLD row.
    pub fn bars(label: &str, series: &[&str]) -> ChartSpec {
        ChartSpec {
            kind: Kind::Bars,
            label: label.into(),
            series: series.iter().map(|s| s.to_string()).collect(),
            pivot: None,
            skip: vec!["WORLD".into()],
            limit: None,
            largest: None,
            percent: false,
        }
    }

    pub fn lines(label: &str, series: &[&str]) -> ChartSpec {
        ChartSpec {
            kind: Kind::Lines,
            ..ChartSpec::bars(label, series)
        }
    }

    pub fn stacked(mut self) -> ChartSpec {
        self.kind = Kind::StackedBars;
        self
    }

    pub fn percent(mut self) -> ChartSpec {
        self.percent = true;
        self
    }

    pub fn limit(mut self, n: usize) -> ChartSpec {
        self.limit = Some(n);
        self
    }

    pub fn pivot(mut self, by: &str, value: &str) -> ChartSpec {
        self.pivot = Some((by.into(), value.into()));
        self
    }

    /// Builds the chart data; `figure` names the figure in errors about missing columns.
    pub fn build(&self, figure: &str, title: &str, t: &Table) -> Result<Chart, ReportError> {
        let col = |name: &str| {
            t.column(name).ok_or_else(|| ReportError::ChartColumn {
                figure: figure.to_string(),
                column: name.to_string(),
            })
        };
        let li = col(&self.label)?;
        let rows: Vec<&Vec<crate::Cell>> = t
            .rows
            .iter()
            .filter(|r| !self.skip.contains(&r[li].display()))
            .collect();
        let (categories, series) = if let Some((by, value)) = &self.pivot {
            let (bi, vi) = (col(by)?, col(value)?);
            let mut cats: Vec<String> = Vec::new();
            let mut names: Vec<String> = Vec::new();
            let mut vals: BTreeMap<(String, String), f64> = BTreeMap::new();
            for r in rows {
                let (c, s) = (r[li].display(), r[bi].display());
                if !cats.contains(&c) {
                    cats.push(c.clone());
                }
                if !names.contains(&s) {
                    names.push(s.clone());
                }
                if let Some(v) = r[vi].as_f64() {
                    vals.insert((s, c), v);
                }
            }
            if let Some(n) = self.limit {
                names.truncate(n);
            }
            let series = names
                .into_iter()
                .map(|s| Series {
                    values: cats
                        .iter()
                        .map(|c| vals.get(&(s.clone(), c.clone())).copied())
                        .collect(),
                    name: s,
                })
                .collect();
            (cats, series)
        } else {
            let rows: Vec<_> = match (self.limit, &self.largest) {
                (Some(n), Some(by)) if rows.len() > n => {
                    let bi = col(by)?;
                    let mut order: Vec<usize> = (0..rows.len()).collect();
                    let value = |i: usize| rows[i][bi].as_f64().unwrap_or(f64::NEG_INFINITY);
                    order.sort_by(|&a, &b| value(b).total_cmp(&value(a)).then(a.cmp(&b)));
                    order.truncate(n);
                    order.sort_unstable();
                    order.into_iter().map(|i| rows[i]).collect()
                }
                (Some(n), _) => rows.into_iter().take(n).collect(),
                (None, _) => rows,
            };
            let mut series = Vec::new();
            for s in &self.series {
                let si = col(s)?;
                series.push(Series {
                    name: s.replace('_', " "),
                    values: rows.iter().map(|r| r[si].as_f64()).collect(),
                });
            }
            (rows.iter().map(|r| r[li].display()).collect(), series)
        };
        Ok(Chart {
            kind: self.kind,
            title: title.to_string(),
            categories,
            series,
            percent: self.percent,
        })
    }
}

impl From<&registry::Chart> for ChartSpec {
    fn from(c: &registry::Chart) -> ChartSpec {
        let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
        ChartSpec {
            kind: match c.kind {
                ChartKind::Bars => Kind::Bars,
                ChartKind::StackedBars => Kind::StackedBars,
                ChartKind::Lines => Kind::Lines,
            },
            label: c.label.into(),
            series: strings(c.series),
            pivot: c.pivot.map(|(by, value)| (by.into(), value.into())),
            skip: strings(c.skip),
            limit: c.limit,
            largest: c.largest.map(Into::into),
            percent: c.percent,
        }
    }
}

/// The chart the figure registry gives the table with file stem `file`
/// (`F2_grants_by_country`); None for tables shown only as tables (profiles, detail tables)
/// and for names the registry does not know.
pub fn default_chart(file: &str) -> Option<ChartSpec> {
    let (_, table) = registry::by_file(file)?;
    table.chart.as_ref().map(ChartSpec::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A table longer than the limit draws the rows with the largest values, in table order;
    /// a shorter one draws every row as it stands.
    #[test]
    fn largest_rows_of_a_long_table() {
        let t = Table::from_csv("F13", "name,applications\nA,1\nB,9\nC,3\nD,9\nE,5\n").unwrap();
        let mut spec = ChartSpec::bars("name", &["applications"]).limit(3);
        spec.largest = Some("applications".into());
        let c = spec.build("F13", "x", &t).unwrap();
        assert_eq!(c.categories, ["B", "D", "E"]);
        spec.limit = Some(5);
        let c = spec.build("F13", "x", &t).unwrap();
        assert_eq!(c.categories, ["A", "B", "C", "D", "E"]);
    }

    #[test]
    fn wide_and_long_tables() {
        let t = Table::from_csv(
            "F2",
            "country,applications,grants\nCN,10,2\nUS,5,3\nWORLD,15,5\n",
        )
        .unwrap();
        let c = ChartSpec::bars("country", &["grants"])
            .build("F2", "x", &t)
            .unwrap();
        assert_eq!(c.categories, ["CN", "US"]);
        assert_eq!(c.series[0].values, [Some(2.0), Some(3.0)]);
        let e = ChartSpec::bars("country", &["nope"]).build("F2", "x", &t);
        assert!(matches!(e, Err(ReportError::ChartColumn { .. })));

        let long = Table::from_csv(
            "F12",
            "year,group,applications\n2018,A,3\n2018,B,1\n2019,A,4\n",
        )
        .unwrap();
        let c = ChartSpec::lines("year", &[])
            .pivot("group", "applications")
            .build("F12", "x", &long)
            .unwrap();
        assert_eq!(c.categories, ["2018", "2019"]);
        assert_eq!(c.series[0].name, "A");
        assert_eq!(c.series[0].values, [Some(3.0), Some(4.0)]);
        assert_eq!(c.series[1].values, [Some(1.0), None]);
    }
}
