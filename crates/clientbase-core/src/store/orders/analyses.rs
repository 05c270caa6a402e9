//! The value analyses over the in-memory orders (ABC, VIP, RFM, value score, churn, tiers, lost),
//! the client-list filter by a result's group, the CSV export of a result, and chart data.
//! The arithmetic is `clientbase_analytics`; this module gathers each client's numbers for a
//! period and metric and names the groups.

use super::*;
use crate::model::{ListPage, ListQuery};
use clientbase_analytics::{bgnbd, rank, rfm, value};
use std::collections::HashSet;

/// BG/NBD works in weeks (as the published fits do).
const WEEK: f64 = 7.0;
/// The churn result's horizon: expected purchases in the next 90 days.
const HORIZON_DAYS: f64 = 90.0;
/// At least half a year of history before the model is shown.
const MIN_WEEKS: f64 = 26.0;
/// P(alive) from which a client is "alive", and below which "likely lost".
const ALIVE_FROM: f64 = 0.7;
const LOST_BELOW: f64 = 0.3;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ChurnKey {
    from: i32,
    to: i32,
}

pub(crate) struct ChurnFit {
    model: ChurnModel,
    params: Option<bgnbd::Params>,
}

/// One client's numbers in a result.
#[derive(Debug, Clone)]
struct RowData {
    client: u32,
    group: &'static str,
    value: f64,
    count: u32,
    first: i32,
    last: i32,
    rank: Option<u32>,
    cumulative: Option<f64>,
    r: Option<u8>,
    f: Option<u8>,
    m: Option<u8>,
    score: Option<f64>,
    expected: Option<f64>,
    /// Sort key for [`AnalysisSort::Value`] (largest first).
    key: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ComputeKey {
    kind: AnalysisKind,
    metric: Metric,
    from: Option<i32>,
    to: i32,
}

pub(crate) struct Computed {
    mem: Arc<Mem>,
    rows: Vec<RowData>,
    /// VIP: live clients without a purchase in the period (group "other").
    others: Vec<String>,
    groups: Vec<GroupSummary>,
    clients: u32,
    total_value: f64,
    churn: Option<ChurnModel>,
    from: Option<i32>,
    to: i32,
}

/// Per client over the period: the metric, the count, first/last day and the money.
#[derive(Debug, Clone, Copy, Default)]
struct Agg {
    value: f64,
    count: u32,
    money: i64,
    first: i32,
    last: i32,
}

fn group_codes(kind: AnalysisKind) -> &'static [&'static str] {
    match kind {
        AnalysisKind::Abc => &["A", "B", "C"],
        AnalysisKind::Vip => &["vip", "regular", "other"],
        AnalysisKind::Rfm => &[
            "champions",
            "loyal",
            "potential_loyalists",
            "new_customers",
            "promising",
            "need_attention",
            "about_to_sleep",
            "cannot_lose",
            "at_risk",
            "hibernating",
            "lost",
        ],
        AnalysisKind::Value => &["high", "middle", "low"],
        AnalysisKind::Churn => &["alive", "at_risk", "likely_lost"],
        AnalysisKind::Tier => &["platinum", "gold", "silver", "none"],
        AnalysisKind::Lost => &["lost"],
    }
}

fn tier_code(t: clientbase_analytics::tier::Tier) -> &'static str {
    use clientbase_analytics::tier::Tier as T;
    match t {
        T::None => "none",
        T::Silver => "silver",
        T::Gold => "gold",
        T::Platinum => "platinum",
    }
}

fn parse_day(field: &str, v: &Option<String>) -> Result<Option<i32>, StoreError> {
    match v.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => day_of(s)
            .map(Some)
            .ok_or_else(|| StoreError::Validation(vec![FieldError::new(field, "date_invalid")])),
    }
}

impl Store {
    fn period(
        &self,
        from: &Option<String>,
        to: &Option<String>,
    ) -> Result<(Option<i32>, i32), StoreError> {
        let f = parse_day("from", from)?;
        let t = parse_day("to", to)?.unwrap_or_else(|| self.local_today().num_days_from_ce());
        if f.is_some_and(|f| f > t) {
            return Err(StoreError::Validation(vec![FieldError::new(
                "from",
                "period_invalid",
            )]));
        }
        Ok((f, t))
    }

