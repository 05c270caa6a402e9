//! In-memory search index over the client base.
//!
//! CONTRACT (the store builds on this; keep these names and shapes):
//!
//! ```text
//! pub fn fold(s: &str) -> String;                 // lowercase, strip accents (Greek too), ё→е, ς→σ, …
//! pub struct SearchDoc<T> { key, sort_name, texts, phone_digits, category, tags, city, created_ms, birthday_md, payload: T }
//! pub struct Filter { categories: Vec<String>, tag: Option<String>, city: Option<String> }
//! pub enum Sort { Name, Recent, NextBirthday { today_md: u16 } }
//! pub struct Page<'a, T> { total: usize, items: Vec<&'a T> }
//! impl<T> Index<T> {
//!     pub fn new(locale: &str) -> Self;            // "en" | "ru" | "uk" | "el" | "zh"
//!     pub fn set_locale(&mut self, locale: &str);  // changes the Name collation
//!     pub fn bulk_load(&mut self, docs: Vec<SearchDoc<T>>);
//!     pub fn bulk_load_held(&mut self, docs: Vec<SearchDoc<T>>); // postings wait for start_indexing()
//!     pub fn start_indexing(&mut self); pub fn finish_indexing(&mut self);
//!     pub fn name_keys(&self) -> impl Iterator<Item = (&[u8], &str)>; // live docs in Name order
//!     pub fn upsert(&mut self, doc: SearchDoc<T>);
//!     pub fn remove(&mut self, key: &str) -> bool;
//!     pub fn len(&self) -> usize;
//!     pub fn query(&mut self, text: &str, filter: &Filter, sort: Sort, offset: usize, limit: usize) -> Page<'_, T>;
//!     pub fn tags(&self) -> Vec<String>; pub fn cities(&self) -> Vec<String>;  // distinct, for filter pickers
//! }
//! pub struct NameKeys;  // NameKeys::new(locale).key(name, doc_key): the bytes the Name order compares
//! ```
//!
//! # Matching semantics
//!
//! The query text is folded with [`fold`] and split on white space into terms; a document
//! matches when EVERY term matches (AND).
//!
//! - A *text term* matches when it is a substring of one of the document's folded `texts`
//!   (case- and accent-insensitive in every script; CJK needs no word boundaries).
//! - A *phone term* is a token made only of digits and phone separators (space `+ - ( ) .`),
//!   containing at least one digit. Consecutive phone-like tokens are merged into ONE digit term
//!   (`"067 123"` → `067123`, `"+38 (067) 12-34"` → `38067 1234` → `380671234`). A digit term
//!   matches when it is a substring of one of the document's `phone_digits` (non-digits removed).
//! - A token that is *only* ASCII digits (no separators, not merged with a neighbour, e.g. `12`
//!   or `2024`) matches the phone digits OR the texts (house numbers, years, amounts in notes).
//!
//! Filters: `categories` (any of, exact string), `tag` (exact after folding), `city` (exact after
//! folding). An empty text lists everything that passes the filter.
//!
//! Sorts: `Name` (ICU4X collation of `sort_name` for the index locale: Ukrainian і/ї/є/ґ in
//! their alphabet places, Chinese by pinyin, Greek tailoring for "el"; exact ties by document
//! key), `Recent` (`created_ms` descending, ties by name), `NextBirthday { today_md }` (the
//! next upcoming month-day counted from today, today's birthdays first, wrapping the year end;
//! ties by name; no birthday last, by name).
//!
//! `tags()` / `cities()` return one spelling per folded value (the first one seen), in collation
//! order; `Filter::tag` / `Filter::city` compare folded, so "VIP" and "vip" are one tag.
//!
//! # How it is fast
//!
//! - Slots are append-only (an upsert of an existing key kills the old slot and appends a new
//!   one); dead slots are dropped by a full rebuild once they exceed a quarter of the live ones
//!   (and at least 4096), so a single upsert is O(grams + log n) plus three `Vec::insert`s into the
//!   precomputed sort orders (~tens of µs at 100k).
//! - Postings per folded character unigram, bigram and trigram, and per phone digit 1-, 2- and
//!   3-gram; lists covering more than 1/32 of the docs are bitsets. A 1-, 2- or 3-character term
//!   is answered exactly by one posting; longer terms intersect their trigram postings (rarest
//!   first) and verify candidates with `memchr::memmem` against the folded text arena.
//! - The match set becomes a bitset (∧ alive ∧ filters); `total` is a popcount and the page is
//!   found by walking the precomputed sort order until `offset + limit` hits, so a 1-letter query
//!   matching 80% of the base costs a few µs. Small match sets are instead sorted by rank.
//!   The last result (bitset + walk cursor) is cached, so the next page continues the walk.
//! - `bulk_load` folds and computes collation keys on two threads, builds the sort orders and
//!   returns; the postings are built on a background thread meanwhile. The first query with text
//!   (or [`Index::finish_indexing`]) waits for them; an empty-text list never does.

