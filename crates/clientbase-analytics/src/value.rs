//! Seed 003's value score: a purchase-frequency score (1–5 by count, 6 for six or more purchases)
//! and an average-check quartile score (1–4, tie-aware), weighted 50/50 after scaling each to
//! 0–1 (`f/6`, `q/4`): ≥ 0.75 is high value, ≥ 0.5 middle, below that low.

use crate::rank::tie_aware_scores;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ValueClass {
    High,
    Middle,
    Low,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ValueScore {
    /// 1–6 (6 = six or more purchases).
    pub frequency: u8,
    /// Average-check quartile 1–4.
    pub check: u8,
    /// 0.5·frequency/6 + 0.5·check/4, in (0, 1].
    pub score: f64,
    pub class: ValueClass,
}

pub const HIGH_FROM: f64 = 0.75;
pub const MIDDLE_FROM: f64 = 0.5;

/// Scores every buyer (`counts[i] ≥ 1`); `avg_check[i]` is the buyer's average purchase.
pub fn value_scores(counts: &[u32], avg_check: &[f64]) -> Vec<ValueScore> {
    assert_eq!(counts.len(), avg_check.len());
    let q = tie_aware_scores(avg_check, 4, true);
    counts
        .iter()
        .zip(q)
        .map(|(&c, check)| {
            let frequency = c.clamp(1, 6) as u8;
            let score = 0.5 * frequency as f64 / 6.0 + 0.5 * check as f64 / 4.0;
            let class = if score >= HIGH_FROM {
                ValueClass::High
            } else if score >= MIDDLE_FROM {
                ValueClass::Middle
            } else {
                ValueClass::Low
            };
            ValueScore {
                frequency,
                check,
                score,
                class,
            }
        })
        .collect()
}
