//! T3 and P on the real Lens drones CSV export (5,884 publication rows): internal consistency
//! of the industry table, and the top group's grants checked against the Lens `Type` column
//! read directly with the csv crate.

use std::collections::{BTreeMap, HashMap};

use patq_enrich::{Harmonizer, Taxonomy};
use patq_indicators::*;
use patq_ingest::{CollectSink, Input, lens_csv};
use patq_model::PatentRecord;
use patq_testkit::shared_file;

const DRONES: &str = "lens-csv-oldham/drones_fulltext_families_5884_raw.csv";

/// Lens ID -> (`Kind`, `Type`) of every publication row.
fn lens_types(path: &std::path::Path) -> HashMap<String, (String, String)> {
    let mut rd = csv::Reader::from_path(path).expect("open the Lens CSV");
    let header = rd.headers().expect("header").clone();
    let col = |name: &str| header.iter().position(|h| h == name).expect(name);
    let (id, kind, ty) = (col("Lens ID"), col("Kind"), col("Type"));
    rd.records()
        .map(|r| {
            let r = r.expect("a CSV row");
            (r[id].to_string(), (r[kind].to_string(), r[ty].to_string()))
        })
        .collect()
}

/// Publication rows merged into one record per application, as the store keeps them.
fn applications(path: &std::path::Path) -> Vec<PatentRecord> {
    let input = Input::load(path, 0).expect("load");
    let mut sink = CollectSink::default();
    lens_csv::read(&[&input], &mut sink).expect("read");
    let mut merged: BTreeMap<patq_model::Text, PatentRecord> = BTreeMap::new();
    for r in sink.records {
        match merged.get_mut(&r.app.key) {
            Some(m) => {
                m.merge(r);
            }
            None => {
                merged.insert(r.app.key.clone(), r);
            }
        }
    }
    merged.into_values().collect()
}

#[test]
fn lens_drones_industries_and_top_group_profile() {
    let Some(path) = shared_file("lens_drones_industries_and_top_group_profile", DRONES) else {
        return;
    };
    let recs = applications(&path);
    let c = Corpus::build(&recs, &Harmonizer::default());
    let sel = c.select(&Filters::default());
    let tax = Taxonomy::default();
    assert!(c.has_grant_status && c.has_applicants && c.has_citation_counts);

    let m = industries::classify(&c, &sel, &tax);
    let t3 = industries::from_matches(&c, &m);
    assert_eq!(t3.applications, recs.len() as u64);
    for r in t3.rows.iter().chain(std::iter::once(&t3.unclassified)) {
        let g = r.grants.expect("Lens has grant status");
        assert!(g <= r.applications, "{}: {g} grants", r.industry);
        assert!(r.companies.unwrap() <= g, "{}", r.industry);
    }
    // Rows are ordered by grants, then id.
    assert!(t3.rows.windows(2).all(|w| {
        let (a, b) = (w[0].grants.unwrap(), w[1].grants.unwrap());
        a > b || (a == b && w[0].industry < w[1].industry)
    }));
    let classified = sel
        .iter()
        .filter(|&&i| !m.of(i).industries.is_empty())
        .count() as u64;
    assert_eq!(classified + t3.unclassified.applications, t3.applications);
    // Overlaps make the industry rows add up to at least the classified applications.
    let sum: u64 = t3.rows.iter().map(|r| r.applications).sum();
    assert!(sum >= classified);
    eprintln!(
        "T3 drones: {} applications, {} unclassified; top industries {:?}",
        t3.applications,
        t3.unclassified.applications,
        t3.rows[..5]
            .iter()
            .map(|r| (&r.industry, r.applications, r.grants.unwrap()))
            .collect::<Vec<_>>()
    );

    let top = company_profile::top_groups(&c, &sel, 1);
    let group = &top[0].group;
    let p = company_profile::compute(&c, &sel, &tax, group);
    let mine: Vec<usize> = sel
        .iter()
        .copied()
        .filter(|&i| c.info[i].group.as_deref() == Some(group.as_str()))
        .collect();
    assert_eq!(p.applications, mine.len() as u64);
    assert_eq!(p.applications, top[0].applications);

    // Grants straight from the file: an application is granted when one of its publication
    // rows says `Type` = "Granted Patent". Lens leaves `Type` = "unknown" on a few grant
    // publications (FR B1 here); the corpus counts those by kind code, as METHODOLOGY.md
    // says, so they are counted apart: Type "unknown" with a B or C kind.
    let types = lens_types(&path);
    let rows_of = |i: usize| {
        recs[i]
            .publications
            .iter()
            .filter_map(|p| types.get(p.source_id.as_deref()?))
    };
    let by_type = |i: usize| rows_of(i).any(|(_, t)| t == "Granted Patent");
    let by_kind_only = |i: usize| {
        !by_type(i) && rows_of(i).any(|(k, t)| t == "unknown" && k.starts_with(['B', 'C']))
    };
    let count =
        |apps: &[usize], f: &dyn Fn(usize) -> bool| apps.iter().filter(|&&i| f(i)).count() as u64;
    let (direct, extra) = (count(&mine, &by_type), count(&mine, &by_kind_only));
    assert_eq!(p.grants, Some(direct + extra));
    let (world_direct, world_extra) = (count(&sel, &by_type), count(&sel, &by_kind_only));
    assert!(p.world_grants.unwrap() >= world_direct + world_extra);

    let years: u64 = p.years.iter().map(|y| y.applications).sum();
    assert_eq!(years + p.without_year, p.applications);
    let bands: u64 = p.citation_bands.as_ref().unwrap().iter().sum();
    assert_eq!(Some(bands), p.cited);
    assert!(p.cited.unwrap() <= p.world_cited.unwrap());
    assert!(p.core <= p.applications && p.international <= p.applications);
    assert!(p.triadic_families.unwrap() <= p.extended_families);
    assert!(p.extended_families <= p.applications);
    assert!(!p.offices.is_empty());
    eprintln!(
        "P drones top group {group}: {} applications, {direct} + {extra} grants (Type + kind) of {} \
         world ({world_direct} + {world_extra}), cited {:?} bands {:?}, core {}, international {}, families {} ({:?} triadic), offices {:?}",
        p.applications,
        p.world_grants.unwrap(),
        p.cited,
        p.citation_bands,
        p.core,
        p.international,
        p.extended_families,
        p.triadic_families,
        p.offices
    );
}