    /// Each live client's numbers over `[from, to]` for `metric` (clients without a relevant
    /// purchase in the period are left out).
    fn aggregate(
        mem: &Mem,
        live: &[bool],
        metric: Metric,
        from: Option<i32>,
        to: i32,
    ) -> Vec<(u32, Agg)> {
        let lo = from.map_or(0, |f| mem.recs.partition_point(|r| r.day < f));
        let hi = mem.recs.partition_point(|r| r.day <= to);
        let mut agg = vec![
            Agg {
                first: i32::MAX,
                last: i32::MIN,
                ..Agg::default()
            };
            mem.ids.len()
        ];
        let payments = metric == Metric::Payments;
        for r in &mem.recs[lo..hi] {
            if r.payment != payments {
                continue;
            }
            let a = &mut agg[r.client as usize];
            a.count += 1;
            a.money += r.amount;
            a.first = a.first.min(r.day);
            a.last = a.last.max(r.day);
        }
        agg.into_iter()
            .enumerate()
            .filter(|(c, a)| a.count > 0 && live[*c])
            .map(|(c, mut a)| {
                a.value = match metric {
                    Metric::Orders => a.count as f64,
                    _ => a.money as f64,
                };
                (c as u32, a)
            })
            .collect()
    }

    fn churn_fit(&mut self, mem: &Mem, live: &[bool], from: Option<i32>, to: i32) -> Arc<ChurnFit> {
        let key = ChurnKey {
            from: from.unwrap_or(i32::MIN),
            to,
        };
        if let Some((k, fit)) = &self.orders.churn {
            if *k == key {
                return Arc::clone(fit);
            }
        }
        let t = std::time::Instant::now();
        let customers = churn_customers(mem, live, from, to);
        let data: Vec<bgnbd::Customer> = customers.iter().map(|c| c.1).collect();
        let repeaters = data.iter().filter(|c| c.x >= 1.0).count();
        let weeks = data.iter().map(|c| c.t).fold(0.0, f64::max);
        let enough = bgnbd::enough_history(&data, MIN_WEEKS);
        let fit = if enough { bgnbd::fit(&data).ok() } else { None };
        let model = ChurnModel {
            enough_history: fit.is_some(),
            customers: data.len() as u32,
            repeat_customers: repeaters as u32,
            weeks_of_history: weeks,
            r: fit.map(|f| f.params.r),
            alpha: fit.map(|f| f.params.alpha),
            a: fit.map(|f| f.params.a),
            b: fit.map(|f| f.params.b),
            log_likelihood: fit.map(|f| f.log_likelihood),
            fit_ms: t.elapsed().as_secs_f64() * 1000.0,
        };
        let out = Arc::new(ChurnFit {
            model,
            params: fit.map(|f| f.params),
        });
        self.orders.churn = Some((key, Arc::clone(&out)));
        out
    }

