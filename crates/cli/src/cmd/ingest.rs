//! `patq ingest`: read exports into a dataset, reporting in/out/rejected counts per source.

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use anyhow::{Context, Result, bail};
use patq_ingest::{Format, Input, Sink, detect, read_all};
use patq_store::atomic::{Staging, tmp_sibling};
use patq_store::{DatasetBuilder, Manifest, Totals};

use crate::Outcome;

/// Read patent exports into a patq dataset: one Parquet table per entity, manifest.json
/// (sources, checksums, counts) and quarantine.jsonl (every rejected record with file,
/// location, field and reason).
///
/// SOURCE is a file or a directory (read recursively, in name order; files of no known format
/// are listed and left out). Formats are detected from content, by their header columns:
/// Lens CSV (2015/16 and current schemas, any column order, `,` or `;`), Lens JSON, PATSTAT
/// CSV tables, PatentsView TSV or CSV, USPTO bulk XML, EPO OPS XML, Google Patents CSV (with or
/// without its search-URL line, Google's or snake_case headers); docs/FORMATS.md lists each
/// format's columns and the field each fills. Records of one application from several files
/// or rows are merged. Every column is reported as mapped or ignored, and every value of a
/// kept record not stored as read (rejected, repaired, flagged) is a line of quarantine.jsonl.
///
/// Exit code: 0 when something usable was read (rejections are reported, not fatal), 1 with
/// --strict when any record was rejected (the dataset is then not written), 2 on error or
/// when nothing usable was read.
#[derive(clap::Args)]
pub struct Args {
    /// Input files or directories.
    #[arg(required = true, value_name = "SOURCE")]
    pub sources: Vec<PathBuf>,
    /// Dataset directory to write: new, empty or an earlier dataset (replaced atomically);
    /// anything else is refused.
    #[arg(long, short)]
    pub out: PathBuf,
    /// Force the format of every input: lens-csv, lens-json, patstat, patentsview, uspto-xml,
    /// epo-ops, google-csv.
    #[arg(long)]
    pub format: Option<Format>,
    /// Fail (exit 1, dataset not written) when any record is rejected.
    #[arg(long)]
    pub strict: bool,
    /// Mark every source as synthetic (also implied by a SYNTHETIC file beside a source).
    #[arg(long)]
    pub synthetic: bool,
    /// No progress bar and no per-source table.
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn run(args: Args) -> Result<Outcome> {
    let summary = ingest(&args)?;
    Ok(summary)
}

/// Expands directories into their regular files, in sorted order, skipping hidden files
/// (`patq_ingest::walk`); folder entries that are no regular file (pipes, devices, sockets,
/// broken or looping symlinks) are listed with their reason and left out.
fn expand(sources: &[PathBuf]) -> Result<Vec<(PathBuf, bool)>> {
    let listing = patq_ingest::walk::expand(sources)?;
    for s in &listing.skipped {
        eprintln!("patq: note: {}: {}, left out", s.path.display(), s.reason);
    }
    if !listing.skipped.is_empty() {
        eprintln!(
            "patq: note: {} folder entries left out (not regular files)",
            listing.skipped.len()
        );
    }
    Ok(listing.files)
}

fn is_synthetic(path: &Path, forced: bool) -> bool {
    forced
        || path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("synthetic-"))
        || path.parent().is_some_and(|d| d.join("SYNTHETIC").is_file())
}

/// Bytes read to name a file's format (detection looks at the first 16 KiB).
const HEAD_BYTES: usize = 64 * 1024;

/// Runs the ingest and writes the dataset; shared by `ingest` and `demo`.
pub fn ingest(args: &Args) -> Result<Outcome> {
    let mut t = super::Phases::start();
    let sources: Vec<&Path> = args.sources.iter().map(PathBuf::as_path).collect();
    super::outpath::check(&args.out, super::outpath::Kind::Dataset, &sources)?;
    let files = expand(&args.sources)?;
    let mut builder = DatasetBuilder::new();
    let inputs = load_inputs(args, files, &mut builder)?;
    t.done("load and detect inputs");
    let staging = read_inputs(args, inputs, &mut builder)?;
    t.done("read and normalise");

    let totals = builder.totals().clone();
    if !args.quiet {
        print_sources(builder.sources());
    }
    print_summary(args, &builder, &totals);
    if totals.records_out == 0 {
        bail!(
            "nothing usable was read: {} records rejected, {} skipped",
            totals.rejected,
            totals.skipped
        );
    }
    if args.strict && totals.rejected > 0 {
        eprintln!(
            "patq: --strict: {} records rejected; dataset not written",
            totals.rejected
        );
        return Ok(Outcome::Partial);
    }
    let manifest: Manifest = builder
        .write(&args.out)
        .with_context(|| format!("writing dataset {}", args.out.display()))?;
    staging.disarm();
    t.done("write dataset");
    print_written(&args.out, &manifest);
    Ok(Outcome::Ok)
}

