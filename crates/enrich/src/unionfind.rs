//! Disjoint-set forest (union-find) over `u32` indices with path compression and union by
//! size: near-linear time for building families from millions of priority links.

/// A disjoint-set forest over the indices `0..len`.
#[derive(Clone, Debug)]
pub struct UnionFind {
    parent: Vec<u32>,
    size: Vec<u32>,
    sets: usize,
}

impl UnionFind {
    /// `n` singleton sets.
    pub fn new(n: usize) -> Self {
        assert!(
            n <= u32::MAX as usize,
            "union-find over more than u32::MAX items"
        );
        UnionFind {
            parent: (0..n as u32).collect(),
            size: vec![1; n],
            sets: n,
        }
    }

    /// Adds one singleton set and returns its index.
    pub fn push(&mut self) -> u32 {
        let i = self.parent.len() as u32;
        self.parent.push(i);
        self.size.push(1);
        self.sets += 1;
        i
    }

    pub fn len(&self) -> usize {
        self.parent.len()
    }

    pub fn is_empty(&self) -> bool {
        self.parent.is_empty()
    }

    /// Number of disjoint sets.
    pub fn set_count(&self) -> usize {
        self.sets
    }

    /// Representative of `x`'s set. Iterative, so deep chains cannot overflow the stack.
    pub fn find(&mut self, x: u32) -> u32 {
        let mut root = x;
        while self.parent[root as usize] != root {
            root = self.parent[root as usize];
        }
        let mut cur = x;
        while self.parent[cur as usize] != root {
            let next = self.parent[cur as usize];
            self.parent[cur as usize] = root;
            cur = next;
        }
        root
    }

    /// Joins the sets of `a` and `b`; returns false when they were already one set.
    pub fn union(&mut self, a: u32, b: u32) -> bool {
        let (mut ra, mut rb) = (self.find(a), self.find(b));
        if ra == rb {
            return false;
        }
        if self.size[ra as usize] < self.size[rb as usize] {
            std::mem::swap(&mut ra, &mut rb);
        }
        self.parent[rb as usize] = ra;
        self.size[ra as usize] += self.size[rb as usize];
        self.sets -= 1;
        true
    }

    pub fn same(&mut self, a: u32, b: u32) -> bool {
        self.find(a) == self.find(b)
    }

    /// Size of `x`'s set.
    pub fn set_size(&mut self, x: u32) -> u32 {
        let r = self.find(x);
        self.size[r as usize]
    }

    /// Dense labels `0..set_count()`, numbered in order of each set's first index, so the
    /// labelling is deterministic whatever order the unions came in.
    pub fn labels(&mut self) -> Vec<u32> {
        let n = self.parent.len();
        let mut label_of_root = vec![u32::MAX; n];
        let mut next = 0u32;
        let mut out = Vec::with_capacity(n);
        for i in 0..n as u32 {
            let r = self.find(i) as usize;
            if label_of_root[r] == u32::MAX {
                label_of_root[r] = next;
                next += 1;
            }
            out.push(label_of_root[r]);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Connected components by breadth-first search over an adjacency list, labelled in
    /// order of first index like [`UnionFind::labels`].
    fn bfs_labels(n: usize, edges: &[(u32, u32)]) -> Vec<u32> {
        let mut adj = vec![Vec::new(); n];
        for &(a, b) in edges {
            adj[a as usize].push(b as usize);
            adj[b as usize].push(a as usize);
        }
        let mut label = vec![u32::MAX; n];
        let mut next = 0;
        for s in 0..n {
            if label[s] != u32::MAX {
                continue;
            }
            let mut queue = std::collections::VecDeque::from([s]);
            label[s] = next;
            while let Some(v) = queue.pop_front() {
                for &w in &adj[v] {
                    if label[w] == u32::MAX {
                        label[w] = next;
                        queue.push_back(w);
                    }
                }
            }
            next += 1;
        }
        label
    }

    #[test]
    fn hand_case() {
        let mut uf = UnionFind::new(6);
        assert!(uf.union(0, 3));
        assert!(uf.union(4, 3));
        assert!(!uf.union(0, 4));
        assert!(uf.union(1, 5));
        assert_eq!(uf.set_count(), 3);
        assert_eq!(uf.labels(), vec![0, 1, 2, 0, 0, 1]);
        assert_eq!(uf.set_size(4), 3);
        assert!(uf.same(5, 1));
        assert!(!uf.same(2, 1));
        let extra = uf.push();
        assert_eq!(extra, 6);
        uf.union(extra, 2);
        assert_eq!(uf.labels(), vec![0, 1, 2, 0, 0, 1, 2]);
    }

    #[test]
    fn long_chain_does_not_overflow() {
        let n = 1_000_000;
        let mut uf = UnionFind::new(n);
        for i in 1..n as u32 {
            // Linking the larger set under each new singleton would build a deep chain
            // without union by size; with it the trees stay shallow.
            uf.union(i, i - 1);
        }
        assert_eq!(uf.set_count(), 1);
        assert_eq!(uf.set_size(0), n as u32);
    }

    proptest! {
        #[test]
        fn same_partition_as_bfs(
            (n, edges) in (1usize..80).prop_flat_map(|n| {
                (Just(n), proptest::collection::vec((0..n as u32, 0..n as u32), 0..120))
            })
        ) {
            let mut uf = UnionFind::new(n);
            for &(a, b) in &edges {
                uf.union(a, b);
            }
            let expect = bfs_labels(n, &edges);
            let sets = expect.iter().max().map_or(0, |m| *m as usize + 1);
            prop_assert_eq!(uf.set_count(), sets);
            prop_assert_eq!(uf.labels(), expect);
        }
    }
}
