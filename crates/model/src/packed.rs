//! A compact byte encoding of [`PatentRecord`] for records held in memory during ingest: a
//! record as Rust values costs several times its packed size (string headers, one heap block
//! per string), which decides whether a 10M-application corpus fits in memory at all.

use chrono::NaiveDate;
use thin_vec::ThinVec;

use crate::{
    Application, Citation, ClassScheme, Classification, FamilyKind, FamilyMember, LegalEvent,
    Party, PartyRole, PatentRecord, Priority, Provenance, PubClass, Publication, RelatedDoc,
};

/// Packs a record; [`unpack`] gives back an equal one.
pub fn pack(r: &PatentRecord) -> Box<[u8]> {
    let mut w = Vec::with_capacity(256);
    let PatentRecord {
        app,
        publications,
        parties,
        classes,
        priorities,
        citations,
        family_members,
        legal_events,
        related,
    } = r;
    put_app(&mut w, app);
    put_list(&mut w, publications, |w, p| {
        let Publication {
            office,
            number,
            kind,
            date,
            class,
            source_id,
        } = p;
        put_str(w, office);
        put_str(w, number);
        put_str(w, kind);
        put_date(w, *date);
        w.push(*class as u8);
        put_opt(w, source_id);
    });
    put_list(&mut w, parties, |w, p| {
        let Party {
            role,
            seq,
            name,
            country,
        } = p;
        w.push(*role as u8);
        put_uint(w, *seq as u64);
        put_str(w, name);
        put_opt(w, country);
    });
    put_list(&mut w, classes, |w, c| {
        let Classification { scheme, code } = c;
        w.push(*scheme as u8);
        put_str(w, code);
    });
    put_list(&mut w, priorities, |w, p| {
        let Priority {
            office,
            number,
            kind,
            date,
            key,
        } = p;
        put_str(w, office);
        put_str(w, number);
        put_opt(w, kind);
        put_date(w, *date);
        put_str(w, key);
    });
    put_list(&mut w, citations, |w, c| {
        let Citation {
            office,
            number,
            kind,
            date,
            category,
            cited_by,
            source_id,
        } = c;
        put_opt(w, office);
        put_str(w, number);
        put_opt(w, kind);
        put_date(w, *date);
        put_opt(w, category);
        put_opt(w, cited_by);
        put_opt(w, source_id);
    });
    put_list(&mut w, family_members, |w, m| {
        let FamilyMember {
            family,
            member,
            source_id,
        } = m;
        w.push(*family as u8);
        put_str(w, member);
        put_opt(w, source_id);
    });
    put_list(&mut w, legal_events, |w, e| {
        let LegalEvent {
            date,
            code,
            description,
        } = e;
        put_date(w, *date);
        put_str(w, code);
        put_opt(w, description);
    });
    put_list(&mut w, related, |w, d| {
        let RelatedDoc {
            relation,
            office,
            number,
            date,
        } = d;
        put_str(w, relation);
        put_opt(w, office);
        put_str(w, number);
        put_date(w, *date);
    });
    w.into_boxed_slice()
}

/// Packs an application alone; [`unpack_app`] gives it back.
pub fn pack_app(a: &Application) -> Box<[u8]> {
    let mut w = Vec::with_capacity(96);
    put_app(&mut w, a);
    w.into_boxed_slice()
}

/// Unpacks what [`pack_app`] wrote.
pub fn unpack_app(bytes: &[u8]) -> Application {
    Reader::new(bytes).app()
}

