//! The ranking as CSV (every ranked group, and F11) and as a plain-text TOP-N table that says
//! which normalisation, weights and robustness settings produced it.

use std::fmt::Write;

use crate::{Dimension, Ranking, Variant};

fn csv(header: Vec<String>, rows: impl Iterator<Item = Vec<String>>) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    // Writing to a Vec cannot fail.
    w.write_record(&header).expect("in-memory CSV");
    for r in rows {
        w.write_record(&r).expect("in-memory CSV");
    }
    String::from_utf8(w.into_inner().expect("in-memory CSV")).expect("UTF-8 fields")
}

/// Scores and points with 4 decimals, so the CSV is stable across platforms.
fn num(x: f64) -> String {
    format!("{x:.4}")
}

impl Ranking {
    /// Every ranked group, best first: rank, group, country, applications, score, raw value
    /// and points of each dimension (a "not available: needs X" column for dropped ones), and
    /// the rank intervals.
    pub fn to_csv(&self) -> String {
        let mut header: Vec<String> = ["rank", "group", "country", "applications", "score"]
            .map(String::from)
            .to_vec();
        for d in &self.dimensions {
            let n = d.dimension.as_str();
            if d.availability.is_available() {
                header.push(format!("{n}_{}", d.variant.as_str()));
                header.push(format!("{n}_points"));
            } else {
                header.push(n.to_string());
            }
        }
        for h in ["weights", "bootstrap"] {
            for s in ["min", "max", "p5", "p95"] {
                header.push(format!("{h}_rank_{s}"));
            }
        }
        let rows = self.rows.iter().map(|r| {
            let mut f = vec![
                r.rank.to_string(),
                r.group.clone(),
                r.country.clone(),
                r.applications.to_string(),
                num(r.score),
            ];
            let mut values = r.values.iter();
            for d in &self.dimensions {
                if d.availability.is_available() {
                    let v = values.next().expect("one value per available dimension");
                    f.push(match d.variant {
                        Variant::Count => format!("{}", v.raw),
                        Variant::Share => num(v.raw),
                    });
                    f.push(num(v.points));
                } else {
                    f.push(d.availability.cell());
                }
            }
            let iv = |i: Option<crate::RankInterval>| match i {
                Some(i) => [i.min, i.max, i.p5, i.p95].map(|x| x.to_string()),
                None => std::array::from_fn(|_| String::new()),
            };
            f.extend(iv(Some(r.weight_rank)));
            f.extend(iv(r.bootstrap_rank));
            f
        });
        csv(header, rows)
    }

    /// F11: companies of the TOP-N per country.
    pub fn countries_to_csv(&self) -> String {
        csv(
            vec!["country".into(), "companies".into()],
            self.top_countries
                .iter()
                .map(|c| vec![c.country.clone(), c.companies.to_string()]),
        )
    }

    /// A plain-text table of the first `top` groups, preceded by how the index was made.
    pub fn to_table_string(&self, top: usize) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "Quality index ({}): {} companies with more than {} applications, of {} companies \
             and {} applications",
            self.preset,
            self.rows.len(),
            self.min_applications,
            self.groups,
            self.applications
        );
        let _ = writeln!(s, "Normalisation: {}", self.normalisation_definition);
        let dims: Vec<String> = self
            .dimensions
            .iter()
            .map(|d| {
                if d.availability.is_available() {
                    format!(
                        "{} ({}) weight {} = {:.1}%",
                        d.dimension.as_str(),
                        d.variant.as_str(),
                        d.weight,
                        d.effective_weight
                    )
                } else {
                    format!("{} {}", d.dimension.as_str(), d.availability.cell())
                }
            })
            .collect();
        let _ = writeln!(s, "Dimensions: {}", dims.join("; "));
        for n in &self.notes {
            let _ = writeln!(s, "Note: {n}");
        }
        let rb = &self.robustness;
        let _ = writeln!(
            s,
            "Rank intervals (5-95%): weights +-{} over {} scenarios; bootstrap {} resamples, seed {}",
            rb.weight_step, rb.weight_scenarios, rb.bootstrap_resamples, rb.seed
        );
        let _ = write!(
            s,
            "{:>4} {:>6}  {:<32} {:<7} {:>6}",
            "Rank", "Score", "Company", "Country", "Apps"
        );
        let avail: Vec<_> = self
            .dimensions
            .iter()
            .filter(|d| d.availability.is_available())
            .collect();
        for d in &avail {
            let _ = write!(s, " {:>7}", d.dimension.heading());
        }
        let _ = writeln!(s, " {:>9} {:>9}", "Weights", "Bootstrap");
        for r in self.rows.iter().take(top) {
            let name: String = if r.group.chars().count() > 32 {
                r.group.chars().take(31).chain(['~']).collect()
            } else {
                r.group.clone()
            };
            let _ = write!(
                s,
                "{:>4} {:>6.1}  {:<32} {:<7} {:>6}",
                r.rank, r.score, name, r.country, r.applications
            );
            for (v, d) in r.values.iter().zip(&avail) {
                let cell = match d.variant {
                    // A 0..1 index, not a share of applications.
                    _ if d.dimension == Dimension::OecdQuality => format!("{:.3}", v.raw),
                    Variant::Count if v.raw.fract() == 0.0 => format!("{}", v.raw),
                    Variant::Count => format!("{:.1}", v.raw),
                    Variant::Share => format!("{:.1}%", v.raw * 100.0),
                };
                let _ = write!(s, " {cell:>7}");
            }
            let boot = r
                .bootstrap_rank
                .map(|b| b.span())
                .unwrap_or_else(|| "-".into());
            let _ = writeln!(s, " {:>9} {:>9}", r.weight_rank.span(), boot);
        }
        if !self.top_countries.is_empty() {
            let f11: Vec<String> = self
                .top_countries
                .iter()
                .map(|c| format!("{} {}", c.country, c.companies))
                .collect();
            let _ = writeln!(
                s,
                "Countries of the TOP {} (F11): {}",
                self.top,
                f11.join(", ")
            );
        }
        s
    }
}