#![forbid(unsafe_code)]

mod fold;
mod posting;
mod query;

pub use fold::{fold, fold_into};

use icu_collator::options::CollatorOptions;
use icu_collator::{Collator, CollatorBorrowed};
use icu_locale_core::Locale;
use posting::{
    digit_gram_index, Bits, DigitGrams, FxMap, Member, Posting, Seek, TextGrams, Trigrams,
};
use query::Cached;

/// One client as the index sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchDoc<T> {
    /// Unique id (the store uses the client's UUID).
    pub key: String,
    /// The display name to collate by (e.g. "Ivanov Ivan" or the company name).
    pub sort_name: String,
    /// Searchable texts: names, company, contact persons, e-mails, city, tags, notes, hobbies…
    pub texts: Vec<String>,
    /// Digit strings of the phones (E.164 digits and national form); non-digits are ignored.
    pub phone_digits: Vec<String>,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub city: String,
    pub created_ms: i64,
    /// month*100 + day, e.g. 1231 for 31 December.
    pub birthday_md: Option<u16>,
    pub payload: T,
}

/// Filter applied in addition to the text query.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Filter {
    /// Any of these categories (exact string); empty = no category filter.
    pub categories: Vec<String>,
    /// Exact tag, compared after folding.
    pub tag: Option<String>,
    /// Exact city, compared after folding.
    pub city: Option<String>,
}

/// Result order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sort {
    /// Collation order of `sort_name` in the index locale.
    Name,
    /// Newest `created_ms` first.
    Recent,
    /// Upcoming birthdays first, counted from `today_md` (month*100+day), wrapping the year end.
    NextBirthday { today_md: u16 },
}

/// One page of results.
#[derive(Debug)]
pub struct Page<'a, T> {
    /// Exact number of matching documents (for the virtual list).
    pub total: usize,
    pub items: Vec<&'a T>,
}

/// Interned strings with reference counts (for tags / cities / categories).
#[derive(Debug, Default)]
struct Interner {
    map: FxMap<String, u32>,
    display: Vec<String>,
    count: Vec<u32>,
}

impl Interner {
    fn intern(&mut self, folded: &str, display: &str) -> u32 {
        if let Some(&id) = self.map.get(folded) {
            if self.count[id as usize] == 0 {
                self.display[id as usize] = display.to_string();
            }
            self.count[id as usize] += 1;
            return id;
        }
        let id = self.display.len() as u32;
        self.map.insert(folded.to_string(), id);
        self.display.push(display.to_string());
        self.count.push(1);
        id
    }
    fn release(&mut self, id: u32) {
        let c = &mut self.count[id as usize];
        *c = c.saturating_sub(1);
    }
    fn get(&self, folded: &str) -> Option<u32> {
        self.map
            .get(folded)
            .copied()
            .filter(|&id| self.count[id as usize] > 0)
    }
    fn live(&self) -> Vec<String> {
        self.display
            .iter()
            .zip(&self.count)
            .filter(|(d, &c)| c > 0 && !d.is_empty())
            .map(|(d, _)| d.clone())
            .collect()
    }
}

/// The live part of a slot (dropped on removal).
struct Live<T> {
    key: String,
    sort_name: String,
    tags: Box<[u32]>,
    payload: T,
}

/// Fold work for a run of docs: folded texts and phone digits appended to arenas (one span per
/// doc), plus collation sort keys. `bulk_load` runs two of these in parallel.
#[derive(Default)]
struct Prepared {
    text: String,
    text_span: Vec<(u32, u32)>,
    phones: String,
    phone_span: Vec<(u32, u32)>,
    sort_keys: Vec<Box<[u8]>>,
}

impl Prepared {
    fn add(
        &mut self,
        coll: &CollatorBorrowed<'_>,
        sort_name: &str,
        key: &str,
        texts: &[String],
        phone_digits: &[String],
    ) {
        let doc_start = self.text.len();
        for t in texts {
            let start = self.text.len();
            if start > doc_start {
                self.text.push('\n');
            }
            fold_into(t, &mut self.text);
            if start > doc_start && self.text.len() == start + 1 {
                self.text.pop();
            }
        }
        self.text_span
            .push((doc_start as u32, self.text.len() as u32));
        let doc_start = self.phones.len();
        for p in phone_digits {
            let before = self.phones.len();
            if before > doc_start {
                self.phones.push(' ');
            }
            self.phones.extend(p.chars().filter(|c| c.is_ascii_digit()));
            if before > doc_start && self.phones.len() == before + 1 {
                self.phones.pop();
            }
        }
        self.phone_span
            .push((doc_start as u32, self.phones.len() as u32));
        let mut buf = Vec::with_capacity(sort_name.len() * 3 + key.len() + 1);
        write_name_key(coll, sort_name, key, &mut buf);
        self.sort_keys.push(buf.into());
    }

