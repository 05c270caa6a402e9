//! Discount tiers by a client's total.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tier {
    None,
    Silver,
    Gold,
    Platinum,
}

/// Totals at which each tier starts (same unit as the totals: minor units). A threshold ≤ 0
/// switches that tier off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TierThresholds {
    pub silver: i64,
    pub gold: i64,
    pub platinum: i64,
}

impl TierThresholds {
    /// The highest tier whose threshold `total` reaches (a total equal to a threshold is in it).
    pub fn tier(&self, total: i64) -> Tier {
        let on = |t: i64| t > 0 && total >= t;
        if on(self.platinum) {
            Tier::Platinum
        } else if on(self.gold) {
            Tier::Gold
        } else if on(self.silver) {
            Tier::Silver
        } else {
            Tier::None
        }
    }

    /// The next tier up and the amount still missing to reach it.
    pub fn next(&self, total: i64) -> Option<(Tier, i64)> {
        [
            (Tier::Silver, self.silver),
            (Tier::Gold, self.gold),
            (Tier::Platinum, self.platinum),
        ]
        .into_iter()
        .find(|&(_, t)| t > 0 && total < t)
        .map(|(tier, t)| (tier, t - total))
    }
}