fn put_app(w: &mut Vec<u8>, a: &Application) {
    let Application {
        key,
        office,
        number,
        kind,
        filing_date,
        filing_year,
        ipr_type,
        is_pct,
        pct_key,
        receiving_office,
        source_id,
        earliest_filing_id,
        earliest_priority_date,
        is_priority_filing,
        title,
        abstract_text,
        claims_text,
        claims_count,
        granted,
        legal_status,
        docdb_family_id,
        inpadoc_family_id,
        simple_family_size,
        extended_family_size,
        cited_by_count,
        npl_citation_count,
        provenance: Provenance {
            source_file,
            location,
        },
    } = a;
    put_str(w, key);
    put_str(w, office);
    put_str(w, number);
    put_opt(w, kind);
    put_date(w, *filing_date);
    put_opt_int(w, filing_year.map(i64::from));
    put_opt(w, ipr_type);
    w.push(*is_pct as u8);
    put_opt(w, pct_key);
    put_opt(w, receiving_office);
    put_opt(w, source_id);
    put_opt(w, earliest_filing_id);
    put_date(w, *earliest_priority_date);
    put_opt_bool(w, *is_priority_filing);
    put_opt(w, title);
    put_opt(w, abstract_text);
    put_opt(w, claims_text);
    put_opt_int(w, claims_count.map(i64::from));
    put_opt_bool(w, *granted);
    put_opt(w, legal_status);
    put_opt(w, docdb_family_id);
    put_opt(w, inpadoc_family_id);
    put_opt_int(w, simple_family_size.map(i64::from));
    put_opt_int(w, extended_family_size.map(i64::from));
    put_opt_int(w, cited_by_count.map(i64::from));
    put_opt_int(w, npl_citation_count.map(i64::from));
    put_uint(w, *source_file as u64);
    put_str(w, location);
}

/// Unpacks what [`pack`] wrote.
pub fn unpack(bytes: &[u8]) -> PatentRecord {
    let mut r = Reader::new(bytes);
    let app = r.app();
    let publications = r.list(|r| Publication {
        office: r.string(),
        number: r.string(),
        kind: r.string(),
        date: r.date(),
        class: match r.byte() {
            0 => PubClass::Application,
            1 => PubClass::Grant,
            2 => PubClass::UtilityModel,
            3 => PubClass::Design,
            _ => PubClass::Other,
        },
        source_id: r.opt(),
    });
    let parties = r.list(|r| Party {
        role: match r.byte() {
            0 => PartyRole::Applicant,
            1 => PartyRole::Inventor,
            _ => PartyRole::Owner,
        },
        seq: r.uint() as u32,
        name: r.string(),
        country: r.opt(),
    });
    let classes = r.list(|r| Classification {
        scheme: match r.byte() {
            0 => ClassScheme::Cpc,
            1 => ClassScheme::Ipc,
            2 => ClassScheme::Uspc,
            _ => ClassScheme::Locarno,
        },
        code: r.string(),
    });
    let priorities = r.list(|r| Priority {
        office: r.string(),
        number: r.string(),
        kind: r.opt(),
        date: r.date(),
        key: r.string(),
    });
    let citations = r.list(|r| Citation {
        office: r.opt(),
        number: r.string(),
        kind: r.opt(),
        date: r.date(),
        category: r.opt(),
        cited_by: r.opt(),
        source_id: r.opt(),
    });
    let family_members = r.list(|r| FamilyMember {
        family: match r.byte() {
            0 => FamilyKind::Simple,
            _ => FamilyKind::Extended,
        },
        member: r.string(),
        source_id: r.opt(),
    });
    let legal_events = r.list(|r| LegalEvent {
        date: r.date(),
        code: r.string(),
        description: r.opt(),
    });
    let related = r.list(|r| RelatedDoc {
        relation: r.string(),
        office: r.opt(),
        number: r.string(),
        date: r.date(),
    });
    debug_assert_eq!(r.at, bytes.len(), "packed record not read to its end");
    PatentRecord {
        app,
        publications,
        parties,
        classes,
        priorities,
        citations,
        family_members,
        legal_events,
        related,
    }
}

/// Where packed bytes are written: a `Vec`, or the thin list an [`crate::AppCore`] keeps.
pub(crate) trait Bytes {
    fn put(&mut self, b: u8);
    fn put_all(&mut self, b: &[u8]);
}

impl Bytes for Vec<u8> {
    fn put(&mut self, b: u8) {
        self.push(b);
    }
    fn put_all(&mut self, b: &[u8]) {
        self.extend_from_slice(b);
    }
}

impl Bytes for ThinVec<u8> {
    fn put(&mut self, b: u8) {
        self.push(b);
    }
    fn put_all(&mut self, b: &[u8]) {
        self.extend_from_slice(b);
    }
}