    /// Appends `other`, shifting its spans.
    fn append(&mut self, other: Prepared) {
        let dt = self.text.len() as u32;
        let dp = self.phones.len() as u32;
        // Headroom of 1/8 so that upserts after a bulk load do not immediately copy the arena.
        let t = self.text.len() + other.text.len();
        self.text.reserve_exact(other.text.len() + t / 8);
        let p = self.phones.len() + other.phones.len();
        self.phones.reserve_exact(other.phones.len() + p / 8);
        self.text.push_str(&other.text);
        self.phones.push_str(&other.phones);
        self.text_span
            .extend(other.text_span.iter().map(|&(a, b)| (a + dt, b + dt)));
        self.phone_span
            .extend(other.phone_span.iter().map(|&(a, b)| (a + dp, b + dp)));
        self.sort_keys.extend(other.sort_keys);
    }
}

#[inline]
fn span_str<'a>(arena: &'a str, spans: &[(u32, u32)], s: usize) -> &'a str {
    let (a, b) = spans[s];
    &arena[a as usize..b as usize]
}

fn build_unibi(text: &str, spans: &[(u32, u32)], alive: &Bits) -> TextGrams {
    let mut tg = TextGrams::new();
    for slot in 0..spans.len() {
        if alive.contains(slot as u32) {
            tg.add(slot as u32, span_str(text, spans, slot));
        }
    }
    tg.densify(spans.len());
    tg
}

fn build_tri_digits(
    text: &str,
    spans: &[(u32, u32)],
    phones: &str,
    phone_spans: &[(u32, u32)],
    alive: &Bits,
) -> (Trigrams, DigitGrams) {
    let n = spans.len();
    let mut tri = Trigrams::default();
    let mut dg = DigitGrams::default();
    for slot in 0..n {
        if alive.contains(slot as u32) {
            tri.add(slot as u32, span_str(text, spans, slot));
            dg.add(slot as u32, span_str(phones, phone_spans, slot));
        }
    }
    tri.densify(n);
    dg.densify(n);
    (tri, dg)
}

type Orders = (Vec<u32>, Vec<u32>, Vec<u32>);

fn build_orders(sort_key: &[Box<[u8]>], created: &[i64], bday: &[u16]) -> Orders {
    let n = sort_key.len();
    // Sort by an 8-byte big-endian prefix of the key first (cache-resident comparisons); only
    // ties on the prefix look at the full keys on the heap.
    let prefix = |k: &[u8]| -> u64 {
        let mut b = [0u8; 8];
        let m = k.len().min(8);
        b[..m].copy_from_slice(&k[..m]);
        u64::from_be_bytes(b)
    };
    let mut keyed: Vec<(u64, u32)> = (0..n).map(|s| (prefix(&sort_key[s]), s as u32)).collect();
    keyed.sort_unstable_by(|a, b| {
        a.0.cmp(&b.0).then_with(|| {
            let (ka, kb) = (&sort_key[a.1 as usize], &sort_key[b.1 as usize]);
            ka.get(8..)
                .unwrap_or(&[])
                .cmp(kb.get(8..).unwrap_or(&[]))
                .then(a.1.cmp(&b.1))
        })
    });
    let name: Vec<u32> = keyed.into_iter().map(|(_, s)| s).collect();
    let mut rank = vec![0u32; n];
    for (i, &s) in name.iter().enumerate() {
        rank[s as usize] = i as u32;
    }
    let mut recent = name.clone();
    recent.sort_unstable_by_key(|&s| (std::cmp::Reverse(created[s as usize]), rank[s as usize]));
    let mut bd = name.clone();
    bd.sort_unstable_by_key(|&s| (bday[s as usize], rank[s as usize]));
    (name, recent, bd)
}

const NO_BDAY: u16 = u16::MAX;
const COMPACT_MIN_DEAD: usize = 4096;

