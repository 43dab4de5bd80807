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
//! The source's own family facts win over this inference where records carry them:
//! - a DOCDB or INPADOC family id is a link of the extended families too (members the source
//!   put in one family are in one extended family); simple families stay the priority sets,
//!   each listing the DOCDB ids its members carry (`source_ids`);
//! - a stated family size (Lens Simple/Extended Family Size, PATSTAT docdb_family_size, EPO
//!   OPS family listings) sizes the family: an export holds a slice of each family (often one
//!   row per family), so the members present undercount it. A family's size is the largest
//!   of its members in the data and every size its members state (for an extended family,
//!   extended and simple sizes: a simple family lies inside its extended family). Each of
//!   these counts a part of the true family, so the largest is the best lower bound; members
//!   disagree when the export mixes dates of the source's database or when links inside the
//!   data join what the source stated apart, and taking the largest never loses a member the
//!   source counted. [`FamilyMethod`] says which rule gave a figure's sizes.
//!
//! Records are expected one per application key (as `load_records` merges them); duplicates
//! share an extended family but keep their own priority sets.

use std::hash::BuildHasher;
use std::sync::Arc;

use patq_model::{AppFields, Text, ThinVec};
use serde::Serialize;

use crate::FastMap;
use crate::unionfind::UnionFind;

/// Summary of one family.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FamilyInfo {
    /// Member applications present in the data.
    pub size: u32,
    /// Distinct filing offices of the members, sorted; one list shared by every family with
    /// the same offices (a corpus has a few hundred distinct lists but millions of families),
    /// behind a thin pointer.
    #[serde(serialize_with = "offices_as_seq")]
    pub offices: Arc<Vec<Text>>,
    /// OECD triadic family: a member filed at EP, one at JP and a granted US member.
    pub triadic: bool,
    /// The source's own family ids seen on members (DOCDB for simple families, INPADOC for
    /// extended ones), sorted and distinct; empty when the source gave none.
    pub source_ids: ThinVec<Text>,
}

/// Where the family sizes of a dataset come from (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FamilyMethod {
    /// Some record states its extended (INPADOC-like) family size: Lens Extended Family Size,
    /// EPO OPS family listings.
    SourceExtendedSizes,
    /// Records state only simple (DOCDB-like) family sizes (PATSTAT docdb_family_size): a
    /// lower bound of the extended family.
    SourceSimpleSizes,
    /// No record states a family size: members linked inside the data, counted.
    LinkedInFile,
}

impl FamilyMethod {
    /// The method as figures state it.
    pub fn as_str(self) -> &'static str {
        match self {
            FamilyMethod::SourceExtendedSizes => {
                "source family sizes (extended/INPADOC size as the source states it, e.g. Lens \
                 Extended Family Size; largest over the members linked in the data)"
            }
            FamilyMethod::SourceSimpleSizes => {
                "source family sizes (simple/DOCDB size as the source states it, e.g. PATSTAT \
                 docdb_family_size, a lower bound of the extended family; largest over the \
                 members linked in the data)"
            }
            FamilyMethod::LinkedInFile => {
                "linked in file (union-find over priority claims, PCT entries, earliest-filing \
                 and source family ids; size = member applications in the data)"
            }
        }
    }

    /// True when sizes come from the source.
    pub fn is_source(self) -> bool {
        self != FamilyMethod::LinkedInFile
    }
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
    /// Where the extended families' sizes come from.
    pub method: FamilyMethod,
    /// Per extended family, the largest size its members state (0 when none states one);
    /// empty when no record states a size, so data without source sizes pays nothing.
    extended_stated: Vec<u32>,
    /// Per simple family, the largest simple size its members state (0 when none); empty
    /// when no record states one.
    simple_stated: Vec<u32>,
}

