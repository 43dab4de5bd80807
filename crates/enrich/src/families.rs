//! Patent families built from the records themselves: INPADOC-style extended families
//! (connected components of priority, PCT and PATSTAT earliest-filing links) and DOCDB-like
//! simple families (applications with the same set of priorities), with per-family size,
//! offices covered and the OECD triadic flag.
//!
//! Link rules, each one an undirected edge of the union-find:
//! - a priority claim joins the claiming application to the application whose key is the
//!   claimed key; a claimed key that is not an application of the data becomes a phantom
//!   node, so two applications claiming the same outside priority still join;
//! - `pct_key` joins a national/regional phase to its PCT application (or phantom);
//! - `earliest_filing_id` joins every application sharing it, and the application whose
//!   `source_id` equals it (PATSTAT's own earliest-filing link; the Denter extract has no
//!   other link).
//!
//! A simple family is the set of applications with the same priority set: the keys of their
//! priority claims; an application claiming nothing takes the set of the PCT it entered from,
//! else its earliest filing, else itself, so a first filing sits with the filings that claim
//! only it.
//!
//! Records are expected one per application key (as `load_records` merges them); duplicates
//! share an extended family but keep their own priority sets.

use std::collections::{BTreeSet, HashMap};

use patq_model::PatentRecord;
use serde::Serialize;

use crate::unionfind::UnionFind;

/// Summary of one family.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FamilyInfo {
    /// Member applications present in the data.
    pub size: u32,
    /// Distinct filing offices of the members, sorted.
    pub offices: Vec<String>,
    /// OECD triadic family: a member filed at EP, one at JP and a granted US member.
    pub triadic: bool,
    /// The source's own family ids seen on members (DOCDB for simple families, INPADOC for
    /// extended ones), sorted and distinct; empty when the source gave none.
    pub source_ids: Vec<String>,
}

/// Families of a record set; indices are positions in the slice given to [`Families::build`].
#[derive(Clone, Debug, Serialize)]
pub struct Families {
    /// Extended (INPADOC-style) family index of each application.
    pub extended: Vec<u32>,
    pub extended_info: Vec<FamilyInfo>,
    /// Simple (DOCDB-like, same priority set) family index of each application.
    pub simple: Vec<u32>,
    pub simple_info: Vec<FamilyInfo>,
}

impl Families {
    /// Builds both family kinds in time linear in records plus links.
    pub fn build(records: &[PatentRecord]) -> Families {
        let n = records.len();
        let mut uf = UnionFind::new(n);
        // Every link target, application key or outside key, as a union-find node.
        let mut node: HashMap<String, u32> = HashMap::with_capacity(n * 2);
        for (i, r) in records.iter().enumerate() {
            match node.get(&r.app.key) {
                // The same application twice (unmerged input) is one application.
                Some(&j) => {
                    uf.union(i as u32, j);
                }
                None => {
                    node.insert(r.app.key.clone(), i as u32);
                }
            }
        }
        let by_source_id: HashMap<&str, u32> = records
            .iter()
            .enumerate()
            .filter_map(|(i, r)| Some((r.app.source_id.as_deref()?, i as u32)))
            .collect();
        let mut link = |uf: &mut UnionFind, i: usize, target: &str| {
            let t = match node.get(target) {
                Some(&t) => t,
                None => {
                    let t = uf.push();
                    node.insert(target.to_string(), t);
                    t
                }
            };
            uf.union(i as u32, t);
        };
        for (i, r) in records.iter().enumerate() {
            for p in &r.priorities {
                if !p.key.is_empty() {
                    link(&mut uf, i, &p.key);
                }
            }
            if let Some(pct) = r.app.pct_key.as_deref().filter(|k| !k.is_empty()) {
                link(&mut uf, i, pct);
            }
            if let Some(e) = r.app.earliest_filing_id.as_deref() {
                match by_source_id.get(e) {
                    Some(&j) => {
                        uf.union(i as u32, j);
                    }
                    None => link(&mut uf, i, &format!("earliest_filing_id:{e}")),
                }
            }
        }
        let labels = uf.labels();
        // Phantom nodes come after the applications, so application families are numbered
        // first; renumber densely over applications only.
        let (extended, ext_count) = dense(&labels[..n]);
        let extended_info = summarise(records, &extended, ext_count, |r| {
            r.app.inpadoc_family_id.as_deref()
        });

        let sets: Vec<Vec<u32>> = (0..n)
            .map(|i| priority_set(records, i, &node, &by_source_id))
            .collect();
        let mut set_id: HashMap<&[u32], u32> = HashMap::new();
        let simple: Vec<u32> = sets
            .iter()
            .map(|s| {
                let next = set_id.len() as u32;
                *set_id.entry(s.as_slice()).or_insert(next)
            })
            .collect();
        let simple_info = summarise(records, &simple, set_id.len(), |r| {
            r.app.docdb_family_id.as_deref()
        });
        Families {
            extended,
            extended_info,
            simple,
            simple_info,
        }
    }