/// The in-memory index.
pub struct Index<T> {
    locale: String,
    collator: CollatorBorrowed<'static>,
    // ---- per slot (slots are append-only until a rebuild) ----
    live: Vec<Option<Live<T>>>,
    /// Folded texts of each slot joined by '\n' (folded text never contains '\n'), in one arena
    /// in slot order (verification scans candidates in increasing address order).
    text_arena: String,
    text_span: Vec<(u32, u32)>,
    /// Phone digit strings of each slot joined by ' '.
    phone_arena: String,
    phone_span: Vec<(u32, u32)>,
    sort_key: Vec<Box<[u8]>>,
    created: Vec<i64>,
    bday: Vec<u16>,
    category: Vec<u32>,
    city: Vec<u32>,
    alive: Bits,
    n_alive: usize,
    n_dead: usize,
    by_key: FxMap<String, u32>,
    tags: Interner,
    cities: Interner,
    categories: Interner,
    /// tag id → slots (sorted; may include dead slots)
    tag_post: Vec<Vec<u32>>,
    /// city id → slots, category id → slots (sorted; may include dead slots)
    city_post: Vec<Vec<u32>>,
    cat_post: Vec<Vec<u32>>,
    text_grams: TextGrams,
    trigrams: Trigrams,
    digit_grams: DigitGrams,
    // ---- orders (contain dead slots until a rebuild) ----
    name_order: Vec<u32>,
    recent_order: Vec<u32>,
    /// by (birthday month-day, none last), then name
    bday_order: Vec<u32>,
    ranks_valid: bool,
    name_rank: Vec<u32>,
    recent_rank: Vec<u32>,
    bday_rank: Vec<u32>,
    generation: u64,
    cache: Option<Cached>,
    pending: Option<PendingGrams>,
}

/// Postings being built in the background after `bulk_load`, covering slots `0..upto`.
struct PendingGrams {
    job: GramJob,
    upto: usize,
}

type Grams = (TextGrams, Trigrams, DigitGrams);

/// The postings of a bulk load: running on their thread, or (after [`Index::bulk_load_held`])
/// waiting for [`Index::start_indexing`] with their inputs.
enum GramJob {
    Running(std::thread::JoinHandle<Grams>),
    Held(Box<GramInputs>),
}

/// Copies of the folded arenas and the live set that the postings are built from.
struct GramInputs {
    text: String,
    spans: Vec<(u32, u32)>,
    phones: String,
    phone_spans: Vec<(u32, u32)>,
    alive: Bits,
}

impl GramInputs {
    fn build(self) -> Grams {
        let tg = build_unibi(&self.text, &self.spans, &self.alive);
        let (tri, dg) = build_tri_digits(
            &self.text,
            &self.spans,
            &self.phones,
            &self.phone_spans,
            &self.alive,
        );
        (tg, tri, dg)
    }
}

fn push_post(post: &mut Vec<Vec<u32>>, id: u32, slot: u32) {
    if post.len() <= id as usize {
        post.resize(id as usize + 1, Vec::new());
    }
    post[id as usize].push(slot);
}

fn make_collator(locale: &str) -> CollatorBorrowed<'static> {
    let loc: Locale = locale
        .parse()
        .unwrap_or_else(|_| "en".parse().expect("en parses"));
    Collator::try_new(loc.into(), CollatorOptions::default())
        .or_else(|_| Collator::try_new(Default::default(), CollatorOptions::default()))
        .expect("root collation data is compiled in")
}

/// The Name-order key of a document: the collation sort key of its name, a 0 byte, its key.
/// ICU4X sort keys hold no 0 byte, so comparing these bytewise orders by collation first and breaks
/// ties (equal names) by the document key: the order is total and does not depend on slots.
fn write_name_key(coll: &CollatorBorrowed<'_>, name: &str, key: &str, buf: &mut Vec<u8>) {
    let _ = coll.write_sort_key_to(name, buf);
    buf.push(0);
    buf.extend_from_slice(key.as_bytes());
}

/// Collation sort keys of names, byte-identical to the ones [`Index`] orders its Name sort by (same
/// collator, same options): a store can persist them and page the Name order from its own index
/// while an [`Index`] is still being built (comparing keys as bytes equals comparing the names).
pub struct NameKeys {
    collator: CollatorBorrowed<'static>,
}

impl NameKeys {
    pub fn new(locale: &str) -> Self {
        NameKeys {
            collator: make_collator(locale),
        }
    }

    /// The Name-order key of the document `key` named `name` in this locale (what the index sorts by).
    pub fn key(&self, name: &str, key: &str) -> Vec<u8> {
        let mut buf = Vec::with_capacity(name.len() * 3 + key.len() + 1);
        write_name_key(&self.collator, name, key, &mut buf);
        buf
    }
}

