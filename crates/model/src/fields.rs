//! The application fields that corpus-wide computations read (families, the citation index,
//! the figures' bounds) as one trait, answered by a full [`PatentRecord`] and by the compact
//! [`AppCore`] a large corpus keeps instead of its records.

use chrono::NaiveDate;

use crate::packed::{Reader, put_str, put_uint};
use crate::record::{PatentRecord, Text, ThinVec};

/// What families, the citation index and the figures read of an application once the
/// per-record facts (company, country, classes, text) are derived.
pub trait AppFields: Sync {
    /// Application key ([`crate::app_key`]).
    fn key(&self) -> &str;
    /// Filing office.
    fn office(&self) -> &str;
    /// Cleaned application number, without the office.
    fn number(&self) -> &str;
    /// Filing date, as the source gives it.
    fn filing_date(&self) -> Option<NaiveDate>;
    /// Filing year, known even when the date is not.
    fn filing_year(&self) -> Option<i32>;
    /// The source's own id of the application.
    fn source_id(&self) -> Option<&str>;
    /// The source's id of the earliest priority filing ([`crate::Application::earliest_filing_id`]).
    fn earliest_filing_id(&self) -> Option<&str>;
    /// Key of the PCT application it entered a national or regional phase from.
    fn pct_key(&self) -> Option<&str>;
    /// The application keys of its priority claims, in the record's order (empty keys too).
    fn priority_keys(&self) -> impl Iterator<Item = &str>;
    /// DOCDB (simple) family id, as the source gives it.
    fn docdb_family_id(&self) -> Option<&str>;
    /// INPADOC (extended) family id, as the source gives it.
    fn inpadoc_family_id(&self) -> Option<&str>;
    /// True when any evidence says it was granted ([`PatentRecord::is_granted`]).
    fn is_granted(&self) -> bool;
    /// True when there is any grant evidence at all, for or against: a stated flag or a
    /// publication.
    fn has_grant_evidence(&self) -> bool;
    /// Forward citations as the source counted them.
    fn cited_by_count(&self) -> Option<u32>;
    /// Simple (DOCDB-like) family size as the source stated it.
    fn simple_family_size(&self) -> Option<u32>;
    /// Extended (INPADOC-like) family size as the source stated it.
    fn extended_family_size(&self) -> Option<u32>;
}

impl AppFields for PatentRecord {
    fn key(&self) -> &str {
        &self.app.key
    }
    fn office(&self) -> &str {
        &self.app.office
    }
    fn number(&self) -> &str {
        &self.app.number
    }
    fn filing_date(&self) -> Option<NaiveDate> {
        self.app.filing_date
    }
    fn filing_year(&self) -> Option<i32> {
        self.app.filing_year
    }
    fn source_id(&self) -> Option<&str> {
        self.app.source_id.as_deref()
    }
    fn earliest_filing_id(&self) -> Option<&str> {
        self.app.earliest_filing_id.as_deref()
    }
    fn pct_key(&self) -> Option<&str> {
        self.app.pct_key.as_deref()
    }
    fn priority_keys(&self) -> impl Iterator<Item = &str> {
        self.priorities.iter().map(|p| p.key.as_str())
    }
    fn docdb_family_id(&self) -> Option<&str> {
        self.app.docdb_family_id.as_deref()
    }
    fn inpadoc_family_id(&self) -> Option<&str> {
        self.app.inpadoc_family_id.as_deref()
    }
    fn is_granted(&self) -> bool {
        PatentRecord::is_granted(self)
    }
    fn has_grant_evidence(&self) -> bool {
        self.app.granted.is_some() || !self.publications.is_empty()
    }
    fn cited_by_count(&self) -> Option<u32> {
        self.app.cited_by_count
    }
    fn simple_family_size(&self) -> Option<u32> {
        self.app.simple_family_size
    }
    fn extended_family_size(&self) -> Option<u32> {
        self.app.extended_family_size
    }
}

