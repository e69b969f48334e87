//! Undo and redo over any kind of step whose application returns its own inverse.

/// Undo and redo stacks. A step is whatever the caller applies as one unit (an [`super::Edit`],
/// or several edits across documents); the stacks hold the inverses that were returned.
#[derive(Clone, Debug)]
pub struct History<S> {
    undo: Vec<S>,
    redo: Vec<S>,
}

impl<S> Default for History<S> {
    fn default() -> Self {
        Self {
            undo: Vec::new(),
            redo: Vec::new(),
        }
    }
}

impl<S> History<S> {
    /// Empty history.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records the inverse of a step just done. Clears the redo stack.
    pub fn record(&mut self, inverse: S) {
        self.undo.push(inverse);
        self.redo.clear();
    }

    /// True when there is something to undo.
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// True when there is something to redo.
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Undoes the newest step with `apply`, which returns the inverse of what it applied.
    /// Returns `None` when there is nothing to undo. On error the step stays on the stack.
    pub fn undo<E>(&mut self, apply: impl FnOnce(&S) -> Result<S, E>) -> Option<Result<(), E>> {
        Self::shift(&mut self.undo, &mut self.redo, apply)
    }

    /// Redoes the newest undone step, like [`History::undo`].
    pub fn redo<E>(&mut self, apply: impl FnOnce(&S) -> Result<S, E>) -> Option<Result<(), E>> {
        Self::shift(&mut self.redo, &mut self.undo, apply)
    }

    fn shift<E>(
        from: &mut Vec<S>,
        to: &mut Vec<S>,
        apply: impl FnOnce(&S) -> Result<S, E>,
    ) -> Option<Result<(), E>> {
        let step = from.last()?;
        Some(apply(step).map(|inverse| {
            from.pop();
            to.push(inverse);
        }))
    }

    /// Forgets, on each stack, the newest step for which `touches` is true and every step
    /// beneath it; the steps above it stay. For when something outside the history replaced
    /// what those steps change (a file reloaded from disk): undoing or redoing them would
    /// bring back stale state, and the steps beneath may depend on them.
    pub fn forget_through(&mut self, touches: impl Fn(&S) -> bool) {
        for stack in [&mut self.undo, &mut self.redo] {
            if let Some(newest) = stack.iter().rposition(&touches) {
                stack.drain(..=newest);
            }
        }
    }

    /// Forgets everything (e.g. when another project is opened).
    pub fn clear(&mut self) {
        self.undo.clear();
        self.redo.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forget_through_keeps_only_the_steps_above_the_newest_touching_one() {
        let mut h = History::new();
        for step in [1, 20, 3, 4, 25, 6] {
            h.record(step);
        }
        // Undo 6 and 25: the redo stack holds 6 (bottom), 25 (top).
        let undo = |s: &i32| Ok::<_, ()>(*s);
        h.undo(undo).unwrap().unwrap();
        h.undo(undo).unwrap().unwrap();
        h.forget_through(|s| *s >= 20);
        // Undo: 1 20 3 4 → 3 4 stay; redo: 6 25 → nothing above 25.
        assert_eq!(h.undo, vec![3, 4]);
        assert!(h.redo.is_empty());
        h.forget_through(|s| *s >= 20);
        assert_eq!(h.undo, vec![3, 4]);
    }
}
