//! Enrichment kernels over [`patq_model::PatentRecord`]s: patent families, forward citations
//! from citation lists, applicant name harmonisation into corporate groups, the country of a
//! company, topic queries and the core-technology / industry taxonomy.
//!
//! A topic query and a shipped topic profile on one record:
//!
//! ```
//! use patq_enrich::{Query, Split, Taxonomy};
//! use patq_model::{ClassScheme, Classification, PatentRecord};
//!
//! let mut r = PatentRecord::default();
//! r.app.title = Some("Parcel delivery drone".into());
//! r.classes.push(Classification { scheme: ClassScheme::Cpc, code: "B64U10/13".into() });
//! let q: Query = "drone* AND NOT class:A01".parse()?;
//! assert!(q.matches(&r));
//! let drones = Taxonomy::named("drones")?;
//! assert_eq!(drones.split(&r), Split::Core);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod citations;
pub mod cohort;
pub mod country;
pub mod entity;
pub mod families;
pub mod unionfind;

pub use citations::{
    CitationGraph, CitationGraphBuilder, CitationStats, CitedDoc, FamilyCitations, PubDoc,
    Publications, RecordPublications,
};
pub use cohort::{Cohort, cohort_index};
pub use country::{CompanyCountry, CountryRule, company_country};
pub use entity::{Entity, Kind, entity_of};
pub use families::{Families, FamilyInfo, FamilyMethod};
pub use unionfind::UnionFind;
pub mod groups;
pub mod names;
pub mod taxonomy;
pub mod topic;

pub use groups::{Group, Harmonizer, MatchRule};
pub use names::normalize_name;
pub use taxonomy::{Facts, FactsMemo, NAMED_TAXONOMIES, Split, Taxonomy};
pub use topic::{DEFAULT_TOPIC, Doc, ParseError, Query};

pub use patq_model::FastMap;