impl Families {
    /// Builds both family kinds in time linear in records plus links.
    pub fn build<'r, R: AppFields>(records: &'r [R]) -> Families {
        let n = records.len();
        let mut uf = UnionFind::new(n);
        // Every link target is a union-find node: an application key is the node of the
        // first application with that key, found in a table of 4-byte record indices (a probe
        // reads the key from the record, so no map of borrowed keys is held beside the
        // records); any other key (an outside filing) gets a phantom node of its own.
        let hasher = foldhash::fast::RandomState::default();
        let key_of = |j: u32| records[j as usize].key();
        let mut apps: hashbrown::HashTable<u32> = hashbrown::HashTable::with_capacity(n);
        let mut app_node: Vec<u32> = Vec::with_capacity(n);
        for (i, r) in records.iter().enumerate() {
            let k = r.key();
            let h = hasher.hash_one(k);
            let first = match apps.find(h, |&j| key_of(j) == k) {
                Some(&j) => j,
                None => {
                    apps.insert_unique(h, i as u32, |&j| hasher.hash_one(key_of(j)));
                    i as u32
                }
            };
            // The same application twice (unmerged input) is one application.
            uf.union(i as u32, first);
            app_node.push(first);
        }
        let mut outside: FastMap<&str, u32> = FastMap::default();
        // Only an earliest-filing link looks source ids up: no table without one.
        let any_earliest = records.iter().any(|r| r.earliest_filing_id().is_some());
        let mut by_source_id: FastMap<&str, u32> = FastMap::default();
        for (i, r) in records.iter().enumerate().filter(|_| any_earliest) {
            if let Some(s) = r.source_id() {
                // A later record with the same id wins, as collecting into a map does.
                by_source_id.insert(s, i as u32);
            }
        }
        // Earliest-filing ids that are no application's source id, as phantom nodes of their
        // own: a separate map, so they can never meet an application key.
        let mut earliest: FastMap<&str, u32> = FastMap::default();
        // The source's family ids, each one phantom node per distinct id and id space.
        let mut source_family: [FastMap<&str, u32>; 2] = Default::default();
        // What each application links to, kept for its priority set: the nodes of its
        // priority keys (bounded by `prio_at`), of its PCT application and of its earliest
        // filing.
        let mut prio_nodes: Vec<u32> = Vec::new();
        // Offsets as u32 (4 bytes per application, not 8): a list is bounded by the links
        // there are, and a u32 node index already bounds those.
        let mut prio_at: Vec<u32> = Vec::with_capacity(n + 1);
        prio_at.push(0);
        let (mut pct_node, mut first_filing) = (vec![NONE; n], vec![NONE; n]);
        for (i, r) in records.iter().enumerate() {
            let mut link = |uf: &mut UnionFind, target: &'r str| -> u32 {
                let t = match apps.find(hasher.hash_one(target), |&j| key_of(j) == target) {
                    Some(&j) => j,
                    None => *outside.entry(target).or_insert_with(|| uf.push()),
                };
                uf.union(i as u32, t);
                t
            };
            for key in r.priority_keys() {
                if !key.is_empty() {
                    prio_nodes.push(link(&mut uf, key));
                }
            }
            prio_at.push(u32::try_from(prio_nodes.len()).expect("priority claims beyond u32"));
            if let Some(pct) = r.pct_key().filter(|k| !k.is_empty()) {
                pct_node[i] = link(&mut uf, pct);
            }
            if let Some(e) = r.earliest_filing_id() {
                first_filing[i] = match by_source_id.get(e) {
                    Some(&j) => {
                        uf.union(i as u32, j);
                        app_node[j as usize]
                    }
                    None => {
                        let t = *earliest.entry(e).or_insert_with(|| uf.push());
                        uf.union(i as u32, t);
                        t
                    }
                };
            }
            let ids = [r.docdb_family_id(), r.inpadoc_family_id()];
            for (space, id) in source_family.iter_mut().zip(ids) {
                if let Some(id) = id.filter(|s| !s.is_empty()) {
                    let t = *space.entry(id).or_insert_with(|| uf.push());
                    uf.union(i as u32, t);
                }
            }
        }
        let labels = uf.labels();
        // The lookup tables are done with: let them go before the summaries are built.
        drop((uf, apps, outside, earliest, by_source_id, source_family));
        // Phantom nodes come after the applications, so application families are numbered
        // first; renumber densely over applications only.
        let (extended, ext_count) = dense(&labels[..n], labels.len());
        let extended_info = summarise(records, &extended, ext_count, R::inpadoc_family_id);

        let links = Links {
            prio_nodes: &prio_nodes,
            prio_at: &prio_at,
            pct_node: &pct_node,
            first_filing: &first_filing,
            app_node: &app_node,
        };
        let (simple, sets) = simple_families(&links, n, labels.len());
        // Only the labels are read from here on.
        drop((
            labels,
            prio_nodes,
            prio_at,
            pct_node,
            first_filing,
            app_node,
        ));
        let simple_info = summarise(records, &simple, sets as usize, R::docdb_family_id);
        let extended_stated = stated_sizes(records, &extended, ext_count, |r| {
            r.extended_family_size().max(r.simple_family_size())
        });
        let simple_stated = stated_sizes(records, &simple, sets as usize, R::simple_family_size);
        let method = if records.iter().any(|r| r.extended_family_size().is_some()) {
            FamilyMethod::SourceExtendedSizes
        } else if !extended_stated.is_empty() {
            FamilyMethod::SourceSimpleSizes
        } else {
            FamilyMethod::LinkedInFile
        };
        Families {
            extended,
            extended_info,
            simple,
            simple_info,
            method,
            extended_stated,
            simple_stated,
        }
    }

    /// Size of extended family `f`: its members in the data, or the largest size a member
    /// states when that is larger (see the module docs).
    pub fn extended_size(&self, f: u32) -> u32 {
        let own = self.extended_info[f as usize].size;
        self.extended_stated
            .get(f as usize)
            .map_or(own, |&s| own.max(s))
    }

    /// Size of simple family `f`, by the rule of [`Families::extended_size`].
    pub fn simple_size(&self, f: u32) -> u32 {
        let own = self.simple_info[f as usize].size;
        self.simple_stated
            .get(f as usize)
            .map_or(own, |&s| own.max(s))
    }

    /// True when a member of extended family `f` states a family size.
    pub fn extended_size_stated(&self, f: u32) -> bool {
        self.extended_stated.get(f as usize).is_some_and(|&s| s > 0)
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

/// Renumbers `labels` (each below `bound`) densely in order of first appearance.
fn dense(labels: &[u32], bound: usize) -> (Vec<u32>, usize) {
    let mut map = vec![NONE; bound];
    let mut next = 0u32;
    let out = labels
        .iter()
        .map(|&l| {
            let m = &mut map[l as usize];
            if *m == NONE {
                *m = next;
                next += 1;
            }
            *m
        })
        .collect();
    (out, next as usize)
}

/// No node.
const NONE: u32 = u32::MAX;
/// Numbers the applications' priority sets by content: the simple family of each
/// application, and how many there are. `nodes` is the number of union-find nodes.
fn simple_families(links: &Links<'_>, n: usize, nodes: usize) -> (Vec<u32>, u32) {
    // All priority sets in one buffer (`set_at` bounds each), then numbered by content.
    let mut set_data: Vec<u32> = Vec::with_capacity(n);
    let mut set_at: Vec<u32> = Vec::with_capacity(n + 1);
    set_at.push(0);
    for i in 0..n {
        links.priority_set(i, &mut set_data);
        set_at.push(u32::try_from(set_data.len()).expect("priority sets beyond u32"));
    }
    // Most sets are one node (an application claiming one priority, or none): those are
    // numbered through a list indexed by the node, only longer sets through a table.
    let mut single: Vec<u32> = vec![NONE; nodes];
    let mut set_id: FastMap<&[u32], u32> = FastMap::default();
    let mut sets = 0u32;
    let simple: Vec<u32> = (0..n)
        .map(|i| {
            let set = &set_data[set_at[i] as usize..set_at[i + 1] as usize];
            let id = match set {
                [one] => &mut single[*one as usize],
                _ => set_id.entry(set).or_insert(NONE),
            };
            if *id == NONE {
                *id = sets;
                sets += 1;
            }
            *id
        })
        .collect();
    drop((single, set_id));
    (simple, sets)
}

/// The union-find nodes each application linked to while the extended families were built.
struct Links<'a> {
    prio_nodes: &'a [u32],
    prio_at: &'a [u32],
    pct_node: &'a [u32],
    /// The node of the earliest filing: its application's own key node, or a phantom.
    first_filing: &'a [u32],
    app_node: &'a [u32],
}

