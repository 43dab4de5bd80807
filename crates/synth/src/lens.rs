//! The Lens CSV writer: one row per publication in the current Lens export schema, with the
//! value formats Lens uses (`US 16/123,456`, `CN 110123456 A`, `;;` lists).

use std::path::Path;

use chrono::{Datelike, NaiveDate};

use crate::generate::{App, Family, Generator, Pub};
use crate::text::ipc_of;
use crate::{
    AtomicFile, PROGRESS_EVERY, SynthConfig, SynthError, SynthSummary, ensure_dir, write_marker,
};

/// The header, in the order of a current Lens export.
pub const HEADER: [&str; 30] = [
    "#",
    "Jurisdiction",
    "Kind",
    "Display Key",
    "Lens ID",
    "Publication Date",
    "Publication Year",
    "Application Number",
    "Application Date",
    "Priority Numbers",
    "Earliest Priority Date",
    "Title",
    "Applicants",
    "Inventors",
    "Owners",
    "URL",
    "Document Type",
    "Has Full Text",
    "Cited by Patent Count",
    "Simple Family Size",
    "Extended Family Size",
    "Sequence Count",
    "CPC Classifications",
    "IPCR Classifications",
    "US Classifications",
    "NPL Citation Count",
    "Simple Family Members",
    "Extended Family Members",
    "Legal Status",
    "Abstract",
];

/// The output file name inside the output directory.
pub const FILE: &str = "synthetic-lens.csv";

/// A Lens-ID-shaped identifier for row `n` (`ddd-ddd-ddd-ddd-dC`). Multiplying by a number
/// prime to 10 modulo 10^13 is a bijection, so identifiers never repeat.
pub(crate) fn lens_id(seed: u64, n: u64) -> String {
    const M: u64 = 10_000_000_000_000;
    let offset = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) % M;
    let v = ((n as u128 * 3_141_592_653_589 + offset as u128) % M as u128) as u64;
    let d = format!("{v:013}");
    let sum: u32 = d.bytes().map(|b| (b - b'0') as u32).sum();
    let check = match sum % 11 {
        10 => 'X',
        c => char::from(b'0' + c as u8),
    };
    format!(
        "{}-{}-{}-{}-{}{check}",
        &d[0..3],
        &d[3..6],
        &d[6..9],
        &d[9..12],
        &d[12..13]
    )
}

fn ymd(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The values shared by all rows of a family.
struct FamilyText {
    priority: String,
    earliest: String,
    applicants: String,
    inventors: String,
    cpc: String,
    ipc: String,
    members: String,
    size: String,
}

impl FamilyText {
    fn new(f: &Family) -> FamilyText {
        // Lens writes a priority claim as office, number, kind and date.
        let number = if f.priority_number.contains(' ') {
            f.priority_number.clone()
        } else {
            format!("{} A", f.priority_number)
        };
        let pubs: Vec<&Pub> = f
            .apps
            .iter()
            .flat_map(|a| a.first_pub.iter().chain(a.grant.iter()))
            .collect();
        let mut ipc: Vec<String> = Vec::new();
        for c in &f.cpc {
            if let Some(i) = ipc_of(c)
                && !ipc.contains(&i)
            {
                ipc.push(i);
            }
        }
        FamilyText {
            priority: format!("{} {number} {}", f.priority_office, ymd(f.priority_date)),
            earliest: ymd(f.priority_date),
            applicants: f
                .applicants
                .iter()
                .map(|(n, _)| n.as_str())
                .collect::<Vec<_>>()
                .join(";;"),
            inventors: f.inventors.join(";;"),
            cpc: f.cpc.join(";;"),
            ipc: ipc.join(";;"),
            members: pubs
                .iter()
                .map(|p| p.display())
                .collect::<Vec<_>>()
                .join(";;"),
            // Lens counts family members as publications.
            size: pubs.len().to_string(),
        }
    }
}

pub fn write(
    cfg: &SynthConfig,
    out_dir: &Path,
    progress: &mut dyn FnMut(u64),
) -> Result<SynthSummary, SynthError> {
    ensure_dir(out_dir)?;
    let path = out_dir.join(FILE);
    let (file, buf) = AtomicFile::create(path.clone())?;
    let csv_err = |source| SynthError::Csv {
        path: path.clone(),
        source,
    };
    let mut w = csv::WriterBuilder::new().from_writer(buf);
    w.write_record(HEADER).map_err(csv_err)?;

    let mut generator = Generator::new(cfg.applications, cfg.seed);
    let mut rows: u64 = 0;
    let mut citations: u64 = 0;
    let mut reported = 0;
    while let Some(family) = generator.next_family() {
        let ft = FamilyText::new(&family);
        for app in &family.apps {
            citations += app.cited_by as u64;
            for (p, doc_type) in [
                (
                    app.first_pub.as_ref(),
                    if app.utility_model {
                        "Limited Patent"
                    } else {
                        "Patent Application"
                    },
                ),
                (app.grant.as_ref(), "Granted Patent"),
            ] {
                let Some(p) = p else { continue };
                rows += 1;
                write_row(&mut w, cfg.seed, rows, &family, &ft, app, p, doc_type)
                    .map_err(csv_err)?;
            }
        }
        if generator.done() - reported >= PROGRESS_EVERY {
            reported = generator.done();
            progress(reported);
        }
    }
    progress(generator.done());
    let buf = w.into_inner().map_err(|e| SynthError::Io {
        path: path.clone(),
        source: e.into_error(),
    })?;
    let csv_path = file.commit(buf)?;
    let marker = write_marker(cfg, out_dir, "Lens CSV export layout")?;
    Ok(SynthSummary {
        applications: generator.done(),
        publications: rows,
        citations,
        files: vec![csv_path, marker],
    })
}

#[allow(clippy::too_many_arguments)]
fn write_row<W: std::io::Write>(
    w: &mut csv::Writer<W>,
    seed: u64,
    n: u64,
    f: &Family,
    ft: &FamilyText,
    app: &App,
    p: &Pub,
    doc_type: &str,
) -> Result<(), csv::Error> {
    let id = lens_id(seed, n);
    let url = format!("https://example.invalid/patq-synthetic/{id}");
    w.write_record([
        n.to_string().as_str(),
        p.office,
        p.kind,
        &p.display(),
        &id,
        &ymd(p.date),
        &p.date.year().to_string(),
        &app.number,
        &ymd(app.filing),
        &ft.priority,
        &ft.earliest,
        &f.title,
        &ft.applicants,
        &ft.inventors,
        &ft.applicants,
        &url,
        doc_type,
        "false",
        &app.cited_by.to_string(),
        &ft.size,
        &ft.size,
        "0",
        &ft.cpc,
        &ft.ipc,
        "",
        &app.npl.to_string(),
        &ft.members,
        &ft.members,
        app.legal_status,
        &f.abstract_text,
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lens_ids_are_distinct_and_shaped() {
        let mut seen = std::collections::HashSet::new();
        for n in 1..20_000 {
            let id = lens_id(42, n);
            assert_eq!(id.len(), 18, "{id}");
            assert!(seen.insert(id));
        }
        assert_ne!(lens_id(1, 1), lens_id(2, 1));
    }
}
