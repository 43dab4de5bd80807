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
pub fn app_key(office: &str, number: &str) -> String {
    let office = normalize_office(office);
    let number = clean_number(number);
    if !office.is_empty() && number.starts_with(&office) {
        number
    } else {
        format!("{office}{number}")
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
    texts: FastMap<S, V>,
}

impl<S, V> Default for IdMap<S, V> {
    fn default() -> Self {
        IdMap {
            nums: FastMap::default(),
            texts: FastMap::default(),
        }
    }
}

impl<S: std::borrow::Borrow<str> + std::hash::Hash + Eq, V> IdMap<S, V> {
    /// Room for `n` numeric ids.
    pub fn with_capacity(n: usize) -> Self {
        IdMap {
            nums: FastMap::with_capacity_and_hasher(n, Default::default()),
            texts: FastMap::default(),
        }
    }

    pub fn get(&self, id: &str) -> Option<&V> {
        match canonical_id(id) {
            Some(n) => self.nums.get(&n),
            None => self.texts.get(id),
        }
    }

    /// The value of an id already known to be canonical.
    pub fn get_num(&self, n: u64) -> Option<&V> {
        self.nums.get(&n)
    }

    /// The value of an id already known not to be canonical.
    pub fn get_text(&self, id: &str) -> Option<&V> {
        self.texts.get(id)
    }

    /// Inserts or replaces.
    pub fn insert(&mut self, id: S, v: V) {
        match canonical_id(id.borrow()) {
            Some(n) => self.nums.insert(n, v),
            None => self.texts.insert(id, v),
        };
    }

    /// The value already held for `id`, else `v` inserted: the first insert wins.
    pub fn get_or_insert(&mut self, id: S, v: V) -> &V {
        match canonical_id(id.borrow()) {
            Some(n) => self.nums.entry(n).or_insert(v),
            None => self.texts.entry(id).or_insert(v),
        }
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

    #[test]
    fn keys_are_stable_across_writings() {
        assert_eq!(app_key("US", "14/306,158"), "US14306158");
        assert_eq!(app_key(" us", "US 14306158"), "US14306158");
        assert_eq!(normalize_office("CN "), "CN");
    }
}
