//! The BG/NBD model ("Counting Your Customers" the Easy Way, Fader, Hardie & Lee 2005).
//!
//! Each customer is summarised by `x` (repeat purchases: purchases after the first), `t_x` (time
//! of the last purchase, from the first) and `T` (time from the first purchase to the end of the
//! calibration period), all in one time unit (the core uses weeks). While active, a customer buys
//! at a Poisson rate λ ~ Gamma(r, α); after each purchase they drop out with probability
//! p ~ Beta(a, b).
//!
//! Likelihood of one customer (FHL 2005, eq. 6), with `B(a+1, b+x−1)/B(a, b+x) = a/(b+x−1)`:
//!
//! ```text
//! ln L = Σ_{i<x} [ln(r+i) + ln(b+i) − ln(a+b+i)] + r ln α
//!        + ln[ (α+T)^−(r+x) + 1{x>0} · a/(b+x−1) · (α+t_x)^−(r+x) ]
//! ```
//!
//! (the ratios of gamma functions are written as finite products, so no special functions are
//! needed and the x-only part is summed once per distinct `x`). The fit maximises the weighted sum
//! over customers with L-BFGS (`argmin`) on θ = ln(r, α, a, b), which keeps the parameters
//! positive, using the analytic gradient below.

use argmin::core::{CostFunction, Executor, Gradient, State, TerminationStatus};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;
use std::collections::HashMap;

/// One customer's summary (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Customer {
    pub x: f64,
    pub t_x: f64,
    pub t: f64,
}

/// Model parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    pub r: f64,
    pub alpha: f64,
    pub a: f64,
    pub b: f64,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum FitError {
    #[error("no customers to fit")]
    Empty,
    #[error("the optimiser failed: {0}")]
    Optimiser(String),
    #[error("the fit did not converge to finite parameters")]
    NotFinite,
}

/// The fitted parameters with the maximised log-likelihood.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fit {
    pub params: Params,
    pub log_likelihood: f64,
    pub iterations: u64,
    pub customers: usize,
}

/// Distinct customer summaries with their multiplicities (customers with the same `(x, t_x, T)`
/// contribute the same term), plus the weight of every `x` for the x-only part.
struct Data {
    /// (x, t_x, T, weight)
    points: Vec<(f64, f64, f64, f64)>,
    /// `above[i]` = total weight of customers with x > i.
    above: Vec<f64>,
    total: f64,
}

