//! Everything the indicators need per application, computed once: extended families, the
//! first applicant's entity (normalised legal name) and corporate group (entities joined by
//! the alias file; company figures count groups), the company's country (and the rule used), filing year, grant,
//! international and cited flags, plus which of those the dataset can answer at all.
//!
//! Forward citations come from the first method the data supports ([`CitationMethod`]):
//! the dataset's own citation lists inverted (when at least one citation links two distinct
//! applications of the dataset), else the source's cited-by count, else none.

use std::collections::BTreeMap;
use std::fmt::Write;

use chrono::Datelike;

use patq_enrich::{
    CitationGraph, CitationStats, Cohort, CountryRule, Families, FastMap, Group, Harmonizer,
    cohort_index, company_country,
};
use patq_model::{AppFields, PartyRole, PatentRecord, Text};
use serde::{Deserialize, Serialize};

/// The row label for applications whose company country no rule could find.
pub const UNKNOWN_COUNTRY: &str = "UNKNOWN";

/// Derived facts about one application (same index as the record).
#[derive(Clone, Debug, Serialize)]
pub struct AppInfo {
    /// Corporate group of the first applicant, else of the first owner: what company figures
    /// count.
    pub group: Option<Text>,
    /// Entity (normalised legal name) of the same applicant.
    pub entity: Option<Text>,
    /// Person or organisation, for the same applicant.
    pub kind: Option<patq_enrich::Kind>,
    /// Company country, a two-letter national code, by the first [`CountryRule`] that gives one
    /// (alias file, the applicant's stated country, first priority office, PCT receiving office,
    /// filing office); None when none does, since regional offices (WO, EP, ...) never name a
    /// country.
    pub country: Option<Text>,
    /// The rule that gave `country`; [`CountryRule::Unknown`] when none did.
    pub country_rule: CountryRule,
    /// Filing year; None when the record states none.
    pub year: Option<i32>,
    /// None when the dataset holds no grant evidence at all (no flag, no publications).
    pub granted: Option<bool>,
    /// Filed at an office other than the company's home country; a WO filing always counts.
    /// False for any other filing whose country is unknown: nothing shows it is foreign.
    pub international: bool,
    /// Forward citations by the corpus's [`CitationMethod`]: distinct citing applications of
    /// the dataset, or the source's cited-by count; None when not available.
    pub cited_by: Option<u32>,
    /// Family-level forward citations of the application's extended family: distinct other
    /// extended families with a member citing any member (same value for every member).
    /// None unless the method is citation lists (a source count cannot tell who cited).
    pub cited_by_family: Option<u32>,
    /// Forward citations from applications of another harmonised group (or of unknown group).
    /// None unless the method is citation lists and the dataset names applicants.
    pub cited_by_excl_self: Option<u32>,
    /// `cited_by` / mean `cited_by` of the cohort (filing year x CPC, else IPC, section), see
    /// [`patq_enrich::cohort`]; None when the count or the cohort mean is unknown or the mean
    /// is 0.
    pub cohort_index: Option<f64>,
    /// F18's status of the application, from its complete record ([`crate::first_filings`]).
    pub first_filing: crate::first_filings::FirstFiling,
}

impl AppInfo {
    /// `country`, or [`UNKNOWN_COUNTRY`] when no rule found one: the row label of the country
    /// tables.
    pub fn country_label(&self) -> &str {
        self.country.as_deref().unwrap_or(UNKNOWN_COUNTRY)
    }

    /// Whether the application received at least one forward citation (`cited_by` > 0); None when
    /// citation counts are not available.
    pub fn cited(&self) -> Option<bool> {
        self.cited_by.map(|c| c > 0)
    }
}

/// Where the forward citation counts of a corpus come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CitationMethod {
    /// The dataset's backward citation lists, resolved to its applications and inverted:
    /// counts only citations from inside the dataset.
    CitationLists,
    /// The source's own cited-by count (Lens, PatentsView): citations from anywhere, but no
    /// family-level or self-citation split.
    SourceCount,
    /// Neither citation lists linking two applications of the dataset nor a source count: the
    /// citation figures are not available.
    NotAvailable,
}