    fn compute(
        &mut self,
        kind: AnalysisKind,
        metric: Metric,
        from: &Option<String>,
        to: &Option<String>,
    ) -> Result<Arc<Computed>, StoreError> {
        let (from, to) = self.period(from, to)?;
        let key = ComputeKey {
            kind,
            metric,
            from,
            to,
        };
        let seq = self.write_seq()?;
        if let Some((k, s, c)) = &self.orders.computed {
            if *k == key && *s == seq && self.orders.mem.is_some() {
                return Ok(Arc::clone(c));
            }
        }
        let settings = self.order_settings()?;
        let mem = self.orders_mem()?;
        let lw = self.live_clients(&mem)?;
        let (live, without) = (&lw.0, &lw.1);
        let mut others = Vec::new();
        let mut churn = None;
        let row = |client: u32, a: &Agg, group: &'static str| RowData {
            client,
            group,
            value: a.value,
            count: a.count,
            first: a.first,
            last: a.last,
            rank: None,
            cumulative: None,
            r: None,
            f: None,
            m: None,
            score: None,
            expected: None,
            key: a.value,
        };
        let rows: Vec<RowData> = match kind {
            AnalysisKind::Abc => {
                let agg = Self::aggregate(&mem, live, metric, from, to);
                let values: Vec<f64> = agg.iter().map(|a| a.1.value).collect();
                let res = rank::abc(&values, settings.abc_a_percent, settings.abc_b_percent);
                agg.iter()
                    .zip(res)
                    .map(|((c, a), x)| RowData {
                        rank: Some(x.rank),
                        cumulative: Some(x.cumulative),
                        ..row(
                            *c,
                            a,
                            match x.class {
                                rank::Abc::A => "A",
                                rank::Abc::B => "B",
                                rank::Abc::C => "C",
                            },
                        )
                    })
                    .collect()
            }
            AnalysisKind::Vip => {
                let agg = Self::aggregate(&mem, live, metric, from, to);
                let values: Vec<f64> = agg.iter().map(|a| a.1.value).collect();
                let res = rank::vip_split(&values, settings.vip_top_percent);
                let buyers: HashSet<u32> = agg.iter().map(|a| a.0).collect();
                others = without.clone();
                others.extend(
                    (0..mem.ids.len() as u32)
                        .filter(|c| live[*c as usize] && !buyers.contains(c))
                        .map(|c| mem.ids[c as usize].clone()),
                );
                agg.iter()
                    .zip(res)
                    .map(|((c, a), v)| {
                        row(
                            *c,
                            a,
                            match v {
                                rank::Vip::Vip => "vip",
                                rank::Vip::Regular => "regular",
                                rank::Vip::Other => "other",
                            },
                        )
                    })
                    .collect()
            }
            AnalysisKind::Rfm => {
                let agg = Self::aggregate(&mem, live, metric, from, to);
                let rec: Vec<f64> = agg.iter().map(|a| (to - a.1.last) as f64).collect();
                let freq: Vec<f64> = agg.iter().map(|a| a.1.count as f64).collect();
                let money: Vec<f64> = agg.iter().map(|a| a.1.money as f64).collect();
                let res = rfm::rfm(&rec, &freq, &money);
                agg.iter()
                    .zip(res)
                    .map(|((c, a), s)| RowData {
                        r: Some(s.r),
                        f: Some(s.f),
                        m: Some(s.m),
                        ..row(*c, a, s.segment.code())
                    })
                    .collect()
            }
            AnalysisKind::Value => {
                let agg = Self::aggregate(&mem, live, metric, from, to);
                let counts: Vec<u32> = agg.iter().map(|a| a.1.count).collect();
                let checks: Vec<f64> = agg
                    .iter()
                    .map(|a| a.1.money as f64 / a.1.count as f64)
                    .collect();
                let res = value::value_scores(&counts, &checks);
                agg.iter()
                    .zip(res)
                    .map(|((c, a), s)| RowData {
                        f: Some(s.frequency),
                        m: Some(s.check),
                        score: Some(s.score),
                        ..row(
                            *c,
                            a,
                            match s.class {
                                value::ValueClass::High => "high",
                                value::ValueClass::Middle => "middle",
                                value::ValueClass::Low => "low",
                            },
                        )
                    })
                    .collect()
            }
            AnalysisKind::Tier => {
                let th = thresholds(&settings);
                let agg = Self::aggregate(&mem, live, Metric::Revenue, from, to);
                agg.iter()
                    .map(|(c, a)| row(*c, a, tier_code(th.tier(a.money))))
                    .collect()
            }
            AnalysisKind::Lost => {
                // All-time revenue up to `to`; lost = last order at least N days before `to`.
                let agg = Self::aggregate(&mem, live, Metric::Revenue, None, to);
                let cutoff = to - settings.lost_client_days as i32;
                agg.iter()
                    .filter(|(_, a)| a.last <= cutoff)
                    .map(|(c, a)| row(*c, a, "lost"))
                    .collect()
            }
            AnalysisKind::Churn => {
                let fit = self.churn_fit(&mem, live, from, to);
                churn = Some(fit.model.clone());
                match fit.params {
                    None => Vec::new(),
                    Some(p) => {
                        let agg = Self::aggregate(&mem, live, metric, from, to);
                        let customers: HashMap<u32, bgnbd::Customer> =
                            churn_customers(&mem, live, from, to).into_iter().collect();
                        agg.iter()
                            .filter_map(|(c, a)| {
                                let cu = customers.get(c)?;
                                let alive = bgnbd::p_alive(&p, cu);
                                let e = bgnbd::expected_purchases(&p, cu, HORIZON_DAYS / WEEK);
                                let group = if alive >= ALIVE_FROM {
                                    "alive"
                                } else if alive >= LOST_BELOW {
                                    "at_risk"
                                } else {
                                    "likely_lost"
                                };
                                Some(RowData {
                                    score: Some(alive),
                                    expected: e.is_finite().then_some(e),
                                    key: a.value * (1.0 - alive),
                                    ..row(*c, a, group)
                                })
                            })
                            .collect()
                    }
                }
            }
        };
        let total_value: f64 = rows.iter().map(|r| r.value).sum();
        let clients = rows.len() + others.len();
        let groups = group_codes(kind)
            .iter()
            .map(|&g| {
                let (n, v) = if kind == AnalysisKind::Vip && g == "other" {
                    (others.len(), 0.0)
                } else {
                    rows.iter()
                        .filter(|r| r.group == g)
                        .fold((0usize, 0.0), |(n, v), r| (n + 1, v + r.value))
                };
                GroupSummary {
                    group: g.to_owned(),
                    clients: n as u32,
                    value: v,
                    share: if total_value > 0.0 {
                        v / total_value * 100.0
                    } else {
                        0.0
                    },
                    client_share: if clients > 0 {
                        n as f64 / clients as f64 * 100.0
                    } else {
                        0.0
                    },
                }
            })
            .collect();
        let out = Arc::new(Computed {
            mem,
            rows,
            others,
            groups,
            clients: clients as u32,
            total_value,
            churn,
            from,
            to,
        });
        self.orders.computed = Some((key, seq, Arc::clone(&out)));
        Ok(out)
    }

    /// The rows of `c` in `group` (all when `None`), sorted.
    fn selected<'a>(c: &'a Computed, group: Option<&str>, sort: AnalysisSort) -> Vec<&'a RowData> {
        let mut v: Vec<&RowData> = c
            .rows
            .iter()
            .filter(|r| group.is_none_or(|g| r.group == g))
            .collect();
        let id = |r: &RowData| c.mem.ids[r.client as usize].as_str();
        match sort {
            AnalysisSort::Value => {
                v.sort_unstable_by(|a, b| b.key.total_cmp(&a.key).then_with(|| id(a).cmp(id(b))))
            }
            AnalysisSort::LastPurchase => {
                v.sort_unstable_by(|a, b| a.last.cmp(&b.last).then_with(|| id(a).cmp(id(b))))
            }
        }
        v
    }

    fn analysis_row(&self, c: &Computed, r: &RowData) -> Result<AnalysisRow, StoreError> {
        let id = &c.mem.ids[r.client as usize];
        let (name, phone, _) = client_brief(&self.conn, id)?;
        Ok(AnalysisRow {
            client_id: id.clone(),
            name,
            phone,
            group: r.group.to_owned(),
            value: r.value,
            count: r.count,
            first_purchase: (r.count > 0).then(|| date_of(r.first)),
            last_purchase: (r.count > 0).then(|| date_of(r.last)),
            rank: r.rank,
            cumulative: r.cumulative,
            r: r.r,
            f: r.f,
            m: r.m,
            score: r.score,
            expected: r.expected,
        })
    }

    fn other_row(&self, id: &str) -> Result<AnalysisRow, StoreError> {
        let (name, phone, _) = client_brief(&self.conn, id)?;
        Ok(AnalysisRow {
            client_id: id.to_owned(),
            name,
            phone,
            group: "other".into(),
            value: 0.0,
            count: 0,
            first_purchase: None,
            last_purchase: None,
            rank: None,
            cumulative: None,
            r: None,
            f: None,
            m: None,
            score: None,
            expected: None,
        })
    }

    /// An analysis with one page of its rows (see [`AnalysisQuery`]).
    pub fn analysis(&mut self, q: &AnalysisQuery) -> Result<AnalysisResult, StoreError> {
        let t = std::time::Instant::now();
        let c = self.compute(q.kind, q.metric, &q.from, &q.to)?;
        let limit = match q.limit {
            0 => 50,
            l => l.min(1000),
        } as usize;
        let group = q.group.as_deref();
        let sel = Self::selected(&c, group, q.sort);
        let with_others = q.kind == AnalysisKind::Vip && group.is_none_or(|g| g == "other");
        let total_rows = sel.len() + if with_others { c.others.len() } else { 0 };
        let compute_ms = t.elapsed().as_secs_f64() * 1000.0;
        let mut rows = Vec::new();
        let start = q.offset as usize;
        for i in start..(start + limit).min(total_rows) {
            rows.push(if i < sel.len() {
                self.analysis_row(&c, sel[i])?
            } else {
                self.other_row(&c.others[i - sel.len()])?
            });
        }
        Ok(AnalysisResult {
            kind: q.kind,
            metric: q.metric,
            currency: c.mem.currency.clone(),
            from: c
                .from
                .map(date_of)
                .or_else(|| c.mem.recs.first().map(|r| date_of(r.day))),
            to: date_of(c.to),
            clients: c.clients,
            total_value: c.total_value,
            groups: c.groups.clone(),
            total_rows: total_rows as u32,
            offset: q.offset,
            rows,
            churn: c.churn.clone(),
            compute_ms,
        })
    }

    /// Every row of an analysis (the query's group, or all), for the CSV export.
    pub fn analysis_all_rows(&mut self, q: &AnalysisQuery) -> Result<Vec<AnalysisRow>, StoreError> {
        let c = self.compute(q.kind, q.metric, &q.from, &q.to)?;
        let group = q.group.as_deref();
        let mut out = Vec::new();
        for r in Self::selected(&c, group, q.sort) {
            out.push(self.analysis_row(&c, r)?);
        }
        if q.kind == AnalysisKind::Vip && group.is_none_or(|g| g == "other") {
            for id in &c.others {
                out.push(self.other_row(id)?);
            }
        }
        Ok(out)
    }

    /// The client ids of a segment (cached until the orders change).
    pub fn segment_ids(&mut self, s: &SegmentFilter) -> Result<Arc<HashSet<String>>, StoreError> {
        let seq = self.write_seq()?;
        if let Some((k, at, ids)) = &self.orders.segment {
            if k == s && *at == seq {
                return Ok(Arc::clone(ids));
            }
        }
        let c = self.compute(s.kind, s.metric, &s.from, &s.to)?;
        let mut ids: HashSet<String> = c
            .rows
            .iter()
            .filter(|r| r.group == s.group)
            .map(|r| c.mem.ids[r.client as usize].clone())
            .collect();
        if s.kind == AnalysisKind::Vip && s.group == "other" {
            ids.extend(c.others.iter().cloned());
        }
        let ids = Arc::new(ids);
        self.orders.segment = Some((s.clone(), seq, Arc::clone(&ids)));
        Ok(ids)
    }

    /// The client list restricted to a segment (`ListQuery.segment`): the index answers the
    /// text, filters and order; the segment's id set filters that ordered result. Costs a walk of
    /// the whole ordered match (a few ms at 100k clients) instead of a page.
    pub(crate) fn list_in_segment(
        &mut self,
        q: &ListQuery,
        s: &SegmentFilter,
        limit: u32,
    ) -> Result<ListPage, StoreError> {
        let mut key = q.clone();
        key.offset = 0;
        key.limit = 0;
        let seq = self.write_seq()?;
        let cached = match &self.orders.list {
            Some((k, at, rows)) if *k == key && *at == seq => Some(Arc::clone(rows)),
            _ => None,
        };
        let rows = match cached {
            Some(rows) => rows,
            None => {
                let ids = self.segment_ids(s)?;
                let mut plain = q.clone();
                plain.segment = None;
                let (filter, sort) = super::super::clients::filter_sort(&plain);
                let page = self.index()?.query(&q.text, &filter, sort, 0, usize::MAX);
                let rows: Vec<crate::model::ClientSummary> = page
                    .items
                    .into_iter()
                    .filter(|c| ids.contains(&c.id))
                    .cloned()
                    .collect();
                let rows = Arc::new(rows);
                self.orders.list = Some((key, seq, Arc::clone(&rows)));
                rows
            }
        };
        Ok(ListPage {
            total: rows.len() as u32,
            offset: q.offset,
            rows: rows
                .iter()
                .skip(q.offset as usize)
                .take(limit as usize)
                .cloned()
                .collect(),
        })
    }

    // ---- charts ------------------------------------------------------------------------------

    pub fn chart(&mut self, q: &ChartQuery) -> Result<Chart, StoreError> {
        let (from, to) = self.period(&q.from, &q.to)?;
        let from_date = from.map(date_of).unwrap_or_default();
        let to_date = date_of(to);
        let series = |name: &str, values: Vec<f64>| ChartSeries {
            name: name.to_owned(),
            values,
        };
        match q.chart {
            ChartKind::RevenueByMonth => {
                let mem = self.orders_mem()?;
                let lw = self.live_clients(&mem)?;
                let live = &lw.0;
                let lo = from.map_or(0, |f| mem.recs.partition_point(|r| r.day < f));
                let hi = mem.recs.partition_point(|r| r.day <= to);
                let mut labels: Vec<String> = Vec::new();
                let mut revenue: Vec<f64> = Vec::new();
                let mut payments: Vec<f64> = Vec::new();
                let mut month_of_day = (i32::MIN, String::new());
                for r in &mem.recs[lo..hi] {
                    if !live[r.client as usize] {
                        continue;
                    }
                    if r.day != month_of_day.0 {
                        let d = date_of(r.day);
                        month_of_day = (r.day, d[..7].to_owned());
                    }
                    if labels.last() != Some(&month_of_day.1) {
                        labels.push(month_of_day.1.clone());
                        revenue.push(0.0);
                        payments.push(0.0);
                    }
                    let i = labels.len() - 1;
                    if r.payment {
                        payments[i] += r.amount as f64;
                    } else {
                        revenue[i] += r.amount as f64;
                    }
                }
                Ok(Chart {
                    chart: q.chart,
                    labels,
                    series: vec![series("revenue", revenue), series("payments", payments)],
                })
            }
            ChartKind::TierDistribution => {
                let settings = self.order_settings()?;
                let th = thresholds(&settings);
                let mem = self.orders_mem()?;
                let lw = self.live_clients(&mem)?;
                let (live, without) = (&lw.0, &lw.1);
                let agg = Self::aggregate(&mem, live, Metric::Revenue, from, to);
                let mut counts = [0f64; 4];
                for (_, a) in &agg {
                    counts[th.tier(a.money) as usize] += 1.0;
                }
                // Live clients without orders in the period have no tier.
                let buyers = agg.len();
                let live_total = live.iter().filter(|l| **l).count() + without.len();
                counts[0] += (live_total - buyers) as f64;
                Ok(Chart {
                    chart: q.chart,
                    labels: ["none", "silver", "gold", "platinum"]
                        .map(String::from)
                        .to_vec(),
                    series: vec![series("clients", counts.to_vec())],
                })
            }
            ChartKind::NewClientsByMonth | ChartKind::NewClientsBySource => {
                let by_month = q.chart == ChartKind::NewClientsByMonth;
                let key = if by_month {
                    "substr(created_at, 1, 7)"
                } else {
                    "source"
                };
                let sql = format!(
                    "SELECT {key}, count(*) FROM clients WHERE deleted_at IS NULL \
                     AND substr(created_at, 1, 10) >= ?1 AND substr(created_at, 1, 10) <= ?2 \
                     GROUP BY 1 ORDER BY {}",
                    if by_month { "1" } else { "2 DESC, 1" }
                );
                let mut st = self.conn.prepare_cached(&sql)?;
                let rows: Vec<(String, i64)> = st
                    .query_map([&from_date, &to_date], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<Result<_, _>>()?;
                Ok(Chart {
                    chart: q.chart,
                    labels: rows.iter().map(|r| r.0.clone()).collect(),
                    series: vec![series("clients", rows.iter().map(|r| r.1 as f64).collect())],
                })
            }
            ChartKind::CallsPerDay => {
                let mut st = self.conn.prepare_cached(
                    "SELECT substr(at, 1, 10), count(*) FROM interactions i \
                     JOIN interaction_kinds k ON k.id = i.kind_id \
                     WHERE k.code = 'call' AND i.deleted_at IS NULL \
                     AND substr(at, 1, 10) >= ?1 AND substr(at, 1, 10) <= ?2 \
                     AND (?3 IS NULL OR i.owner = ?3) GROUP BY 1 ORDER BY 1",
                )?;
                let rows: Vec<(String, i64)> = st
                    .query_map(params![from_date, to_date, q.owner], |r| {
                        Ok((r.get(0)?, r.get(1)?))
                    })?
                    .collect::<Result<_, _>>()?;
                Ok(Chart {
                    chart: q.chart,
                    labels: rows.iter().map(|r| r.0.clone()).collect(),
                    series: vec![series("calls", rows.iter().map(|r| r.1 as f64).collect())],
                })
            }
        }
    }
}