impl Links<'_> {
    /// Appends the priority set of application `i` (see the module docs) to `out`, as the
    /// sorted union-find nodes of its keys: one key has one node, so equal node sets are
    /// equal key sets without building strings per application.
    fn priority_set(&self, i: usize, out: &mut Vec<u32>) {
        if self.own_priorities(i, out) {
            return;
        }
        let pct = self.pct_node[i];
        if pct != NONE {
            // Priorities of the PCT application when it is in the data, else the PCT itself.
            let j = pct as usize;
            if j < self.app_node.len() && j != i {
                if !self.own_priorities(j, out) {
                    out.push(self.app_node[j]);
                }
            } else {
                out.push(pct);
            }
            return;
        }
        out.push(match self.first_filing[i] {
            NONE => self.app_node[i],
            e => e,
        });
    }

    /// Appends the sorted distinct nodes of `i`'s priority claims; false when it has none.
    fn own_priorities(&self, i: usize, out: &mut Vec<u32>) -> bool {
        let own = &self.prio_nodes[self.prio_at[i] as usize..self.prio_at[i + 1] as usize];
        if own.is_empty() {
            return false;
        }
        let start = out.len();
        out.extend_from_slice(own);
        out[start..].sort_unstable();
        let mut w = start;
        for r in start..out.len() {
            if w == start || out[r] != out[w - 1] {
                out[w] = out[r];
                w += 1;
            }
        }
        out.truncate(w);
        true
    }
}

