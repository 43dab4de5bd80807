//! docs/SCHEMA.md must be exactly what `patq schema` prints, so the documented contract and
//! the written Parquet layout cannot drift apart.

mod util;

#[test]
fn schema_doc_is_current() {
    let t = util::TestCommand::new();
    let printed = t.run(&["schema"]).expect_code(0).stdout();
    let doc_path = patq_testkit::workspace_root().join("docs/SCHEMA.md");
    let doc = std::fs::read_to_string(&doc_path).unwrap_or_default();
    assert!(
        doc == printed,
        "docs/SCHEMA.md is stale: run `cargo run -p patq -- schema > docs/SCHEMA.md`"
    );
}