impl<T> Index<T> {
    /// A new empty index whose Name sort uses `locale` ("en", "ru", "uk", "el", "zh", …).
    pub fn new(locale: &str) -> Self {
        Index {
            locale: locale.to_string(),
            collator: make_collator(locale),
            live: Vec::new(),
            text_arena: String::new(),
            text_span: Vec::new(),
            phone_arena: String::new(),
            phone_span: Vec::new(),
            sort_key: Vec::new(),
            created: Vec::new(),
            bday: Vec::new(),
            category: Vec::new(),
            city: Vec::new(),
            alive: Bits::default(),
            n_alive: 0,
            n_dead: 0,
            by_key: FxMap::default(),
            tags: Interner::default(),
            cities: Interner::default(),
            categories: Interner::default(),
            tag_post: Vec::new(),
            city_post: Vec::new(),
            cat_post: Vec::new(),
            text_grams: TextGrams::new(),
            trigrams: Trigrams::default(),
            digit_grams: DigitGrams::default(),
            name_order: Vec::new(),
            recent_order: Vec::new(),
            bday_order: Vec::new(),
            ranks_valid: false,
            name_rank: Vec::new(),
            recent_rank: Vec::new(),
            bday_rank: Vec::new(),
            generation: 0,
            cache: None,
            pending: None,
        }
    }

    /// The locale of the Name collation.
    pub fn locale(&self) -> &str {
        &self.locale
    }

    /// Changes the Name collation (recomputes the sort keys and the Name order).
    pub fn set_locale(&mut self, locale: &str) {
        if locale == self.locale {
            return;
        }
        self.locale = locale.to_string();
        self.collator = make_collator(locale);
        self.rebuild(true);
    }

    /// Number of documents.
    pub fn len(&self) -> usize {
        self.n_alive
    }

    pub fn is_empty(&self) -> bool {
        self.n_alive == 0
    }

    fn touch(&mut self) {
        self.generation += 1;
        self.cache = None;
    }

    /// Appends a slot (no grams, no orders).
    /// Appends a slot's metadata (not its text/phone spans, not grams, not orders).
    fn push_meta(&mut self, doc: SearchDoc<T>, sort_key: Box<[u8]>, fold_buf: &mut String) -> u32 {
        let slot = self.live.len() as u32;
        let category = self.categories.intern(
            doc.category.as_deref().unwrap_or(""),
            doc.category.as_deref().unwrap_or(""),
        );
        let mut tags: Vec<u32> = doc
            .tags
            .iter()
            .map(|t| {
                fold_buf.clear();
                fold_into(t, fold_buf);
                self.tags.intern(fold_buf, t.trim())
            })
            .collect();
        tags.sort_unstable();
        tags.dedup();
        for &t in &tags {
            if self.tag_post.len() <= t as usize {
                self.tag_post.resize(t as usize + 1, Vec::new());
            }
            self.tag_post[t as usize].push(slot);
        }
        fold_buf.clear();
        fold_into(&doc.city, fold_buf);
        let city = self.cities.intern(fold_buf, doc.city.trim());
        push_post(&mut self.city_post, city, slot);
        push_post(&mut self.cat_post, category, slot);
        self.sort_key.push(sort_key);
        self.created.push(doc.created_ms);
        self.bday
            .push(doc.birthday_md.filter(|&b| b != NO_BDAY).unwrap_or(NO_BDAY));
        self.category.push(category);
        self.city.push(city);
        self.alive.set(slot);
        self.n_alive += 1;
        self.by_key.insert(doc.key.clone(), slot);
        self.live.push(Some(Live {
            key: doc.key,
            sort_name: doc.sort_name,
            tags: tags.into(),
            payload: doc.payload,
        }));
        slot
    }

    fn kill_slot(&mut self, slot: u32) {
        if let Some(l) = self.live[slot as usize].take() {
            self.categories.release(self.category[slot as usize]);
            self.cities.release(self.city[slot as usize]);
            for &t in l.tags.iter() {
                self.tags.release(t);
            }
            self.by_key.remove(&l.key);
            self.alive.clear(slot);
            self.n_alive -= 1;
            self.n_dead += 1;
        }
    }

    fn cmp_name(&self, a: u32, b: u32) -> std::cmp::Ordering {
        self.sort_key[a as usize]
            .cmp(&self.sort_key[b as usize])
            .then(a.cmp(&b))
    }

