//! The query side of [`Index`]: parsing what the rep typed into terms, planning each term over the
//! gram posting lists, evaluating and verifying candidates, and the cached ordered result that
//! paging continues from.

use super::*;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Term {
    Text(String),
    /// digits, and whether the term also matches texts (a bare digit token)
    Digits(String, bool),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct CacheKey {
    text: String,
    filter: Filter,
    sort: Sort,
    generation: u64,
}

/// Candidate set during a query.
enum Set {
    Dense(Bits),
    Sparse(Vec<u32>),
}

impl Set {
    fn len(&self) -> usize {
        match self {
            Set::Dense(b) => b.count(),
            Set::Sparse(v) => v.len(),
        }
    }
    fn into_bits(self, n: usize) -> Bits {
        match self {
            Set::Dense(b) => b,
            Set::Sparse(v) => {
                let mut b = Bits::with_len(n);
                for s in v {
                    b.set(s);
                }
                b
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Text,
    Phones,
}

/// How to evaluate one alternative of a term: the gram postings it needs (smallest first) and,
/// for terms longer than the grams, the needle to verify with a substring search.
struct Plan<'a> {
    postings: Vec<&'a Posting>,
    verify: Option<(memchr::memmem::Finder<'a>, Field)>,
}

/// The last query's result: `items` is the ordered prefix collected so far; the rest is found
/// by walking the sort order from (`seg`, `pos`) and testing `mask`.
pub(super) struct Cached {
    key: CacheKey,
    sort: Sort,
    mask: Bits,
    total: usize,
    items: Vec<u32>,
    seg: usize,
    pos: usize,
    /// birthday rotation: order positions [p, with) first, then [0, p), then [with, len)
    with: usize,
    p: usize,
    complete: bool,
}

fn is_phone_sep(c: char) -> bool {
    matches!(c, '+' | '-' | '(' | ')' | '.')
}

fn is_phone_like(tok: &str) -> bool {
    tok.chars().any(|c| c.is_ascii_digit())
        && tok.chars().all(|c| c.is_ascii_digit() || is_phone_sep(c))
}

/// Splits a query into terms (see the crate docs for the rules).
fn parse_terms(text: &str) -> Vec<Term> {
    let folded = fold(text);
    let toks: Vec<&str> = folded.split(' ').filter(|t| !t.is_empty()).collect();
    let mut terms = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if is_phone_like(toks[i]) {
            let mut j = i + 1;
            while j < toks.len() && is_phone_like(toks[j]) {
                j += 1;
            }
            let digits: String = toks[i..j]
                .iter()
                .flat_map(|t| t.chars())
                .filter(|c| c.is_ascii_digit())
                .collect();
            let bare = j == i + 1 && toks[i].bytes().all(|b| b.is_ascii_digit());
            terms.push(Term::Digits(digits, bare));
            i = j;
        } else {
            terms.push(Term::Text(toks[i].to_string()));
            i += 1;
        }
    }
    let mut seen = Vec::new();
    terms.retain(|t| {
        if seen.contains(t) {
            false
        } else {
            seen.push(t.clone());
            true
        }
    });
    terms
}

impl<T> Index<T> {
    /// Runs a query; `total` is exact, `items` is the page `offset..offset+limit`.
    ///
    /// The last query's result is cached (as a bitset plus the ordered prefix produced so far),
    /// so paging through it only walks the sort order further.
    pub fn query(
        &mut self,
        text: &str,
        filter: &Filter,
        sort: Sort,
        offset: usize,
        limit: usize,
    ) -> Page<'_, T> {
        let key = CacheKey {
            text: text.to_string(),
            filter: filter.clone(),
            sort,
            generation: self.generation,
        };
        let hit = matches!(&self.cache, Some(c) if c.key == key);
        if !hit {
            let old = self.cache.take();
            let res = self.compute(key, filter, sort, old);
            self.cache = Some(res);
        }
        let need = offset.saturating_add(limit);
        let mut cache = self.cache.take().expect("cache filled");
        self.extend_result(&mut cache, need);
        self.cache = Some(cache);
        let c = self.cache.as_ref().expect("cache filled");
        let total = c.total;
        let start = offset.min(c.items.len());
        let end = need.min(c.items.len());
        let items = c.items[start..end]
            .iter()
            .map(|&s| &self.live[s as usize].as_ref().expect("alive slot").payload)
            .collect();
        Page { total, items }
    }

    fn order_of(&self, sort: Sort) -> &[u32] {
        match sort {
            Sort::Name => &self.name_order,
            Sort::Recent => &self.recent_order,
            Sort::NextBirthday { .. } => &self.bday_order,
        }
    }

    /// Walks the sort order from the cursor until `need` items are collected.
    fn extend_result(&self, c: &mut Cached, need: usize) {
        if c.items.len() >= need || c.complete {
            return;
        }
        let order = self.order_of(c.sort);
        let (with, p) = (c.with, c.p);
        let segs = [(p, with), (0, p), (with, order.len())];
        while c.seg < 3 {
            let (a, b) = segs[c.seg];
            let mut i = a + c.pos;
            while i < b {
                let s = order[i];
                i += 1;
                if c.mask.contains(s) {
                    c.items.push(s);
                    if c.items.len() >= need {
                        c.pos = i - a;
                        return;
                    }
                }
            }
            c.seg += 1;
            c.pos = 0;
        }
        c.complete = true;
    }

    /// The gram plan(s) for one term; an empty Vec means the term can match nothing.
    fn plans<'a>(&'a self, term: &'a Term) -> Vec<Plan<'a>> {
        let mut out = Vec::new();
        let text_plan = |s: &'a str| -> Option<Plan<'a>> {
            let chars: Vec<char> = s.chars().collect();
            let mut postings: Vec<&Posting> = match chars.len() {
                1 => vec![&self.text_grams.uni[self.text_grams.lookup_char(chars[0])? as usize]],
                2 => {
                    let a = self.text_grams.lookup_char(chars[0])?;
                    let b = self.text_grams.lookup_char(chars[1])?;
                    vec![self.text_grams.lookup_bigram(a, b)?]
                }
                _ => {
                    let mut v = Vec::with_capacity(chars.len() - 2);
                    for w in chars.windows(3) {
                        v.push(self.trigrams.get(w[0], w[1], w[2])?);
                    }
                    v
                }
            };
            postings.sort_by_key(|p| p.len());
            postings.dedup_by(|a, b| std::ptr::eq(*a, *b));
            if postings[0].len() == 0 {
                return None;
            }
            let verify =
                (chars.len() > 3).then(|| (memchr::memmem::Finder::new(s.as_bytes()), Field::Text));
            Some(Plan { postings, verify })
        };
        match term {
            Term::Text(s) => out.extend(text_plan(s)),
            Term::Digits(d, bare) => {
                let b = d.as_bytes();
                let mut postings: Vec<&Posting> = if b.len() <= 3 {
                    vec![&self.digit_grams.grams[digit_gram_index(b)]]
                } else {
                    b.windows(3)
                        .map(|w| &self.digit_grams.grams[digit_gram_index(w)])
                        .collect()
                };
                postings.sort_by_key(|p| p.len());
                postings.dedup_by(|a, b| std::ptr::eq(*a, *b));
                if postings[0].len() > 0 {
                    let verify =
                        (b.len() > 3).then(|| (memchr::memmem::Finder::new(b), Field::Phones));
                    out.push(Plan { postings, verify });
                }
                if *bare {
                    out.extend(text_plan(d));
                }
            }
        }
        out
    }

    #[inline]
    fn verify(&self, plan: &Plan<'_>, s: u32) -> bool {
        match &plan.verify {
            None => true,
            Some((finder, field)) => {
                let hay = if *field == Field::Text {
                    let (a, b) = self.text_span[s as usize];
                    &self.text_arena.as_bytes()[a as usize..b as usize]
                } else {
                    let (a, b) = self.phone_span[s as usize];
                    &self.phone_arena.as_bytes()[a as usize..b as usize]
                };
                finder.find(hay).is_some()
            }
        }
    }

    /// Evaluates one plan, restricted to `cur` when given. Candidates are produced in ascending
    /// slot order, so list postings are probed by galloping cursors.
    fn eval_plan(&self, plan: &Plan<'_>, cur: Option<&Set>) -> Set {
        let first = plan.postings[0];
        if let Some(Set::Sparse(v)) = cur {
            if v.len() <= first.len() {
                let mut members: Vec<Member<'_>> =
                    plan.postings.iter().map(|p| Member::new(p)).collect();
                return Set::Sparse(
                    v.iter()
                        .copied()
                        .filter(|&s| {
                            members.iter_mut().all(|m| m.contains(s)) && self.verify(plan, s)
                        })
                        .collect(),
                );
            }
        }
        if plan
            .postings
            .iter()
            .all(|p| matches!(p, Posting::Dense { .. }))
        {
            // AND the bitsets word-wise, then verify what is left (if the term needs it).
            let mut bits = match first {
                Posting::Dense { bits, .. } => bits.clone(),
                Posting::List(_) => unreachable!("checked dense"),
            };
            for p in &plan.postings[1..] {
                if let Posting::Dense { bits: b, .. } = p {
                    bits.and_with(b);
                }
            }
            match cur {
                Some(Set::Dense(c)) => bits.and_with(c),
                Some(Set::Sparse(v)) => {
                    return Set::Sparse(
                        v.iter()
                            .copied()
                            .filter(|&s| bits.contains(s) && self.verify(plan, s))
                            .collect(),
                    );
                }
                None => {}
            }
            if plan.verify.is_some() {
                let keep: Vec<u32> = bits.iter().filter(|&s| self.verify(plan, s)).collect();
                return Set::Sparse(keep);
            }
            return Set::Dense(bits);
        }
        let mut members: Vec<Member<'_>> =
            plan.postings[1..].iter().map(|p| Member::new(p)).collect();
        let mut cur_seek = match cur {
            Some(Set::Sparse(v)) => Some(Seek::new(v)),
            _ => None,
        };
        let mut out = Vec::new();
        first.for_each(|s| {
            let in_cur = match (cur, cur_seek.as_mut()) {
                (None, _) => true,
                (Some(Set::Dense(b)), _) => b.contains(s),
                (Some(Set::Sparse(_)), Some(sk)) => sk.contains(s),
                (Some(Set::Sparse(_)), None) => unreachable!("seek made for sparse"),
            };
            if in_cur && members.iter_mut().all(|m| m.contains(s)) && self.verify(plan, s) {
                out.push(s);
            }
        });
        Set::Sparse(out)
    }

    /// The set of slots matching all terms (dead slots may remain; callers check `alive`).
    fn match_terms(&self, terms: &[Term]) -> Set {
        let n = self.live.len();
        let mut plans: Vec<Vec<Plan<'_>>> = terms.iter().map(|t| self.plans(t)).collect();
        if plans.iter().any(|p| p.is_empty()) {
            return Set::Sparse(Vec::new());
        }
        let cost = |ps: &Vec<Plan<'_>>| ps.iter().map(|p| p.postings[0].len()).sum::<usize>();
        plans.sort_by_key(cost);
        let mut cur: Option<Set> = None;
        for alts in &plans {
            let next = if alts.len() == 1 {
                self.eval_plan(&alts[0], cur.as_ref())
            } else {
                // OR of alternatives (bare digits: phones or texts).
                let mut acc = Bits::with_len(n);
                for p in alts {
                    match self.eval_plan(p, cur.as_ref()) {
                        Set::Dense(b) => {
                            for (o, w) in acc.words.iter_mut().zip(&b.words) {
                                *o |= *w;
                            }
                        }
                        Set::Sparse(v) => v.into_iter().for_each(|s| acc.set(s)),
                    }
                }
                Set::Dense(acc)
            };
            let empty = next.len() == 0;
            cur = Some(next);
            if empty {
                break;
            }
        }
        cur.unwrap_or(Set::Sparse(Vec::new()))
    }

    fn ids_bits(&self, post: &[Vec<u32>], ids: &[u32], n: usize) -> Bits {
        let mut b = Bits::with_len(n);
        for &id in ids {
            if let Some(v) = post.get(id as usize) {
                v.iter().for_each(|&s| b.set(s));
            }
        }
        b
    }

    fn compute(
        &mut self,
        key: CacheKey,
        filter: &Filter,
        sort: Sort,
        old: Option<Cached>,
    ) -> Cached {
        let n = self.live.len();
        // Reuse the previous result's buffers.
        let (mut items, old_mask) = match old {
            Some(c) => (c.items, Some(c.mask)),
            None => (Vec::new(), None),
        };
        items.clear();
        let (with, p) = match sort {
            Sort::NextBirthday { today_md } => {
                let with = self
                    .bday_order
                    .partition_point(|&s| self.bday[s as usize] != NO_BDAY);
                let p =
                    self.bday_order[..with].partition_point(|&s| self.bday[s as usize] < today_md);
                (with, p)
            }
            _ => (0, 0),
        };
        let empty = |items: Vec<u32>| Cached {
            key: key.clone(),
            sort,
            mask: Bits::default(),
            total: 0,
            items,
            seg: 3,
            pos: 0,
            with,
            p,
            complete: true,
        };
        let terms = parse_terms(&key.text);
        let cats: Option<Vec<u32>> = if filter.categories.is_empty() {
            None
        } else {
            let v: Vec<u32> = filter
                .categories
                .iter()
                .filter_map(|c| self.categories.get(c))
                .collect();
            if v.is_empty() {
                return empty(items);
            }
            Some(v)
        };
        let tag: Option<u32> = match &filter.tag {
            Some(t) => match self.tags.get(&fold(t)) {
                Some(id) => Some(id),
                None => return empty(items),
            },
            None => None,
        };
        let city: Option<u32> = match &filter.city {
            Some(c) => match self.cities.get(&fold(c)) {
                Some(id) => Some(id),
                None => return empty(items),
            },
            None => None,
        };
        if !terms.is_empty() {
            self.finish_indexing();
        }
        let set = if terms.is_empty() {
            None
        } else {
            Some(self.match_terms(&terms))
        };

        // Small result: filter each match and sort by rank.
        if let Some(Set::Sparse(v)) = &set {
            if v.len() <= n / 16 {
                items.extend(v.iter().copied().filter(|&s| {
                    self.alive.contains(s)
                        && cats
                            .as_ref()
                            .is_none_or(|c| c.contains(&self.category[s as usize]))
                        && city.is_none_or(|c| self.city[s as usize] == c)
                        && tag.is_none_or(|t| {
                            self.live[s as usize]
                                .as_ref()
                                .is_some_and(|l| l.tags.contains(&t))
                        })
                }));
                self.ensure_ranks();
                let rank: &[u32] = match sort {
                    Sort::Name => &self.name_rank,
                    Sort::Recent => &self.recent_rank,
                    Sort::NextBirthday { .. } => &self.bday_rank,
                };
                let rot = |s: &u32| -> u32 {
                    let r = rank[*s as usize] as usize;
                    let r = if r >= with {
                        r
                    } else if r >= p {
                        r - p
                    } else {
                        r + (with - p)
                    };
                    r as u32
                };
                items.sort_unstable_by_key(rot);
                let total = items.len();
                return Cached {
                    total,
                    ..empty(items)
                };
            }
        }
        // Large result: a bitset mask (matches ∧ alive ∧ filters), walked in sort order lazily.
        let mut mask = match set {
            Some(set) => {
                let mut m = set.into_bits(n);
                m.and_with(&self.alive);
                m
            }
            None => {
                let mut m = old_mask.unwrap_or_default();
                m.words.clear();
                m.words.extend_from_slice(&self.alive.words);
                m
            }
        };
        if let Some(c) = &cats {
            mask.and_with(&self.ids_bits(&self.cat_post, c, n));
        }
        if let Some(c) = city {
            mask.and_with(&self.ids_bits(&self.city_post, &[c], n));
        }
        if let Some(t) = tag {
            mask.and_with(&self.ids_bits(&self.tag_post, &[t], n));
        }
        let total = mask.count();
        Cached {
            key,
            sort,
            mask,
            total,
            items,
            seg: 0,
            pos: 0,
            with,
            p,
            complete: total == 0,
        }
    }
}
