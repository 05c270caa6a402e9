//! Demo activity, so the Today screen and the cards of a demo base are not empty: call and
//! congratulate tasks around "now" (some overdue, some due today, most ahead; a few repeating) and
//! past interactions of the last year. Deterministic for a seed; written by
//! `Store::add_demo_activity` / `Store::load_demo_activity` (with change-log rows).

use crate::model::{Channel, Repeat, TaskKind};
use crate::store::activity::*;
use crate::today::{fmt_utc, local_to_utc, to_local};
use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub struct PlannedTask {
    pub client_id: String,
    pub kind: TaskKind,
    pub due: DateTime<Utc>,
    pub remind_offset_minutes: Option<u32>,
    pub repeat: Repeat,
}

pub struct PlannedInteraction {
    pub client_id: String,
    /// RFC 3339 UTC.
    pub at: String,
    pub kind_id: &'static str,
    pub outcome_id: Option<&'static str>,
    pub channel: Option<Channel>,
}

pub struct Plan {
    pub tasks: Vec<PlannedTask>,
    pub interactions: Vec<PlannedInteraction>,
}

/// How much activity a demo base of `clients` clients gets: a task per 50 clients (8–3,000) and an
/// interaction per 2 clients (at most 50,000).
pub fn default_counts(clients: usize) -> (usize, usize) {
    ((clients / 50).clamp(8, 3000), (clients / 2).min(50_000))
}

/// Plans `tasks` tasks and `interactions` interactions over `client_ids` around `now` (local
/// working hours in `tz`).
pub fn plan<Tz: TimeZone>(
    seed: u64,
    client_ids: &[String],
    tz: &Tz,
    now: DateTime<Utc>,
    tasks: usize,
    interactions: usize,
) -> Plan {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let client = |rng: &mut ChaCha8Rng| client_ids[rng.random_range(0..client_ids.len())].clone();
    let today = to_local(tz, now).date();
    let mut out = Plan {
        tasks: Vec::with_capacity(tasks),
        interactions: Vec::with_capacity(interactions),
    };
    for _ in 0..tasks {
        let r: f64 = rng.random();
        let at_hour = |rng: &mut ChaCha8Rng, days: i64| {
            let t =
                NaiveTime::from_hms_opt(rng.random_range(9..19), 15 * rng.random_range(0..4), 0)
                    .unwrap_or(NaiveTime::MIN);
            local_to_utc(tz, (today + Duration::days(days)).and_time(t))
        };
        let due = if r < 0.15 {
            now - Duration::minutes(rng.random_range(60..10 * 24 * 60))
        } else if r < 0.40 {
            at_hour(&mut rng, 0)
        } else {
            let days = rng.random_range(1..30);
            at_hour(&mut rng, days)
        };
        let repeat = match rng.random_range(0..100) {
            0..5 => Repeat::Weekly,
            5..8 => Repeat::Monthly,
            _ => Repeat::None,
        };
        out.tasks.push(PlannedTask {
            client_id: client(&mut rng),
            kind: if rng.random_bool(0.85) {
                TaskKind::Call
            } else {
                TaskKind::Congratulate
            },
            due,
            remind_offset_minutes: match rng.random_range(0..10) {
                0..4 => Some(15),
                4..6 => Some(0),
                6..7 => Some(60),
                _ => None,
            },
            repeat,
        });
    }
    const OUTCOMES: [&str; 7] = [
        OUTCOME_REACHED,
        OUTCOME_REACHED,
        OUTCOME_REACHED,
        OUTCOME_NO_ANSWER,
        OUTCOME_NO_ANSWER,
        OUTCOME_CALL_BACK,
        "00000000-0000-7000-8002-000000000006",
    ];
    const MESSAGES: [Channel; 4] = [
        Channel::Whatsapp,
        Channel::Telegram,
        Channel::Viber,
        Channel::Sms,
    ];
    for _ in 0..interactions {
        let at = now - Duration::minutes(rng.random_range(30..365 * 24 * 60));
        let (kind_id, channel) = match rng.random_range(0..10) {
            0..5 => (KIND_CALL, Some(Channel::Call)),
            5..7 => (
                KIND_MESSAGE,
                Some(MESSAGES[rng.random_range(0..MESSAGES.len())]),
            ),
            7 => (KIND_EMAIL, Some(Channel::Email)),
            8 => (KIND_MEETING, None),
            _ => (KIND_VISIT, None),
        };
        out.interactions.push(PlannedInteraction {
            client_id: client(&mut rng),
            at: fmt_utc(at),
            kind_id,
            outcome_id: Some(OUTCOMES[rng.random_range(0..OUTCOMES.len())]),
            channel,
        });
    }
    out
}
