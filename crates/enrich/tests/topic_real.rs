//! Topic queries on the real Lens drones export (titles and CPC codes only: the 2015/16
//! schema has no abstract or claims), against counts made independently in python; and the
//! same export's applicant names at entity and group level, scored against hand-cleaned
//! names (`../shared/gold/drones-applicants-cleaned-dev`).

use std::collections::{BTreeSet, HashMap};

use patq_enrich::{Harmonizer, Query};
use patq_ingest::{CollectSink, Input, lens_csv};
use patq_model::PartyRole;
use patq_testkit::shared_file;

#[test]
fn drones_queries_match_python_counts() {
    let Some(path) = shared_file(
        "drones_queries_match_python_counts",
        "lens-csv-oldham/drones_fulltext_families_5884_raw.csv",
    ) else {
        return;
    };
    let input = Input::load(&path, 0).expect("load");
    let mut sink = CollectSink::default();
    lens_csv::read(&[&input], &mut sink).expect("read");
    let recs = sink.records;
    assert_eq!(recs.len(), 5_884);
    let count = |q: &str| {
        let q = Query::parse(q).unwrap();
        recs.iter().filter(|r| q.matches(r)).count()
    };
    // python3: rows = list(csv.DictReader(...));
    //   words(t) = [w.lower() for w in re.split(r'[^\w]|_', t) if w]
    //   sum(any(w.startswith('drone') or w == 'uav' for w in words(r['Title'])) ...) -> 674
    //   drone* alone -> 655, uav alone -> 25
    assert_eq!(count("drone* OR uav"), 674);
    assert_eq!(count("drone*"), 655);
    assert_eq!(count("UAV"), 25);
    // consecutive 'unmanned', 'aerial', 'vehicle*' in the title -> 133; 127 of them without
    // drone*/uav.
    assert_eq!(count("\"unmanned aerial vehicle*\""), 133);
    assert_eq!(
        count("\"unmanned aerial vehicle*\" AND NOT (drone* OR uav)"),
        127
    );
    // CPC codes (';;' list, spaces removed) starting B64C39/024 -> 386; with drone*/uav -> 101.
    assert_eq!(count("cpc:B64C39/024"), 386);
    assert_eq!(count("cpc:B64C39/024 AND (drone* OR uav)"), 101);
}

/// Pairwise precision, recall and F1 of a clustering `pred` against `gold` (same items).
fn pairwise(pred: &[&str], gold: &[&str]) -> (f64, f64, f64) {
    fn pairs<K: std::hash::Hash + Eq>(keys: impl Iterator<Item = K>) -> u64 {
        let mut n: HashMap<K, u64> = HashMap::new();
        for k in keys {
            *n.entry(k).or_default() += 1;
        }
        n.values().map(|&c| c * (c - 1) / 2).sum()
    }
    let tp = pairs(pred.iter().zip(gold));
    let (pp, gp) = (pairs(pred.iter()), pairs(gold.iter()));
    let (p, r) = (tp as f64 / pp as f64, tp as f64 / gp as f64);
    (p, r, 2.0 * p * r / (p + r))
}

/// The gold split a person written `LAST; FIRST` into two cleaned names (its SOURCE.md says
/// so): where both halves of such a raw applicant are among the record's cleaned names, they
/// are one name again (`LAST FIRST`), so the record is not clustered by a given name alone.
fn rejoin_split_persons(r: &patq_model::PatentRecord, mut names: Vec<String>) -> Vec<String> {
    for p in r.parties.iter().filter(|p| p.role == PartyRole::Applicant) {
        let parts: Vec<BTreeSet<String>> = p.name.split(';').map(words).collect();
        if parts.len() < 2 {
            continue;
        }
        let at: Vec<Option<usize>> = parts
            .iter()
            .map(|w| names.iter().position(|n| words(n) == *w))
            .collect();
        if at.iter().all(Option::is_some) {
            let at: Vec<usize> = at.into_iter().flatten().collect();
            let joined: Vec<String> = at.iter().map(|&i| names[i].clone()).collect();
            let mut desc = at.clone();
            desc.sort_unstable_by(|a, b| b.cmp(a));
            desc.dedup();
            for i in desc {
                names.remove(i);
            }
            names.push(joined.join(" "));
        }
    }
    names
}

fn strs(x: &[String]) -> Vec<&str> {
    x.iter().map(String::as_str).collect()
}