/// The [`AppFields`] of one application and nothing else: 64 bytes and at most one
/// allocation (none for most applications), where a record with its lists takes over 600 at
/// 10M applications, so a corpus can let each record go once its per-record facts are
/// derived.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AppCore {
    key: Text,
    source_id: Option<Text>,
    /// The office and number when the key is not the two joined (see `office_len`), then
    /// what only families read: PCT key, earliest filing id, DOCDB and INPADOC family ids
    /// and priority keys, packed by [`Links`]: one allocation instead of seven strings and a
    /// list in every core, since cores are held for every application at once.
    packed: ThinVec<u8>,
    filing_date: Option<NaiveDate>,
    filing_year: Option<i32>,
    cited_by_count: Option<u32>,
    /// Folded grant evidence: None without any, else whether any evidence says granted.
    granted: Option<bool>,
    /// The office's length when the key is the office followed by the number (as
    /// [`crate::app_key`] makes most keys): both are read from the key. [`OWN_PARTS`]
    /// otherwise.
    office_len: u8,
}

/// [`AppCore::office_len`] of a core whose office and number are packed.
const OWN_PARTS: u8 = u8::MAX;

impl AppCore {
    /// The packed links, after the office and number when they are packed too.
    fn links(&self) -> &[u8] {
        let mut r = Reader::new(&self.packed);
        if self.office_len == OWN_PARTS {
            r.str();
            r.str();
        }
        r.rest()
    }

    /// The office and the number.
    fn parts(&self) -> (&str, &str) {
        if self.office_len == OWN_PARTS {
            let mut r = Reader::new(&self.packed);
            (r.str(), r.str())
        } else {
            self.key.split_at(usize::from(self.office_len))
        }
    }
}

impl From<PatentRecord> for AppCore {
    /// Moves the fields out: a record read only to be digested gives up its strings.
    fn from(r: PatentRecord) -> AppCore {
        let granted = r.has_grant_evidence().then(|| r.is_granted());
        let a = &r.app;
        let joined = a.key.len() == a.office.len() + a.number.len()
            && a.key.starts_with(a.office.as_str())
            && a.key.ends_with(a.number.as_str())
            && a.office.len() < usize::from(OWN_PARTS);
        let mut packed = ThinVec::new();
        let office_len = if joined {
            a.office.len() as u8
        } else {
            put_str(&mut packed, &a.office);
            put_str(&mut packed, &a.number);
            OWN_PARTS
        };
        Links::pack(
            &mut packed,
            [
                a.pct_key.as_deref(),
                a.earliest_filing_id.as_deref(),
                a.docdb_family_id.as_deref(),
                a.inpadoc_family_id.as_deref(),
            ],
            [a.simple_family_size, a.extended_family_size],
            r.priorities.iter().map(|p| p.key.as_str()),
        );
        let a = r.app;
        AppCore {
            key: a.key,
            source_id: a.source_id,
            packed,
            office_len,
            filing_date: a.filing_date,
            filing_year: a.filing_year,
            cited_by_count: a.cited_by_count,
            granted,
        }
    }
}

/// The packed form of a core's links: a byte of which of the four optional ids and the two
/// stated family sizes are present, each present id as a length (LEB128) and its bytes, each
/// present size as a LEB128 number, then every priority key as a length and its bytes, the
/// keys preceded by their count. Nothing when there is no link and no size at all.
struct Links;

impl Links {
    const PCT: usize = 0;
    const EARLIEST: usize = 1;
    const DOCDB: usize = 2;
    const INPADOC: usize = 3;
    /// Bit of the first stated family size in the mask (simple, then extended).
    const SIZES: usize = 4;
    const SIMPLE_SIZE: usize = 0;
    const EXTENDED_SIZE: usize = 1;

