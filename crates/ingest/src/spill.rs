//! Child rows of a table-spread export (PATSTAT's tls212 citations, tls224 classes, tls207
//! parties) kept in buckets of applications consecutive in key order, and written to an
//! unnamed temporary file once more than a budget of them is in memory: the records are
//! built bucket by bucket, so only one bucket's rows need to be read back at a time.

use std::fs::File;
use std::io::{self, Write};
use std::ops::Range;

use patq_model::Groups;

/// Buckets of at most this many: a bucket's rows are written as one block per budget's worth,
/// so fewer buckets mean larger blocks (about 256 KB each with a 64 MB budget).
const MAX_BUCKETS: usize = 256;

/// A row written to and read back from the spill file.
pub(crate) trait SpillRow: Sized {
    /// The index of the application the row belongs to.
    fn app(&self) -> u32;
    fn put(&self, out: &mut Vec<u8>);
    /// Reads the row `bytes` starts with and moves `bytes` past it.
    fn get(bytes: &mut &[u8]) -> Self;
}

/// The first `N` bytes of `bytes`, `bytes` moved past them.
pub(crate) fn take<const N: usize>(bytes: &mut &[u8]) -> [u8; N] {
    let (head, rest) = bytes.split_at(N);
    *bytes = rest;
    head.try_into().expect("N bytes")
}

pub(crate) fn take_u32(bytes: &mut &[u8]) -> u32 {
    u32::from_le_bytes(take(bytes))
}

pub(crate) fn take_u64(bytes: &mut &[u8]) -> u64 {
    u64::from_le_bytes(take(bytes))
}

/// Which bucket each application is in: bucket `b` holds the applications at positions
/// `b * per..(b + 1) * per` of the key order.
pub(crate) struct Layout {
    /// Application index -> position in key order.
    rank: Vec<u32>,
    per: usize,
}

impl Layout {
    /// The layout of `order` (application indices in key order) in buckets of a multiple of
    /// `unit` applications, so that a run of `unit` positions from a multiple of `unit` lies
    /// in one bucket.
    pub fn new(order: &[u32], unit: usize) -> Layout {
        let mut rank = vec![0u32; order.len()];
        for (p, &i) in order.iter().enumerate() {
            rank[i as usize] = p as u32;
        }
        let units = order.len().div_ceil(unit).div_ceil(MAX_BUCKETS).max(1);
        Layout {
            rank,
            per: units * unit,
        }
    }

    pub fn buckets(&self) -> usize {
        self.rank.len().div_ceil(self.per).max(1)
    }

    pub fn bucket_of(&self, app: u32) -> usize {
        self.rank[app as usize] as usize / self.per
    }

    /// The bucket of key-order position `p`.
    pub fn bucket_at(&self, p: usize) -> usize {
        p / self.per
    }

    /// The key-order positions of bucket `b`'s applications.
    pub fn positions(&self, b: usize) -> Range<usize> {
        let start = b * self.per;
        start..(start + self.per).min(self.rank.len())
    }
}

/// The rows of one table, by bucket; see the module documentation.
pub(crate) struct Spill<T> {
    /// The encoded rows of each bucket not yet written, in the order pushed.
    held: Vec<Vec<u8>>,
    /// Each bucket's written blocks: byte offset and length, in the order written.
    blocks: Vec<Vec<(u64, u32)>>,
    /// Bytes a bucket holds before they are written as one block.
    cap: usize,
    file: Option<File>,
    end: u64,
    /// The first write that failed; `finish` reports it.
    failed: Option<io::Error>,
    rows: u64,
    row: Vec<u8>,
    kind: std::marker::PhantomData<fn() -> T>,
}

impl<T: SpillRow> Spill<T> {
    /// A spill for `buckets` buckets that holds at most about `budget_bytes` of rows in
    /// memory (a bucket's share of it, or one row when that is larger).
    pub fn new(buckets: usize, budget_bytes: usize) -> Spill<T> {
        Spill {
            held: (0..buckets).map(|_| Vec::new()).collect(),
            blocks: vec![Vec::new(); buckets],
            cap: (budget_bytes / buckets.max(1)).max(1),
            file: None,
            end: 0,
            failed: None,
            rows: 0,
            row: Vec::new(),
            kind: std::marker::PhantomData,
        }
    }

    pub fn push(&mut self, bucket: usize, row: &T) {
        self.rows += 1;
        self.row.clear();
        row.put(&mut self.row);
        let need = self.held[bucket].len() + self.row.len();
        if need > self.cap && self.failed.is_none() {
            // The bucket's rows go out before they would outgrow its share, so a bucket's
            // buffer never holds more than that (nor grows past it by doubling).
            if let Err(e) = self.write(bucket) {
                self.failed = Some(e);
            }
        }
        let held = &mut self.held[bucket];
        let need = held.len() + self.row.len();
        if need > held.capacity() {
            let grown = (2 * held.capacity()).max(4096).min(self.cap).max(need);
            held.reserve_exact(grown - held.len());
        }
        held.extend_from_slice(&self.row);
    }

    /// Writes every held row of a spill that has written any (an input under the budget
    /// stays in memory, with no file) and reports a write that failed.
    pub fn finish(&mut self) -> io::Result<()> {
        if let Some(e) = self.failed.take() {
            return Err(e);
        }
        if self.file.is_some() {
            for b in 0..self.held.len() {
                self.write(b)?;
                self.held[b] = Vec::new();
            }
        }
        Ok(())
    }