impl CitationMethod {
    /// The method as tables and definitions state it: `citation lists`, `source cited-by count` or
    /// `not available`.
    pub fn as_str(self) -> &'static str {
        match self {
            CitationMethod::CitationLists => "citation lists",
            CitationMethod::SourceCount => "source cited-by count",
            CitationMethod::NotAvailable => "not available",
        }
    }

    /// True unless [`CitationMethod::NotAvailable`].
    pub fn is_available(self) -> bool {
        self != CitationMethod::NotAvailable
    }
}

/// Which application selection an indicator looks at. Years are filing years, inclusive;
/// an application without a filing year fails a year bound.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filters {
    /// Earliest filing year admitted, inclusive; None for no lower bound.
    pub from_year: Option<i32>,
    /// Latest filing year admitted, inclusive; None for no upper bound.
    pub to_year: Option<i32>,
    /// Company country (ISO code, or [`UNKNOWN_COUNTRY`]).
    pub country: Option<String>,
    /// Filing office.
    pub office: Option<String>,
}

impl Filters {
    /// Whether `r` passes the bounds a record alone can answer (filing years, office): the
    /// company country needs the corpus, so a record passing may still be left out.
    pub fn may_admit(&self, r: &impl AppFields) -> bool {
        let year = r.filing_year();
        let year_ok = |bound: Option<i32>, ok: fn(i32, i32) -> bool| match bound {
            None => true,
            Some(b) => year.is_some_and(|y| ok(y, b)),
        };
        year_ok(self.from_year, |y, b| y >= b)
            && year_ok(self.to_year, |y, b| y <= b)
            && self.office.as_deref().is_none_or(|o| r.office() == o)
    }
}

/// The records with their derived facts and families. The records are complete
/// [`PatentRecord`]s, or only their [`AppFields`] (an [`patq_model::AppCore`] each) when the
/// per-record facts were derived from records read in chunks ([`RecordFacts`]).
pub struct Corpus<'a, R: AppFields = PatentRecord> {
    /// One record per application; a corpus index is a position in this slice.
    pub records: &'a [R],
    /// Derived facts per application, at the same index as `records`.
    pub info: Vec<AppInfo>,
    /// Built over all records, so a filter never truncates a family.
    pub families: Families,
    /// True when some record has grant evidence (a grant flag or a publication); when false, every
    /// [`AppInfo::granted`] is None and the grant figures are not available.
    pub has_grant_status: bool,
    /// True when forward citations are available by some [`CitationMethod`].
    pub has_citation_counts: bool,
    /// True when some record names an applicant or owner, so the company figures can be computed.
    pub has_applicants: bool,
    /// Where the forward citation counts of [`AppInfo::cited_by`] come from.
    pub citation_method: CitationMethod,
    /// How the citation lists resolved; None when no record has a citation list.
    pub citation_stats: Option<CitationStats>,
    /// The inverted citation lists, kept when they are the method (for citing-application
    /// lookups and time windows).
    pub citation_graph: Option<CitationGraph>,
    /// The harmonised groups of `info` as dense integer ids.
    pub groups: GroupIndex,
    /// Each application's position when all are ordered by (no filing date, filing date,
    /// key): the representative of a family in a selection is its member of lowest position.
    rep_order: Vec<u32>,
}

/// The harmonised groups as dense ids numbered in name order, so that counting applications
/// by group is sorting integers and a result ordered by id is ordered by name (as a map keyed
/// by the name would be).
#[derive(Clone, Debug, Default)]
pub struct GroupIndex {
    names: Vec<String>,
    /// Per application; [`GroupIndex::NONE`] without a group.
    of_app: Vec<u32>,
}

impl GroupIndex {
    const NONE: u32 = u32::MAX;