    /// Appends the packed links to `out`.
    fn pack<'s>(
        out: &mut ThinVec<u8>,
        ids: [Option<&str>; 4],
        sizes: [Option<u32>; 2],
        keys: impl ExactSizeIterator<Item = &'s str>,
    ) {
        if ids.iter().all(Option::is_none) && sizes.iter().all(Option::is_none) && keys.len() == 0 {
            return;
        }
        let mask = ids
            .iter()
            .enumerate()
            .fold(0u8, |m, (k, id)| m | (u8::from(id.is_some()) << k));
        let mask = sizes.iter().enumerate().fold(mask, |m, (k, s)| {
            m | (u8::from(s.is_some()) << (Self::SIZES + k))
        });
        out.push(mask);
        for id in ids.into_iter().flatten() {
            put_str(out, id);
        }
        for s in sizes.into_iter().flatten() {
            put_uint(out, u64::from(s));
        }
        put_uint(out, keys.len() as u64);
        for k in keys {
            put_str(out, k);
        }
    }

    /// Id `k` (one of the constants) of packed `bytes`.
    fn id(bytes: &[u8], k: usize) -> Option<&str> {
        let mut r = Reader::new(bytes);
        let mask = if bytes.is_empty() { 0 } else { r.byte() };
        if mask & (1 << k) == 0 {
            return None;
        }
        for _ in 0..(mask & ((1 << k) - 1)).count_ones() {
            r.str();
        }
        Some(r.str())
    }

    /// Stated family size `k` (one of the size constants) of packed `bytes`.
    fn size(bytes: &[u8], k: usize) -> Option<u32> {
        let mut r = Reader::new(bytes);
        let mask = if bytes.is_empty() { 0 } else { r.byte() };
        if mask & (1 << (Self::SIZES + k)) == 0 {
            return None;
        }
        for _ in 0..(mask & ((1 << Self::SIZES) - 1)).count_ones() {
            r.str();
        }
        for _ in 0..((mask >> Self::SIZES) & ((1 << k) - 1)).count_ones() {
            r.uint();
        }
        u32::try_from(r.uint()).ok()
    }

    fn keys(bytes: &[u8]) -> impl Iterator<Item = &str> {
        let mut r = Reader::new(bytes);
        let n = if bytes.is_empty() {
            0
        } else {
            let mask = r.byte();
            for _ in 0..(mask & ((1 << Self::SIZES) - 1)).count_ones() {
                r.str();
            }
            for _ in 0..(mask >> Self::SIZES).count_ones() {
                r.uint();
            }
            r.uint() as usize
        };
        (0..n).map(move |_| r.str())
    }
}

