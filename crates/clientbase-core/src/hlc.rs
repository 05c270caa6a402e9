//! Hybrid logical clock: wall-clock milliseconds + a counter + the device id.
//!
//! Timestamps are monotonic per device (even when the wall clock goes backwards) and serialise as
//! `MMMMMMMMMMMMMMM-CCCCC-<device>` (15-digit ms, 5-digit counter), so comparing the text compares the
//! clocks. The wall clock is injectable ([`Clock`]) so tests can freeze or rewind time.

use std::fmt;
use std::str::FromStr;

/// Source of wall-clock time in milliseconds since the Unix epoch.
pub trait Clock: Send {
    fn now_ms(&self) -> i64;
}

/// The real clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        chrono::Utc::now().timestamp_millis()
    }
}

/// A clock that returns a settable value (tests).
#[derive(Debug, Clone, Default)]
pub struct FixedClock(pub std::sync::Arc<std::sync::atomic::AtomicI64>);

impl FixedClock {
    pub fn new(ms: i64) -> Self {
        Self(std::sync::Arc::new(std::sync::atomic::AtomicI64::new(ms)))
    }
    pub fn set(&self, ms: i64) {
        self.0.store(ms, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Clock for FixedClock {
    fn now_ms(&self) -> i64 {
        self.0.load(std::sync::atomic::Ordering::SeqCst)
    }
}

const MAX_COUNTER: u32 = 99_999;

/// One HLC timestamp.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    pub ms: i64,
    pub counter: u32,
    pub device: String,
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:015}-{:05}-{}", self.ms, self.counter, self.device)
    }
}

impl FromStr for Timestamp {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let mut parts = s.splitn(3, '-');
        let ms = parts
            .next()
            .and_then(|p| p.parse().ok())
            .ok_or_else(|| format!("bad hlc: {s}"))?;
        let counter = parts
            .next()
            .and_then(|p| p.parse().ok())
            .ok_or_else(|| format!("bad hlc: {s}"))?;
        let device = parts
            .next()
            .ok_or_else(|| format!("bad hlc: {s}"))?
            .to_owned();
        Ok(Self {
            ms,
            counter,
            device,
        })
    }
}

/// The clock of one device. [`Hlc::share`] gives another handle on the same clock (a writer on
/// another thread and connection, e.g. an import job): every handle's timestamps are strictly
/// greater than every one issued before by any handle.
pub struct Hlc {
    device: String,
    state: std::sync::Arc<std::sync::Mutex<State>>,
}

struct State {
    clock: Box<dyn Clock>,
    last_ms: i64,
    counter: u32,
}

impl Hlc {
    /// `last` is the latest timestamp this device issued (from the `meta` table), if any.
    pub fn new(clock: Box<dyn Clock>, device: String, last: Option<&Timestamp>) -> Self {
        let (last_ms, counter) = last.map(|t| (t.ms, t.counter)).unwrap_or((0, 0));
        Self {
            device,
            state: std::sync::Arc::new(std::sync::Mutex::new(State {
                clock,
                last_ms,
                counter,
            })),
        }
    }

    /// Another handle on this clock (same device, same state).
    pub fn share(&self) -> Hlc {
        Hlc {
            device: self.device.clone(),
            state: std::sync::Arc::clone(&self.state),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // The state is two integers: a panic elsewhere cannot leave it half-written.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn device(&self) -> &str {
        &self.device
    }

    /// Wall-clock time (ms) of the injected clock.
    pub fn wall_ms(&self) -> i64 {
        self.state().clock.now_ms()
    }

    /// A new timestamp, strictly greater than every one issued or observed before.
    pub fn tick(&mut self) -> Timestamp {
        let mut s = self.state();
        let now = s.clock.now_ms();
        if now > s.last_ms {
            s.last_ms = now;
            s.counter = 0;
        } else if s.counter >= MAX_COUNTER {
            s.last_ms += 1;
            s.counter = 0;
        } else {
            s.counter += 1;
        }
        let (ms, counter) = (s.last_ms, s.counter);
        drop(s);
        self.stamp(ms, counter)
    }

    /// Merge a timestamp received from another device (sync), then tick.
    pub fn observe(&mut self, remote: &Timestamp) -> Timestamp {
        {
            let mut s = self.state();
            if (remote.ms, remote.counter) > (s.last_ms, s.counter) {
                s.last_ms = remote.ms;
                s.counter = remote.counter;
            }
        }
        self.tick()
    }

    /// The last issued timestamp.
    pub fn current(&self) -> Timestamp {
        let s = self.state();
        let (ms, counter) = (s.last_ms, s.counter);
        drop(s);
        self.stamp(ms, counter)
    }

    fn stamp(&self, ms: i64, counter: u32) -> Timestamp {
        Timestamp {
            ms,
            counter,
            device: self.device.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monotonic_when_clock_stands_still_or_goes_back() {
        let clock = FixedClock::new(1_000);
        let mut h = Hlc::new(Box::new(clock.clone()), "dev".into(), None);
        let a = h.tick();
        let b = h.tick();
        clock.set(500);
        let c = h.tick();
        clock.set(2_000);
        let d = h.tick();
        assert!(a < b && b < c && c < d);
        let texts: Vec<String> = [&a, &b, &c, &d].iter().map(|t| t.to_string()).collect();
        let mut sorted = texts.clone();
        sorted.sort();
        assert_eq!(texts, sorted, "text order is clock order");
        assert_eq!(d.ms, 2_000);
        assert_eq!(d.counter, 0);
        assert_eq!(c.to_string().parse::<Timestamp>().unwrap(), c);
    }

    #[test]
    fn counter_overflow_advances_ms() {
        let clock = FixedClock::new(7);
        let mut h = Hlc::new(Box::new(clock), "d".into(), None);
        let mut prev = h.tick();
        for _ in 0..200_000 {
            let t = h.tick();
            assert!(t.to_string() > prev.to_string());
            prev = t;
        }
    }

    #[test]
    fn observe_remote_moves_forward() {
        let clock = FixedClock::new(10);
        let mut h = Hlc::new(Box::new(clock), "a".into(), None);
        let t = h.observe(&Timestamp {
            ms: 99,
            counter: 3,
            device: "b".into(),
        });
        assert_eq!((t.ms, t.counter), (99, 4));
    }

    #[test]
    fn shared_handles_never_repeat_a_timestamp() {
        let clock = FixedClock::new(10);
        let mut a = Hlc::new(Box::new(clock), "d".into(), None);
        let mut b = a.share();
        let t = std::thread::spawn(move || (0..50_000).map(|_| b.tick()).collect::<Vec<_>>());
        let mut all: Vec<Timestamp> = (0..50_000).map(|_| a.tick()).collect();
        all.extend(t.join().unwrap());
        let n = all.len();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), n);
        assert_eq!(a.current(), *all.last().unwrap());
    }
}