    fn build(info: &[AppInfo]) -> GroupIndex {
        let mut sorted: Vec<&str> = info.iter().filter_map(|a| a.group.as_deref()).collect();
        sorted.sort_unstable();
        sorted.dedup();
        let id: FastMap<&str, u32> = sorted
            .iter()
            .enumerate()
            .map(|(k, &n)| (n, k as u32))
            .collect();
        let of_app = info
            .iter()
            .map(|a| a.group.as_deref().map_or(Self::NONE, |g| id[g]))
            .collect();
        let names = sorted.into_iter().map(str::to_string).collect();
        GroupIndex { names, of_app }
    }

    /// The group id of application `i`.
    pub fn of(&self, i: usize) -> Option<u32> {
        let g = self.of_app[i];
        (g != Self::NONE).then_some(g)
    }

    /// The name (harmonised group id) of group `id`.
    pub fn name(&self, id: u32) -> &str {
        &self.names[id as usize]
    }

    /// The id of a group name, if some application has it.
    pub fn id(&self, name: &str) -> Option<u32> {
        self.names
            .binary_search_by(|n| n.as_str().cmp(name))
            .ok()
            .map(|x| x as u32)
    }

    /// (group id, applications) of `apps`, ascending by id (= by name).
    pub fn count(&self, apps: impl IntoIterator<Item = usize>) -> Vec<(u32, u64)> {
        let mut ids: Vec<u32> = apps.into_iter().filter_map(|i| self.of(i)).collect();
        ids.sort_unstable();
        let mut out: Vec<(u32, u64)> = Vec::new();
        for g in ids {
            match out.last_mut() {
                Some((last, n)) if *last == g => *n += 1,
                _ => out.push((g, 1)),
            }
        }
        out
    }

    /// Distinct groups among `apps`.
    pub fn distinct(&self, apps: impl IntoIterator<Item = usize>) -> u64 {
        let mut ids: Vec<u32> = apps.into_iter().filter_map(|i| self.of(i)).collect();
        ids.sort_unstable();
        ids.dedup();
        ids.len() as u64
    }
}

/// The per-record half of a corpus: what only a complete record can tell (the company and its
/// country, the cohort's class section, grant evidence), derived record by record so that
/// records read in chunks can be let go once their facts are taken.
pub struct RecordFacts<'h> {
    harmonizer: &'h Harmonizer,
    /// Companies file many applications under one spelling: each distinct (name, country) is
    /// harmonised once, its group id a [`Text`] made once (a long company name is one shared
    /// heap string, not one allocation per application). Keyed by country and name; the
    /// value indexes `groups` (a copied index ends the map's borrow, so a hit is one lookup).
    cache: FastMap<String, u32>,
    /// Each harmonised name's group, its group id and its entity key as [`Text`].
    groups: Vec<(Group, Text, Text)>,
    key: String,
    info: Vec<AppInfo>,
    cohorts: Vec<Cohort>,
    /// Whether any record so far had grant evidence (a flag or a publication).
    any_grant_evidence: bool,
    has_applicants: bool,
}