/// BG/NBD summaries (weeks) of the live clients' orders in `[from, to]`: x = distinct purchase
/// days after the first, t_x = last − first, T = to − first.
fn churn_customers(
    mem: &Mem,
    live: &[bool],
    from: Option<i32>,
    to: i32,
) -> Vec<(u32, bgnbd::Customer)> {
    let lo = from.map_or(0, |f| mem.recs.partition_point(|r| r.day < f));
    let hi = mem.recs.partition_point(|r| r.day <= to);
    // (first, last, distinct days): records are sorted by day, so a new day is a later one.
    let mut s = vec![(i32::MAX, i32::MIN, 0u32); mem.ids.len()];
    for r in &mem.recs[lo..hi] {
        if r.payment {
            continue;
        }
        let e = &mut s[r.client as usize];
        if e.1 != r.day {
            e.2 += 1;
        }
        e.0 = e.0.min(r.day);
        e.1 = r.day;
    }
    s.into_iter()
        .enumerate()
        .filter(|(c, e)| e.2 > 0 && live[*c])
        .map(|(c, (first, last, days))| {
            (
                c as u32,
                bgnbd::Customer {
                    x: (days - 1) as f64,
                    t_x: (last - first) as f64 / WEEK,
                    t: (to - first) as f64 / WEEK,
                },
            )
        })
        .collect()
}

