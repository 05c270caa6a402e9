//! Ranking clients by one number: tie-aware scores, ABC/Pareto classes and the VIP split.

/// Scores `values` into `bins` classes 1..=bins, TIE-AWARE: a value's score depends only on how
/// many values are strictly worse than it, so equal values always get the same score.
///
/// Method: with `n` values, a value that `below` values are strictly worse than scores
/// `1 + floor(bins · below / n)` (a percent-rank scoring). The worst value therefore always
/// scores 1 and the best unique value scores `bins` when `n ≥ bins`. Classes need not be equally
/// filled: when 60 % of the clients bought exactly once, all of them score 1 and the next class
/// starts at the first client who bought twice — whereas an equal-count NTILE would split the
/// one-time buyers arbitrarily across scores 1–3.
///
/// `higher_is_better = false` scores small values best (recency in days).
/// NaN values are treated as the worst.
pub fn tie_aware_scores(values: &[f64], bins: u8, higher_is_better: bool) -> Vec<u8> {
    let n = values.len();
    let mut scores = vec![1u8; n];
    if n == 0 || bins <= 1 {
        return scores;
    }
    // "Goodness": larger is better.
    let good = |v: f64| -> f64 {
        if v.is_nan() {
            f64::NEG_INFINITY
        } else if higher_is_better {
            v
        } else {
            -v
        }
    };
    let mut order: Vec<u32> = (0..n as u32).collect();
    order.sort_unstable_by(|&i, &j| good(values[i as usize]).total_cmp(&good(values[j as usize])));
    let mut start = 0;
    while start < n {
        let g = good(values[order[start] as usize]);
        let mut end = start + 1;
        while end < n && good(values[order[end] as usize]) == g {
            end += 1;
        }
        // `start` values are strictly worse than this run of equal values.
        let score = 1 + (bins as usize * start / n) as u8;
        for &i in &order[start..end] {
            scores[i as usize] = score.min(bins);
        }
        start = end;
    }
    scores
}

/// An ABC/Pareto class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Abc {
    A,
    B,
    C,
}

/// One client's place in the Pareto ranking.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AbcRow {
    pub class: Abc,
    /// 1-based rank by value (equal values share the rank of the first of them).
    pub rank: u32,
    /// This client's share of the total, in percent.
    pub share: f64,
    /// Cumulative share up to and including this client's group of equal values, in percent.
    pub cumulative: f64,
}

/// ABC classes: clients sorted by `values` (largest first); A = the top that makes `a_percent` of
/// the total (the client who crosses the threshold is in A), B = the next up to `b_percent`
/// (cumulative, e.g. 95 = "the next 15 %"), C = the rest, and every client with a value ≤ 0.
///
/// Ties: a run of equal values is classed by the cumulative share BEFORE the run, so equal values
/// always get the same class (the run may then carry A past the threshold).
pub fn abc(values: &[f64], a_percent: f64, b_percent: f64) -> Vec<AbcRow> {
    let n = values.len();
    let total: f64 = values.iter().filter(|v| **v > 0.0).sum();
    let mut rows = vec![
        AbcRow {
            class: Abc::C,
            rank: 0,
            share: 0.0,
            cumulative: 100.0,
        };
        n
    ];
    let mut order: Vec<u32> = (0..n as u32).collect();
    order.sort_unstable_by(|&i, &j| values[j as usize].total_cmp(&values[i as usize]));
    let mut cum = 0.0;
    let mut start = 0;
    while start < n {
        let v = values[order[start] as usize];
        let mut end = start + 1;
        while end < n && values[order[end] as usize] == v {
            end += 1;
        }
        let before = if total > 0.0 {
            cum / total * 100.0
        } else {
            100.0
        };
        let positive = v > 0.0 && total > 0.0;
        let class = if !positive {
            Abc::C
        } else if before < a_percent {
            Abc::A
        } else if before < b_percent {
            Abc::B
        } else {
            Abc::C
        };
        if positive {
            cum += v * (end - start) as f64;
        }
        let cumulative = if total > 0.0 {
            cum / total * 100.0
        } else {
            0.0
        };
        for &i in &order[start..end] {
            rows[i as usize] = AbcRow {
                class,
                rank: start as u32 + 1,
                share: if positive { v / total * 100.0 } else { 0.0 },
                cumulative,
            };
        }
        start = end;
    }
    rows
}

/// The seed's VIP / regular / other split.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Vip {
    Vip,
    Regular,
    Other,
}

/// VIP = the top `top_percent` of the clients who bought (value > 0), counted in clients:
/// `k = ceil(top_percent/100 · buyers)`; every buyer whose value is at least the k-th best value
/// is VIP (ties with the k-th are included, so there may be more than k). Regular = the other
/// buyers; Other = value ≤ 0 (no purchase in the period).
pub fn vip_split(values: &[f64], top_percent: f64) -> Vec<Vip> {
    let mut buyers: Vec<f64> = values.iter().copied().filter(|v| *v > 0.0).collect();
    if buyers.is_empty() {
        return vec![Vip::Other; values.len()];
    }
    buyers.sort_unstable_by(|a, b| b.total_cmp(a));
    let k = ((top_percent / 100.0 * buyers.len() as f64).ceil() as usize).clamp(0, buyers.len());
    let cut = if k == 0 { f64::INFINITY } else { buyers[k - 1] };
    values
        .iter()
        .map(|&v| {
            if v <= 0.0 || v.is_nan() {
                Vip::Other
            } else if v >= cut {
                Vip::Vip
            } else {
                Vip::Regular
            }
        })
        .collect()
}
