//! Login limiting per client address, beside the per-account lockout of
//! [`crate::Service::login`]: a password spray (a few guesses at each of many logins) never locks an
//! account, so every address gets a budget of login attempts (`governor`'s GCRA, keyed by IP),
//! checked before the argon2 work, which it also caps.
//!
//! The client address is the TCP peer's, or — only when the operator says the server sits behind
//! a reverse proxy ([`crate::Config::trust_forwarded_for`]) — the last address of
//! `X-Forwarded-For`, the one the proxy itself appended (earlier ones are whatever the client sent).

use axum::http::HeaderMap;
use governor::clock::Clock;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::time::Duration;

/// Addresses remembered before stale ones are dropped (their buckets full again).
const RETAIN_ABOVE: usize = 10_000;

/// Login attempts per client address.
pub struct LoginLimiter {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
    trust_forwarded_for: bool,
}

impl LoginLimiter {
    /// `burst` attempts at once per address, then one more every `interval`.
    pub fn new(burst: u32, interval: Duration, trust_forwarded_for: bool) -> LoginLimiter {
        let burst = NonZeroU32::new(burst.max(1)).unwrap_or(NonZeroU32::MIN);
        let quota = Quota::with_period(interval.max(Duration::from_millis(1)))
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(burst);
        LoginLimiter {
            limiter: RateLimiter::keyed(quota),
            trust_forwarded_for,
        }
    }

    /// The client's address: the peer, or the proxy's last `X-Forwarded-For` entry when trusted.
    pub fn client_ip(&self, peer: Option<SocketAddr>, headers: &HeaderMap) -> Option<IpAddr> {
        if self.trust_forwarded_for {
            let forwarded = headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .next_back()
                // Only the proxy's own entry: an unreadable one is not replaced by an earlier one.
                .and_then(|a| a.trim().parse::<IpAddr>().ok());
            if forwarded.is_some() {
                return forwarded;
            }
        }
        peer.map(|p| p.ip())
    }

    /// Takes one attempt from `ip`'s budget; `Err(seconds)` until the next is allowed.
    pub fn check(&self, ip: IpAddr) -> Result<(), i64> {
        if self.limiter.len() > RETAIN_ABOVE {
            self.limiter.retain_recent();
        }
        self.limiter.check_key(&ip).map_err(|not_until| {
            let wait = not_until.wait_time_from(self.limiter.clock().now());
            wait.as_millis().div_ceil(1000).max(1) as i64
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_refusals_per_address() {
        let l = LoginLimiter::new(3, Duration::from_secs(60), false);
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        for _ in 0..3 {
            assert_eq!(l.check(a), Ok(()));
        }
        let wait = l.check(a).unwrap_err();
        assert!((1..=60).contains(&wait), "{wait}");
        assert_eq!(l.check(b), Ok(()), "another address has its own budget");
    }

    #[test]
    fn forwarded_for_only_when_trusted_and_the_proxys_entry() {
        let peer: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", "1.2.3.4, 203.0.113.7".parse().unwrap());
        let untrusted = LoginLimiter::new(1, Duration::from_secs(1), false);
        assert_eq!(
            untrusted.client_ip(Some(peer), &h),
            Some("127.0.0.1".parse().unwrap())
        );
        let trusted = LoginLimiter::new(1, Duration::from_secs(1), true);
        assert_eq!(
            trusted.client_ip(Some(peer), &h),
            Some("203.0.113.7".parse().unwrap()),
            "the last entry (the proxy's), not the client-chosen first"
        );
        assert_eq!(
            trusted.client_ip(Some(peer), &HeaderMap::new()),
            Some("127.0.0.1".parse().unwrap()),
            "no header: the peer"
        );
    }
}
