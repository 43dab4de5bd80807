//! The `patq` binary: parses the command line, runs one subcommand, and maps the outcome to an
//! exit code (0 ok, 1 partial, 2 error), staying quiet on a broken pipe.

mod cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

// Ingest and indicators make tens of millions of small allocations on two threads; mimalloc's
// per-thread pages make them cheaper and fault far fewer pages than glibc's malloc
// (docs/performance-history.md has the comparison).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

unsafe extern "C" {
    /// mimalloc's own `mi_collect` (in the library the allocator above links).
    fn mi_collect(force: bool);
}

/// Hands memory freed by threads that have ended, and this thread's free pages, back to the
/// system: what a finished phase let go then no longer counts in the resident memory the
/// next phase starts from.
pub fn collect_freed() {
    // SAFETY: `mi_collect` takes no pointers; it only walks the allocator's own pages.
    unsafe { mi_collect(true) }
}

/// patq turns patent exports (Lens, PATSTAT, PatentsView, USPTO XML, EPO OPS, Google Patents)
/// into a normalised Parquet dataset and patent-landscape indicators.
#[derive(Parser)]
#[command(name = "patq", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Ingest(cmd::ingest::Args),
    Info(cmd::info::Args),
    Indicators(cmd::indicators::Args),
    Explain(cmd::explain::Args),
    Generate(cmd::generate::Args),
    Demo(cmd::demo::Args),
    Rank(cmd::rank::Args),
    Report(cmd::report::Args),
    Schema(cmd::schema::Args),
    Serve(cmd::serve::Args),
    Sql(cmd::sql::Args),
}

/// What a subcommand achieved, for the exit code.
pub enum Outcome {
    /// Everything worked.
    Ok,
    /// Something usable was produced, but not everything (e.g. rejected records with --strict).
    Partial,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Ingest(a) => cmd::ingest::run(a),
        Command::Info(a) => cmd::info::run(a),
        Command::Indicators(a) => cmd::indicators::run(a),
        Command::Explain(a) => cmd::explain::run(a),
        Command::Generate(a) => cmd::generate::run(a),
        Command::Demo(a) => cmd::demo::run(a),
        Command::Rank(a) => cmd::rank::run(a),
        Command::Report(a) => cmd::report::run(a),
        Command::Schema(a) => cmd::schema::run(a),
        Command::Serve(a) => cmd::serve::run(a),
        Command::Sql(a) => cmd::sql::run(a),
    };
    match result {
        Ok(Outcome::Ok) => ExitCode::from(0),
        Ok(Outcome::Partial) => ExitCode::from(1),
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::from(0);
            }
            eprintln!("patq: error: {}", message(&err));
            ExitCode::from(2)
        }
    }
}

/// The error and its causes joined by `: `, leaving out a cause whose text the message already
/// holds (the library errors name their cause in their own text as well as through
/// `source()`, which `{:#}` printed twice: "cannot read: No such file ...: No such file ...").
fn message(err: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if out.contains(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An error that names its cause in its text and through `source()`, as the library
    /// errors do.
    #[derive(Debug)]
    struct Named {
        source: std::io::Error,
    }

    impl std::fmt::Display for Named {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "data.csv: cannot read: {}", self.source)
        }
    }

    impl std::error::Error for Named {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.source)
        }
    }

    /// A cause is printed once whether or not the error's own text names it; context added
    /// at the edge still comes first.
    #[test]
    fn each_cause_is_printed_once() {
        let io = || std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
        let err = anyhow::Error::new(Named { source: io() }).context("reading inputs");
        assert_eq!(
            message(&err),
            "reading inputs: data.csv: cannot read: no such file"
        );
        let err = anyhow::Error::new(io()).context("opening out");
        assert_eq!(message(&err), "opening out: no such file");
    }
}
