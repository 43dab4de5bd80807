//! Grouping of rows by a small integer key in one counting sort, shared by readers that join
//! child rows to their applications and by the citation graph's per-application lists.

/// Rows grouped by a small integer key (the application or record they belong to), keeping
/// row order within each group: the rows of key `a` are `order[starts[a]..starts[a + 1]]`.
pub struct Groups {
    starts: Vec<u32>,
    order: Vec<u32>,
}

impl Groups {
    /// Groups rows by their keys, `keys[row] < n` (a counting sort, stable).
    pub fn new(keys: impl Iterator<Item = u32> + Clone, n: usize) -> Groups {
        let mut starts = vec![0u32; n + 1];
        for a in keys.clone() {
            starts[a as usize + 1] += 1;
        }
        for i in 0..n {
            starts[i + 1] += starts[i];
        }
        let mut next = starts.clone();
        let mut order = vec![0u32; starts[n] as usize];
        for (row, a) in keys.enumerate() {
            let at = &mut next[a as usize];
            order[*at as usize] = row as u32;
            *at += 1;
        }
        Groups { starts, order }
    }

    /// The rows of `key`, in row order.
    pub fn of(&self, key: usize) -> &[u32] {
        &self.order[self.starts[key] as usize..self.starts[key + 1] as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_keep_file_order() {
        // Rows 0..5 belong to applications 2, 0, 2, 1, 0.
        let apps = [2u32, 0, 2, 1, 0];
        let g = Groups::new(apps.iter().copied(), 4);
        assert_eq!(g.of(0), &[1, 4]);
        assert_eq!(g.of(1), &[3]);
        assert_eq!(g.of(2), &[0, 2]);
        assert_eq!(g.of(3), &[] as &[u32]);
    }
}
