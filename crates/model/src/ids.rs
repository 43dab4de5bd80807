//! Office codes, application numbers and the application key that ties records from different
//! sources and publications together.

/// Upper-cases and trims an office (authority) code; PATSTAT pads codes with spaces.
pub fn normalize_office(raw: &str) -> String {
    raw.trim().to_ascii_uppercase()
}

/// Strips what varies between writings of one number: spaces, commas, slashes, dots and
/// dashes (`14/306,158` and `14306158` are the same US application).
pub fn clean_number(raw: &str) -> String {
    raw.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The application key: office followed by the cleaned number, e.g. `US14306158`.
/// A number that already starts with its office code is not prefixed twice.
pub fn app_key(office: &str, number: &str) -> crate::Text {
    let office = normalize_office(office);
    let number = clean_number(number);
    if !office.is_empty() && number.starts_with(&office) {
        number.into()
    } else {
        crate::format_text!("{office}{number}")
    }
}

/// A hash map for lookups by key over millions of rows: foldhash hashes short keys and
/// integers several times faster than the standard SipHash, with a per-process random seed.
/// Never iterated where order could reach an output.
pub type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// The value of a decimal id written without leading zeros (PATSTAT `appln_id`,
/// `pat_publn_id`); None for any other text, so that distinct strings stay distinct ids.
pub fn canonical_id(id: &str) -> Option<u64> {
    let ok = !id.is_empty()
        && id.bytes().all(|b| b.is_ascii_digit())
        && (id.len() == 1 || !id.starts_with('0'));
    if ok { id.parse().ok() } else { None }
}

/// A map keyed by id text that holds canonical decimal ids ([`canonical_id`]) as integers:
/// a lookup of a numeric id then hashes and compares no string. `S` is the owned or borrowed
/// text of the other ids.
pub struct IdMap<S, V> {
    nums: FastMap<u64, V>,
    /// Numeric ids of a dense range, directly indexed (see [`IdMap::compact`]); `nums` then
    /// holds only ids outside it.
    dense: Dense<V>,
    texts: FastMap<S, V>,
}

/// Values of the ids `base..base + slots.len()`.
struct Dense<V> {
    base: u64,
    slots: Vec<Option<V>>,
}

impl<V> Dense<V> {
    /// The slot of `n`, when the range covers it.
    fn index(&self, n: u64) -> Option<usize> {
        let i = usize::try_from(n.checked_sub(self.base)?).ok()?;
        (i < self.slots.len()).then_some(i)
    }

    fn get(&self, n: u64) -> Option<&V> {
        self.slots[self.index(n)?].as_ref()
    }
}

impl<S, V> Default for IdMap<S, V> {
    fn default() -> Self {
        IdMap {
            nums: FastMap::default(),
            dense: Dense {
                base: 0,
                slots: Vec::new(),
            },
            texts: FastMap::default(),
        }
    }
}

impl<S: std::borrow::Borrow<str> + std::hash::Hash + Eq, V> IdMap<S, V> {
    /// Moves the numeric ids into a directly indexed table when they are dense (their range
    /// at most twice their number, as ids handed out in sequence are): a lookup then reads
    /// one array slot instead of probing a hash table, which at 10M+ ids misses the caches on
    /// nearly every probe. Sparse ids (an extract of a larger id space) stay hashed. Call it
    /// once the map is filled; later inserts still work.
    pub fn compact(&mut self) {
        let (Some(&lo), Some(&hi)) = (self.nums.keys().min(), self.nums.keys().max()) else {
            return;
        };
        let span = hi - lo + 1;
        let n = self.nums.len() as u64;
        if !self.dense.slots.is_empty() || n < 1024 || span > 2 * n {
            return;
        }
        let mut slots: Vec<Option<V>> = Vec::new();
        slots.resize_with(span as usize, || None);
        for (k, v) in self.nums.drain() {
            slots[(k - lo) as usize] = Some(v);
        }
        self.nums = FastMap::default();
        self.dense = Dense { base: lo, slots };
    }

    /// The value of an id, canonical or not.
    pub fn get(&self, id: &str) -> Option<&V> {
        match canonical_id(id) {
            Some(n) => self.get_num(n),
            None => self.texts.get(id),
        }
    }

    /// The value of an id already known to be canonical.
    pub fn get_num(&self, n: u64) -> Option<&V> {
        self.dense.get(n).or_else(|| self.nums.get(&n))
    }

    /// The value of an id already known not to be canonical.
    pub fn get_text(&self, id: &str) -> Option<&V> {
        self.texts.get(id)
    }

    /// Inserts or replaces.
    pub fn insert(&mut self, id: S, v: V) {
        match canonical_id(id.borrow()) {
            Some(n) => match self.dense.index(n) {
                Some(i) => self.dense.slots[i] = Some(v),
                None => {
                    self.nums.insert(n, v);
                }
            },
            None => {
                self.texts.insert(id, v);
            }
        }
    }

    /// The value already held for `id`, else `v` inserted: the first insert wins.
    pub fn get_or_insert(&mut self, id: S, v: V) -> &V {
        match canonical_id(id.borrow()) {
            Some(n) => match self.dense.index(n) {
                Some(i) => self.dense.slots[i].get_or_insert(v),
                None => self.nums.entry(n).or_insert(v),
            },
            None => self.texts.entry(id).or_insert(v),
        }
    }

    /// A map of the canonical ids in `pairs` (values, not text), a later pair of an id
    /// replacing an earlier one as [`IdMap::insert`] does, dense by the rule of
    /// [`IdMap::compact`] (pairs counted, repeated ids included): dense ids go straight into
    /// their slots without being hashed, which at 10M+ ids is most of the cost of building
    /// the map. `pairs` is walked twice.
    pub fn from_num_pairs<I: Iterator<Item = (u64, V)> + Clone>(pairs: I) -> Self {
        let (mut n, mut lo, mut hi) = (0u64, u64::MAX, 0u64);
        for (k, _) in pairs.clone() {
            n += 1;
            lo = lo.min(k);
            hi = hi.max(k);
        }
        let mut m = IdMap::default();
        if n >= 1024 && hi - lo < 2 * n {
            m.dense.base = lo;
            m.dense.slots.resize_with((hi - lo + 1) as usize, || None);
            for (k, v) in pairs {
                m.dense.slots[(k - lo) as usize] = Some(v);
            }
        } else {
            m.nums.reserve(n as usize);
            m.nums.extend(pairs);
        }
        m
    }
}

impl<S, V: Clone> IdMap<S, V> {
    /// A map of the canonical ids in `pairs` in which the first pair of an id wins, as
    /// [`IdMap::get_or_insert`] called pair by pair would leave it; `repeated(kept, other)`
    /// sees every later pair's value. Dense by the rule of [`IdMap::from_num_pairs`]: ids
    /// gathered in a list and then placed hold about half the memory of a hash table grown
    /// to 15M ids (whose last doubling holds the old and the new table at once).
    pub fn from_num_pairs_first(pairs: &[(u64, V)], mut repeated: impl FnMut(&V, &V)) -> Self {
        let n = pairs.len() as u64;
        let lo = pairs.iter().map(|p| p.0).min().unwrap_or(0);
        let hi = pairs.iter().map(|p| p.0).max().unwrap_or(0);
        let mut m = IdMap {
            nums: FastMap::default(),
            dense: Dense {
                base: 0,
                slots: Vec::new(),
            },
            texts: FastMap::default(),
        };
        if n >= 1024 && hi - lo < 2 * n {
            m.dense.base = lo;
            m.dense.slots.resize_with((hi - lo + 1) as usize, || None);
            for (k, v) in pairs {
                match &mut m.dense.slots[(k - lo) as usize] {
                    Some(kept) => repeated(kept, v),
                    slot => *slot = Some(v.clone()),
                }
            }
        } else {
            m.nums.reserve(pairs.len());
            for (k, v) in pairs {
                match m.nums.entry(*k) {
                    std::collections::hash_map::Entry::Occupied(kept) => repeated(kept.get(), v),
                    std::collections::hash_map::Entry::Vacant(e) => {
                        e.insert(v.clone());
                    }
                }
            }
        }
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_canonical_decimal_ids_are_numbers() {
        assert_eq!(canonical_id("0"), Some(0));
        assert_eq!(canonical_id("900026809242"), Some(900_026_809_242));
        // Leading zeros would make two distinct ids one key; too large for u64 stays text.
        for s in ["", "007", "00", "12a", "-1", "+1", "99999999999999999999"] {
            assert_eq!(canonical_id(s), None, "{s}");
        }
        let mut m: IdMap<&str, u32> = IdMap::default();
        m.insert("7", 1);
        m.insert("007", 2);
        assert_eq!(
            (m.get("7"), m.get("007"), m.get("07")),
            (Some(&1), Some(&2), None)
        );
        assert_eq!(*m.get_or_insert("7", 3), 1);
        assert_eq!(*m.get_or_insert("07", 4), 4);
        m.insert("7", 5);
        assert_eq!((m.get_num(7), m.get_text("007")), (Some(&5), Some(&2)));
    }

    proptest::proptest! {
        /// A compacted map answers every id as the plain map does, before and after more
        /// inserts, whether or not its ids were dense enough to compact.
        #[test]
        fn compacting_changes_no_answer(
            ids in proptest::collection::vec(0u64..4000, 0..3000),
            base in proptest::prop_oneof![proptest::strategy::Just(0u64), 1u64..1_000_000_000],
            later in proptest::collection::vec(0u64..9000, 0..50),
        ) {
            let text = |k: u64| (base + k).to_string();
            let (mut plain, mut packed): (IdMap<String, usize>, IdMap<String, usize>) =
                (IdMap::default(), IdMap::default());
            for (v, &k) in ids.iter().enumerate() {
                plain.get_or_insert(text(k), v);
                packed.get_or_insert(text(k), v);
            }
            packed.compact();
            for (v, &k) in later.iter().enumerate() {
                if v % 2 == 0 {
                    plain.insert(text(k), 10_000 + v);
                    packed.insert(text(k), 10_000 + v);
                } else {
                    proptest::prop_assert_eq!(
                        plain.get_or_insert(text(k), 20_000 + v),
                        packed.get_or_insert(text(k), 20_000 + v)
                    );
                }
            }
            for k in 0..9000 {
                proptest::prop_assert_eq!(plain.get(&text(k)), packed.get(&text(k)));
            }
            proptest::prop_assert_eq!(plain.get("007"), packed.get("007"));
        }
    }

    proptest::proptest! {
        /// A map built from pairs, the first of an id winning, answers every id as one filled
        /// by `get_or_insert`, and sees every later pair of an id once.
        #[test]
        fn built_from_pairs_first_equals_filled_first(
            ids in proptest::collection::vec(0u64..4000, 0..3000),
            base in proptest::prop_oneof![proptest::strategy::Just(0u64), 1u64..1_000_000_000],
            spread in 1u64..4,
        ) {
            let pairs: Vec<(u64, usize)> =
                ids.iter().enumerate().map(|(v, &k)| (base + spread * k, v / 2)).collect();
            let mut repeats = 0;
            let built: IdMap<String, usize> =
                IdMap::from_num_pairs_first(&pairs, |kept, v| {
                    assert!(kept <= v);
                    repeats += 1;
                });
            let mut filled: IdMap<String, usize> = IdMap::default();
            for (k, v) in &pairs {
                filled.get_or_insert(k.to_string(), *v);
            }
            let distinct: std::collections::HashSet<u64> = pairs.iter().map(|p| p.0).collect();
            proptest::prop_assert_eq!(repeats, pairs.len() - distinct.len());
            for k in 0..4 * 4000 {
                let id = (base + k).to_string();
                proptest::prop_assert_eq!(built.get(&id), filled.get(&id));
            }
        }
    }

    proptest::proptest! {
        /// A map built from pairs answers every id as one filled by inserts and compacted.
        #[test]
        fn built_from_pairs_equals_inserted_and_compacted(
            ids in proptest::collection::vec(0u64..4000, 0..3000),
            base in proptest::prop_oneof![proptest::strategy::Just(0u64), 1u64..1_000_000_000],
            spread in 1u64..4,
        ) {
            let pairs = ids.iter().enumerate().map(|(v, &k)| (base + spread * k, v));
            let built: IdMap<String, usize> = IdMap::from_num_pairs(pairs.clone());
            let mut inserted: IdMap<String, usize> = IdMap::default();
            for (k, v) in pairs {
                inserted.insert(k.to_string(), v);
            }
            inserted.compact();
            // Dense exactly when the distinct ids are (no pair repeated an id).
            if ids.iter().collect::<std::collections::HashSet<_>>().len() == ids.len() {
                proptest::prop_assert_eq!(built.dense.slots.len(), inserted.dense.slots.len());
            }
            for k in 0..4 * 4000 {
                proptest::prop_assert_eq!(built.get_num(base + k), inserted.get_num(base + k));
            }
        }
    }

    #[test]
    fn dense_ids_are_compacted_and_sparse_ones_are_not() {
        let mut dense: IdMap<&str, u32> = IdMap::default();
        let mut sparse: IdMap<&str, u32> = IdMap::default();
        let names: Vec<String> = (0..2000u64).map(|k| (100 + k).to_string()).collect();
        let far: Vec<String> = (0..2000u64).map(|k| (100 + 7 * k).to_string()).collect();
        for (i, (a, b)) in names.iter().zip(&far).enumerate() {
            dense.insert(a, i as u32);
            sparse.insert(b, i as u32);
        }
        dense.compact();
        sparse.compact();
        assert_eq!((dense.dense.slots.len(), dense.nums.len()), (2000, 0));
        assert_eq!((sparse.dense.slots.len(), sparse.nums.len()), (0, 2000));
        assert_eq!((dense.get("2099"), dense.get("2100")), (Some(&1999), None));
    }

    #[test]
    fn keys_are_stable_across_writings() {
        assert_eq!(app_key("US", "14/306,158"), "US14306158");
        assert_eq!(app_key(" us", "US 14306158"), "US14306158");
        assert_eq!(normalize_office("CN "), "CN");
    }
}