/// Loads each file, names its format and registers it as a source; files of no known format
/// are noted and left out, unless given by name.
fn load_inputs(
    args: &Args,
    files: Vec<(PathBuf, bool)>,
    builder: &mut DatasetBuilder,
) -> Result<Vec<(Input, Format)>> {
    let mut inputs: Vec<(Input, Format)> = Vec::new();
    let mut unrecognised: Vec<String> = Vec::new();
    for (path, explicit) in files {
        let name = path.display().to_string();
        // A format is named from a file's first bytes. A PATSTAT table is then read by its
        // own pass (see `patstat::read_owned`), so it is not read whole here: multi-gigabyte
        // tables would otherwise be read twice.
        let head = Input::load_head(&path, 0, HEAD_BYTES)?;
        let patstat = args.format.or_else(|| detect(&head.text)) == Some(Format::Patstat);
        let mut input = if patstat {
            head
        } else {
            Input::load(&path, 0)?
        };
        let format = match args.format.or_else(|| detect(&input.text)) {
            Some(f) => f,
            None if explicit => bail!(
                "{name}: format not recognised (use --format; known: lens-csv, lens-json, patstat, patentsview, uspto-xml, epo-ops, google-csv)"
            ),
            None => {
                unrecognised.push(name);
                continue;
            }
        };
        input.file_index = builder.add_source(
            &path,
            &name,
            format.name(),
            input.encoding,
            is_synthetic(&path, args.synthetic),
        )?;
        if patstat {
            // Told once the whole file is decoded (builder.decoding_notes): a head cut at a
            // line end may end inside a UTF-16 character.
        } else if input.had_errors {
            eprintln!(
                "patq: warning: {name}: bytes not valid in {} were replaced by U+FFFD",
                input.encoding
            );
        } else if input.encoding != "UTF-8" {
            eprintln!("patq: note: {name}: decoded from {}", input.encoding);
        }
        if format == Format::Patstat {
            // Read again table by table (see `patstat::read_owned`): holding every table's
            // text from here on would be the largest allocation of the run.
            input.text = Default::default();
        }
        inputs.push((input, format));
    }
    for name in &unrecognised {
        eprintln!("patq: note: {name}: not a recognised format, left out");
    }
    if inputs.is_empty() {
        bail!("no readable input among the sources given");
    }
    Ok(inputs)
}

/// Reads the inputs into the builder, grouped by format, with a progress bar; returns the
/// guard that deletes the staged dataset unless it is disarmed once written.
fn read_inputs(
    args: &Args,
    inputs: Vec<(Input, Format)>,
    builder: &mut DatasetBuilder,
) -> Result<Staging> {
    let total: u64 = inputs.iter().map(|(i, _)| i.raw_len).sum();
    let pb = super::progress_bar(total, "ingest", args.quiet);
    let base = Rc::new(Cell::new(0u64));
    {
        let (pb, base) = (pb.clone(), base.clone());
        builder.on_progress(move |done| pb.set_position(base.get() + done));
    }
    // Formats that spread one application over several tables are read as one group.
    let (mut patstat, mut patentsview, mut single) = (Vec::new(), Vec::new(), Vec::new());
    for item in inputs {
        match item.1 {
            Format::Patstat => patstat.push(item),
            Format::PatentsView => patentsview.push(item),
            _ => single.push(item),
        }
    }
    // The dataset is staged in `tmp_sibling(out)` by the builder; on any failure from here
    // (a full disk included) the guard deletes it.
    let staging = Staging::guard(tmp_sibling(&args.out));
    // A PATSTAT extract alone hands its records over in key order (`patstat::read_owned`), so
    // the dataset is written while it is read instead of every record being held until the
    // end, which at PATSTAT scale would be a second copy of the whole dataset in memory.
    if !patstat.is_empty() && patentsview.is_empty() && single.is_empty() {
        builder
            .stream_to(&args.out)
            .with_context(|| format!("writing dataset {}", args.out.display()))?;
    }
    // PATSTAT inputs are handed over so each table's text is freed once it has been read.
    if !patstat.is_empty() {
        let len = patstat.iter().map(|(i, _)| i.raw_len).sum::<u64>();
        patq_ingest::patstat::read_owned(patstat.into_iter().map(|(i, _)| i).collect(), builder)?;
        base.set(base.get() + len);
    }
    if !patentsview.is_empty() {
        read_all(&patentsview, builder)?;
        base.set(base.get() + patentsview.iter().map(|(i, _)| i.raw_len).sum::<u64>());
    }
    for one in single {
        let len = one.0.raw_len;
        read_all(std::slice::from_ref(&one), builder)?;
        base.set(base.get() + len);
        builder.progress(0);
    }
    pb.finish_and_clear();
    Ok(staging)
}

