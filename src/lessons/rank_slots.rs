//! A result per rank R = 0..=D, filled progressively (the current rank first, then the rest in
//! small units between frames): shared by the lessons whose curves need a construction per rank.

/// One optional result per rank.
#[derive(Clone, Debug, PartialEq)]
pub struct RankSlots<T> {
    slots: Vec<Option<T>>,
}

impl<T: Copy> RankSlots<T> {
    /// `len` empty slots (ranks 0..len).
    pub fn new(len: usize) -> Self {
        RankSlots { slots: vec![None; len] }
    }

    /// The result at `rank`, computing it with `compute` if it is missing (`None` past the end).
    pub fn ensure(&mut self, rank: usize, compute: impl FnOnce(usize) -> T) -> Option<T> {
        let slot = self.slots.get_mut(rank)?;
        Some(*slot.get_or_insert_with(|| compute(rank)))
    }

    /// Computes up to `count` missing ranks, lowest first; returns how many are still missing.
    pub fn advance(&mut self, count: usize, mut compute: impl FnMut(usize) -> T) -> usize {
        for (rank, slot) in self.slots.iter_mut().enumerate().filter(|(_, s)| s.is_none()).take(count) {
            *slot = Some(compute(rank));
        }
        self.remaining()
    }

    /// How many ranks are still missing.
    pub fn remaining(&self) -> usize {
        self.slots.iter().filter(|s| s.is_none()).count()
    }

    /// How many ranks there are.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether there are no ranks at all.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The result at `rank`, if computed.
    pub fn get(&self, rank: usize) -> Option<T> {
        self.slots.get(rank).copied().flatten()
    }

    /// The computed results, in rank order.
    pub fn computed(&self) -> impl Iterator<Item = &T> {
        self.slots.iter().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_in_any_order_and_counts_what_is_missing() {
        let mut slots = RankSlots::new(5);
        assert_eq!(slots.ensure(3, |r| r * 10), Some(30));
        assert_eq!(slots.ensure(3, |_| 99), Some(30), "computed once");
        assert_eq!(slots.advance(2, |r| r * 10), 2);
        assert_eq!(slots.computed().copied().collect::<Vec<_>>(), vec![0, 10, 30]);
        assert_eq!(slots.advance(9, |r| r * 10), 0);
        assert_eq!(slots.ensure(7, |r| r), None);
    }
}
