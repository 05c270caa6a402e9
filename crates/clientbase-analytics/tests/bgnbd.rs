//! BG/NBD: the published CDNOW fit, the likelihood against hand computation, P(alive), expected
//! purchases and ₂F₁ against known values.

use clientbase_analytics::bgnbd::{self, Customer, Params};
use std::path::PathBuf;

/// The CDNOW sample (2,357 customers, weeks), fetched by `scripts/setup.sh`
/// (scripts/fetch_cdnow.py) into target/testdata/. Missing data FAILS the test: the fit against
/// the published parameters is the model's acceptance test and must not be skipped silently.
fn cdnow() -> Vec<Customer> {
    let path = std::env::var_os("CLIENTBASE_TESTDATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/testdata"))
        .join("cdnow_customers_summary.csv");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}. Run `python3 scripts/fetch_cdnow.py` (part of scripts/setup.sh).",
            path.display()
        )
    });
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("ID,frequency,recency,T"));
    lines
        .map(|l| {
            let f: Vec<f64> = l.split(',').map(|v| v.parse().unwrap()).collect();
            Customer {
                x: f[1],
                t_x: f[2],
                t: f[3],
            }
        })
        .collect()
}

#[test]
fn cdnow_fit_reproduces_the_published_parameters() {
    let data = cdnow();
    assert_eq!(data.len(), 2357);
    let fit = bgnbd::fit(&data).unwrap();
    let p = fit.params;
    // Fader, Hardie & Lee (2005), p. 279: r = 0.243, α = 4.414, a = 0.793, b = 2.426, LL = −9582.4.
    eprintln!("{fit:?}");
    assert!((p.r - 0.243).abs() < 0.0015, "r = {}", p.r);
    assert!((p.alpha - 4.414).abs() < 0.005, "alpha = {}", p.alpha);
    assert!((p.a - 0.793).abs() < 0.0015, "a = {}", p.a);
    assert!((p.b - 2.426).abs() < 0.005, "b = {}", p.b);
    assert!(
        (fit.log_likelihood - -9582.4).abs() < 0.1,
        "LL = {}",
        fit.log_likelihood
    );
    assert!(bgnbd::enough_history(&data, 26.0));
}

fn ones() -> Params {
    Params {
        r: 1.0,
        alpha: 1.0,
        a: 1.0,
        b: 1.0,
    }
}

#[test]
fn log_likelihood_matches_hand_computation() {
    // x = 0, T = 10, r = α = a = b = 1: L = α^r / (α+T)^r = 1/11.
    let c0 = Customer {
        x: 0.0,
        t_x: 0.0,
        t: 10.0,
    };
    let ll0 = bgnbd::log_likelihood(&ones(), &[c0]);
    assert!((ll0 - (1.0f64 / 11.0).ln()).abs() < 1e-12, "{ll0}");
    // x = 1, t_x = 5, T = 10: B(1,2)/B(1,1)·Γ(2)/Γ(1)/11² + B(2,1)/B(1,1)·Γ(2)/Γ(1)/6²
    //   = 0.5/121 + 0.5/36 = 0.018021…, ln = −4.01621…
    let c1 = Customer {
        x: 1.0,
        t_x: 5.0,
        t: 10.0,
    };
    let ll1 = bgnbd::log_likelihood(&ones(), &[c1]);
    let hand = (0.5f64 / 121.0 + 0.5 / 36.0).ln();
    assert!((ll1 - hand).abs() < 1e-12, "{ll1} vs {hand}");
    // The sum over customers, and identical customers counted as many times as they occur.
    let both = bgnbd::log_likelihood(&ones(), &[c0, c1, c1]);
    assert!((both - (ll0 + 2.0 * ll1)).abs() < 1e-12);
    // x = 3 exercises the products Γ(r+x)/Γ(r) = 1·2·3 and B(a,b+x)/B(a,b) = 1/4 (a = b = 1),
    // and a/(b+x−1) = 1/3, exponent r+x = 4: L = 6·(1/4)·[1/11⁴ + (1/3)/9⁴].
    let c3 = Customer {
        x: 3.0,
        t_x: 8.0,
        t: 10.0,
    };
    let hand3 = (6.0 * 0.25 * (11f64.powi(-4) + 9f64.powi(-4) / 3.0)).ln();
    let ll3 = bgnbd::log_likelihood(&ones(), &[c3]);
    assert!((ll3 - hand3).abs() < 1e-10, "{ll3} vs {hand3}");
}