impl Data {
    fn new(customers: &[Customer]) -> Data {
        let mut map: HashMap<(u64, u64, u64), f64> = HashMap::with_capacity(customers.len());
        let mut max_x = 0usize;
        for c in customers {
            *map.entry((c.x.to_bits(), c.t_x.to_bits(), c.t.to_bits()))
                .or_insert(0.0) += 1.0;
            max_x = max_x.max(c.x as usize);
        }
        let mut points: Vec<(f64, f64, f64, f64)> = map
            .into_iter()
            .map(|((x, tx, t), w)| (f64::from_bits(x), f64::from_bits(tx), f64::from_bits(t), w))
            .collect();
        // A fixed order makes the sums (and so the fit) reproducible.
        points.sort_unstable_by(|p, q| {
            (p.0, p.1, p.2)
                .partial_cmp(&(q.0, q.1, q.2))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        let mut by_x = vec![0.0; max_x + 1];
        for c in customers {
            by_x[c.x as usize] += 1.0;
        }
        // above[i] = Σ_{x > i} w_x
        let mut above = vec![0.0; max_x];
        let mut acc = 0.0;
        for i in (0..max_x).rev() {
            acc += by_x[i + 1];
            above[i] = acc;
        }
        Data {
            points,
            above,
            total: customers.len() as f64,
        }
    }

    /// The log-likelihood and its gradient with respect to (r, α, a, b).
    fn ll_grad(&self, p: &Params) -> (f64, [f64; 4]) {
        let Params { r, alpha, a, b } = *p;
        let mut ll = self.total * r * alpha.ln();
        let mut g = [self.total * alpha.ln(), self.total * r / alpha, 0.0, 0.0];
        for (i, &w) in self.above.iter().enumerate() {
            let i = i as f64;
            ll += w * ((r + i).ln() + (b + i).ln() - (a + b + i).ln());
            g[0] += w / (r + i);
            g[2] -= w / (a + b + i);
            g[3] += w * (1.0 / (b + i) - 1.0 / (a + b + i));
        }
        for &(x, t_x, t, w) in &self.points {
            let rx = r + x;
            let l_t = (alpha + t).ln();
            let u1 = -rx * l_t;
            if x > 0.0 {
                let l_tx = (alpha + t_x).ln();
                let u2 = a.ln() - (b + x - 1.0).ln() - rx * l_tx;
                let m = u1.max(u2);
                let e1 = (u1 - m).exp();
                let e2 = (u2 - m).exp();
                let s = e1 + e2;
                let w1 = e1 / s;
                let w2 = e2 / s;
                ll += w * (m + s.ln());
                g[0] -= w * (w1 * l_t + w2 * l_tx);
                g[1] -= w * rx * (w1 / (alpha + t) + w2 / (alpha + t_x));
                g[2] += w * w2 / a;
                g[3] -= w * w2 / (b + x - 1.0);
            } else {
                ll += w * u1;
                g[0] -= w * l_t;
                g[1] -= w * rx / (alpha + t);
            }
        }
        (ll, g)
    }
}

/// The summed log-likelihood of `customers` under `p`.
pub fn log_likelihood(p: &Params, customers: &[Customer]) -> f64 {
    Data::new(customers).ll_grad(p).0
}

/// θ, the log-likelihood and its gradient with respect to (r, α, a, b) at θ.
type Evaluated = (Vec<f64>, f64, [f64; 4]);

/// θ = ln(r, α, a, b); the cost is −LL / n (scaled so the tolerances do not depend on n).
struct Problem {
    data: Data,
    /// The last point evaluated: the line search asks for the cost and then the gradient at the
    /// same θ, and one pass over the data gives both.
    last: std::sync::Mutex<Option<Evaluated>>,
}

impl Problem {
    fn eval(&self, theta: &[f64]) -> (f64, [f64; 4]) {
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((t, ll, g)) = last.as_ref() {
            if t.as_slice() == theta {
                return (*ll, *g);
            }
        }
        let (ll, g) = self.data.ll_grad(&params_of(theta));
        *last = Some((theta.to_vec(), ll, g));
        (ll, g)
    }
}

fn params_of(theta: &[f64]) -> Params {
    Params {
        r: theta[0].exp(),
        alpha: theta[1].exp(),
        a: theta[2].exp(),
        b: theta[3].exp(),
    }
}

impl CostFunction for Problem {
    type Param = Vec<f64>;
    type Output = f64;
    fn cost(&self, theta: &Vec<f64>) -> Result<f64, argmin::core::Error> {
        let (ll, _) = self.eval(theta);
        let c = -ll / self.data.total;
        // A non-finite cost (an overflow far from the optimum) is reported as +∞ so the line
        // search backs off instead of stopping.
        Ok(if c.is_finite() { c } else { f64::INFINITY })
    }
}

impl Gradient for Problem {
    type Param = Vec<f64>;
    type Gradient = Vec<f64>;
    fn gradient(&self, theta: &Vec<f64>) -> Result<Vec<f64>, argmin::core::Error> {
        let p = params_of(theta);
        let (_, g) = self.eval(theta);
        let n = self.data.total;
        // d/dθ = p · d/dp (chain rule of the log parametrisation).
        Ok(vec![
            -g[0] * p.r / n,
            -g[1] * p.alpha / n,
            -g[2] * p.a / n,
            -g[3] * p.b / n,
        ])
    }
}

/// Maximum-likelihood fit. Starts from r = a = b = 1 and α = the mean `T` (the scale of the
/// purchase rate's time unit), like most implementations.
pub fn fit(customers: &[Customer]) -> Result<Fit, FitError> {
    if customers.is_empty() {
        return Err(FitError::Empty);
    }
    let data = Data::new(customers);
    let mean_t = customers.iter().map(|c| c.t).sum::<f64>() / customers.len() as f64;
    let init = vec![0.0, mean_t.max(1e-3).ln(), 0.0, 0.0];
    let solver = LBFGS::new(MoreThuenteLineSearch::new(), 7)
        .with_tolerance_grad(1e-9)
        .and_then(|s| s.with_tolerance_cost(1e-13))
        .map_err(|e| FitError::Optimiser(e.to_string()))?;
    let res = Executor::new(
        Problem {
            data,
            last: Default::default(),
        },
        solver,
    )
    .configure(|s| s.param(init).max_iters(500))
    .run()
    .map_err(|e| FitError::Optimiser(e.to_string()))?;
    let state = res.state();
    if let TerminationStatus::Terminated(argmin::core::TerminationReason::SolverExit(msg)) =
        state.get_termination_status()
    {
        if msg.contains("NaN") {
            return Err(FitError::NotFinite);
        }
    }
    let theta = state.get_best_param().ok_or(FitError::NotFinite)?;
    let params = params_of(theta);
    let cost = state.get_best_cost();
    if !cost.is_finite() || theta.iter().any(|v| !v.is_finite()) {
        return Err(FitError::NotFinite);
    }
    Ok(Fit {
        params,
        log_likelihood: -cost * customers.len() as f64,
        iterations: state.get_iter(),
        customers: customers.len(),
    })
}

/// P(alive | x, t_x, T) = 1 / (1 + 1{x>0} · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)) (FHL 2005 eq. 11).
pub fn p_alive(p: &Params, c: &Customer) -> f64 {
    if c.x <= 0.0 {
        return 1.0;
    }
    let ratio = ((p.alpha + c.t).ln() - (p.alpha + c.t_x).ln()) * (p.r + c.x);
    let d = (p.a / (p.b + c.x - 1.0)).ln() + ratio;
    1.0 / (1.0 + d.exp())
}

/// Expected purchases in the next `t` periods for a customer with history `c`
/// (FHL 2005 eq. 10):
///
/// ```text
/// E[Y(t) | x, t_x, T] = (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) · ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))]
///                       / (1 + 1{x>0} · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x))
/// ```
///
/// For a < 1 both the factor and the bracket are negative (the published CDNOW fit has a = 0.793);
/// a = 1 exactly is a removable singularity this does not evaluate: it returns NaN.
pub fn expected_purchases(p: &Params, c: &Customer, t: f64) -> f64 {
    if p.a == 1.0 {
        return f64::NAN;
    }
    let (r, alpha, a, b) = (p.r, p.alpha, p.a, p.b);
    let x = c.x;
    let z = t / (alpha + c.t + t);
    let f = hyp2f1(r + x, b + x, a + b + x - 1.0, z);
    let head = (a + b + x - 1.0) / (a - 1.0);
    let pow = ((alpha + c.t) / (alpha + c.t + t)).powf(r + x);
    let num = head * (1.0 - pow * f);
    let den = if x > 0.0 {
        1.0 + (a / (b + x - 1.0)) * ((alpha + c.t) / (alpha + c.t_x)).powf(r + x)
    } else {
        1.0
    };
    num / den
}

/// Gauss' hypergeometric function ₂F₁(a, b; c; z) for |z| < 1 and c > 0, by its power series
/// `Σ (a)_k (b)_k / ((c)_k k!) z^k`, summed until a term no longer changes the sum (relative
/// 1e-15) or 100 000 terms.
///
/// Hand-written because no maintained pure-Rust crate offers ₂F₁ for real arguments, and the
/// series is all that is needed here: the argument t/(α+T+t) of [`expected_purchases`] stays well
/// below 1 for horizons shorter than the history (90 days over a year of history: z ≈ 0.2).
pub fn hyp2f1(a: f64, b: f64, c: f64, z: f64) -> f64 {
    series(a, b, c, z)
}

fn series(a: f64, b: f64, c: f64, z: f64) -> f64 {
    let mut term = 1.0;
    let mut sum = 1.0;
    for k in 0..100_000 {
        let k = k as f64;
        term *= (a + k) * (b + k) / ((c + k) * (k + 1.0)) * z;
        sum += term;
        if term.abs() <= 1e-15 * sum.abs() {
            break;
        }
    }
    sum
}

/// "Enough history?": the model is shown only when
/// - at least [`MIN_CUSTOMERS`] customers are in the calibration data,
/// - at least [`MIN_REPEATERS`] of them bought again (x ≥ 1) — without repeat purchases the
///   purchase rate and the dropout cannot be told apart,
/// - the span from the first purchase to the end of the period is at least `min_span` (the core
///   asks for 26 weeks: a model that has not seen a season cannot speak of the next 90 days).
pub fn enough_history(customers: &[Customer], min_span: f64) -> bool {
    let repeaters = customers.iter().filter(|c| c.x >= 1.0).count();
    let span = customers.iter().map(|c| c.t).fold(0.0, f64::max);
    customers.len() >= MIN_CUSTOMERS && repeaters >= MIN_REPEATERS && span >= min_span
}

pub const MIN_CUSTOMERS: usize = 100;
pub const MIN_REPEATERS: usize = 30;
