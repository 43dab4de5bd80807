//! docs/SCHEMA.md must be exactly what `patq schema` prints, so the documented contract and
//! the written Parquet layout cannot drift apart.

use crate::util;

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

/// Help texts are paragraphs that clap wraps to the terminal: on a terminal wider than any
/// paragraph, each paragraph of a command's description is one line. A line break written by
/// hand would show as two consecutive lines here, and as a ragged line at other widths.
#[test]
fn help_paragraphs_are_not_wrapped_by_hand() {
    let help = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_patq"))
            .args(args)
            .env("COLUMNS", "1000")
            .output()
            .expect("patq runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let top = help(&["--help"]);
    let commands: Vec<String> = top
        .split("Commands:")
        .nth(1)
        .expect("a command list")
        .lines()
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next().map(String::from))
        .filter(|c| c != "help")
        .collect();
    assert!(commands.len() >= 10, "{commands:?}");
    for c in std::iter::once(None).chain(commands.iter().map(Some)) {
        let text = match c {
            Some(c) => help(&[c, "--help"]),
            None => top.clone(),
        };
        let about = text.split("Usage:").next().unwrap_or_default();
        let lines: Vec<&str> = about.lines().collect();
        for pair in lines.windows(2) {
            assert!(
                pair[0].trim().is_empty() || pair[1].trim().is_empty(),
                "patq {} --help: a paragraph broken by hand:\n{}\n{}",
                c.map(String::as_str).unwrap_or_default(),
                pair[0],
                pair[1]
            );
        }
    }
}
