//! The Lens JSON writer: one document per publication per line (JSON Lines, as the Lens API
//! and its JSON export write them) with what the CSV export carries plus what it cannot: each
//! application's backward citations to other applications of the corpus, so the built-in
//! corpus exercises every citation-list figure.
//!
//! Two passes: the first generates the corpus and keeps, per application, its filing day,
//! target forward-citation count and first publication (the document others cite); the edges
//! are then drawn (`citations`) and the same corpus generated again from the seed, each
//! publication written with its references. Memory grows by one publication reference per
//! application, so the PATSTAT layout remains the input for very large corpora.

use std::io::Write;
use std::path::Path;

use chrono::{Datelike, NaiveDate};
use serde_json::{Value, json};

use crate::citations::{self, Cite};
use crate::generate::{App, Family, Generator, Pub};
use crate::lens::lens_id;
use crate::patstat::day0;
use crate::text::ipc_of;
use crate::{
    AtomicFile, PROGRESS_EVERY, SynthConfig, SynthError, SynthSummary, ensure_dir, io_err,
    write_marker,
};

/// The output file name inside the output directory.
pub const FILE: &str = "synthetic-lens.jsonl";

/// The publication other applications cite: an application's first one.
struct Cited {
    row: u64,
    office: &'static str,
    number: String,
    kind: &'static str,
    date: NaiveDate,
}

impl Cited {
    fn document_id(&self, seed: u64) -> Value {
        json!({
            "document_id": {
                "jurisdiction": self.office,
                "doc_number": digits(&self.number),
                "kind": self.kind,
                "date": ymd(self.date),
            },
            "lens_id": lens_id(seed, self.row),
        })
    }
}

/// What the first pass keeps per application (index = application in generation order).
struct FirstPass {
    /// Filing day since `day0`.
    day: Vec<u16>,
    /// Target forward-citation count.
    cited_by: Vec<u16>,
    /// First publication; None without one.
    first: Vec<Option<Cited>>,
}

/// Application `0` cites the application `1` (index into the first pass); `true` when the
/// citation came from the search report rather than the applicant.
type Edge = (u32, u32, bool);