/// `v` in LEB128: seven bits a byte, low bits first.
pub(crate) fn put_uint(w: &mut impl Bytes, mut v: u64) {
    while v >= 0x80 {
        w.put((v as u8) | 0x80);
        v >>= 7;
    }
    w.put(v as u8);
}

/// `s` as its length ([`put_uint`]) and its bytes.
pub(crate) fn put_str(w: &mut impl Bytes, s: &str) {
    put_uint(w, s.len() as u64);
    w.put_all(s.as_bytes());
}

/// `None` is length 0, `Some(s)` is the length of `s` plus one.
fn put_opt<S: AsRef<str>>(w: &mut Vec<u8>, s: &Option<S>) {
    match s.as_ref().map(S::as_ref) {
        None => w.push(0),
        Some(s) => {
            put_uint(w, s.len() as u64 + 1);
            w.extend_from_slice(s.as_bytes());
        }
    }
}

/// Zigzag so small negative values stay short; `None` is 0.
fn put_opt_int(w: &mut Vec<u8>, v: Option<i64>) {
    match v {
        None => w.push(0),
        Some(v) => put_uint(w, (((v << 1) ^ (v >> 63)) as u64) + 1),
    }
}

fn put_opt_bool(w: &mut Vec<u8>, v: Option<bool>) {
    w.push(match v {
        None => 0,
        Some(false) => 1,
        Some(true) => 2,
    });
}

fn put_date(w: &mut Vec<u8>, d: Option<NaiveDate>) {
    put_opt_int(
        w,
        d.map(|d| i64::from(chrono::Datelike::num_days_from_ce(&d))),
    );
}

fn put_list<T>(w: &mut Vec<u8>, items: &[T], mut f: impl FnMut(&mut Vec<u8>, &T)) {
    put_uint(w, items.len() as u64);
    for x in items {
        f(w, x);
    }
}

