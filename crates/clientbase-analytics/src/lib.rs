//! Clientbase value analyses: pure functions over per-client numbers, no I/O, no SQLite.
//!
//! The core gathers each client's orders (in memory) into plain slices and calls these:
//!
//! - [`rank`]: the tie-aware score every ranking here shares ([`rank::tie_aware_scores`]),
//!   ABC/Pareto classes ([`rank::abc`]) and the VIP / regular / other split ([`rank::vip_split`]).
//! - [`rfm`]: recency, frequency and monetary scores 1–5 and the named segments.
//! - [`value`]: seed 003's value score (frequency 1–6, average-check quartile 1–4, 50/50 → high,
//!   middle, low).
//! - [`tier`]: discount tiers by total (silver / gold / platinum).
//! - [`bgnbd`]: the BG/NBD model (Fader, Hardie & Lee 2005): log-likelihood with its gradient,
//!   maximum-likelihood fit (L-BFGS from `argmin`, parameters in log space), P(alive), expected
//!   purchases (Gauss' ₂F₁) and the "enough history?" rule.
//!
//! Ties: whenever clients are ranked, equal values always receive the same class or score (a
//! scoring that split a run of equal values, as equal-count NTILE does, would put two clients who
//! bought exactly alike into different classes).

pub mod bgnbd;
pub mod rank;
pub mod rfm;
pub mod tier;
pub mod value;
