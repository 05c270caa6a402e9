//! Demo orders and payments, so the card totals, tiers and analyses of a demo base have something
//! to show: a deterministic plan for a seed, written by `Store::add_demo_orders` (logged).
//!
//! Shape: 70 % of the clients buy. Purchases concentrate on few clients (a client is drawn as
//! `buyers · u²`, u uniform: roughly Pareto, so ABC has a real A class); each buyer has a first
//! purchase within the last two years, a typical check (10–500 in the currency) and, for 40 % of
//! them, a last active day in the past (the "lost" and "at risk" clients). 85 % of the entries are
//! orders (3 % cancelled, recent ones new/paid/shipped, older ones delivered), 15 % payments.

use crate::orders_model::OrderKind;
use crate::store::orders::{
    STATUS_CANCELLED, STATUS_DELIVERED, STATUS_NEW, STATUS_PAID, STATUS_SHIPPED,
};
use chrono::{Duration, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub struct PlannedOrder {
    /// Index into the client list given to [`plan`].
    pub client: usize,
    pub kind: OrderKind,
    pub date: NaiveDate,
    /// Minor units.
    pub amount: i64,
    pub status: Option<&'static str>,
}

/// `n` entries over `clients` clients (by index), dated up to `today`.
pub fn plan(seed: u64, clients: usize, n: usize, today: NaiveDate) -> Vec<PlannedOrder> {
    if clients == 0 {
        return Vec::new();
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let buyers = (clients * 7).div_ceil(10).max(1);
    // Per buyer: first day (days before today), last active day (days before today), check.
    let profile: Vec<(i64, i64, i64)> = (0..buyers)
        .map(|_| {
            let first = rng.random_range(0..730i64);
            let last = if rng.random_bool(0.4) {
                rng.random_range(0..=first)
            } else {
                0
            };
            let check = (1000.0 * (50.0f64).powf(rng.random::<f64>())) as i64;
            (first, last, check)
        })
        .collect();
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let u: f64 = rng.random();
        let b = ((buyers as f64) * u * u) as usize;
        let b = b.min(buyers - 1);
        let (first, last, check) = profile[b];
        let ago = if first == last {
            first
        } else {
            rng.random_range(last..=first)
        };
        let date = today - Duration::days(ago);
        let amount = (check as f64 * rng.random_range(0.5..1.5)) as i64;
        let (kind, status) = if rng.random_bool(0.15) {
            (OrderKind::Payment, None)
        } else {
            let s = if rng.random_bool(0.03) {
                STATUS_CANCELLED
            } else if ago < 7 {
                [STATUS_NEW, STATUS_PAID, STATUS_SHIPPED][rng.random_range(0..3)]
            } else {
                STATUS_DELIVERED
            };
            (OrderKind::Order, Some(s))
        };
        out.push(PlannedOrder {
            client: b,
            kind,
            date,
            amount,
            status,
        });
    }
    out
}