    /// Number of extended families.
    pub fn extended_count(&self) -> usize {
        self.extended_info.len()
    }

    /// Number of simple families.
    pub fn simple_count(&self) -> usize {
        self.simple_info.len()
    }

    /// Members (record indices) of each extended family.
    pub fn extended_members(&self) -> Vec<Vec<u32>> {
        members(&self.extended, self.extended_info.len())
    }

    /// Members (record indices) of each simple family.
    pub fn simple_members(&self) -> Vec<Vec<u32>> {
        members(&self.simple, self.simple_info.len())
    }
}

fn members(labels: &[u32], count: usize) -> Vec<Vec<u32>> {
    let mut out = vec![Vec::new(); count];
    for (i, &f) in labels.iter().enumerate() {
        out[f as usize].push(i as u32);
    }
    out
}

fn dense(labels: &[u32]) -> (Vec<u32>, usize) {
    let mut map: HashMap<u32, u32> = HashMap::new();
    let out = labels
        .iter()
        .map(|l| {
            let next = map.len() as u32;
            *map.entry(*l).or_insert(next)
        })
        .collect();
    (out, map.len())
}

/// The priority set of record `i` (see the module docs), as the sorted union-find nodes of its
/// keys: every key the set can hold was given a node while linking, and one key has one node,
/// so equal node sets are equal key sets without building strings per application.
fn priority_set(
    records: &[PatentRecord],
    i: usize,
    node: &HashMap<String, u32>,
    by_source_id: &HashMap<&str, u32>,
) -> Vec<u32> {
    let id = |key: &str| *node.get(key).expect("every family key has a node");
    let keys_of = |r: &PatentRecord| -> Vec<u32> {
        let mut v: Vec<u32> = r
            .priorities
            .iter()
            .filter(|p| !p.key.is_empty())
            .map(|p| id(&p.key))
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let r = &records[i];
    let own = keys_of(r);
    if !own.is_empty() {
        return own;
    }
    if let Some(pct) = r.app.pct_key.as_deref().filter(|k| !k.is_empty()) {
        // Priorities of the PCT application when it is in the data, else the PCT itself.
        if let Some(&j) = node.get(pct)
            && (j as usize) < records.len()
            && (j as usize) != i
        {
            let pr = &records[j as usize];
            let set = keys_of(pr);
            if !set.is_empty() {
                return set;
            }
            return vec![id(&pr.app.key)];
        }
        return vec![id(pct)];
    }
    if let Some(e) = r.app.earliest_filing_id.as_deref() {
        return vec![match by_source_id.get(e) {
            Some(&j) => id(&records[j as usize].app.key),
            None => id(&format!("earliest_filing_id:{e}")),
        }];
    }
    vec![id(&r.app.key)]
}

fn summarise(
    records: &[PatentRecord],
    labels: &[u32],
    count: usize,
    source_id: impl Fn(&PatentRecord) -> Option<&str>,
) -> Vec<FamilyInfo> {
    #[derive(Default)]
    struct Acc<'a> {
        size: u32,
        offices: BTreeSet<&'a str>,
        ep: bool,
        jp: bool,
        us_grant: bool,
        ids: BTreeSet<&'a str>,
    }
    let mut acc: Vec<Acc<'_>> = (0..count).map(|_| Acc::default()).collect();
    for (r, &f) in records.iter().zip(labels) {
        let a = &mut acc[f as usize];
        a.size += 1;
        let office = r.app.office.as_str();
        if !office.is_empty() {
            a.offices.insert(office);
        }
        a.ep |= office == "EP";
        a.jp |= office == "JP";
        a.us_grant |= office == "US" && r.is_granted();
        if let Some(id) = source_id(r).filter(|s| !s.is_empty()) {
            a.ids.insert(id);
        }
    }
    acc.into_iter()
        .map(|a| FamilyInfo {
            size: a.size,
            offices: a.offices.into_iter().map(str::to_string).collect(),
            triadic: a.ep && a.jp && a.us_grant,
            source_ids: a.ids.into_iter().map(str::to_string).collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use patq_model::{Priority, PubClass, Publication, app_key};

    pub(crate) fn rec(office: &str, number: &str, prios: &[(&str, &str)]) -> PatentRecord {
        let mut r = PatentRecord::default();
        r.app.office = office.into();
        r.app.number = number.into();
        r.app.key = app_key(office, number);
        r.priorities = prios
            .iter()
            .map(|(o, n)| Priority {
                office: o.to_string(),
                number: n.to_string(),
                kind: None,
                date: None,
                key: app_key(o, n),
            })
            .collect();
        r
    }

    fn grant(mut r: PatentRecord) -> PatentRecord {
        r.publications.push(Publication {
            office: r.app.office.clone(),
            number: r.app.number.clone(),
            kind: "B2".into(),
            date: None,
            class: PubClass::Grant,
            source_id: None,
        });
        r
    }

    #[test]
    fn outside_priority_still_joins() {
        // Two applications claim a priority that is not itself in the data.
        let recs = vec![
            rec("US", "1", &[("GB", "9")]),
            rec("EP", "2", &[("GB", "9")]),
        ];
        let f = Families::build(&recs);
        assert_eq!(f.extended, vec![0, 0]);
        assert_eq!(f.extended_info[0].size, 2);
        assert_eq!(f.extended_info[0].offices, vec!["EP", "US"]);
        assert_eq!(f.simple, vec![0, 0]);
    }

    #[test]
    fn earliest_filing_id_links() {
        let mut a = rec("US", "1", &[]);
        a.app.source_id = Some("100".into());
        a.app.earliest_filing_id = Some("100".into());
        let mut b = rec("CN", "2", &[]);
        b.app.source_id = Some("200".into());
        b.app.earliest_filing_id = Some("100".into());
        // Shares an earliest filing that is not in the data.
        let mut c = rec("KR", "3", &[]);
        c.app.earliest_filing_id = Some("999".into());
        let mut d = rec("JP", "4", &[]);
        d.app.earliest_filing_id = Some("999".into());
        let f = Families::build(&[a, b, c, d]);
        assert_eq!(f.extended, vec![0, 0, 1, 1]);
        assert_eq!(f.simple, vec![0, 0, 1, 1]);
    }

    #[test]
    fn triadic_needs_us_grant() {
        let recs = vec![
            rec("JP", "1", &[]),
            rec("EP", "2", &[("JP", "1")]),
            rec("US", "3", &[("JP", "1")]),
        ];
        assert!(!Families::build(&recs).extended_info[0].triadic);
        let mut recs = recs;
        recs[2] = grant(recs[2].clone());
        assert!(Families::build(&recs).extended_info[0].triadic);
    }
}
