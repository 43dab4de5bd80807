//! Inline SVG charts (bars, stacked bars, lines) drawn as plain markup: no fonts to load, no
//! scripts, byte-identical output for identical numbers, and an accessible title on each chart.
//!
//! Hand-written rather than a plotting crate because the report must be self-contained and
//! deterministic; the charts here are simple axes, bars and polylines.

use std::fmt::Write;

/// The Okabe-Ito palette: distinguishable under the common colour-vision deficiencies.
const PALETTE: [&str; 8] = [
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// One bar per category and series, side by side.
    Bars,
    /// Series stacked within one bar per category.
    StackedBars,
    /// One line per series over ordered categories (years).
    Lines,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub name: String,
    /// One value per category; None leaves a gap.
    pub values: Vec<Option<f64>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    pub kind: Kind,
    /// Read by screen readers (`<title>`).
    pub title: String,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
    /// Values are fractions shown as percentages.
    pub percent: bool,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A round step (1, 2 or 5 times a power of ten) giving about five intervals up to `max`.
fn nice_step(max: f64) -> f64 {
    if max <= 0.0 {
        return 1.0;
    }
    let raw = max / 5.0;
    let exp = 10f64.powf(raw.log10().floor());
    // Shares rounded to 4 decimals sum to 1.0001; without the tolerance the axis jumps a
    // whole step (to 150%) for a bar 0.01% over.
    let f = raw / exp - 1e-3;
    let nf = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    nf * exp
}

/// A value label: percentages always with one decimal, so labels of one chart line up.
fn fmt_value(v: f64, percent: bool) -> String {
    if percent {
        return format!("{:.1}%", v * 100.0);
    }
    if v.abs() >= 1000.0 {
        // Thousands separators keep large counts readable.
        let n = v.round() as i64;
        let s = n.abs().to_string();
        let mut out = String::new();
        for (i, ch) in s.chars().enumerate() {
            if i > 0 && (s.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(ch);
        }
        if n < 0 { format!("-{out}") } else { out }
    } else if (v - v.round()).abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

/// An axis tick: round steps, so whole percentages lose the decimal.
fn fmt_tick(v: f64, percent: bool) -> String {
    if percent {
        let p = v * 100.0;
        if (p - p.round()).abs() < 1e-6 {
            return format!("{p:.0}%");
        }
    }
    fmt_value(v, percent)
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let t: String = s.chars().take(max - 1).collect();
        format!("{t}…")
    }
}

/// Largest value the axis must reach (sum per category when stacked).
fn axis_max(c: &Chart) -> f64 {
    let n = c.categories.len();
    let max = if c.kind == Kind::StackedBars {
        (0..n)
            .map(|i| {
                c.series
                    .iter()
                    .filter_map(|s| s.values.get(i).copied().flatten())
                    .filter(|v| *v > 0.0)
                    .sum::<f64>()
            })
            .fold(0.0, f64::max)
    } else {
        c.series
            .iter()
            .flat_map(|s| s.values.iter().copied().flatten())
            .fold(0.0, f64::max)
    };
    let step = nice_step(max);
    ((max / step - 1e-3).ceil().max(1.0)) * step
}

/// Width of one character of 11-px sans-serif capitals (DejaVu Sans, the widest common
/// fallback), so labels sized by it never overlap.
const CHAR_PX: f64 = 8.0;
/// Longest series name a legend shows in full.
const LEGEND_CHARS: usize = 40;
/// Height of one legend row.
const LEGEND_ROW: f64 = 16.0;

/// Where each legend entry goes: (x, row), wrapping onto a new row before `x_max`; none for a
/// single series (the chart's title names it).
fn legend_layout(c: &Chart, x0: f64, x_max: f64) -> Vec<(f64, usize)> {
    if c.series.len() < 2 {
        return Vec::new();
    }
    let (mut x, mut row) = (x0, 0);
    let mut at = Vec::new();
    for s in &c.series {
        let w = 24.0 + CHAR_PX * shorten(&s.name, LEGEND_CHARS).chars().count() as f64;
        if x > x0 && x + w > x_max {
            x = x0;
            row += 1;
        }
        at.push((x, row));
        x += w;
    }
    at
}

/// Extra top margin the legend's wrapped rows need.
fn legend_extra(at: &[(f64, usize)]) -> f64 {
    at.last().map_or(0.0, |(_, r)| *r as f64 * LEGEND_ROW)
}

fn legend(out: &mut String, c: &Chart, at: &[(f64, usize)], y0: f64) {
    for (k, (s, (x, row))) in c.series.iter().zip(at).enumerate() {
        let colour = PALETTE[k % PALETTE.len()];
        let y = y0 + *row as f64 * LEGEND_ROW;
        let _ = write!(
            out,
            r#"<rect x="{x:.1}" y="{:.1}" width="10" height="10" fill="{colour}"/><text x="{:.1}" y="{:.1}" class="lg">{}</text>"#,
            y - 9.0,
            x + 14.0,
            y,
            esc(&shorten(&s.name, LEGEND_CHARS))
        );
    }
}

/// Renders the chart as one `<svg>` element, or None when there is nothing to draw.
pub fn render(c: &Chart) -> Option<String> {
    let has_value = c
        .series
        .iter()
        .any(|s| s.values.iter().any(|v| v.is_some_and(|v| v != 0.0)));
    if c.categories.is_empty() || !has_value {
        return None;
    }
    let long_labels = c.categories.iter().any(|l| l.chars().count() > 10);
    if c.kind != Kind::Lines && (c.categories.len() > 12 || long_labels) {
        Some(horizontal(c))
    } else {
        Some(vertical(c))
    }
}

fn open(out: &mut String, c: &Chart, w: f64, h: f64) {
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w:.0} {h:.0}" width="100%" role="img" class="chart"><title>{}</title>"#,
        esc(&c.title)
    );
}