/// Reads packed bytes from the front.
pub(crate) struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(b: &'a [u8]) -> Reader<'a> {
        Reader { b, at: 0 }
    }

    /// The bytes not read yet.
    pub(crate) fn rest(&self) -> &'a [u8] {
        &self.b[self.at..]
    }

    pub(crate) fn byte(&mut self) -> u8 {
        let v = self.b[self.at];
        self.at += 1;
        v
    }

    pub(crate) fn uint(&mut self) -> u64 {
        let mut v = 0u64;
        let mut shift = 0;
        loop {
            let b = self.byte();
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return v;
            }
            shift += 7;
        }
    }

    fn text<S: for<'s> From<&'s str>>(&mut self, len: usize) -> S {
        S::from(self.str_of(len))
    }

    fn str_of(&mut self, len: usize) -> &'a str {
        let s = &self.b[self.at..self.at + len];
        self.at += len;
        // Only `put_str` writes these bytes, always from a `str`.
        std::str::from_utf8(s).expect("packed text is UTF-8")
    }

    /// A string written by [`put_str`], borrowed from the bytes.
    pub(crate) fn str(&mut self) -> &'a str {
        let n = self.uint() as usize;
        self.str_of(n)
    }

    fn string<S: for<'s> From<&'s str>>(&mut self) -> S {
        let n = self.uint() as usize;
        self.text(n)
    }

    fn opt<S: for<'s> From<&'s str>>(&mut self) -> Option<S> {
        match self.uint() as usize {
            0 => None,
            n => Some(self.text(n - 1)),
        }
    }

    fn opt_int(&mut self) -> Option<i64> {
        match self.uint() {
            0 => None,
            z => {
                let z = z - 1;
                Some(((z >> 1) as i64) ^ -((z & 1) as i64))
            }
        }
    }

    fn opt_bool(&mut self) -> Option<bool> {
        match self.byte() {
            0 => None,
            1 => Some(false),
            _ => Some(true),
        }
    }

    fn opt_u32(&mut self) -> Option<u32> {
        self.opt_int().map(|v| v as u32)
    }

    fn date(&mut self) -> Option<NaiveDate> {
        self.opt_int()
            .map(|d| NaiveDate::from_num_days_from_ce_opt(d as i32).expect("packed date"))
    }

    fn list<T>(&mut self, mut f: impl FnMut(&mut Self) -> T) -> ThinVec<T> {
        let n = self.uint() as usize;
        let mut v = ThinVec::with_capacity(n);
        for _ in 0..n {
            v.push(f(self));
        }
        v
    }

    fn app(&mut self) -> Application {
        Application {
            key: self.string(),
            office: self.string(),
            number: self.string(),
            kind: self.opt(),
            filing_date: self.date(),
            filing_year: self.opt_int().map(|v| v as i32),
            ipr_type: self.opt(),
            is_pct: self.byte() != 0,
            pct_key: self.opt(),
            receiving_office: self.opt(),
            source_id: self.opt(),
            earliest_filing_id: self.opt(),
            earliest_priority_date: self.date(),
            is_priority_filing: self.opt_bool(),
            title: self.opt(),
            abstract_text: self.opt(),
            claims_text: self.opt(),
            claims_count: self.opt_u32(),
            granted: self.opt_bool(),
            legal_status: self.opt(),
            docdb_family_id: self.opt(),
            inpadoc_family_id: self.opt(),
            simple_family_size: self.opt_u32(),
            extended_family_size: self.opt_u32(),
            cited_by_count: self.opt_u32(),
            npl_citation_count: self.opt_u32(),
            provenance: Provenance {
                source_file: self.uint() as u32,
                location: self.string(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_survives_packing() {
        let d = NaiveDate::from_ymd_opt(2019, 2, 28);
        let old = NaiveDate::from_ymd_opt(-44, 3, 15);
        let app = Application {
            key: "EP16723615".into(),
            office: "EP".into(),
            number: "16723615".into(),
            kind: Some("A".into()),
            filing_date: d,
            filing_year: Some(-3),
            ipr_type: Some("PI".into()),
            is_pct: true,
            pct_key: Some("WOCA2013050967".into()),
            receiving_office: Some("CA".into()),
            source_id: Some("12".into()),
            earliest_filing_id: Some("7".into()),
            earliest_priority_date: old,
            is_priority_filing: Some(false),
            title: Some("Bloc ≠ chaîne".into()),
            abstract_text: Some(String::new()),
            claims_text: None,
            claims_count: Some(u32::MAX),
            granted: Some(true),
            legal_status: Some("ACTIVE".into()),
            docdb_family_id: Some("1".into()),
            inpadoc_family_id: None,
            simple_family_size: Some(0),
            extended_family_size: Some(300),
            cited_by_count: None,
            npl_citation_count: Some(2),
            provenance: Provenance {
                source_file: 3,
                location: "line 9".into(),
            },
        };
        let mut r = PatentRecord {
            app,
            ..PatentRecord::default()
        };
        r.publications.push(Publication {
            office: "EP".into(),
            number: "3000000".into(),
            kind: "B1".into(),
            date: d,
            class: PubClass::Grant,
            source_id: None,
        });
        r.parties.push(Party {
            role: PartyRole::Owner,
            seq: 200,
            name: "ACME".into(),
            country: Some("DE".into()),
        });
        r.classes.push(Classification {
            scheme: ClassScheme::Locarno,
            code: "12-01".into(),
        });
        r.priorities.push(Priority {
            office: "US".into(),
            number: "1".into(),
            kind: None,
            date: None,
            key: "US1".into(),
        });
        r.citations.push(Citation {
            office: None,
            number: "PATSTAT:9".into(),
            kind: Some(crate::Text::default()),
            date: old,
            category: Some("X".into()),
            cited_by: None,
            source_id: Some("9".into()),
        });
        r.family_members.push(FamilyMember {
            family: FamilyKind::Extended,
            member: "US2015012345".into(),
            source_id: None,
        });
        r.legal_events.push(LegalEvent {
            date: None,
            code: "EPIDOSNIGR1".into(),
            description: Some("x".repeat(300)),
        });
        r.related.push(RelatedDoc {
            relation: "division".into(),
            office: None,
            number: "2".into(),
            date: d,
        });
        assert_eq!(unpack(&pack(&r)), r);
        assert_eq!(unpack_app(&pack_app(&r.app)), r.app);
        let empty = PatentRecord::default();
        assert_eq!(unpack(&pack(&empty)), empty);
    }
}