impl<'h> RecordFacts<'h> {
    /// No facts yet; applicants will be harmonised with `harmonizer`.
    pub fn new(harmonizer: &'h Harmonizer) -> RecordFacts<'h> {
        RecordFacts {
            harmonizer,
            cache: FastMap::default(),
            groups: Vec::new(),
            key: String::new(),
            info: Vec::new(),
            cohorts: Vec::new(),
            any_grant_evidence: false,
            has_applicants: false,
        }
    }

    /// Room for `n` more records: a corpus read in chunks knows its size up front, and lists
    /// grown by doubling to ten million would copy and fault in twice what they keep.
    pub fn reserve(&mut self, n: usize) {
        self.info.reserve_exact(n);
        self.cohorts.reserve_exact(n);
    }

    /// Records seen so far.
    pub fn len(&self) -> usize {
        self.info.len()
    }

    /// True before any record is added.
    pub fn is_empty(&self) -> bool {
        self.info.is_empty()
    }

    /// Takes the facts of the next records (corpus indices continue from [`RecordFacts::len`]).
    pub fn add(&mut self, records: &[PatentRecord]) {
        self.info.reserve(records.len());
        self.cohorts.reserve(records.len());
        for r in records {
            let party =
                first_party(r, PartyRole::Applicant).or_else(|| first_party(r, PartyRole::Owner));
            let cached: Option<&(Group, Text, Text)> = party.map(|p| {
                // The country's length first, so no name or country can run into the
                // other; no country and an empty one harmonise alike.
                let country = p.country.as_deref().unwrap_or("");
                self.key.clear();
                write!(self.key, "{}:{country}", country.len()).expect("writing to a String");
                self.key.push_str(&p.name);
                let ix = match self.cache.get(self.key.as_str()) {
                    Some(&ix) => ix,
                    None => {
                        let g = self.harmonizer.harmonize(&p.name, p.country.as_deref());
                        let id = Text::from(g.id.as_str());
                        // Unmatched names are their own entity: share one string.
                        let entity = if g.entity == g.id {
                            id.clone()
                        } else {
                            Text::from(g.entity.as_str())
                        };
                        let ix = u32::try_from(self.groups.len()).expect("companies beyond u32");
                        self.groups.push((g, id, entity));
                        self.cache.insert(self.key.clone(), ix);
                        ix
                    }
                };
                &self.groups[ix as usize]
            });
            let group = cached.map(|(g, _, _)| g);
            self.has_applicants |= group.is_some();
            self.any_grant_evidence |= r.has_grant_evidence();
            let cc = company_country(group, r);
            let office = r.app.office.as_str();
            let international =
                office == "WO" || cc.country.as_deref().is_some_and(|c| c != office);
            self.info.push(AppInfo {
                group: cached.map(|(_, id, _)| id.clone()),
                entity: cached.map(|(_, _, e)| e.clone()),
                kind: group.map(|g| g.kind),
                country: cc.country,
                country_rule: cc.rule,
                year: r.app.filing_year,
                // Made None for all at the end when no record has any grant evidence.
                granted: Some(r.is_granted()),
                international,
                cited_by: None,
                cited_by_family: None,
                cited_by_excl_self: None,
                cohort_index: None,
                first_filing: crate::first_filings::of(r),
            });
            self.cohorts.push(Cohort::of(r));
        }
    }
}

/// A corpus before its citation counts: what [`Corpus::build_streaming`] computes while the
/// citation graph is being built.
struct Parts {
    info: Vec<AppInfo>,
    cohorts: Vec<Cohort>,
    families: Families,
    groups: GroupIndex,
    rep_order: Vec<u32>,
    has_grant_status: bool,
    has_applicants: bool,
}

impl Parts {
    /// The corpus-wide half over `records`, whose per-record facts are `facts`.
    fn of<R: AppFields>(records: &[R], facts: RecordFacts<'_>) -> Parts {
        assert_eq!(records.len(), facts.len(), "one set of facts per record");
        let RecordFacts {
            cache,
            groups,
            mut info,
            cohorts,
            any_grant_evidence,
            has_applicants,
            ..
        } = facts;
        drop((cache, groups));
        // A dataset with publications can tell "not granted" (only A publications) from
        // "unknown"; one with neither flags nor publications (PATSTAT extract) cannot.
        if !any_grant_evidence {
            for a in &mut info {
                a.granted = None;
            }
        }
        Parts {
            families: Families::build(records),
            groups: GroupIndex::build(&info),
            rep_order: rep_order(records),
            info,
            cohorts,
            has_grant_status: any_grant_evidence,
            has_applicants,
        }
    }