/// Per family, the largest size one of its members states (0 when none states one); empty
/// when no record states a size.
fn stated_sizes<R: AppFields>(
    records: &[R],
    labels: &[u32],
    count: usize,
    size: impl Fn(&R) -> Option<u32>,
) -> Vec<u32> {
    if !records.iter().any(|r| size(r).is_some()) {
        return Vec::new();
    }
    let mut out = vec![0u32; count];
    for (r, &f) in records.iter().zip(labels) {
        if let Some(s) = size(r) {
            let o = &mut out[f as usize];
            *o = (*o).max(s);
        }
    }
    out
}

/// The summary of every family, filled straight from the members: offices and ids are
/// inline [`Text`]s in lists grown one slot at a time at first (most families have one or two
/// members), so at 10M applications the ~14M summaries cost no string allocation and no
/// intermediate list per family.
fn offices_as_seq<S: serde::Serializer>(offices: &Arc<Vec<Text>>, s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(offices.iter())
}

fn summarise<R: AppFields>(
    records: &[R],
    labels: &[u32],
    count: usize,
    source_id: impl Fn(&R) -> Option<&str>,
) -> Vec<FamilyInfo> {
    fn add(v: &mut ThinVec<Text>, t: &str) {
        if !v.iter().any(|x| x == t) {
            if v.len() == v.capacity() {
                v.reserve_exact(v.len().max(1));
            }
            v.push(t.into());
        }
    }
    const EP: u8 = 1;
    const JP: u8 = 2;
    const US_GRANT: u8 = 4;
    // One empty office list for all (a default one per family would be an allocation each).
    let none = Arc::new(Vec::new());
    let mut info: Vec<FamilyInfo> = (0..count)
        .map(|_| FamilyInfo {
            size: 0,
            offices: Arc::clone(&none),
            triadic: false,
            source_ids: ThinVec::new(),
        })
        .collect();
    let mut triad = vec![0u8; count];
    for (r, &f) in records.iter().zip(labels) {
        let (fi, t) = (&mut info[f as usize], &mut triad[f as usize]);
        fi.size += 1;
        let office = r.office();
        *t |= match office {
            "EP" => EP,
            "JP" => JP,
            "US" if r.is_granted() => US_GRANT,
            _ => 0,
        };
        if let Some(id) = source_id(r).filter(|s| !s.is_empty()) {
            add(&mut fi.source_ids, id);
        }
    }
    // Families are small: short lists sorted once beat an ordered set per family.
    for (fi, t) in info.iter_mut().zip(triad) {
        fi.source_ids.sort_unstable();
        fi.triadic = t == EP | JP | US_GRANT;
    }
    fill_offices(records, labels, &mut info);
    info
}

