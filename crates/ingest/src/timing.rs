//! Wall time and resident memory of the phases of a long run, printed to stderr when the
//! environment sets `PATQ_TIMINGS` (profiling runs; docs/PERFORMANCE.md), silent otherwise.

/// Times consecutive phases; see the module documentation.
pub struct Phases {
    at: Option<std::time::Instant>,
}

impl Phases {
    /// Starts timing the first phase (a no-op unless `PATQ_TIMINGS` is set).
    pub fn start() -> Phases {
        Phases {
            at: std::env::var_os("PATQ_TIMINGS").map(|_| std::time::Instant::now()),
        }
    }

    /// Ends the running phase, named `what`, and starts the next.
    pub fn done(&mut self, what: &str) {
        if let Some(at) = &mut self.at {
            eprintln!(
                "patq: timing: {what} {:.2} s (resident {} MB)",
                at.elapsed().as_secs_f64(),
                resident_mb()
            );
            *at = std::time::Instant::now();
        }
    }
}

/// The process's resident memory now (Linux; 0 elsewhere), for the phase timings.
fn resident_mb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("VmRSS:"))?;
            line.split_whitespace().nth(1)?.parse::<u64>().ok()
        })
        .map_or(0, |kb| kb / 1024)
}