    fn finish<R: AppFields>(self, records: &[R], graph: Option<CitationGraph>) -> Corpus<'_, R> {
        let Parts {
            mut info,
            cohorts,
            families,
            groups,
            rep_order,
            has_grant_status,
            has_applicants,
        } = self;
        let (citation_method, citation_stats, citation_graph) = forward_citations(
            records,
            graph,
            &families,
            &groups,
            &mut info,
            has_applicants,
        );
        let counts: Vec<Option<u32>> = info.iter().map(|a| a.cited_by).collect();
        for (a, ix) in info.iter_mut().zip(cohort_index(&counts, &cohorts)) {
            a.cohort_index = ix;
        }
        Corpus {
            records,
            info,
            families,
            has_grant_status,
            has_citation_counts: citation_method.is_available(),
            has_applicants,
            citation_method,
            citation_stats,
            citation_graph,
            groups,
            rep_order,
        }
    }
}

/// Each application's position when all are ordered by (no filing date, filing date, key).
fn rep_order<R: AppFields>(records: &[R]) -> Vec<u32> {
    let mut by_key: Vec<usize> = (0..records.len()).collect();
    if records.windows(2).all(|w| w[0].key() < w[1].key()) {
        // Index order is key order (as patq writes datasets): ties on the date, frequent
        // with a million applications over a few thousand days, compare integers.
        // One integer per application, date rank above index, sorts like the tuple.
        let mut packed: Vec<u64> = records
            .iter()
            .enumerate()
            .map(|(j, r)| {
                let rank = r.filing_date().map_or(u32::MAX, |d| {
                    (d.num_days_from_ce() as i64 - i32::MIN as i64) as u32
                });
                (u64::from(rank) << 32) | j as u64
            })
            .collect();
        packed.sort_unstable();
        by_key = packed
            .into_iter()
            .map(|p| (p & 0xFFFF_FFFF) as usize)
            .collect();
    } else {
        let key = |j: usize| {
            let a = &records[j];
            (a.filing_date().is_none(), a.filing_date(), a.key())
        };
        by_key.sort_by(|&x, &y| key(x).cmp(&key(y)));
    }
    let mut order = vec![0u32; records.len()];
    for (pos, &j) in by_key.iter().enumerate() {
        order[j] = pos as u32;
    }
    order
}

fn first_party(r: &PatentRecord, role: PartyRole) -> Option<&patq_model::Party> {
    r.parties
        .iter()
        .filter(|p| p.role == role && !p.name.trim().is_empty())
        .min_by_key(|p| p.seq)
}

impl<'a> Corpus<'a> {
    /// `records` one per application (as `load_records` returns them).
    pub fn build(records: &'a [PatentRecord], harmonizer: &Harmonizer) -> Corpus<'a> {
        Corpus::build_with_graph(records, harmonizer, Corpus::graph_of(records))
    }

    /// The citation graph of records that hold their citation lists (None when none does).
    pub fn graph_of(records: &[PatentRecord]) -> Option<CitationGraph> {
        records
            .iter()
            .any(|r| !r.citations.is_empty())
            .then(|| CitationGraph::build(records))
    }

    /// [`Corpus::build`] with the citation lists already resolved: `graph` is None when the
    /// dataset has no citation list at all, else the graph of every record's citations (as
    /// [`patq_enrich::CitationGraphBuilder`] builds it from a streamed citations table, so
    /// the records need not hold their lists).
    pub fn build_with_graph(
        records: &'a [PatentRecord],
        harmonizer: &Harmonizer,
        graph: Option<CitationGraph>,
    ) -> Corpus<'a> {
        match Corpus::build_streaming(records, harmonizer, || {
            Ok::<_, std::convert::Infallible>(graph)
        }) {
            Ok(c) => c,
            Err(never) => match never {},
        }
    }