const JETENGINES: &str = "lens-csv-jetengines/lens-export.csv";

/// One Lens CSV row's columns the family and grant checks read.
struct Row {
    kind: String,
    ty: String,
    pub_date: String,
    simple: Option<u32>,
    extended: Option<u32>,
}

/// Lens ID -> its row, read with the csv crate (not patq's reader).
fn lens_rows(path: &std::path::Path) -> HashMap<String, Row> {
    let mut rd = csv::Reader::from_path(path).expect("open the Lens CSV");
    let header = rd.headers().expect("header").clone();
    let col = |name: &str| header.iter().position(|h| h == name).expect(name);
    let (id, kind, ty, date) = (
        col("Lens ID"),
        col("Kind"),
        col("Type"),
        col("Publication Date"),
    );
    let (simple, extended) = (col("Simple Family Size"), col("Extended Family Size"));
    rd.records()
        .map(|r| {
            let r = r.expect("a CSV row");
            let num = |c: usize| r[c].trim().parse::<u32>().ok();
            let row = Row {
                kind: r[kind].to_string(),
                ty: r[ty].to_string(),
                pub_date: r[date].to_string(),
                simple: num(simple),
                extended: num(extended),
            };
            (r[id].to_string(), row)
        })
        .collect()
}

/// F3 and F10 against the Lens Simple/Extended Family Size columns: each family's size is the
/// largest size its rows state (extended, else simple) or its rows in the file, whichever is
/// larger, computed here from the columns and patq's in-file family labels.
fn family_sizes_follow_the_lens_columns(test: &str, rel: &str) {
    let Some(path) = shared_file(test, rel) else {
        return;
    };
    let rows = lens_rows(&path);
    let recs = applications(&path);
    let c = Corpus::build(&recs, &Harmonizer::default());
    let sel = c.select(&Filters::default());
    assert_eq!(
        c.families.method,
        patq_enrich::FamilyMethod::SourceExtendedSizes
    );
    let mut stated: BTreeMap<u32, u32> = BTreeMap::new();
    let mut in_file: BTreeMap<u32, u32> = BTreeMap::new();
    for (i, r) in recs.iter().enumerate() {
        let f = c.families.extended[i];
        *in_file.entry(f).or_insert(0) += 1;
        for p in &r.publications {
            let row = &rows[p.source_id.as_deref().expect("a Lens ID")];
            let s = row.extended.max(row.simple).unwrap_or(0);
            let e = stated.entry(f).or_insert(0);
            *e = (*e).max(s);
        }
    }
    let size = |f: &u32| stated[f].max(in_file[f]);
    let f3 = families::compute(&c, &sel);
    let f10 = family_size_bands::compute(&c, &sel, 10);
    let fams = in_file.len() as u64;
    let multi = in_file.keys().filter(|f| size(f) >= 2).count() as u64;
    assert_eq!((f3.world.families, f3.world.multi_member), (fams, multi));
    assert_eq!(f3.families_with_source_size, fams);
    let mut bands = vec![0u64; family_size_bands::BANDS.len()];
    for f in in_file.keys() {
        // 1-2, 3-5, 6-10, >10, as METHODOLOGY.md writes F10's bands.
        let b = match size(f) {
            0 => unreachable!("a family has a member"),
            1..=2 => 0,
            3..=5 => 1,
            6..=10 => 2,
            _ => 3,
        };
        bands[b] += 1;
    }
    assert_eq!(f10.families, bands);
    let linked_multi = in_file.values().filter(|&&n| n >= 2).count();
    let rows_ext2 = rows.values().filter(|r| r.extended >= Some(2)).count();
    let rows_simple2 = rows.values().filter(|r| r.simple >= Some(2)).count();
    eprintln!(
        "{rel}: {} rows (Simple >= 2: {rows_simple2}, Extended >= 2: {rows_ext2}); {fams} \
         families, multi-member {multi} ({:.1}%) by source sizes, {linked_multi} ({:.1}%) \
         linked in file; F10 {bands:?}",
        rows.len(),
        100.0 * multi as f64 / fams as f64,
        100.0 * linked_multi as f64 / fams as f64,
    );
}

