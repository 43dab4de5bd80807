//! Snapshot tests of the report's HTML: the element outline of a small hand-built report (what
//! a reader's browser and a screen reader see, without the numbers) and the full SVG of one
//! bar chart and one line chart, so a template or chart change shows up as a reviewed diff.

use patq_report::chart::default_chart;
use patq_report::{ChartSpec, Figure, Meta, Report, html};

fn figure(id: &str, part: &str, csv: &str, chart: Option<ChartSpec>) -> Figure {
    Figure {
        id: id.into(),
        part: part.into(),
        title: format!("{id} title"),
        definition: format!("{id} definition"),
        csv: csv.into(),
        json: None,
        chart,
    }
}

/// Three figures over two parts: a bar chart with a WORLD row (left out of the chart, kept in
/// the table), a line chart, and a figure whose data lacks grant status.
fn small_report(synthetic: bool) -> Report {
    Report {
        meta: Meta {
            title: "Outline test".into(),
            synthetic,
            facts: vec![("Dataset".into(), "fixture".into())],
            generator: "patq test".into(),
        },
        figures: vec![
            figure(
                "F2_grants_by_country",
                "Grants",
                "country,applications,grants,grant_rate\nCN,10,2,0.2\nUS,5,3,0.6\nWORLD,15,5,0.3333\n",
                default_chart("F2_grants_by_country"),
            ),
            figure(
                "F6_trend",
                "Trends",
                "year,applications,companies\n2018,4,3\n2019,7,5\n2020,2,2\n",
                default_chart("F6_trend"),
            ),
            figure(
                "F7_office_grant_trend",
                "Trends",
                "year,applications,grants\n2018,4,not available: needs grant status\n",
                None,
            ),
        ],
    }
}

/// The element tree as indented `tag#id.class` lines: text, attribute values other than id
/// and class, and SVG internals are left out (the SVG has its own snapshot).
fn outline(html: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    let mut rest = html;
    let mut in_svg = 0usize;
    while let Some(start) = rest.find('<') {
        let end = start + rest[start..].find('>').expect("every tag closes");
        let tag = &rest[start + 1..end];
        rest = &rest[end + 1..];
        if tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            depth = depth.saturating_sub(1);
            if name == "svg" {
                in_svg -= 1;
            }
            continue;
        }
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let void = tag.ends_with('/') || matches!(name.as_str(), "meta" | "br" | "img" | "link");
        if in_svg == 0 {
            let mut line = format!("{}{name}", "  ".repeat(depth));
            for attr in ["id", "class", "role", "aria-label", "scope"] {
                if let Some(v) = attr_value(tag, attr) {
                    line.push_str(&format!(" {attr}={v}"));
                }
            }
            out.push_str(&line);
            out.push('\n');
        }
        if name == "svg" {
            in_svg += 1;
        }
        if !void {
            depth += 1;
        }
    }
    out
}

fn attr_value<'a>(tag: &'a str, attr: &str) -> Option<&'a str> {
    let key = format!(" {attr}=\"");
    let i = tag.find(&key)? + key.len();
    let j = i + tag[i..].find('"')?;
    Some(&tag[i..j])
}

#[test]
fn report_outline() {
    let r = html::render(&small_report(true)).unwrap();
    assert_eq!(r.charts, 2);
    assert_eq!(r.unavailable, 1);
    insta::assert_snapshot!("outline_synthetic", outline(&r.html));
}

#[test]
fn real_data_report_has_no_synthetic_marks() {
    let r = html::render(&small_report(false)).unwrap();
    assert!(!r.html.contains("SYNTHETIC"));
    insta::assert_snapshot!("outline_real", outline(&r.html));
}

#[test]
fn chart_svgs() {
    let r = html::render(&small_report(false)).unwrap();
    let svgs: Vec<&str> = r
        .html
        .match_indices("<svg")
        .map(|(i, _)| {
            let end = i + r.html[i..].find("</svg>").unwrap() + "</svg>".len();
            &r.html[i..end]
        })
        .collect();
    assert_eq!(svgs.len(), 2);
    // The WORLD row is a total, not a country: it must not be drawn as a bar.
    assert!(!svgs[0].contains(">WORLD<"));
    insta::assert_snapshot!("bars_F2", svgs[0]);
    insta::assert_snapshot!("lines_F6", svgs[1]);
}