    /// [`Corpus::build_with_graph`] with the graph still to be made by `graph` (e.g. streamed
    /// from the citations table), which runs on its own thread while this one harmonises
    /// applicants and builds the families: the two share nothing until the citation counts
    /// are joined to the applications. An error of `graph` is returned as is.
    pub fn build_streaming<E: Send>(
        records: &'a [PatentRecord],
        harmonizer: &Harmonizer,
        graph: impl FnOnce() -> Result<Option<CitationGraph>, E> + Send,
    ) -> Result<Corpus<'a>, E> {
        let facts = || {
            let mut facts = RecordFacts::new(harmonizer);
            facts.add(records);
            facts
        };
        Corpus::assemble(records, facts, graph)
    }

    /// Keeps in `sel` only the applications whose record matches the topic query `q` (title,
    /// abstract, claims, CPC/IPC classes). Sequential: the workspace has no thread pool, and
    /// matching is cheap next to loading the dataset.
    pub fn retain_topic(&self, sel: &mut Vec<usize>, q: &patq_enrich::Query) {
        sel.retain(|&i| q.matches(&self.records[i]));
    }
}

impl<'a, R: AppFields> Corpus<'a, R> {
    /// The corpus of `records` (complete, or only their [`AppFields`]) whose per-record facts
    /// `facts` took from the complete records in the same order, with the citation graph made
    /// by `graph` on its own thread meanwhile (as in [`Corpus::build_streaming`]).
    pub fn from_facts<E: Send>(
        records: &'a [R],
        facts: RecordFacts<'_>,
        graph: impl FnOnce() -> Result<Option<CitationGraph>, E> + Send,
    ) -> Result<Corpus<'a, R>, E> {
        Corpus::assemble(records, || facts, graph)
    }

    /// The per-record facts taken by `facts`, then the corpus-wide half, on this thread while
    /// `graph` runs on its own: the two share nothing until the citation counts are joined.
    fn assemble<'h, E: Send>(
        records: &'a [R],
        facts: impl FnOnce() -> RecordFacts<'h>,
        graph: impl FnOnce() -> Result<Option<CitationGraph>, E> + Send,
    ) -> Result<Corpus<'a, R>, E> {
        std::thread::scope(|s| {
            let graph = s.spawn(graph);
            let parts = Parts::of(records, facts());
            let graph = graph
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
            Ok(parts.finish(records, graph))
        })
    }

    /// Indices of the applications that pass `f`, ascending.
    pub fn select(&self, f: &Filters) -> Vec<usize> {
        // Reserved for all, then trimmed: a list grown by doubling to ten million holds 1.7x
        // what it keeps.
        let mut sel = Vec::with_capacity(self.records.len());
        sel.extend((0..self.records.len()).filter(|&i| {
            f.may_admit(&self.records[i])
                && f.country
                    .as_deref()
                    .is_none_or(|c| self.info[i].country_label() == c)
        }));
        sel.shrink_to_fit();
        sel
    }

    /// How many applications of the selection got their country by each rule.
    pub fn country_rules(&self, sel: &[usize]) -> BTreeMap<&'static str, u64> {
        let mut m = BTreeMap::new();
        for &i in sel {
            *m.entry(self.info[i].country_rule.as_str()).or_insert(0) += 1;
        }
        m
    }

    /// Extended families with at least one selected member, each with its representative: the
    /// earliest-filed selected member (ties by key), whose company gives the family's country.
    /// Ascending by family id.
    pub fn selected_families(&self, sel: &[usize]) -> Vec<(u32, usize)> {
        let mut v: Vec<(u32, u32, u32)> = sel
            .iter()
            .map(|&i| (self.families.extended[i], self.rep_order[i], i as u32))
            .collect();
        v.sort_unstable();
        v.dedup_by_key(|x| x.0);
        v.into_iter().map(|(fam, _, i)| (fam, i as usize)).collect()
    }
}