#[test]
fn lens_drones_family_sizes_follow_the_lens_columns() {
    family_sizes_follow_the_lens_columns(
        "lens_drones_family_sizes_follow_the_lens_columns",
        DRONES,
    );
}

#[test]
fn lens_jetengines_family_sizes_follow_the_lens_columns() {
    family_sizes_follow_the_lens_columns(
        "lens_jetengines_family_sizes_follow_the_lens_columns",
        JETENGINES,
    );
}

/// Grants against the Lens `Type` column, counted per row here: every application with a
/// "Granted Patent" row is granted; the only other grants are rows whose kind code is a grant
/// kind where Lens says "unknown", "Amended Patent" (a corrected grant, B8/B9) or "Limited
/// Patent" for an invention kind, each listed;
/// design rights are granted rights with their publication date as grant date, never
/// invention grants; utility models never are.
fn grants_follow_the_lens_type(test: &str, rel: &str) {
    let Some(path) = shared_file(test, rel) else {
        return;
    };
    let rows = lens_rows(&path);
    let recs = applications(&path);
    let mut by_type: BTreeMap<&str, usize> = BTreeMap::new();
    for r in rows.values() {
        *by_type.entry(r.ty.as_str()).or_insert(0) += 1;
    }
    let mut extra: BTreeMap<(String, String, String), usize> = BTreeMap::new();
    let (mut typed, mut designs) = (0, 0);
    for r in &recs {
        let mine: Vec<&Row> = r
            .publications
            .iter()
            .map(|p| &rows[p.source_id.as_deref().expect("a Lens ID")])
            .collect();
        let type_granted = mine.iter().any(|row| row.ty == "Granted Patent");
        if type_granted {
            typed += 1;
            assert!(r.is_granted(), "{}: Type says granted", r.app.key);
        } else if r.is_granted() {
            for row in &mine {
                let k = (r.app.office.to_string(), row.kind.clone(), row.ty.clone());
                *extra.entry(k).or_insert(0) += 1;
            }
        }
        if mine.iter().any(|row| row.ty == "Design right") {
            designs += 1;
            assert!(r.is_design() && !r.is_granted() && r.right_granted());
            let published = mine[0].pub_date.replace('/', "-");
            let date = r.grant_date().expect("a design's grant date").to_string();
            assert!(published.contains(&date[..4]), "{published} vs {date}");
            assert_eq!(r.grant_date(), r.publications[0].date);
        }
        if mine
            .iter()
            .all(|row| row.ty == "Limited Patent" && row.kind.starts_with('U'))
        {
            assert!(!r.is_granted(), "{}: a utility model", r.app.key);
        }
    }
    for ((office, kind, ty), n) in &extra {
        assert!(
            kind.starts_with(['B', 'C'])
                && matches!(
                    ty.as_str(),
                    "unknown"
                        | "Limited Patent"
                        | "Patent Application"
                        | "Amended Patent"
                        | "Ammended Patent"
                ),
            "{office} {kind} {ty}: {n} granted by kind"
        );
    }
    let granted = recs.iter().filter(|r| r.is_granted()).count();
    let extras: usize = extra.values().sum();
    assert_eq!(granted, typed + extras);
    assert_eq!(Some(&designs), by_type.get("Design right").or(Some(&0)));
    eprintln!(
        "{rel}: Type {by_type:?}; patq grants {granted} = {typed} by Type + {extras} by kind \
         {extra:?}; {designs} design rights granted as designs"
    );
}

#[test]
fn lens_drones_grants_follow_the_lens_type() {
    grants_follow_the_lens_type("lens_drones_grants_follow_the_lens_type", DRONES);
}

#[test]
fn lens_jetengines_grants_follow_the_lens_type() {
    grants_follow_the_lens_type("lens_jetengines_grants_follow_the_lens_type", JETENGINES);
}