/// Prints the first rejections, value notes and conflicts, and the record and value counts.
fn print_summary(args: &Args, builder: &DatasetBuilder, totals: &Totals) {
    for r in builder.rejections().iter().take(10) {
        eprintln!("patq: rejected: {r}");
    }
    if builder.rejections().len() > 10 {
        eprintln!(
            "patq: ... {} more rejections in {}/quarantine.jsonl",
            builder.rejections().len() - 10,
            args.out.display()
        );
    }
    let notes = builder.field_notes();
    for n in notes.iter().take(10) {
        eprintln!("patq: value {}: {n}", n.action.as_str());
    }
    if notes.len() > 10 {
        eprintln!(
            "patq: ... {} more values rejected, repaired or flagged in {}/quarantine.jsonl",
            notes.len() - 10,
            args.out.display()
        );
    }
    for note in builder.decoding_notes() {
        eprintln!("patq: {note}");
    }
    for note in builder.conflict_notes().iter().take(10) {
        eprintln!("patq: conflict: {note}");
    }
    println!(
        "records in {} = out {} + rejected {} + skipped {}; {} applications after merging {} records of the same application{}",
        totals.records_in,
        totals.records_out,
        totals.rejected,
        totals.skipped,
        totals.records_out - totals.merged,
        totals.merged,
        if totals.conflicts.is_empty() {
            String::new()
        } else {
            format!(
                " (conflicting values kept first-seen: {})",
                totals
                    .conflicts
                    .iter()
                    .map(|(k, v)| format!("{k} {v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    );
    if !totals.field_notes.is_empty() {
        let n = |a: &str| totals.field_notes.get(a).copied().unwrap_or(0);
        println!(
            "values of kept records: rejected {}, repaired {}, flagged {} (each a line of quarantine.jsonl)",
            n("rejected"),
            n("repaired"),
            n("flagged")
        );
    }
}

/// Prints where the dataset was written, its application count and its quarantine.
fn print_written(out: &Path, manifest: &Manifest) {
    let values: u64 = manifest.totals.field_notes.values().sum();
    println!(
        "wrote {} ({} applications{}; quarantine: {} records{})",
        out.display(),
        manifest.tables.get("applications").copied().unwrap_or(0),
        if manifest.synthetic {
            ", SYNTHETIC data"
        } else {
            ""
        },
        manifest.totals.rejected,
        if values > 0 {
            format!(", {values} values")
        } else {
            String::new()
        }
    );
}

fn print_sources(sources: &[patq_store::SourceEntry]) {
    println!(
        "{:<11} {:>9} {:>9} {:>9}  source",
        "format", "records", "rejected", "skipped"
    );
    for s in sources {
        let skipped: u64 = s.skipped.values().sum();
        println!(
            "{:<11} {:>9} {:>9} {:>9}  {}{}",
            s.format,
            s.records,
            s.rejected,
            skipped,
            s.path,
            if s.synthetic { " [synthetic]" } else { "" }
        );
    }
    for s in sources {
        print_fields(s);
    }
}

/// A source's columns: the values read, kept and rejected per mapped column, and the
/// columns no field reads, so no column is left out unsaid.
fn print_fields(s: &patq_store::SourceEntry) {
    if s.fields.is_empty() && s.columns.is_empty() {
        return;
    }
    println!("{}: values per mapped column", s.path);
    // Counts first and the column last: XML and JSON columns are long element or key paths.
    println!(
        "  {:>9} {:>9} {:>9} {:>9} {:>9}  column",
        "read", "kept", "rejected", "repaired", "flagged"
    );
    for (column, c) in &s.fields {
        println!(
            "  {:>9} {:>9} {:>9} {:>9} {:>9}  {column}",
            c.read,
            // The builder fills `kept` when it writes the manifest; this runs before.
            c.read.saturating_sub(c.rejected),
            c.rejected,
            c.repaired,
            c.flagged
        );
    }
    let ignored: Vec<&str> = s
        .columns
        .iter()
        .filter(|c| c.field == patq_store::IGNORED)
        .map(|c| c.column.as_str())
        .collect();
    if !ignored.is_empty() {
        println!(
            "  ignored columns ({}, read by no field): {}",
            ignored.len(),
            ignored.join(", ")
        );
    }
}