#[test]
fn p_alive_matches_hand_computation() {
    // A one-time buyer (x = 0) is alive with probability 1 under BG/NBD (no purchase, no dropout).
    let c0 = Customer {
        x: 0.0,
        t_x: 0.0,
        t: 10.0,
    };
    assert_eq!(bgnbd::p_alive(&ones(), &c0), 1.0);
    // x = 1, t_x = 5, T = 10: 1 / (1 + 1/1 · (11/6)²) = 0.229299…
    let c1 = Customer {
        x: 1.0,
        t_x: 5.0,
        t: 10.0,
    };
    let p = bgnbd::p_alive(&ones(), &c1);
    assert!(
        (p - 1.0 / (1.0 + (11.0f64 / 6.0).powi(2))).abs() < 1e-12,
        "{p}"
    );
    // Buying recently (t_x = T) means more alive than having stopped long ago.
    let recent = Customer { t_x: 10.0, ..c1 };
    assert!(bgnbd::p_alive(&ones(), &recent) > p);
}

#[test]
fn hyp2f1_matches_closed_forms() {
    // ₂F₁(1, 1; 2; z) = −ln(1−z)/z
    for z in [0.1, 0.5, 0.9] {
        let f = bgnbd::hyp2f1(1.0, 1.0, 2.0, z);
        let want = -(1.0f64 - z).ln() / z;
        assert!((f - want).abs() < 1e-10, "z = {z}: {f} vs {want}");
    }
    // ₂F₁(a, b; b; z) = (1−z)^−a
    let f = bgnbd::hyp2f1(2.5, 3.0, 3.0, 0.3);
    assert!((f - 0.7f64.powf(-2.5)).abs() < 1e-10);
    assert_eq!(bgnbd::hyp2f1(2.0, 3.0, 4.0, 0.0), 1.0);
}

#[test]
fn expected_purchases_matches_hand_computation() {
    // x = 0, r = 1, α = 1, a = 2, b = 1, T = 10, t = 11: z = 11/22 = 1/2,
    // E = (a+b−1)/(a−1) · [1 − (11/22)^1 · ₂F₁(1, 1; 2; 1/2)] = 2 · (1 − ln 2) = 0.613705…
    let p = Params {
        r: 1.0,
        alpha: 1.0,
        a: 2.0,
        b: 1.0,
    };
    let c = Customer {
        x: 0.0,
        t_x: 0.0,
        t: 10.0,
    };
    let e = bgnbd::expected_purchases(&p, &c, 11.0);
    assert!((e - 2.0 * (1.0 - 2f64.ln())).abs() < 1e-10, "{e}");
    // Singular at a = 1 exactly.
    assert!(bgnbd::expected_purchases(&ones(), &c, 11.0).is_nan());
}

#[test]
fn cdnow_customer_one_expected_purchases_as_published() {
    // FHL 2005 (p. 280): a customer with x = 2, t_x = 30.43, T = 38.86 is expected to make
    // 1.226 purchases in the next 39 weeks under the published parameters.
    let p = Params {
        r: 0.243,
        alpha: 4.414,
        a: 0.793,
        b: 2.426,
    };
    let c = Customer {
        x: 2.0,
        t_x: 30.43,
        t: 38.86,
    };
    let e = bgnbd::expected_purchases(&p, &c, 39.0);
    assert!((e - 1.226).abs() < 0.001, "E = {e}");
}

#[test]
fn the_fit_is_a_maximum() {
    // The log-likelihood at the fitted parameters is not below that of nearby parameters.
    let data = cdnow();
    let fit = bgnbd::fit(&data).unwrap();
    let p = fit.params;
    for (dr, da) in [(1.01, 1.0), (0.99, 1.0), (1.0, 1.01), (1.0, 0.99)] {
        let q = Params {
            r: p.r * dr,
            a: p.a * da,
            ..p
        };
        assert!(bgnbd::log_likelihood(&q, &data) < fit.log_likelihood + 1e-9);
    }
}

#[test]
fn enough_history_rule() {
    let c = |x: f64, t: f64| Customer { x, t_x: t / 2.0, t };
    // 100 customers, 30 repeaters, 30 weeks: enough.
    let mut v: Vec<Customer> = (0..70).map(|_| c(0.0, 30.0)).collect();
    v.extend((0..30).map(|_| c(2.0, 30.0)));
    assert!(bgnbd::enough_history(&v, 26.0));
    // Too short a history.
    assert!(!bgnbd::enough_history(&v, 52.0));
    // Too few repeaters.
    v[99].x = 0.0;
    assert!(!bgnbd::enough_history(&v, 26.0));
    // Too few customers.
    assert!(!bgnbd::enough_history(&v[..50], 26.0));
    assert!(bgnbd::fit(&[]).is_err());
}