impl AppFields for AppCore {
    fn key(&self) -> &str {
        &self.key
    }
    fn office(&self) -> &str {
        self.parts().0
    }
    fn number(&self) -> &str {
        self.parts().1
    }
    fn filing_date(&self) -> Option<NaiveDate> {
        self.filing_date
    }
    fn filing_year(&self) -> Option<i32> {
        self.filing_year
    }
    fn source_id(&self) -> Option<&str> {
        self.source_id.as_deref()
    }
    fn earliest_filing_id(&self) -> Option<&str> {
        Links::id(self.links(), Links::EARLIEST)
    }
    fn pct_key(&self) -> Option<&str> {
        Links::id(self.links(), Links::PCT)
    }
    fn priority_keys(&self) -> impl Iterator<Item = &str> {
        Links::keys(self.links())
    }
    fn docdb_family_id(&self) -> Option<&str> {
        Links::id(self.links(), Links::DOCDB)
    }
    fn inpadoc_family_id(&self) -> Option<&str> {
        Links::id(self.links(), Links::INPADOC)
    }
    fn is_granted(&self) -> bool {
        self.granted == Some(true)
    }
    fn has_grant_evidence(&self) -> bool {
        self.granted.is_some()
    }
    fn cited_by_count(&self) -> Option<u32> {
        self.cited_by_count
    }
    fn simple_family_size(&self) -> Option<u32> {
        Links::size(self.links(), Links::SIMPLE_SIZE)
    }
    fn extended_family_size(&self) -> Option<u32> {
        Links::size(self.links(), Links::EXTENDED_SIZE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Priority, PubClass, Publication};

    fn fields<A: AppFields>(a: &A) -> String {
        format!(
            "{}|{}|{}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{}|{}|{:?}|{:?}|{:?}",
            a.key(),
            a.office(),
            a.number(),
            a.filing_date(),
            a.filing_year(),
            a.source_id(),
            a.earliest_filing_id(),
            a.pct_key(),
            a.priority_keys().collect::<Vec<_>>(),
            a.docdb_family_id(),
            a.inpadoc_family_id(),
            a.is_granted(),
            a.has_grant_evidence(),
            a.cited_by_count(),
            a.simple_family_size(),
            a.extended_family_size(),
        )
    }

    #[test]
    fn a_core_answers_as_its_record_does() {
        let mut r = PatentRecord::default();
        assert_eq!(fields(&AppCore::from(r.clone())), fields(&r));
        assert!(!r.has_grant_evidence());
        r.app.key = "EP20100001".into();
        r.app.office = "EP".into();
        r.app.number = "20100001".into();
        r.app.filing_date = NaiveDate::from_ymd_opt(2010, 3, 4);
        r.app.filing_year = Some(2010);
        r.app.source_id = Some("77".into());
        r.app.earliest_filing_id = Some("70".into());
        r.app.pct_key = Some("WO2009000001".into());
        r.app.docdb_family_id = Some("d1".into());
        r.app.inpadoc_family_id = Some("i1".into());
        r.app.cited_by_count = Some(4);
        r.app.extended_family_size = Some(300);
        for key in ["US12345678", ""] {
            r.priorities.push(Priority {
                office: "US".into(),
                number: "12345678".into(),
                kind: None,
                date: None,
                key: key.into(),
            });
        }
        // Not granted by any evidence, but with evidence: an application publication.
        r.publications.push(Publication {
            office: "EP".into(),
            number: "1".into(),
            kind: "A1".into(),
            date: None,
            class: PubClass::Application,
            source_id: None,
        });
        assert_eq!(fields(&AppCore::from(r.clone())), fields(&r));
        assert!(r.has_grant_evidence() && !AppFields::is_granted(&r));
        r.publications[0].class = PubClass::Grant;
        assert_eq!(fields(&AppCore::from(r.clone())), fields(&r));
        assert!(AppFields::is_granted(&AppCore::from(r.clone())));
        r.publications.clear();
        r.app.granted = Some(false);
        assert_eq!(fields(&AppCore::from(r.clone())), fields(&r));
        assert!(AppCore::from(r.clone()).has_grant_evidence());
    }

    #[test]
    fn a_core_is_small() {
        assert!(std::mem::size_of::<AppCore>() <= 64);
    }

    proptest::proptest! {
        /// Any mix of ids (empty ones and long ones, whose lengths take two LEB128 bytes)
        /// and priority keys comes back from a core as the record gave it.
        #[test]
        fn links_come_back_as_given(
            ids in proptest::collection::vec(proptest::option::of("[a-zA-Z0-9:]{0,3}|.{120,200}"), 4),
            keys in proptest::collection::vec("[A-Z0-9]{0,14}|.{126,140}", 0..5),
            office in "[A-Z]{0,3}|.{250,260}",
            number in "[0-9A-Z]{0,12}",
            key in proptest::option::of("[0-9A-Z]{0,14}"),
            sizes in proptest::collection::vec(proptest::option::of(0u32..=u32::MAX), 2),
        ) {
            let mut r = PatentRecord::default();
            // The key joins office and number (as most do), or is some other text.
            r.app.key = key.unwrap_or_else(|| format!("{office}{number}")).as_str().into();
            r.app.office = office.as_str().into();
            r.app.number = number.as_str().into();
            r.app.pct_key = ids[0].as_deref().map(Into::into);
            r.app.earliest_filing_id = ids[1].as_deref().map(Into::into);
            r.app.docdb_family_id = ids[2].as_deref().map(Into::into);
            r.app.inpadoc_family_id = ids[3].as_deref().map(Into::into);
            r.app.simple_family_size = sizes[0];
            r.app.extended_family_size = sizes[1];
            for k in &keys {
                r.priorities.push(Priority {
                    office: "US".into(),
                    number: "1".into(),
                    kind: None,
                    date: None,
                    key: k.as_str().into(),
                });
            }
            proptest::prop_assert_eq!(fields(&AppCore::from(r.clone())), fields(&r));
        }
    }
}
