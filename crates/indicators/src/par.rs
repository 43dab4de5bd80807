//! Order-preserving parallel map over a selection with scoped std threads: taxonomy matching
//! reads every word of every selected record and dominates indicator time on large corpora.

/// Below this many applications the thread start-up costs more than it saves.
const MIN_PARALLEL: usize = 4096;

/// `f` applied to each index of `sel`, results in `sel` order.
pub(crate) fn map<T: Send>(sel: &[usize], f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    map_with(sel, || (), |_, i| f(i))
}

/// [`map`] where each worker thread owns a state made by `init` (a cache), passed to `f`.
pub(crate) fn map_with<S, T: Send>(
    sel: &[usize],
    init: impl Fn() -> S + Sync,
    f: impl Fn(&mut S, usize) -> T + Sync,
) -> Vec<T> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads < 2 || sel.len() < MIN_PARALLEL {
        let mut state = init();
        return sel.iter().map(|&i| f(&mut state, i)).collect();
    }
    let (f, init) = (&f, &init);
    std::thread::scope(|s| {
        let workers: Vec<_> = sel
            .chunks(sel.len().div_ceil(threads))
            .map(|chunk| {
                s.spawn(move || {
                    let mut state = init();
                    chunk.iter().map(|&i| f(&mut state, i)).collect::<Vec<T>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("an indicator worker thread panicked"))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_order_above_and_below_the_threshold() {
        for n in [10, super::MIN_PARALLEL * 3 + 7] {
            let sel: Vec<usize> = (0..n).rev().collect();
            let out = super::map(&sel, |i| i * 2);
            assert_eq!(out, sel.iter().map(|i| i * 2).collect::<Vec<_>>());
        }
    }
}