    /// Builds grams and orders for all slots from scratch (uni/bigrams and tri/digit grams on
    /// two workers, orders on the calling thread).
    fn finish_build(&mut self) {
        let (text, spans) = (&self.text_arena, &self.text_span);
        let (phones, phone_spans) = (&self.phone_arena, &self.phone_span);
        let alive = &self.alive;
        let (orders, tg, (tri, dg)) = std::thread::scope(|sc| {
            let h1 = sc.spawn(move || build_unibi(text, spans, alive));
            let h2 = sc.spawn(move || build_tri_digits(text, spans, phones, phone_spans, alive));
            let orders = build_orders(&self.sort_key, &self.created, &self.bday);
            (
                orders,
                h1.join().expect("gram worker"),
                h2.join().expect("gram worker"),
            )
        });
        (self.name_order, self.recent_order, self.bday_order) = orders;
        self.text_grams = tg;
        self.trigrams = tri;
        self.digit_grams = dg;
        self.ranks_valid = false;
    }

    /// Renumbers the live slots densely (drops dead ones) and rebuilds; with `rekey`, recomputes
    /// the collation sort keys too.
    fn rebuild(&mut self, rekey: bool) {
        self.finish_indexing();
        let old_live = std::mem::take(&mut self.live);
        let old_keys = std::mem::take(&mut self.sort_key);
        let old_created = std::mem::take(&mut self.created);
        let old_bday = std::mem::take(&mut self.bday);
        let old_cat = std::mem::take(&mut self.category);
        let old_city = std::mem::take(&mut self.city);
        let old_text = std::mem::take(&mut self.text_arena);
        let old_text_span = std::mem::take(&mut self.text_span);
        let old_phone = std::mem::take(&mut self.phone_arena);
        let old_phone_span = std::mem::take(&mut self.phone_span);
        self.alive = Bits::default();
        self.by_key.clear();
        self.tag_post.iter_mut().for_each(Vec::clear);
        self.city_post.iter_mut().for_each(Vec::clear);
        self.cat_post.iter_mut().for_each(Vec::clear);
        self.n_alive = 0;
        self.n_dead = 0;
        let mut buf = Vec::new();
        for (i, (l, key)) in old_live.into_iter().zip(old_keys).enumerate() {
            let Some(l) = l else { continue };
            let slot = self.live.len() as u32;
            let key = if rekey {
                buf.clear();
                write_name_key(&self.collator, &l.sort_name, &l.key, &mut buf);
                buf.as_slice().into()
            } else {
                key
            };
            for &t in l.tags.iter() {
                self.tag_post[t as usize].push(slot);
            }
            push_post(&mut self.city_post, old_city[i], slot);
            push_post(&mut self.cat_post, old_cat[i], slot);
            let (a, b) = old_text_span[i];
            let at = self.text_arena.len() as u32;
            self.text_arena.push_str(&old_text[a as usize..b as usize]);
            self.text_span.push((at, self.text_arena.len() as u32));
            let (a, b) = old_phone_span[i];
            let at = self.phone_arena.len() as u32;
            self.phone_arena
                .push_str(&old_phone[a as usize..b as usize]);
            self.phone_span.push((at, self.phone_arena.len() as u32));
            self.sort_key.push(key);
            self.created.push(old_created[i]);
            self.bday.push(old_bday[i]);
            self.category.push(old_cat[i]);
            self.city.push(old_city[i]);
            self.alive.set(slot);
            self.n_alive += 1;
            self.by_key.insert(l.key.clone(), slot);
            self.live.push(Some(l));
        }
        self.finish_build();
        self.touch();
    }

    /// Replaces the whole content with `docs` (a later doc with the same key wins).
    ///
    /// Folding and sort keys run on two threads; then uni/bigram and trigram/phone postings are
    /// built on two workers while this thread interns tags/cities and sorts the orders.
    pub fn bulk_load(&mut self, docs: Vec<SearchDoc<T>>) {
        self.bulk_load_inner(docs, true);
    }

    /// [`Index::bulk_load`] without starting the postings: they start at [`Index::start_indexing`]
    /// (or are built inline by the first query with text / [`Index::finish_indexing`]). For a
    /// caller that builds the index while it has other work for both cores (a bulk insert writing
    /// its rows), so that the postings do not compete with that work; lists without text, sorts and
    /// filters work at once as after `bulk_load`.
    pub fn bulk_load_held(&mut self, docs: Vec<SearchDoc<T>>) {
        self.bulk_load_inner(docs, false);
    }

    /// Starts building the postings held by [`Index::bulk_load_held`] on a background thread (no-op
    /// otherwise).
    pub fn start_indexing(&mut self) {
        if let Some(p) = self.pending.take() {
            let job = match p.job {
                GramJob::Held(inputs) => {
                    GramJob::Running(std::thread::spawn(move || inputs.build()))
                }
                running => running,
            };
            self.pending = Some(PendingGrams { job, upto: p.upto });
        }
    }

