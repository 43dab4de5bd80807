//! The quality index on a real Lens CSV export (Oldham's drones set, old 2015-2016 schema):
//! which dimensions the data can give, and a ranking that does not depend on the run.

use crate::common;

use patq_enrich::{Harmonizer, Taxonomy};
use patq_indicators::{Corpus, Filters};
use patq_ingest::lens_csv;
use patq_rank::{RankConfig, rank};
use patq_testkit::shared_file;

#[test]
fn drones_lens_csv_ranking() {
    let Some(path) = shared_file(
        "drones_lens_csv_ranking",
        "lens-csv-oldham/drones_fulltext_families_5884_raw.csv",
    ) else {
        return;
    };
    let recs = common::read_merged(&[path], lens_csv::read);
    let c = Corpus::build(&recs, &Harmonizer::default());
    let sel = c.select(&Filters::default());
    let cfg = RankConfig {
        min_applications: 20,
        top: 10,
        ..RankConfig::default()
    };
    let tax = Taxonomy::default();
    let a = rank(&c, &sel, &cfg, &tax).unwrap();
    let b = rank(&c, &sel, &cfg, &tax).unwrap();
    print!("{}", a.to_table_string(10));
    assert_eq!(a, b);
    assert!(
        !a.rows.is_empty(),
        "no drone applicant has more than 20 applications"
    );
    for r in &a.rows {
        assert!(r.weight_rank.min <= r.rank && r.rank <= r.weight_rank.max);
        assert!((0.0..=100.0).contains(&r.score));
    }
}