fn words(s: &str) -> BTreeSet<String> {
    s.to_uppercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Entity level against hand-cleaned names. The gold lists a record's cleaned names sorted
/// alphabetically, so each record is clustered by its alphabetically first cleaned name, and
/// patq by the raw applicant that name was cleaned from: the one sharing most words with it
/// (Jaccard; the first on ties). The identical-string baseline clusters the same raw names.
#[test]
fn drones_applicant_entities_vs_hand_cleaned_names() {
    let test = "drones_applicant_entities_vs_hand_cleaned_names";
    let Some(path) = shared_file(
        test,
        "lens-csv-oldham/drones_fulltext_families_5884_raw.csv",
    ) else {
        return;
    };
    let gold_path = path
        .ancestors()
        .nth(3)
        .expect("shared/data/<folder>/<file>")
        .join("gold/drones-applicants-cleaned-dev/applicants_cleaned_dev.csv");
    let input = Input::load(&path, 0).expect("load");
    let mut sink = CollectSink::default();
    lens_csv::read(&[&input], &mut sink).expect("read");
    let recs = sink.records;
    let mut by_lens_id: HashMap<&str, usize> = HashMap::new();
    for (i, r) in recs.iter().enumerate() {
        for p in &r.publications {
            if let Some(id) = &p.source_id {
                by_lens_id.insert(id.as_str(), i);
            }
        }
    }
    let mut cleaned: HashMap<String, Vec<String>> = HashMap::new();
    let mut rows = csv::Reader::from_path(&gold_path).expect("gold file");
    for row in rows.records() {
        let row = row.expect("gold row");
        cleaned
            .entry(row[0].to_string())
            .or_default()
            .push(row[1].to_string());
    }
    assert_eq!(cleaned.len(), 1_316);
    let first_clean: HashMap<String, String> = cleaned
        .into_iter()
        .map(|(id, names)| {
            let r = &recs[by_lens_id[id.as_str()]];
            let first = rejoin_split_persons(r, names)
                .into_iter()
                .min()
                .unwrap_or_default();
            (id, first)
        })
        .collect();
    let h = Harmonizer::default();
    let (mut gold, mut raw, mut entity, mut group) = (vec![], vec![], vec![], vec![]);
    let mut ids: Vec<&String> = first_clean.keys().collect();
    ids.sort();
    for id in ids {
        let clean = &first_clean[id];
        let r = &recs[by_lens_id[id.as_str()]];
        let want = words(clean);
        let jaccard = |name: &str| {
            let w = words(name);
            let inter = w.intersection(&want).count() as f64;
            inter / (w.union(&want).count().max(1)) as f64
        };
        let mut best: Option<(&str, f64)> = None;
        for p in r.parties.iter().filter(|p| p.role == PartyRole::Applicant) {
            let j = jaccard(&p.name);
            if best.is_none_or(|(_, b)| j > b) {
                best = Some((p.name.as_str(), j));
            }
        }
        // One record has no applicant at all, and an empty cleaned name.
        let Some((name, _)) = best else { continue };
        let g = h.harmonize(name, None);
        gold.push(clean.clone());
        raw.push(name.to_string());
        entity.push(g.entity);
        group.push(g.id);
    }
    let gold = strs(&gold);
    let score = |x: &[String]| pairwise(&strs(x), &gold);
    let (base, ent, grp) = (score(&raw), score(&entity), score(&group));
    for (label, (p, r, f)) in [("identical strings", base), ("entity", ent), ("group", grp)] {
        eprintln!(
            "{label:>17}: P {p:.4} R {r:.4} F1 {f:.4} ({} records)",
            gold.len()
        );
    }
    if std::env::var_os("PATQ_GOLD_DIFF").is_some() {
        for i in 0..gold.len() {
            for j in i + 1..gold.len() {
                if (gold[i] == gold[j]) != (entity[i] == entity[j]) {
                    eprintln!("{:?} {:?} | {:?} {:?}", raw[i], raw[j], gold[i], gold[j]);
                }
            }
        }
    }
    // Measured: identical strings P 1.0000 R 0.9708 F1 0.9852; entity P 0.9810 R 0.9835 F1
    // 0.9823; group P 0.9786 R 0.9848. Issue 24 asks for entity F1 >= 0.99 above the
    // baseline; not reached (docs/HARMONISATION.md): 12 of the 13 false pairs are names the
    // gold itself keeps apart with and without a legal form (LORD CORP / LORD CORPORATION),
    // 6 of the 13 missed pairs are subsidiaries the gold joins (FUJITSU TEN to FUJITSU).
    // These bounds guard the measured level against regressions.
    assert!(ent.2 >= 0.982, "entity F1 {:.4} below 0.982", ent.2);
    assert!(ent.0 >= 0.98, "entity precision {:.4} below 0.98", ent.0);
    assert!(
        ent.1 > base.1,
        "entity recall {:.4} <= baseline {:.4}",
        ent.1,
        base.1
    );
    // A group is a union of whole entities, so it finds every pair the entity level finds.
    assert!(
        grp.1 >= ent.1,
        "group recall {:.4} < entity recall {:.4}",
        grp.1,
        ent.1
    );
}
