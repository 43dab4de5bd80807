//! Forward citations between the applications of a corpus, drawn after generation: each
//! application with a target count c (calibrated: cited rate by country x cohort, F9 bands)
//! is cited by c distinct applications filed after it. Shared by the writers that carry
//! citation lists (PATSTAT tables, Lens JSON), each with its own use of the same draw.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// One step of the draw, in order: the edges of application `cited`, then its end.
pub(crate) enum Cite {
    /// Application `citing` (filed later) cites application `cited`.
    Edge { citing: u32, cited: u32 },
    /// Every edge to `cited` has been given; a writer may draw more for it here (outside art).
    End { cited: u32 },
}

/// Draws the edges for applications with filing days `day` and target counts `cited_by`
/// (index = application), calling `each` with the stream's generator and each step; returns the
/// number of edges. A target above the number of later-filed applications gives them all.
pub(crate) fn draw<E>(
    seed: u64,
    day: &[u16],
    cited_by: &[u16],
    mut each: impl FnMut(&mut ChaCha8Rng, Cite) -> Result<(), E>,
) -> Result<u64, E> {
    // A separate stream: the corpus itself must not depend on which writer runs.
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x9A75_7A7C_17ED);
    let n = day.len();
    // Applications ordered by filing day (counting sort: days fit in u16), and where each
    // day's run starts, so "filed after day d" is the suffix from `start[d + 1]`.
    let days = day.iter().copied().max().map_or(0, |d| d as usize + 1);
    let mut start = vec![0u32; days + 2];
    for &d in day {
        start[d as usize + 2] += 1;
    }
    for d in 2..start.len() {
        start[d] += start[d - 1];
    }
    let mut order = vec![0u32; n];
    {
        let mut fill = start.clone();
        for (i, &d) in day.iter().enumerate() {
            order[fill[d as usize + 1] as usize] = i as u32;
            fill[d as usize + 1] += 1;
        }
    }
    let mut edges = 0u64;
    let mut chosen: Vec<u32> = Vec::new();
    for i in 0..n {
        let first_later = start[day[i] as usize + 2] as usize;
        let later = n - first_later;
        let want = (cited_by[i] as usize).min(later);
        chosen.clear();
        let mut tries = 0;
        while chosen.len() < want && tries < want * 8 {
            let c = order[rng.random_range(first_later..n)];
            if !chosen.contains(&c) {
                chosen.push(c);
            }
            tries += 1;
        }
        chosen.sort_unstable();
        for &c in &chosen {
            each(
                &mut rng,
                Cite::Edge {
                    citing: c,
                    cited: i as u32,
                },
            )?;
            edges += 1;
        }
        each(&mut rng, Cite::End { cited: i as u32 })?;
    }
    Ok(edges)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every edge goes from a later filing to an earlier one, no pair repeats, and a target
    /// is met whenever enough later filings exist.
    #[test]
    fn edges_point_back_in_time_and_meet_their_targets() {
        let day: Vec<u16> = (0..200u16).map(|k| k % 50).collect();
        let cited_by: Vec<u16> = (0..200u16).map(|k| k % 4).collect();
        let mut got: Vec<(u32, u32)> = Vec::new();
        let mut ends = 0;
        let n = draw::<()>(7, &day, &cited_by, |_, c| {
            match c {
                Cite::Edge { citing, cited } => got.push((citing, cited)),
                Cite::End { .. } => ends += 1,
            }
            Ok(())
        })
        .unwrap();
        assert_eq!(n as usize, got.len());
        assert_eq!(ends, 200);
        for &(citing, cited) in &got {
            assert!(day[citing as usize] > day[cited as usize]);
        }
        let mut pairs = got.clone();
        pairs.sort_unstable();
        pairs.dedup();
        assert_eq!(pairs.len(), got.len());
        for i in 0..200 {
            let later = day.iter().filter(|&&d| d > day[i]).count();
            let edges = got.iter().filter(|e| e.1 == i as u32).count();
            assert_eq!(edges, (cited_by[i] as usize).min(later), "application {i}");
        }
    }
}