fn vertical(c: &Chart) -> String {
    let w = 720.0;
    let (left, right, bottom) = (64.0, 12.0, 56.0);
    let at = legend_layout(c, left, w - right);
    let top = 28.0 + legend_extra(&at);
    let h = 292.0 + top;
    let pw = w - left - right;
    let ph = h - top - bottom;
    let max = axis_max(c);
    let step = nice_step(max);
    let y_of = |v: f64| top + ph - (v / max) * ph;
    let mut out = String::new();
    open(&mut out, c, w, h);
    legend(&mut out, c, &at, 14.0);
    let mut t = 0.0;
    while t <= max + step * 1e-9 {
        let y = y_of(t);
        let _ = write!(
            out,
            r#"<line x1="{left:.1}" x2="{:.1}" y1="{y:.1}" y2="{y:.1}" class="grid"/><text x="{:.1}" y="{:.1}" class="tick" text-anchor="end">{}</text>"#,
            w - right,
            left - 6.0,
            y + 4.0,
            fmt_tick(t, c.percent)
        );
        t += step;
    }
    let n = c.categories.len();
    let band = pw / n as f64;
    let rotate = n > 8;
    for (i, label) in c.categories.iter().enumerate() {
        let x = left + band * (i as f64 + 0.5);
        let y = top + ph + 16.0;
        if rotate {
            let _ = write!(
                out,
                r#"<text x="{x:.1}" y="{y:.1}" class="tick" text-anchor="end" transform="rotate(-40 {x:.1} {y:.1})">{}</text>"#,
                esc(&shorten(label, 14))
            );
        } else {
            let _ = write!(
                out,
                r#"<text x="{x:.1}" y="{y:.1}" class="tick" text-anchor="middle">{}</text>"#,
                esc(&shorten(label, 14))
            );
        }
    }
    match c.kind {
        Kind::Lines => {
            for (k, s) in c.series.iter().enumerate() {
                let colour = PALETTE[k % PALETTE.len()];
                let mut pts = String::new();
                for (i, v) in s.values.iter().enumerate() {
                    let Some(v) = v else {
                        continue;
                    };
                    let x = left + band * (i as f64 + 0.5);
                    let _ = write!(pts, "{x:.1},{:.1} ", y_of(*v));
                    let _ = write!(
                        out,
                        r#"<circle cx="{x:.1}" cy="{:.1}" r="3" fill="{colour}"><title>{}: {}</title></circle>"#,
                        y_of(*v),
                        esc(&format!("{} {}", s.name, c.categories[i])),
                        fmt_value(*v, c.percent)
                    );
                }
                let _ = write!(
                    out,
                    r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="2"/>"#,
                    pts.trim_end()
                );
            }
        }
        Kind::Bars | Kind::StackedBars => {
            let stacked = c.kind == Kind::StackedBars;
            let groups = if stacked { 1 } else { c.series.len().max(1) };
            // Capped so one or two categories do not become slabs across the whole plot.
            let bw = (band * 0.8 / groups as f64).min(56.0);
            let pad = (band - bw * groups as f64) / 2.0;
            for i in 0..n {
                let mut base = 0.0;
                for (k, s) in c.series.iter().enumerate() {
                    let Some(v) = s.values.get(i).copied().flatten() else {
                        continue;
                    };
                    let v = v.max(0.0);
                    let colour = PALETTE[k % PALETTE.len()];
                    let x =
                        left + band * i as f64 + pad + if stacked { 0.0 } else { bw * k as f64 };
                    let (y0, y1) = (y_of(base + v), y_of(base));
                    let _ = write!(
                        out,
                        r#"<rect x="{x:.1}" y="{y0:.1}" width="{bw:.1}" height="{:.1}" fill="{colour}"><title>{} {}: {}</title></rect>"#,
                        (y1 - y0).max(0.0),
                        esc(&c.categories[i]),
                        esc(&s.name),
                        fmt_value(v, c.percent)
                    );
                    if stacked {
                        base += v;
                    }
                }
            }
        }
    }
    let _ = write!(
        out,
        r#"<line x1="{left:.1}" x2="{left:.1}" y1="{top:.1}" y2="{:.1}" class="axis"/><line x1="{left:.1}" x2="{:.1}" y1="{:.1}" y2="{:.1}" class="axis"/></svg>"#,
        top + ph,
        w - right,
        top + ph,
        top + ph
    );
    out
}