/// Gives each family its distinct offices, sorted, one shared list per distinct set (families
/// without an office keep the empty list). Offices are numbered in name order, so sorting
/// `(family, office)` pairs orders each family's offices by name too.
fn fill_offices<R: AppFields>(records: &[R], labels: &[u32], info: &mut [FamilyInfo]) {
    let mut names: Vec<&str> = records
        .iter()
        .map(R::office)
        .filter(|o| !o.is_empty())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    names.shrink_to_fit();
    let number: FastMap<&str, u32> = names
        .iter()
        .enumerate()
        .map(|(k, &o)| (o, k as u32))
        .collect();
    let mut pairs: Vec<(u32, u32)> = records
        .iter()
        .zip(labels)
        .filter_map(|(r, &f)| number.get(r.office()).map(|&k| (f, k)))
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    let mut shared: FastMap<Vec<u32>, Arc<Vec<Text>>> = FastMap::default();
    for run in pairs.chunk_by(|a, b| a.0 == b.0) {
        let set: Vec<u32> = run.iter().map(|&(_, k)| k).collect();
        let list = match shared.get(&set) {
            Some(list) => Arc::clone(list),
            None => {
                let list = Arc::new(set.iter().map(|&k| Text::from(names[k as usize])).collect());
                shared.insert(set, Arc::clone(&list));
                list
            }
        };
        info[run[0].0 as usize].offices = list;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use patq_model::{AppCore, PatentRecord, Priority, PubClass, Publication, app_key};

    pub(crate) fn rec(office: &str, number: &str, prios: &[(&str, &str)]) -> PatentRecord {
        let mut r = PatentRecord::default();
        r.app.office = office.into();
        r.app.number = number.into();
        r.app.key = app_key(office, number);
        r.priorities = prios
            .iter()
            .map(|(o, n)| Priority {
                office: (*o).into(),
                number: (*n).into(),
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
    fn the_same_key_twice_is_one_application() {
        // Unmerged input: US1 twice, the first claiming an outside GB9; EP2 claims US1.
        let recs = vec![
            rec("US", "1", &[("GB", "9")]),
            rec("US", "1", &[]),
            rec("EP", "2", &[("US", "1")]),
            rec("JP", "3", &[]),
        ];
        let f = Families::build(&recs);
        assert_eq!(f.extended, vec![0, 0, 0, 1]);
        assert_eq!(f.extended_info[0].size, 3);
        // The second US1 claims nothing: its set is its key's, the one EP2 claims.
        assert_eq!(f.simple, vec![0, 1, 1, 2]);
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
        assert_eq!(*f.extended_info[0].offices, vec!["EP", "US"]);
        assert_eq!(f.simple, vec![0, 0]);
    }

    /// Families with the same offices share one list, sorted by name whatever the order
    /// of their members; a family with no office has the empty list; a family's list
    /// serialises as a plain list.
    #[test]
    fn families_with_the_same_offices_share_one_list() {
        let recs = vec![
            rec("US", "1", &[]),
            rec("EP", "2", &[("US", "1")]),
            rec("EP", "3", &[]),
            rec("US", "4", &[("EP", "3")]),
            rec("", "5", &[]),
            rec("JP", "6", &[]),
        ];
        let f = Families::build(&recs);
        let info = |i: usize| &f.extended_info[f.extended[i] as usize];
        assert_eq!(*info(0).offices, vec!["EP", "US"]);
        assert!(Arc::ptr_eq(&info(0).offices, &info(2).offices));
        assert!(!Arc::ptr_eq(&info(0).offices, &info(5).offices));
        assert_eq!(*info(5).offices, vec!["JP"]);
        assert!(info(4).offices.is_empty());
        let json = serde_json::to_value(info(0)).unwrap();
        assert_eq!(json["offices"], serde_json::json!(["EP", "US"]));
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

    #[test]
    fn families_of_cores_equal_those_of_their_records() {
        let mut recs = vec![
            rec("JP", "1", &[]),
            grant(rec("US", "3", &[("JP", "1")])),
            rec("EP", "2", &[("JP", "1"), ("GB", "9")]),
            rec("US", "1", &[("GB", "9")]),
            rec("US", "1", &[]),
            rec("KR", "5", &[]),
            rec("CN", "6", &[]),
            rec("DE", "7", &[]),
        ];
        recs[2].app.inpadoc_family_id = Some("i1".into());
        recs[2].app.docdb_family_id = Some("d1".into());
        recs[5].app.pct_key = Some("WO2020000001".into());
        recs[6].app.source_id = Some("100".into());
        recs[6].app.earliest_filing_id = Some("100".into());
        recs[7].app.earliest_filing_id = Some("100".into());
        let cores: Vec<AppCore> = recs.iter().cloned().map(AppCore::from).collect();
        let (of_records, of_cores) = (Families::build(&recs), Families::build(&cores));
        assert_eq!(format!("{of_cores:?}"), format!("{of_records:?}"));
        // The case covers what it claims: a triadic family, ids, the earliest-filing link.
        assert!(of_records.extended_info.iter().any(|f| f.triadic));
        assert_eq!(of_records.extended[6], of_records.extended[7]);
        assert_eq!(
            of_records.extended_info[of_records.extended[2] as usize].source_ids,
            vec!["i1"]
        );
    }
}
