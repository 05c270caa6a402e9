//! RFM: recency, frequency and monetary scores 1–5 and the named segments.
//!
//! Only clients who bought in the period are scored. Each score is
//! [`tie_aware_scores`](crate::rank::tie_aware_scores) over the buyers: recency = days from the
//! last purchase to the end of the period (fewer is better), frequency = number of purchases,
//! monetary = the metric's sum. Equal values always get equal scores.

use crate::rank::tie_aware_scores;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Segment {
    Champions,
    Loyal,
    PotentialLoyalists,
    NewCustomers,
    Promising,
    NeedAttention,
    AboutToSleep,
    CannotLose,
    AtRisk,
    Hibernating,
    Lost,
}

impl Segment {
    pub const ALL: [Segment; 11] = [
        Segment::Champions,
        Segment::Loyal,
        Segment::PotentialLoyalists,
        Segment::NewCustomers,
        Segment::Promising,
        Segment::NeedAttention,
        Segment::AboutToSleep,
        Segment::CannotLose,
        Segment::AtRisk,
        Segment::Hibernating,
        Segment::Lost,
    ];

    /// Stable code (the UI translates it).
    pub fn code(self) -> &'static str {
        match self {
            Segment::Champions => "champions",
            Segment::Loyal => "loyal",
            Segment::PotentialLoyalists => "potential_loyalists",
            Segment::NewCustomers => "new_customers",
            Segment::Promising => "promising",
            Segment::NeedAttention => "need_attention",
            Segment::AboutToSleep => "about_to_sleep",
            Segment::CannotLose => "cannot_lose",
            Segment::AtRisk => "at_risk",
            Segment::Hibernating => "hibernating",
            Segment::Lost => "lost",
        }
    }

    /// The usual R×F grid (R first): 5 4–5 champions; 3–4 4–5 loyal; 4–5 2–3 potential
    /// loyalists; 5 1 new customers; 4 1 promising; 3 3 need attention; 3 1–2 about to sleep;
    /// 1–2 5 cannot lose; 1–2 3–4 at risk; 1 1 lost; other 1–2 1–2 hibernating.
    pub fn of(r: u8, f: u8) -> Segment {
        match (r, f) {
            (5, 4..=5) => Segment::Champions,
            (3..=4, 4..=5) => Segment::Loyal,
            (4..=5, 2..=3) => Segment::PotentialLoyalists,
            (5, 1) => Segment::NewCustomers,
            (4, 1) => Segment::Promising,
            (3, 3) => Segment::NeedAttention,
            (3, 1..=2) => Segment::AboutToSleep,
            (1..=2, 5) => Segment::CannotLose,
            (1..=2, 3..=4) => Segment::AtRisk,
            (1, 1) => Segment::Lost,
            _ => Segment::Hibernating,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RfmScore {
    pub r: u8,
    pub f: u8,
    pub m: u8,
    pub segment: Segment,
}

/// Scores every buyer. The three slices have one entry per buyer, in the same order.
pub fn rfm(recency_days: &[f64], frequency: &[f64], monetary: &[f64]) -> Vec<RfmScore> {
    assert!(recency_days.len() == frequency.len() && frequency.len() == monetary.len());
    let r = tie_aware_scores(recency_days, 5, false);
    let f = tie_aware_scores(frequency, 5, true);
    let m = tie_aware_scores(monetary, 5, true);
    (0..r.len())
        .map(|i| RfmScore {
            r: r[i],
            f: f[i],
            m: m[i],
            segment: Segment::of(r[i], f[i]),
        })
        .collect()
}
