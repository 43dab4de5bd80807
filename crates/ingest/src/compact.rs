//! Compact in-memory forms for readers that join millions of rows before emitting a record
//! (PATSTAT): interned repeated strings, one arena for the rest, integer id keys, and the
//! grouping of child rows by application, so a join holds a few dozen bytes per row instead
//! of one heap block per string.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Marks an absent interned string or link.
pub(crate) const NONE: u32 = u32::MAX;

/// Hashes the integer ids of the join: std's SipHash guards against chosen keys, which costs
/// more than the whole row parse here, and ids come from the user's own files.
#[derive(Default)]
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn write_u64(&mut self, v: u64) {
        let h = (v ^ (v >> 29)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        self.0 = h ^ (h >> 32);
    }
}

pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<IdHasher>>;

/// Repeated short strings (offices, kind codes, categories, class codes), each stored once.
#[derive(Default)]
pub(crate) struct Interner {
    ids: FastMap<Box<str>, u32>,
    names: Vec<Box<str>>,
}

impl Interner {
    pub fn id(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.ids.get(s) {
            return i;
        }
        let i = self.names.len() as u32;
        self.names.push(s.into());
        self.ids.insert(s.into(), i);
        i
    }

    /// [`NONE`] for `None`.
    pub fn opt(&mut self, s: Option<&str>) -> u32 {
        s.map_or(NONE, |s| self.id(s))
    }

    pub fn get(&self, i: u32) -> &str {
        &self.names[i as usize]
    }

    pub fn get_opt(&self, i: u32) -> Option<String> {
        (i != NONE).then(|| self.get(i).to_string())
    }
}

/// Strings that rarely repeat (numbers, keys), concatenated.
#[derive(Default)]
pub(crate) struct Arena {
    text: String,
    ends: Vec<usize>,
}

impl Arena {
    pub fn push(&mut self, s: &str) -> u32 {
        self.text.push_str(s);
        self.ends.push(self.text.len());
        (self.ends.len() - 1) as u32
    }

    pub fn get(&self, i: u32) -> &str {
        let i = i as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }
}

/// A numeric id as the file wrote it: a number when written canonically (no leading zero,
/// fits in 64 bits), otherwise its text in the [`Arena`], so `007` and `7` stay different ids
/// exactly as they were when ids were kept as text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum IdKey {
    Num(u64),
    Text(u32),
}

impl IdKey {
    pub fn text(self, arena: &Arena) -> String {
        match self {
            IdKey::Num(n) => n.to_string(),
            IdKey::Text(i) => arena.get(i).to_string(),
        }
    }
}

fn canonical(id: &str) -> Option<u64> {
    let ok = !id.is_empty()
        && id.bytes().all(|b| b.is_ascii_digit())
        && (id.len() == 1 || !id.starts_with('0'));
    if ok { id.parse().ok() } else { None }
}

/// A map keyed by id text, holding canonical numbers as integers.
pub(crate) struct IdMap<V> {
    nums: FastMap<u64, V>,
    texts: HashMap<Box<str>, V>,
}

impl<V> Default for IdMap<V> {
    fn default() -> Self {
        IdMap {
            nums: FastMap::default(),
            texts: HashMap::new(),
        }
    }
}

impl<V> IdMap<V> {
    pub fn get(&self, id: &str) -> Option<&V> {
        match canonical(id) {
            Some(n) => self.nums.get(&n),
            None => self.texts.get(id),
        }
    }

    /// Looks up an id kept as an [`IdKey`] (its text, if any, in `arena`).
    pub fn get_key(&self, id: IdKey, arena: &Arena) -> Option<&V> {
        match id {
            IdKey::Num(n) => self.nums.get(&n),
            IdKey::Text(t) => self.texts.get(arena.get(t)),
        }
    }

    /// Inserts or replaces.
    pub fn insert(&mut self, id: &str, v: V) {
        match canonical(id) {
            Some(n) => self.nums.insert(n, v),
            None => self.texts.insert(id.into(), v),
        };
    }
}

/// The [`IdKey`] of an id text, storing non-canonical text in `arena`.
pub(crate) fn id_key(id: &str, arena: &mut Arena) -> IdKey {
    match canonical(id) {
        Some(n) => IdKey::Num(n),
        None => IdKey::Text(arena.push(id)),
    }
}

/// Child rows grouped by application, keeping file order within each application: row
/// indices of application `a` are `order[starts[a]..starts[a + 1]]`.
pub(crate) struct Groups {
    starts: Vec<u32>,
    order: Vec<u32>,
}

impl Groups {
    /// Groups rows by the application each belongs to (a counting sort, stable).
    pub fn new(apps: impl Iterator<Item = u32> + Clone, n_apps: usize) -> Groups {
        let mut starts = vec![0u32; n_apps + 1];
        for a in apps.clone() {
            starts[a as usize + 1] += 1;
        }
        for i in 0..n_apps {
            starts[i + 1] += starts[i];
        }
        let mut next = starts.clone();
        let mut order = vec![0u32; starts[n_apps] as usize];
        for (row, a) in apps.enumerate() {
            let at = &mut next[a as usize];
            order[*at as usize] = row as u32;
            *at += 1;
        }
        Groups { starts, order }
    }

    pub fn of(&self, app: usize) -> &[u32] {
        &self.order[self.starts[app] as usize..self.starts[app + 1] as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_keep_their_text() {
        let mut m = IdMap::default();
        m.insert("7", 1);
        m.insert("007", 2);
        m.insert("99999999999999999999999", 3);
        assert_eq!(m.get("7"), Some(&1));
        assert_eq!(m.get("007"), Some(&2));
        assert_eq!(m.get("99999999999999999999999"), Some(&3));
        assert_eq!(m.get("+7"), None);
        m.insert("7", 4);
        assert_eq!(m.get("7"), Some(&4));
        let mut arena = Arena::default();
        assert_eq!(id_key("0", &mut arena), IdKey::Num(0));
        let k = id_key("0042", &mut arena);
        assert_eq!(k.text(&arena), "0042");
        assert_eq!(IdKey::Num(42).text(&arena), "42");
    }

    #[test]
    fn groups_keep_file_order() {
        // Rows 0..5 belong to applications 2, 0, 2, 1, 0.
        let apps = [2u32, 0, 2, 1, 0];
        let g = Groups::new(apps.iter().copied(), 4);
        assert_eq!(g.of(0), &[1, 4]);
        assert_eq!(g.of(1), &[3]);
        assert_eq!(g.of(2), &[0, 2]);
        assert_eq!(g.of(3), &[] as &[u32]);
    }
}