/// Longest category label a horizontal chart shows in full (the table has the whole name).
const LABEL_CHARS: usize = 36;

fn horizontal(c: &Chart) -> String {
    let n = c.categories.len();
    let stacked = c.kind == Kind::StackedBars;
    let groups = if stacked { 1 } else { c.series.len().max(1) };
    let row = (14.0 * groups as f64 + 8.0).max(20.0);
    let w = 720.0;
    // The label column is as wide as the longest (shortened) label needs.
    let label_chars = c
        .categories
        .iter()
        .map(|l| shorten(l, LABEL_CHARS).chars().count())
        .max()
        .unwrap_or(0);
    let left = (CHAR_PX * label_chars as f64 + 14.0).clamp(48.0, 300.0);
    let (right, bottom) = (60.0, 24.0);
    let at = legend_layout(c, left, w - right);
    let top = 30.0 + legend_extra(&at);
    let ph = row * n as f64;
    let h = top + ph + bottom;
    let pw = w - left - right;
    let max = axis_max(c);
    let step = nice_step(max);
    let x_of = |v: f64| left + (v / max) * pw;
    let mut out = String::new();
    open(&mut out, c, w, h);
    legend(&mut out, c, &at, 14.0);
    let mut t = 0.0;
    while t <= max + step * 1e-9 {
        let x = x_of(t);
        let _ = write!(
            out,
            r#"<line x1="{x:.1}" x2="{x:.1}" y1="{top:.1}" y2="{:.1}" class="grid"/><text x="{x:.1}" y="{:.1}" class="tick" text-anchor="middle">{}</text>"#,
            top + ph,
            top + ph + 16.0,
            fmt_tick(t, c.percent)
        );
        t += step;
    }
    let bh = (row - 6.0) / groups as f64;
    for (i, label) in c.categories.iter().enumerate() {
        let y = top + row * i as f64;
        let _ = write!(
            out,
            r#"<text x="{:.1}" y="{:.1}" class="tick" text-anchor="end">{}</text>"#,
            left - 6.0,
            y + row / 2.0 + 4.0,
            esc(&shorten(label, LABEL_CHARS))
        );
        let mut base = 0.0;
        for (k, s) in c.series.iter().enumerate() {
            let Some(v) = s.values.get(i).copied().flatten() else {
                continue;
            };
            let v = v.max(0.0);
            let colour = PALETTE[k % PALETTE.len()];
            let yb = y + 3.0 + if stacked { 0.0 } else { bh * k as f64 };
            let (x0, x1) = (x_of(base), x_of(base + v));
            let _ = write!(
                out,
                r#"<rect x="{x0:.1}" y="{yb:.1}" width="{:.1}" height="{bh:.1}" fill="{colour}"><title>{} {}: {}</title></rect>"#,
                (x1 - x0).max(0.0),
                esc(label),
                esc(&s.name),
                fmt_value(v, c.percent)
            );
            if !stacked && groups == 1 {
                let _ = write!(
                    out,
                    r#"<text x="{:.1}" y="{:.1}" class="val">{}</text>"#,
                    x1 + 4.0,
                    yb + bh / 2.0 + 4.0,
                    fmt_value(v, c.percent)
                );
            }
            if stacked {
                base += v;
            }
        }
    }
    let _ = write!(
        out,
        r#"<line x1="{left:.1}" x2="{left:.1}" y1="{top:.1}" y2="{:.1}" class="axis"/></svg>"#,
        top + ph
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(kind: Kind, cats: &[&str], vals: &[f64]) -> Chart {
        Chart {
            kind,
            title: "Grants <by> country".into(),
            categories: cats.iter().map(|s| s.to_string()).collect(),
            series: vec![Series {
                name: "grants".into(),
                values: vals.iter().map(|v| Some(*v)).collect(),
            }],
            percent: false,
        }
    }

    #[test]
    fn steps_are_round() {
        assert_eq!(nice_step(6227.0), 2000.0);
        assert_eq!(nice_step(0.43), 0.1);
        assert_eq!(nice_step(9.0), 2.0);
        assert_eq!(fmt_value(11600.0, false), "11,600");
        assert_eq!(fmt_value(0.2113, true), "21.1%");
        assert_eq!(fmt_value(0.5, true), "50.0%");
        assert_eq!(fmt_tick(0.5, true), "50%");
        // Three shares of one whole: the axis ends at 100%, not a step beyond.
        assert_eq!(nice_step(1.0001), 0.2);
    }

    #[test]
    fn bars_scale_to_the_axis() {
        let svg = render(&chart(Kind::Bars, &["CN", "US"], &[6227.0, 2661.0])).unwrap();
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains("<title>Grants &lt;by&gt; country</title>"));
        // Axis tops out at 8000 (steps of 2000): CN's bar is 6227/8000 of the 236-px plot.
        assert!(svg.contains(">8,000</text>"));
        let h = 236.0 * 6227.0 / 8000.0;
        assert!(svg.contains(&format!(r#"height="{h:.1}""#)), "{svg}");
        assert_eq!(svg.matches("<rect").count(), 2);
        assert_eq!(
            svg,
            render(&chart(Kind::Bars, &["CN", "US"], &[6227.0, 2661.0])).unwrap()
        );
    }

    #[test]
    fn many_categories_turn_horizontal_and_empty_charts_are_none() {
        let cats: Vec<String> = (0..20).map(|i| format!("C{i}")).collect();
        let refs: Vec<&str> = cats.iter().map(String::as_str).collect();
        let vals: Vec<f64> = (0..20).map(f64::from).collect();
        let svg = render(&chart(Kind::Bars, &refs, &vals)).unwrap();
        assert!(svg.contains(r#"class="val""#));
        assert!(render(&chart(Kind::Bars, &["CN"], &[0.0])).is_none());
        assert!(render(&chart(Kind::Lines, &[], &[])).is_none());
    }

    #[test]
    fn stacked_shares_end_at_100_percent_and_legends_wrap() {
        let mut c = chart(Kind::StackedBars, &["CN", "US"], &[0.5, 0.25]);
        c.percent = true;
        c.series.push(Series {
            name: "a long series name that takes room".into(),
            values: vec![Some(0.3), Some(0.35)],
        });
        c.series.push(Series {
            name: "another long series name here".into(),
            values: vec![Some(0.2001), Some(0.4)],
        });
        c.series[0].name = "yet another long series name".into();
        // CN sums to 0.5 + 0.3 + 0.2001 = 1.0001 (shares rounded to 4 decimals).
        assert!((axis_max(&c) - 1.0).abs() < 1e-12);
        let at = legend_layout(&c, 64.0, 708.0);
        // Entries are 24 + 8*28 = 248, 24 + 8*34 = 296 and 24 + 8*29 = 256 px wide: the
        // second starts at 64 + 248 = 312 and ends at 608; 608 + 256 > 708, so the third wraps.
        assert_eq!(at, [(64.0, 0), (312.0, 0), (64.0, 1)]);
        let svg = render(&c).unwrap();
        assert!(
            svg.contains(">100%</text>") && !svg.contains(">120%<"),
            "{svg}"
        );
    }

    #[test]
    fn lines_skip_gaps() {
        let mut c = chart(Kind::Lines, &["2018", "2019", "2020"], &[1.0, 2.0, 3.0]);
        c.series[0].values[1] = None;
        let svg = render(&c).unwrap();
        assert_eq!(svg.matches("<circle").count(), 2);
    }
}