fn ymd(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// Jurisdiction, number and kind of an application reference as Lens JSON writes them, from
/// the office and the number in the CSV's form without the office: the kind is the trailing
/// letter (`A` when there is none), a US number is prefixed with its filing year
/// (`US 16/123,456` filed 2019 is `201916123456`), and a PCT application is named by its
/// receiving office (`CN 2019012345 W`).
fn app_ref(office: &str, rest: &str, year: i32) -> (String, String, String) {
    let mut parts: Vec<&str> = rest.split(' ').filter(|p| !p.is_empty()).collect();
    let kind = match parts.last() {
        Some(k) if k.chars().all(|c| c.is_ascii_alphabetic()) => {
            let k = k.to_string();
            parts.pop();
            k
        }
        _ => "A".to_string(),
    };
    let number = digits(&parts.concat());
    if office == "US" && kind == "A" {
        return (office.into(), format!("{year}{number}"), kind);
    }
    (office.into(), number, kind)
}

/// An application's `biblio.application_reference`: `App::number` starts with the office
/// (the receiving office for a PCT application).
fn application_reference(app: &App) -> Value {
    let (office, rest) = app
        .number
        .split_once(' ')
        .unwrap_or((app.office, &app.number));
    let (j, n, k) = app_ref(office, rest, app.filing.year());
    json!({"jurisdiction": j, "doc_number": n, "kind": k, "date": ymd(app.filing)})
}

/// The publications of an application in the order rows are numbered.
fn pubs(app: &App) -> impl Iterator<Item = &Pub> {
    app.first_pub.iter().chain(app.grant.iter())
}

/// The values shared by every document of a family.
struct FamilyJson {
    priority: Value,
    applicants: Value,
    inventors: Value,
    cpc: Value,
    ipc: Value,
    members: Value,
}

impl FamilyJson {
    fn new(seed: u64, f: &Family, first_row: u64) -> FamilyJson {
        let (j, n, k) = app_ref(
            f.priority_office,
            &f.priority_number,
            f.priority_date.year(),
        );
        let mut ipc: Vec<String> = Vec::new();
        for c in &f.cpc {
            if let Some(i) = ipc_of(c)
                && !ipc.contains(&i)
            {
                ipc.push(i);
            }
        }
        let symbols = |list: Vec<&str>| json!({"classifications": list.iter().map(|s| json!({"symbol": s})).collect::<Vec<_>>()});
        let mut row = first_row;
        let members: Vec<Value> = f
            .apps
            .iter()
            .flat_map(pubs)
            .map(|p| {
                row += 1;
                json!({
                    "document_id": {
                        "jurisdiction": p.office,
                        "doc_number": digits(&p.number),
                        "kind": p.kind,
                        "date": ymd(p.date),
                    },
                    "lens_id": lens_id(seed, row),
                })
            })
            .collect();
        FamilyJson {
            priority: json!({
                "claims": [{
                    "jurisdiction": j,
                    "doc_number": n,
                    "kind": k,
                    "date": ymd(f.priority_date),
                    "sequence": 1,
                }],
                "earliest_claim": {"date": ymd(f.priority_date)},
            }),
            applicants: f
                .applicants
                .iter()
                .map(|(name, _)| json!({"residence": f.country, "extracted_name": {"value": name}}))
                .collect(),
            inventors: f
                .inventors
                .iter()
                .enumerate()
                .map(|(k, name)| json!({"sequence": k + 1, "extracted_name": {"value": name}}))
                .collect(),
            cpc: symbols(f.cpc.clone()),
            ipc: symbols(ipc.iter().map(String::as_str).collect()),
            members: json!({"size": members.len(), "members": members}),
        }
    }
}

pub fn write(
    cfg: &SynthConfig,
    out_dir: &Path,
    progress: &mut dyn FnMut(u64),
) -> Result<SynthSummary, SynthError> {
    ensure_dir(out_dir)?;
    let n = cfg.applications;
    let cited = first_pass(cfg, &mut |done| progress(done / 2))?;
    let edges = draw_edges(cfg.seed, &cited);
    let path = out_dir.join(FILE);
    let (file, mut buf) = AtomicFile::create(path.clone())?;
    let mut generator = Generator::new(n, cfg.seed);
    let mut rows: u64 = 0;
    let mut app_index: usize = 0;
    let mut next_edge = 0;
    let mut reported = 0;
    let mut line = Vec::new();
    while let Some(family) = generator.next_family() {
        let fj = FamilyJson::new(cfg.seed, &family, rows);
        for app in &family.apps {
            let start = next_edge;
            while next_edge < edges.len() && edges[next_edge].0 as usize == app_index {
                next_edge += 1;
            }
            let refs = references(cfg.seed, &cited, &edges[start..next_edge]);
            for (k, p) in pubs(app).enumerate() {
                rows += 1;
                // Citations belong to the application's first publication, as a search
                // report does; repeating them on the grant would count them twice.
                let refs = if k == 0 { refs.as_slice() } else { &[] };
                let doc = document(cfg.seed, rows, &family, &fj, app, p, refs);
                line.clear();
                serde_json::to_writer(&mut line, &doc).map_err(|e| SynthError::Io {
                    path: path.clone(),
                    source: e.into(),
                })?;
                line.push(b'\n');
                buf.write_all(&line).map_err(io_err(&path))?;
            }
            app_index += 1;
        }
        if generator.done() - reported >= PROGRESS_EVERY {
            reported = generator.done();
            progress(n / 2 + reported / 2);
        }
    }
    progress(n);
    let jsonl = file.commit(buf)?;
    let marker = write_marker(cfg, out_dir, "Lens JSON (API) layout")?;
    Ok(SynthSummary {
        applications: generator.done(),
        publications: rows,
        citations: edges.len() as u64,
        files: vec![jsonl, marker],
    })
}

/// Generates the corpus once and keeps what the edge draw and the references need: per
/// application its filing day, its target count and its first publication (None without one).
fn first_pass(cfg: &SynthConfig, progress: &mut dyn FnMut(u64)) -> Result<FirstPass, SynthError> {
    let mut generator = Generator::new(cfg.applications, cfg.seed);
    let (mut day, mut cited_by, mut first) = (Vec::new(), Vec::new(), Vec::new());
    let mut rows: u64 = 0;
    let mut reported = 0;
    while let Some(f) = generator.next_family() {
        for app in &f.apps {
            let mut head = None;
            for p in pubs(app) {
                rows += 1;
                head.get_or_insert_with(|| Cited {
                    row: rows,
                    office: p.office,
                    number: p.number.clone(),
                    kind: p.kind,
                    date: p.date,
                });
            }
            let d = app.filing.signed_duration_since(day0()).num_days();
            day.push(d.clamp(0, u16::MAX as i64) as u16);
            // An application without a publication can neither cite nor be cited.
            let target = if head.is_some() { app.cited_by } else { 0 };
            cited_by.push(target.min(u16::MAX as u32) as u16);
            first.push(head);
        }
        if generator.done() - reported >= PROGRESS_EVERY {
            reported = generator.done();
            progress(reported);
        }
    }
    Ok(FirstPass {
        day,
        cited_by,
        first,
    })
}

/// The edges of the corpus sorted by citing application, without those from an application
/// that has no publication to carry them.
fn draw_edges(seed: u64, pass: &FirstPass) -> Vec<Edge> {
    use rand::Rng;
    let mut edges: Vec<Edge> = Vec::new();
    let drawn = citations::draw::<std::convert::Infallible>(
        seed,
        &pass.day,
        &pass.cited_by,
        |rng, step| {
            if let Cite::Edge { citing, cited } = step {
                let search = rng.random_bool(0.6);
                if pass.first[citing as usize].is_some() {
                    edges.push((citing, cited, search));
                }
            }
            Ok(())
        },
    );
    let Ok(_) = drawn;
    edges.sort_unstable();
    edges
}

/// `biblio.references_cited.citations` of one application from its edges.
fn references(seed: u64, pass: &FirstPass, edges: &[Edge]) -> Vec<Value> {
    edges
        .iter()
        .filter_map(|&(_, cited, search)| pass.first[cited as usize].as_ref().map(|c| (c, search)))
        .enumerate()
        .map(|(k, (c, search))| {
            json!({
                "sequence": k + 1,
                "patcit": c.document_id(seed),
                "cited_phase": if search { "SEA" } else { "APP" },
            })
        })
        .collect()
}

/// One publication's document.
fn document(
    seed: u64,
    row: u64,
    f: &Family,
    fj: &FamilyJson,
    app: &App,
    p: &Pub,
    refs: &[Value],
) -> Value {
    let number = digits(&p.number);
    let is_grant = app.grant.as_ref().is_some_and(|g| std::ptr::eq(g, p));
    // A utility model's publication is Lens's LIMITED_PATENT, whose grant status Lens leaves
    // open, as the CSV's `Limited Patent` does.
    let (publication_type, granted) = if is_grant {
        ("GRANTED_PATENT", Some(true))
    } else if app.utility_model {
        ("LIMITED_PATENT", None)
    } else {
        ("PATENT_APPLICATION", Some(app.grant.is_some()))
    };
    let mut legal = json!({"patent_status": app.legal_status});
    if let Some(g) = granted {
        legal["granted"] = json!(g);
    }
    let date = ymd(p.date);
    json!({
        "lens_id": lens_id(seed, row),
        "jurisdiction": p.office,
        "doc_number": number,
        "kind": p.kind,
        "date_published": date,
        "doc_key": format!("{}_{}_{}_{}", p.office, number, p.kind, p.date.format("%Y%m%d")),
        "lang": "en",
        "publication_type": publication_type,
        "biblio": {
            "publication_reference": {
                "jurisdiction": p.office, "doc_number": number, "kind": p.kind, "date": date,
            },
            "application_reference": application_reference(app),
            "priority_claims": fj.priority,
            "invention_title": [{"text": f.title, "lang": "en"}],
            "parties": {"applicants": fj.applicants, "inventors": fj.inventors},
            "classifications_cpc": fj.cpc,
            "classifications_ipcr": fj.ipc,
            "references_cited": {
                "citations": refs,
                "patent_count": refs.len(),
                "npl_count": app.npl,
            },
            "cited_by": {"patent_count": app.cited_by},
        },
        "families": {"simple_family": fj.members, "extended_family": fj.members},
        "legal_status": legal,
        "abstract": [{"text": f.abstract_text, "lang": "en"}],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn application_references_take_the_lens_json_form() {
        assert_eq!(
            app_ref("CN", "2019100123456 A", 2019),
            ("CN".into(), "2019100123456".into(), "A".into())
        );
        assert_eq!(
            app_ref("US", "16/123,456", 2019),
            ("US".into(), "201916123456".into(), "A".into())
        );
        assert_eq!(
            app_ref("CN", "2019012345 W", 2019),
            ("CN".into(), "2019012345".into(), "W".into())
        );
    }
}