    /// The Name-order key (the bytes [`NameKeys::key`] gives) and the document key of every live
    /// document, in Name order: a store that persists the order can take it from an index it has
    /// just bulk-loaded instead of collating every name a second time.
    pub fn name_keys(&self) -> impl Iterator<Item = (&[u8], &str)> + '_ {
        self.name_order.iter().filter_map(move |&slot| {
            let l = self.live.get(slot as usize)?.as_ref()?;
            Some((&*self.sort_key[slot as usize], l.key.as_str()))
        })
    }

    fn bulk_load_inner(&mut self, docs: Vec<SearchDoc<T>>, start: bool) {
        let locale = std::mem::take(&mut self.locale);
        *self = Index::new(&locale);
        // Later duplicates win.
        let mut docs = docs;
        {
            let mut last: FxMap<&str, usize> = FxMap::default();
            last.reserve(docs.len());
            for (i, d) in docs.iter().enumerate() {
                last.insert(d.key.as_str(), i);
            }
            if last.len() < docs.len() {
                let keep: Vec<bool> = docs
                    .iter()
                    .enumerate()
                    .map(|(i, d)| last[d.key.as_str()] == i)
                    .collect();
                drop(last);
                let mut i = 0;
                docs.retain(|_| {
                    i += 1;
                    keep[i - 1]
                });
            }
        }
        let n = docs.len();
        // The strings are moved out so that T need not be Send; the workers drop them.
        let mut parts: Vec<(Vec<String>, Vec<String>)> = docs
            .iter_mut()
            .map(|d| {
                (
                    std::mem::take(&mut d.texts),
                    std::mem::take(&mut d.phone_digits),
                )
            })
            .collect();
        let names: Vec<(&str, &str)> = docs
            .iter()
            .map(|d| (d.sort_name.as_str(), d.key.as_str()))
            .collect();
        let mid = n / 2;
        let (pa_parts, pb_parts) = parts.split_at_mut(mid);
        let (na, nb) = names.split_at(mid);
        let coll = &self.collator;
        let run = |chunk: &mut [(Vec<String>, Vec<String>)], names: &[(&str, &str)]| -> Prepared {
            let mut p = Prepared::default();
            for ((t, ph), (name, key)) in chunk.iter_mut().zip(names) {
                p.add(coll, name, key, t, ph);
                drop(std::mem::take(t));
                drop(std::mem::take(ph));
            }
            p
        };
        let mut prep = std::thread::scope(|sc| {
            let h = sc.spawn(|| run(pb_parts, nb));
            let mut pa = run(pa_parts, na);
            pa.append(h.join().expect("fold worker"));
            pa
        });
        drop(names);
        drop(parts);
        let sort_keys = std::mem::take(&mut prep.sort_keys);
        let mut alive = Bits::with_len(n);
        alive.words.iter_mut().for_each(|w| *w = u64::MAX);
        if n & 63 != 0 {
            if let Some(last) = alive.words.last_mut() {
                *last = (1u64 << (n % 64)) - 1;
            }
        }
        self.live.reserve(n);
        self.sort_key.reserve(n);
        self.created.reserve(n);
        self.bday.reserve(n);
        self.category.reserve(n);
        self.city.reserve(n);
        self.by_key.reserve(n);
        // The postings are built in the background on copies of the arenas; the first query
        // with text (or a compaction) waits for them, upserts meanwhile are caught up then.
        let inputs = Box::new(GramInputs {
            text: prep.text.clone(),
            spans: prep.text_span.clone(),
            phones: prep.phones.clone(),
            phone_spans: prep.phone_span.clone(),
            alive,
        });
        self.pending = Some(PendingGrams {
            job: GramJob::Held(inputs),
            upto: n,
        });
        if start {
            // One background thread, so that the interning and sorting below keep the other core.
            self.start_indexing();
        }
        let mut buf = String::new();
        for (d, k) in docs.into_iter().zip(sort_keys) {
            self.push_meta(d, k, &mut buf);
        }
        (self.name_order, self.recent_order, self.bday_order) =
            build_orders(&self.sort_key, &self.created, &self.bday);
        for o in [
            &mut self.name_order,
            &mut self.recent_order,
            &mut self.bday_order,
        ] {
            o.reserve(n / 8);
        }
        self.text_arena = prep.text;
        self.text_span = prep.text_span;
        self.phone_arena = prep.phones;
        self.phone_span = prep.phone_span;
        self.ranks_valid = false;
        self.touch();
    }

    /// Inserts or replaces the document with `doc.key`.
    pub fn upsert(&mut self, doc: SearchDoc<T>) {
        if let Some(&old) = self.by_key.get(&doc.key) {
            self.kill_slot(old);
        }
        let mut prep = Prepared::default();
        prep.add(
            &self.collator,
            &doc.sort_name,
            &doc.key,
            &doc.texts,
            &doc.phone_digits,
        );
        let mut buf = String::new();
        let key = prep.sort_keys.pop().expect("one key");
        let slot = self.push_meta(doc, key, &mut buf);
        let (a, b) = prep.text_span[0];
        let at = self.text_arena.len() as u32;
        self.text_arena.push_str(&prep.text[a as usize..b as usize]);
        self.text_span.push((at, self.text_arena.len() as u32));
        let (a, b) = prep.phone_span[0];
        let at = self.phone_arena.len() as u32;
        self.phone_arena
            .push_str(&prep.phones[a as usize..b as usize]);
        self.phone_span.push((at, self.phone_arena.len() as u32));
        if self.pending.is_none() {
            let (a, b) = self.text_span[slot as usize];
            let text = &self.text_arena[a as usize..b as usize];
            self.text_grams.add(slot, text);
            self.trigrams.add(slot, text);
            let (a, b) = self.phone_span[slot as usize];
            self.digit_grams
                .add(slot, &self.phone_arena[a as usize..b as usize]);
        }
        // Binary insertion into the three orders.
        let pos = self
            .name_order
            .partition_point(|&o| self.cmp_name(o, slot).is_lt());
        self.name_order.insert(pos, slot);
        let c = self.created[slot as usize];
        let pos = self.recent_order.partition_point(|&o| {
            let co = self.created[o as usize];
            co > c || (co == c && self.cmp_name(o, slot).is_lt())
        });
        self.recent_order.insert(pos, slot);
        let b = self.bday[slot as usize];
        let pos = self.bday_order.partition_point(|&o| {
            let bo = self.bday[o as usize];
            bo < b || (bo == b && self.cmp_name(o, slot).is_lt())
        });
        self.bday_order.insert(pos, slot);
        self.ranks_valid = false;
        self.touch();
        self.maybe_compact();
    }

    /// Blocks until the postings that `bulk_load` builds in the background are installed.
    /// Queries with text do this by themselves; call it to move the wait elsewhere (e.g. right
    /// after the first screen is drawn).
    pub fn finish_indexing(&mut self) {
        if let Some(p) = self.pending.take() {
            let (tg, tri, dg) = match p.job {
                GramJob::Running(h) => h.join().expect("gram builder panicked"),
                GramJob::Held(inputs) => inputs.build(),
            };
            self.text_grams = tg;
            self.trigrams = tri;
            self.digit_grams = dg;
            for slot in p.upto..self.live.len() {
                if self.alive.contains(slot as u32) {
                    let text = span_str(&self.text_arena, &self.text_span, slot);
                    self.text_grams.add(slot as u32, text);
                    self.trigrams.add(slot as u32, text);
                    let phones = span_str(&self.phone_arena, &self.phone_span, slot);
                    self.digit_grams.add(slot as u32, phones);
                }
            }
        }
    }

    /// True when no background indexing is in progress.
    pub fn is_ready(&self) -> bool {
        self.pending.as_ref().is_none_or(|p| match &p.job {
            GramJob::Running(h) => h.is_finished(),
            GramJob::Held(_) => false,
        })
    }

    fn maybe_compact(&mut self) {
        if self.n_dead >= COMPACT_MIN_DEAD && self.n_dead * 4 > self.n_alive {
            self.rebuild(false);
        }
    }

    /// Removes the document with `key`; false if there was none.
    pub fn remove(&mut self, key: &str) -> bool {
        match self.by_key.get(key) {
            Some(&slot) => {
                self.kill_slot(slot);
                self.touch();
                self.maybe_compact();
                true
            }
            None => false,
        }
    }

    /// Distinct tags (original spelling of the first occurrence), in collation order.
    pub fn tags(&self) -> Vec<String> {
        let mut v = self.tags.live();
        v.sort_by(|a, b| self.collator.compare(a, b));
        v
    }

    /// Distinct non-empty cities, in collation order.
    pub fn cities(&self) -> Vec<String> {
        let mut v = self.cities.live();
        v.sort_by(|a, b| self.collator.compare(a, b));
        v
    }

    fn ensure_ranks(&mut self) {
        if self.ranks_valid {
            return;
        }
        let n = self.live.len();
        for (order, rank) in [
            (&self.name_order, &mut self.name_rank),
            (&self.recent_order, &mut self.recent_rank),
            (&self.bday_order, &mut self.bday_rank),
        ] {
            rank.clear();
            rank.resize(n, u32::MAX);
            for (i, &s) in order.iter().enumerate() {
                rank[s as usize] = i as u32;
            }
        }
        self.ranks_valid = true;
    }
}