/// A result's rows as CSV (RFC 4180, UTF-8 with BOM so spreadsheet apps read it as UTF-8).
pub fn analysis_csv(rows: &[AnalysisRow]) -> Result<String, StoreError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| StoreError::Conflict(format!("csv: {e}"));
    w.write_record([
        "client_id",
        "name",
        "phone",
        "group",
        "value",
        "count",
        "first_purchase",
        "last_purchase",
        "rank",
        "cumulative_percent",
        "r",
        "f",
        "m",
        "score",
        "expected_90d",
    ])
    .map_err(err)?;
    let opt = |v: Option<String>| v.unwrap_or_default();
    for r in rows {
        w.write_record([
            r.client_id.clone(),
            r.name.clone(),
            opt(r.phone.clone()),
            r.group.clone(),
            r.value.to_string(),
            r.count.to_string(),
            opt(r.first_purchase.clone()),
            opt(r.last_purchase.clone()),
            opt(r.rank.map(|v| v.to_string())),
            opt(r.cumulative.map(|v| format!("{v:.2}"))),
            opt(r.r.map(|v| v.to_string())),
            opt(r.f.map(|v| v.to_string())),
            opt(r.m.map(|v| v.to_string())),
            opt(r.score.map(|v| format!("{v:.4}"))),
            opt(r.expected.map(|v| format!("{v:.3}"))),
        ])
        .map_err(err)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| StoreError::Conflict(format!("csv: {e}")))?;
    Ok(format!("\u{feff}{}", String::from_utf8_lossy(&bytes)))
}