    fn write(&mut self, b: usize) -> io::Result<()> {
        let held = &mut self.held[b];
        if held.is_empty() {
            return Ok(());
        }
        let file = match &mut self.file {
            Some(f) => f,
            None => self.file.insert(tempfile::tempfile()?),
        };
        file.write_all(held)?;
        self.blocks[b].push((self.end, held.len() as u32));
        self.end += held.len() as u64;
        held.clear();
        Ok(())
    }

    /// Rows pushed, and bytes of them written to the file.
    pub fn sizes(&self) -> (u64, u64) {
        (self.rows, self.end)
    }

    /// Bucket `b`'s rows in the order pushed, grouped by the key-order position of their
    /// application within the bucket; `bytes` is scratch.
    pub fn bucket(&self, b: usize, layout: &Layout, bytes: &mut Vec<u8>) -> io::Result<Bucket<T>> {
        bytes.clear();
        for &(at, n) in &self.blocks[b] {
            let from = bytes.len();
            bytes.resize(from + n as usize, 0);
            let file = self
                .file
                .as_ref()
                .expect("a spill with blocks has its file");
            read_at(file, &mut bytes[from..], at)?;
        }
        let mut rows = Vec::new();
        for mut part in [&bytes[..], &self.held[b][..]] {
            while !part.is_empty() {
                rows.push(T::get(&mut part));
            }
        }
        let positions = layout.positions(b);
        let base = positions.start as u32;
        let groups = Groups::new(
            rows.iter().map(|r| layout.rank[r.app() as usize] - base),
            positions.len(),
        );
        Ok(Bucket { rows, groups })
    }
}

/// One bucket's rows read back ([`Spill::bucket`]).
pub(crate) struct Bucket<T> {
    pub rows: Vec<T>,
    groups: Groups,
}

impl<T> Bucket<T> {
    /// Indices into `rows` of the rows of the application at key-order position `local`
    /// within the bucket, in the order pushed.
    pub fn of(&self, local: usize) -> &[u32] {
        self.groups.of(local)
    }
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], at: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, at)
}

#[cfg(windows)]
fn read_at(file: &File, mut buf: &mut [u8], mut at: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        let n = file.seek_read(buf, at)?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        buf = &mut buf[n..];
        at += n as u64;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Copy, Debug, PartialEq)]
    struct R {
        app: u32,
        v: u64,
    }

    /// Rows of different lengths: `v` repeated `v % 5` times.
    impl SpillRow for R {
        fn app(&self) -> u32 {
            self.app
        }
        fn put(&self, out: &mut Vec<u8>) {
            out.extend_from_slice(&self.app.to_le_bytes());
            for _ in 0..=self.v % 5 {
                out.extend_from_slice(&self.v.to_le_bytes());
            }
        }
        fn get(b: &mut &[u8]) -> R {
            let app = take_u32(b);
            let v = take_u64(b);
            for _ in 0..v % 5 {
                assert_eq!(take_u64(b), v);
            }
            R { app, v }
        }
    }

    /// Every application's rows come back in the order pushed, whatever the budget (from one
    /// row held, every push written, to all of them held).
    #[test]
    fn buckets_give_back_each_applications_rows_in_the_order_pushed() {
        let n = 1000usize;
        // Key order: a permutation of the application indices.
        let order: Vec<u32> = (0..n as u32).map(|i| (i * 7 + 3) % n as u32).collect();
        let layout = Layout::new(&order, 16);
        assert!(layout.buckets() > 1);
        let rows: Vec<R> = (0..5000u64)
            .map(|v| R {
                app: ((v * 31 + v / 7) % n as u64) as u32,
                v,
            })
            .collect();
        let all = 5000 * 4 + (0..5000u64).map(|v| 8 * (1 + v % 5)).sum::<u64>() as usize;
        for budget in [1, 12, 500, 5000, all * layout.buckets()] {
            let mut spill = Spill::<R>::new(layout.buckets(), budget);
            for r in &rows {
                spill.push(layout.bucket_of(r.app), r);
                let held: usize = spill.held.iter().map(Vec::capacity).sum();
                assert!(
                    held <= budget.max(spill.cap.max(44) * layout.buckets()),
                    "{held}"
                );
            }
            spill.finish().unwrap();
            let (n, wrote) = spill.sizes();
            assert_eq!(n, 5000);
            assert_eq!(wrote == 0, budget > all, "budget {budget}");
            if wrote > 0 {
                assert_eq!(wrote as usize, all);
            }
            let mut bytes = Vec::new();
            let mut seen = 0;
            for b in 0..layout.buckets() {
                let bucket = spill.bucket(b, &layout, &mut bytes).unwrap();
                for (local, p) in layout.positions(b).enumerate() {
                    let app = order[p];
                    let got: Vec<R> = bucket
                        .of(local)
                        .iter()
                        .map(|&r| bucket.rows[r as usize])
                        .collect();
                    let want: Vec<R> = rows.iter().filter(|r| r.app == app).copied().collect();
                    assert_eq!(got, want, "budget {budget}, app {app}");
                    seen += got.len();
                }
            }
            assert_eq!(seen, rows.len());
        }
    }

    #[test]
    fn positions_cover_the_order_once_in_whole_units() {
        for (n, unit) in [(1, 4), (5, 4), (4096, 2048), (1_000_000, 2048)] {
            let order: Vec<u32> = (0..n as u32).collect();
            let layout = Layout::new(&order, unit);
            assert!(layout.buckets() <= MAX_BUCKETS);
            let mut next = 0;
            for b in 0..layout.buckets() {
                let p = layout.positions(b);
                assert_eq!(p.start, next);
                assert!(p.len().is_multiple_of(unit) || p.end == n, "{n} {unit} {b}");
                for q in p.clone() {
                    assert_eq!(layout.bucket_at(q), b);
                }
                next = p.end;
            }
            assert_eq!(next, n);
        }
    }
}
