//! The in-memory orders the analyses and the lost list run on (see the parent module's docs),
//! the live-client flags cached under the change-log position, the lost-clients list, and the
//! brief client row (name, phones) that result rows carry.

use super::*;

/// One live, counting order or payment of the base currency, in memory.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rec {
    pub client: u32,
    pub day: i32,
    pub payment: bool,
    pub amount: i64,
}

/// The in-memory orders (see the module docs).
pub(crate) struct Mem {
    pub currency: String,
    pub ids: Vec<String>,
    pub index: HashMap<String, u32>,
    /// Sorted by day.
    pub recs: Vec<Rec>,
    pub load_ms: f64,
}

/// Live flags over the in-memory client numbers, and the live clients without orders.
pub(crate) type Live = (Vec<bool>, Vec<String>);

/// Name, phone (display) and phone (E.164) of a client, for result rows.
pub(crate) fn client_brief(
    conn: &Connection,
    id: &str,
) -> Result<(String, Option<String>, Option<String>), StoreError> {
    let row = conn
        .prepare_cached(
            "SELECT kind, first_name, last_name, middle_name, org_name, phone_display, phones \
             FROM clients WHERE id = ?1",
        )?
        .query_row([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, String>(6)?,
            ))
        })
        .optional()?;
    let Some((kind, first, last, middle, org, phone, phones)) = row else {
        return Ok((String::new(), None, None));
    };
    let name = if kind == "organization" && !org.trim().is_empty() {
        org
    } else {
        let n = [last.as_str(), first.as_str(), middle.as_str()]
            .iter()
            .filter(|s| !s.trim().is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        if n.is_empty() {
            org
        } else {
            n
        }
    };
    let e164 = serde_json::from_str::<Vec<crate::model::Phone>>(&phones)
        .ok()
        .and_then(|p| p.into_iter().find_map(|p| p.e164));
    Ok((name, phone, e164))
}

impl Store {
    // ---- in-memory orders --------------------------------------------------------------------

    /// The in-memory orders, loading them on first use.
    pub(crate) fn orders_mem(&mut self) -> Result<Arc<Mem>, StoreError> {
        if let Some(m) = &self.orders.mem {
            return Ok(Arc::clone(m));
        }
        let t = std::time::Instant::now();
        let currency = self.order_settings()?.currency;
        let mut st = self.conn.prepare(
            "SELECT client_id, date, kind, amount FROM orders INDEXED BY orders_date \
             WHERE deleted_at IS NULL AND currency = ?1 \
             AND (status_id IS NULL OR status_id NOT IN (SELECT id FROM order_statuses WHERE counts = 0)) \
             ORDER BY deleted_at, date",
        )?;
        let mut ids: Vec<String> = Vec::new();
        let mut index: HashMap<String, u32> = HashMap::new();
        let mut recs: Vec<Rec> = Vec::new();
        // Dates repeat a lot: parse each distinct one once.
        let mut last_date = String::new();
        let mut last_day = 0i32;
        let mut rows = st.query([&currency])?;
        while let Some(r) = rows.next()? {
            let client = r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
            let date = r.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
            let kind = r.get_ref(2)?.as_str().map_err(rusqlite::Error::from)?;
            let amount: i64 = r.get(3)?;
            if date != last_date {
                let Some(d) = day_of(date) else { continue };
                last_date.clear();
                last_date.push_str(date);
                last_day = d;
            }
            let c = match index.get(client) {
                Some(&c) => c,
                None => {
                    let c = ids.len() as u32;
                    ids.push(client.to_owned());
                    index.insert(client.to_owned(), c);
                    c
                }
            };
            recs.push(Rec {
                client: c,
                day: last_day,
                payment: kind == "payment",
                amount,
            });
        }
        drop(rows);
        drop(st);
        let mem = Arc::new(Mem {
            currency,
            ids,
            index,
            recs,
            load_ms: t.elapsed().as_secs_f64() * 1000.0,
        });
        self.orders.mem = Some(Arc::clone(&mem));
        Ok(mem)
    }