/// Chooses the citation method and fills the citation fields of `info`.
fn forward_citations<R: AppFields>(
    records: &[R],
    graph: Option<CitationGraph>,
    families: &Families,
    groups: &GroupIndex,
    info: &mut [AppInfo],
    has_applicants: bool,
) -> (CitationMethod, Option<CitationStats>, Option<CitationGraph>) {
    let stats = graph.as_ref().map(|g| g.stats.clone());
    match graph {
        Some(g) if g.has_edges() => {
            let fam = g.family_citations(families);
            // Group ids compare as the names do, without reading strings per citation.
            let groups: Vec<Option<u32>> = (0..info.len()).map(|i| groups.of(i)).collect();
            let excl = has_applicants.then(|| g.forward_excluding_group(&groups));
            for (i, a) in info.iter_mut().enumerate() {
                a.cited_by = Some(g.forward(i));
                a.cited_by_family = Some(fam.per_family[families.extended[i] as usize]);
                a.cited_by_excl_self = excl.as_ref().map(|e| e[i]);
            }
            (CitationMethod::CitationLists, stats, Some(g))
        }
        _ if records.iter().any(|r| r.cited_by_count().is_some()) => {
            for (a, r) in info.iter_mut().zip(records) {
                a.cited_by = r.cited_by_count();
            }
            (CitationMethod::SourceCount, stats, None)
        }
        _ => (CitationMethod::NotAvailable, stats, None),
    }
}

/// Per-country accumulation, ordered for output by descending `weight` then country code.
pub(crate) fn order_countries<K: Ord, T>(m: BTreeMap<K, T>, weight: impl Fn(&T) -> u64) -> Vec<T> {
    let mut v: Vec<(K, T)> = m.into_iter().collect();
    v.sort_by(|a, b| weight(&b.1).cmp(&weight(&a.1)).then_with(|| a.0.cmp(&b.0)));
    v.into_iter().map(|(_, t)| t).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use patq_model::{DateOrder, app_key, parse_date};

    /// `filed` as YYYY-MM-DD.
    fn app(number: &str, filed: Option<&str>, applicant: Option<&str>) -> PatentRecord {
        let mut r = PatentRecord::default();
        r.app.key = app_key("US", number);
        r.app.office = "US".into();
        r.app.filing_date = filed.map(|f| parse_date(f, DateOrder::DayFirst).unwrap());
        r.app.filing_year = filed.map(|f| f[..4].parse().unwrap());
        if let Some(a) = applicant {
            patq_testkit::add_applicant(&mut r, a, "US");
        }
        r
    }

    #[test]
    fn group_ids_follow_names_and_count_by_sorting() {
        let recs = vec![
            app("1", Some("2019-01-01"), Some("ZETA CORP")),
            app("2", Some("2019-01-01"), Some("ALPHA CORP")),
            app("3", Some("2019-01-01"), None),
            app("4", Some("2019-01-01"), Some("ZETA CORP")),
        ];
        let c = Corpus::build(&recs, &Harmonizer::default());
        let (alpha, zeta) = (c.groups.of(1).unwrap(), c.groups.of(0).unwrap());
        // Ids in name order: ALPHA before ZETA whatever the record order.
        assert!(alpha < zeta);
        assert_eq!(c.groups.of(2), None);
        assert_eq!(c.groups.id(c.groups.name(zeta)), Some(zeta));
        assert_eq!(c.groups.id("NOBODY"), None);
        assert_eq!(c.groups.count(0..4), vec![(alpha, 1), (zeta, 2)]);
        assert_eq!(c.groups.distinct([0, 2, 3]), 1);
        assert_eq!(c.groups.distinct([]), 0);
    }

    #[test]
    fn family_representative_is_the_earliest_filed_selected_member() {
        // One family by a shared priority: US2 filed first, then US1, US3 has no date.
        let mut recs = vec![
            app("1", Some("2019-05-01"), None),
            app("2", Some("2018-05-01"), None),
            app("3", None, None),
        ];
        for r in &mut recs {
            patq_testkit::claim_priority(r, "US1");
        }
        let c = Corpus::build(&recs, &Harmonizer::default());
        let fam = c.families.extended[0];
        assert!(c.families.extended.iter().all(|&f| f == fam));
        assert_eq!(c.selected_families(&[0, 1, 2]), vec![(fam, 1)]);
        assert_eq!(c.selected_families(&[0, 2]), vec![(fam, 0)]);
        // Undated members come last.
        assert_eq!(c.selected_families(&[2]), vec![(fam, 2)]);
    }
}
