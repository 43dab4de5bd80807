//! The application fields that corpus-wide computations read (families, the citation index,
//! the figures' bounds) as one trait, answered by a full [`PatentRecord`] and by the compact
//! [`AppCore`] a large corpus keeps instead of its records.

use chrono::NaiveDate;

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
    fn filing_date(&self) -> Option<NaiveDate>;
    fn filing_year(&self) -> Option<i32>;
    /// The source's own id of the application.
    fn source_id(&self) -> Option<&str>;
    fn earliest_filing_id(&self) -> Option<&str>;
    fn pct_key(&self) -> Option<&str>;
    /// The application keys of its priority claims, in the record's order (empty keys too).
    fn priority_keys(&self) -> impl Iterator<Item = &str>;
    fn docdb_family_id(&self) -> Option<&str>;
    fn inpadoc_family_id(&self) -> Option<&str>;
    /// True when any evidence says it was granted ([`PatentRecord::is_granted`]).
    fn is_granted(&self) -> bool;
    /// True when there is any grant evidence at all, for or against: a stated flag or a
    /// publication.
    fn has_grant_evidence(&self) -> bool;
    /// Forward citations as the source counted them.
    fn cited_by_count(&self) -> Option<u32>;
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
}

/// The [`AppFields`] of one application and nothing else: 168 bytes where a record with its
/// lists takes over 600 at 10M applications, so a corpus can let each record go once its
/// per-record facts are derived.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AppCore {
    pub key: Text,
    pub office: Text,
    pub number: Text,
    pub source_id: Option<Text>,
    pub earliest_filing_id: Option<Text>,
    pub pct_key: Option<Text>,
    pub docdb_family_id: Option<Text>,
    pub inpadoc_family_id: Option<Text>,
    pub priority_keys: ThinVec<Text>,
    pub filing_date: Option<NaiveDate>,
    pub filing_year: Option<i32>,
    pub cited_by_count: Option<u32>,
    /// Folded grant evidence: None without any, else whether any evidence says granted.
    pub granted: Option<bool>,
}

impl From<PatentRecord> for AppCore {
    /// Moves the fields out: a record read only to be digested gives up its strings.
    fn from(r: PatentRecord) -> AppCore {
        let granted = r.has_grant_evidence().then(|| r.is_granted());
        let a = r.app;
        AppCore {
            key: a.key,
            office: a.office,
            number: a.number,
            source_id: a.source_id,
            earliest_filing_id: a.earliest_filing_id,
            pct_key: a.pct_key,
            docdb_family_id: a.docdb_family_id,
            inpadoc_family_id: a.inpadoc_family_id,
            priority_keys: r.priorities.into_iter().map(|p| p.key).collect(),
            filing_date: a.filing_date,
            filing_year: a.filing_year,
            cited_by_count: a.cited_by_count,
            granted,
        }
    }
}

impl AppFields for AppCore {
    fn key(&self) -> &str {
        &self.key
    }
    fn office(&self) -> &str {
        &self.office
    }
    fn number(&self) -> &str {
        &self.number
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
        self.earliest_filing_id.as_deref()
    }
    fn pct_key(&self) -> Option<&str> {
        self.pct_key.as_deref()
    }
    fn priority_keys(&self) -> impl Iterator<Item = &str> {
        self.priority_keys.iter().map(Text::as_str)
    }
    fn docdb_family_id(&self) -> Option<&str> {
        self.docdb_family_id.as_deref()
    }
    fn inpadoc_family_id(&self) -> Option<&str> {
        self.inpadoc_family_id.as_deref()
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Priority, PubClass, Publication};

    fn fields<A: AppFields>(a: &A) -> String {
        format!(
            "{}|{}|{}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{}|{}|{:?}",
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
        assert!(std::mem::size_of::<AppCore>() <= 168);
    }
}