    /// Milliseconds the last load of the in-memory orders took (loading them if needed).
    pub fn orders_load_ms(&mut self) -> Result<f64, StoreError> {
        Ok(self.orders_mem()?.load_ms)
    }

    /// The position of the last change-log row: every synced write (clients, orders, settings…,
    /// by any connection) moves it, so results cached under it are current while it stands.
    /// One B-tree lookup (`seq` is the rowid).
    pub(crate) fn write_seq(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT coalesce(max(seq), 0) FROM change_log")?
            .query_row([], |r| r.get(0))?)
    }

    /// Live client ids (from the search index) as flags over the in-memory client numbers, plus
    /// the live clients that have no orders in memory; cached until the next write.
    pub(crate) fn live_clients(&mut self, mem: &Mem) -> Result<Arc<Live>, StoreError> {
        let seq = self.write_seq()?;
        if let Some((s, l)) = &self.orders.live {
            if *s == seq && l.0.len() == mem.ids.len() {
                return Ok(Arc::clone(l));
            }
        }
        let mut live = vec![false; mem.ids.len()];
        let mut without = Vec::new();
        let idx = self.index()?;
        let page = idx.query(
            "",
            &clientbase_search::Filter::default(),
            clientbase_search::Sort::Recent,
            0,
            usize::MAX,
        );
        for s in page.items {
            match mem.index.get(&s.id) {
                Some(&c) => live[c as usize] = true,
                None => without.push(s.id.clone()),
            }
        }
        let out = Arc::new((live, without));
        self.orders.live = Some((seq, Arc::clone(&out)));
        Ok(out)
    }

    // ---- lost clients ------------------------------------------------------------------------

    /// Clients with orders but none in the last `days` days (settings when absent), by value
    /// (all-time revenue, largest first) or by last order (oldest first); paged.
    pub fn lost_clients(&mut self, q: &LostQuery) -> Result<LostPage, StoreError> {
        let settings = self.order_settings()?;
        let days = q.days.unwrap_or(settings.lost_client_days);
        let mem = self.orders_mem()?;
        let lw = self.live_clients(&mem)?;
        let live = &lw.0;
        let today = self.local_today().num_days_from_ce();
        let n = mem.ids.len();
        let mut last = vec![i32::MIN; n];
        let mut total = vec![0i64; n];
        let mut count = vec![0u32; n];
        for r in mem.recs.iter().filter(|r| !r.payment && r.day <= today) {
            let c = r.client as usize;
            last[c] = last[c].max(r.day);
            total[c] += r.amount;
            count[c] += 1;
        }
        let cutoff = today - days as i32;
        let mut lost: Vec<u32> = (0..n as u32)
            .filter(|&c| live[c as usize] && count[c as usize] > 0 && last[c as usize] <= cutoff)
            .collect();
        match q.sort {
            AnalysisSort::Value => lost.sort_unstable_by(|&a, &b| {
                total[b as usize]
                    .cmp(&total[a as usize])
                    .then(mem.ids[a as usize].cmp(&mem.ids[b as usize]))
            }),
            AnalysisSort::LastPurchase => lost.sort_unstable_by(|&a, &b| {
                last[a as usize]
                    .cmp(&last[b as usize])
                    .then(mem.ids[a as usize].cmp(&mem.ids[b as usize]))
            }),
        }
        let limit = match q.limit {
            0 => 50,
            l => l.min(1000),
        } as usize;
        let th = thresholds(&settings);
        let mut rows = Vec::new();
        for &c in lost.iter().skip(q.offset as usize).take(limit) {
            let c = c as usize;
            let (name, phone, phone_e164) = client_brief(&self.conn, &mem.ids[c])?;
            rows.push(LostClient {
                client_id: mem.ids[c].clone(),
                name,
                phone,
                phone_e164,
                last_order: date_of(last[c]),
                days_since: (today - last[c]) as u32,
                total: total[c],
                order_count: count[c],
                tier: tier_of(th.tier(total[c])),
            });
        }
        Ok(LostPage {
            days,
            currency: mem.currency.clone(),
            total: lost.len() as u32,
            offset: q.offset,
            rows,
        })
    }
}
