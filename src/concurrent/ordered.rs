//! The reorder buffer that turns results in finishing order back into input order.

use std::collections::VecDeque;

/// Items that arrive out of order, held until every earlier position has arrived.
///
/// Slot `i` contains the item at position `next + i`. The caller bounds the buffer: it only
/// inserts positions below `next` plus its window, so the buffer never contains more items
/// than the window.
#[derive(Debug)]
pub(crate) struct Reorder<T> {
    next: usize,
    held: usize,
    slots: VecDeque<Option<T>>,
}

impl<T> Reorder<T> {
    pub(crate) fn new() -> Self {
        Reorder {
            next: 0,
            held: 0,
            slots: VecDeque::new(),
        }
    }

    /// Returns the position of the next item that [`pop`](Reorder::pop) returns.
    pub(crate) fn next_position(&self) -> usize {
        self.next
    }

    /// Returns the number of items held.
    pub(crate) fn len(&self) -> usize {
        self.held
    }

    /// Stores the item at `position`, which must not have been popped or inserted before.
    pub(crate) fn insert(&mut self, position: usize, item: T) {
        debug_assert!(
            position >= self.next,
            "position {position} was already returned"
        );
        let offset = position - self.next;
        if offset >= self.slots.len() {
            self.slots.resize_with(offset + 1, || None);
        }
        debug_assert!(
            self.slots[offset].is_none(),
            "position {position} inserted twice"
        );
        self.slots[offset] = Some(item);
        self.held += 1;
    }

    /// Removes and returns the item at the next position, if it has arrived.
    pub(crate) fn pop(&mut self) -> Option<T> {
        let item = self.slots.front_mut()?.take()?;
        self.slots.pop_front();
        self.next += 1;
        self.held -= 1;
        Some(item)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pop_waits_for_first_position() {
        let mut buffer = Reorder::new();
        buffer.insert(1, "b");
        buffer.insert(2, "c");
        assert_eq!(buffer.pop(), None);
        assert_eq!(buffer.len(), 2);

        buffer.insert(0, "a");
        assert_eq!(buffer.pop(), Some("a"));
        assert_eq!(buffer.pop(), Some("b"));
        assert_eq!(buffer.pop(), Some("c"));
        assert_eq!(buffer.pop(), None);
        assert_eq!(buffer.next_position(), 3);
        assert_eq!(buffer.len(), 0);
    }

    #[test]
    fn gap_keeps_later_items() {
        let mut buffer = Reorder::new();
        buffer.insert(0, 0);
        buffer.insert(2, 2);
        assert_eq!(buffer.pop(), Some(0));
        assert_eq!(buffer.pop(), None);
        assert_eq!(buffer.next_position(), 1);

        buffer.insert(1, 1);
        assert_eq!(buffer.pop(), Some(1));
        assert_eq!(buffer.pop(), Some(2));
    }

    #[test]
    fn slots_stay_within_window() {
        let mut buffer = Reorder::new();
        for base in (0..1000).step_by(4) {
            for position in (base..base + 4).rev() {
                buffer.insert(position, position);
                assert!(buffer.slots.len() <= 4);
            }
            for position in base..base + 4 {
                assert_eq!(buffer.pop(), Some(position));
            }
        }
        assert_eq!(buffer.len(), 0);
    }
}
