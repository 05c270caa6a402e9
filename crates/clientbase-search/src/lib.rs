//! In-memory search index over the client base.
//!
//! CONTRACT (the store builds on this; keep these names and shapes):
//!
//! ```ignore
//! pub fn fold(s: &str) -> String;                 // lowercase, strip accents (Greek too), ё→е, ς→σ, …
//! pub struct SearchDoc<T> { key, sort_name, texts, phone_digits, category, tags, city, created_ms, birthday_md, payload: T }
//! pub struct Filter { categories: Vec<String>, tag: Option<String>, city: Option<String> }
//! pub enum Sort { Name, Recent, NextBirthday { today_md: u16 } }
//! pub struct Page<'a, T> { total: usize, items: Vec<&'a T> }
//! impl<T> Index<T> {
//!     pub fn new(locale: &str) -> Self;            // "en" | "ru" | "uk" | "el" | "zh"
//!     pub fn set_locale(&mut self, locale: &str);  // changes the Name collation
//!     pub fn bulk_load(&mut self, docs: Vec<SearchDoc<T>>);
//!     pub fn upsert(&mut self, doc: SearchDoc<T>);
//!     pub fn remove(&mut self, key: &str) -> bool;
//!     pub fn len(&self) -> usize;
//!     pub fn query(&mut self, text: &str, filter: &Filter, sort: Sort, offset: usize, limit: usize) -> Page<'_, T>;
//!     pub fn tags(&self) -> Vec<String>; pub fn cities(&self) -> Vec<String>;  // distinct, for filter pickers
//! }
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
//! Sorts: `Name` (ICU4X collation of `sort_name` for the index locale, ties by key), `Recent`
//! (`created_ms` descending, ties by name), `NextBirthday { today_md }` (the next upcoming
//! month-day from today, today first, wrapping the year end; ties by name; no birthday last, by
//! name).

#![forbid(unsafe_code)]

mod fold;

pub use fold::{fold, fold_into};

use std::collections::HashMap;

use icu_collator::options::CollatorOptions;
use icu_collator::{Collator, CollatorBorrowed};
use icu_locale_core::Locale;

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
    map: HashMap<String, u32>,
    display: Vec<String>,
    count: Vec<u32>,
}

impl Interner {
    fn intern(&mut self, folded: String, display: &str) -> u32 {
        if let Some(&id) = self.map.get(&folded) {
            if self.count[id as usize] == 0 {
                self.display[id as usize] = display.to_string();
            }
            self.count[id as usize] += 1;
            return id;
        }
        let id = self.display.len() as u32;
        self.map.insert(folded, id);
        self.display.push(display.to_string());
        self.count.push(1);
        id
    }
    fn release(&mut self, id: u32) {
        let c = &mut self.count[id as usize];
        *c = c.saturating_sub(1);
    }
    fn get(&self, folded: &str) -> Option<u32> {
        self.map.get(folded).copied().filter(|&id| self.count[id as usize] > 0)
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

struct Entry<T> {
    key: String,
    sort_name: String,
    sort_key: Box<[u8]>,
    /// Folded texts joined by '\n' (folded text never contains '\n').
    text: Box<str>,
    /// Phone digit strings joined by ' '.
    phones: Box<str>,
    category: u32,
    tags: Box<[u32]>,
    city: u32,
    created_ms: i64,
    birthday_md: Option<u16>,
    payload: T,
}

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

/// The in-memory index.
pub struct Index<T> {
    locale: String,
    collator: CollatorBorrowed<'static>,
    entries: Vec<Option<Entry<T>>>,
    free: Vec<u32>,
    by_key: HashMap<String, u32>,
    alive: usize,
    tags: Interner,
    cities: Interner,
    categories: Interner,
    orders_dirty: bool,
    name_order: Vec<u32>,
    name_rank: Vec<u32>,
    recent_order: Vec<u32>,
    /// all alive slots by (birthday_md or none last, name rank)
    bday_order: Vec<u32>,
    generation: u64,
    cache: Option<(CacheKey, Vec<u32>)>,
}

fn make_collator(locale: &str) -> CollatorBorrowed<'static> {
    let loc: Locale = locale.parse().unwrap_or_else(|_| "en".parse().expect("en parses"));
    Collator::try_new(loc.into(), CollatorOptions::default())
        .or_else(|_| Collator::try_new(Default::default(), CollatorOptions::default()))
        .expect("root collation data is compiled in")
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
            let digits: String =
                toks[i..j].iter().flat_map(|t| t.chars()).filter(|c| c.is_ascii_digit()).collect();
            let bare = j == i + 1 && toks[i].bytes().all(|b| b.is_ascii_digit());
            terms.push(Term::Digits(digits, bare));
            i = j;
        } else {
            terms.push(Term::Text(toks[i].to_string()));
            i += 1;
        }
    }
    // Identical terms are redundant under AND.
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
    /// A new empty index whose Name sort uses `locale` ("en", "ru", "uk", "el", "zh", …).
    pub fn new(locale: &str) -> Self {
        Index {
            locale: locale.to_string(),
            collator: make_collator(locale),
            entries: Vec::new(),
            free: Vec::new(),
            by_key: HashMap::new(),
            alive: 0,
            tags: Interner::default(),
            cities: Interner::default(),
            categories: Interner::default(),
            orders_dirty: false,
            name_order: Vec::new(),
            name_rank: Vec::new(),
            recent_order: Vec::new(),
            bday_order: Vec::new(),
            generation: 0,
            cache: None,
        }
    }

    /// The locale of the Name collation.
    pub fn locale(&self) -> &str {
        &self.locale
    }

    /// Changes the Name collation (recomputes sort keys).
    pub fn set_locale(&mut self, locale: &str) {
        if locale == self.locale {
            return;
        }
        self.locale = locale.to_string();
        self.collator = make_collator(locale);
        let coll = &self.collator;
        let mut buf = Vec::new();
        for e in self.entries.iter_mut().flatten() {
            buf.clear();
            let _ = coll.write_sort_key_to(&e.sort_name, &mut buf);
            e.sort_key = buf.as_slice().into();
        }
        self.touch();
    }

    /// Number of documents.
    pub fn len(&self) -> usize {
        self.alive
    }

    pub fn is_empty(&self) -> bool {
        self.alive == 0
    }

    fn touch(&mut self) {
        self.orders_dirty = true;
        self.generation += 1;
        self.cache = None;
    }

    fn make_entry(&mut self, doc: SearchDoc<T>) -> Entry<T> {
        let mut text = String::new();
        for t in &doc.texts {
            let start = text.len();
            if start > 0 {
                text.push('\n');
            }
            fold_into(t, &mut text);
            if text.len() == start + 1 {
                text.pop();
            }
        }
        let mut phones = String::new();
        for p in &doc.phone_digits {
            let digits = p.chars().filter(|c| c.is_ascii_digit());
            if !phones.is_empty() {
                phones.push(' ');
            }
            phones.extend(digits);
        }
        let mut sort_key = Vec::new();
        let _ = self.collator.write_sort_key_to(&doc.sort_name, &mut sort_key);
        let category = match &doc.category {
            Some(c) => self.categories.intern(c.clone(), c),
            None => self.categories.intern(String::new(), ""),
        };
        let mut tags: Vec<u32> = doc.tags.iter().map(|t| self.tags.intern(fold(t), t.trim())).collect();
        tags.sort_unstable();
        tags.dedup();
        let city = self.cities.intern(fold(&doc.city), doc.city.trim());
        Entry {
            key: doc.key,
            sort_name: doc.sort_name,
            sort_key: sort_key.into(),
            text: text.into(),
            phones: phones.into(),
            category,
            tags: tags.into(),
            city,
            created_ms: doc.created_ms,
            birthday_md: doc.birthday_md,
            payload: doc.payload,
        }
    }

    fn release_entry(&mut self, slot: u32) {
        if let Some(e) = self.entries[slot as usize].take() {
            self.categories.release(e.category);
            self.cities.release(e.city);
            for &t in e.tags.iter() {
                self.tags.release(t);
            }
            self.by_key.remove(&e.key);
            self.free.push(slot);
            self.alive -= 1;
        }
    }

    /// Replaces the whole content with `docs` (a later doc with the same key wins).
    pub fn bulk_load(&mut self, docs: Vec<SearchDoc<T>>) {
        let locale = self.locale.clone();
        *self = Index::new(&locale);
        for d in docs {
            self.upsert(d);
        }
    }

    /// Inserts or replaces the document with `doc.key`.
    pub fn upsert(&mut self, doc: SearchDoc<T>) {
        if let Some(&slot) = self.by_key.get(&doc.key) {
            self.release_entry(slot);
        }
        let entry = self.make_entry(doc);
        let slot = match self.free.pop() {
            Some(s) => s,
            None => {
                self.entries.push(None);
                (self.entries.len() - 1) as u32
            }
        };
        self.by_key.insert(entry.key.clone(), slot);
        self.entries[slot as usize] = Some(entry);
        self.alive += 1;
        self.touch();
    }

    /// Removes the document with `key`; false if there was none.
    pub fn remove(&mut self, key: &str) -> bool {
        match self.by_key.get(key) {
            Some(&slot) => {
                self.release_entry(slot);
                self.touch();
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

    fn rebuild_orders(&mut self) {
        if !self.orders_dirty {
            return;
        }
        let entries = &self.entries;
        let e = |s: &u32| entries[*s as usize].as_ref().expect("alive slot");
        let mut order: Vec<u32> = (0..entries.len() as u32)
            .filter(|&s| entries[s as usize].is_some())
            .collect();
        order.sort_unstable_by(|a, b| {
            let (ea, eb) = (e(a), e(b));
            ea.sort_key.cmp(&eb.sort_key).then_with(|| ea.key.cmp(&eb.key))
        });
        let mut rank = vec![u32::MAX; entries.len()];
        for (i, &s) in order.iter().enumerate() {
            rank[s as usize] = i as u32;
        }
        let mut recent = order.clone();
        recent.sort_by_key(|s| std::cmp::Reverse(e(s).created_ms));
        let mut bday = order.clone();
        bday.sort_by_key(|s| e(s).birthday_md.unwrap_or(u16::MAX));
        self.name_order = order;
        self.name_rank = rank;
        self.recent_order = recent;
        self.bday_order = bday;
        self.orders_dirty = false;
    }

    fn passes(&self, e: &Entry<T>, cats: &Option<Vec<u32>>, tag: Option<u32>, city: Option<u32>) -> bool {
        if let Some(c) = cats {
            if !c.contains(&e.category) {
                return false;
            }
        }
        if let Some(t) = tag {
            if !e.tags.contains(&t) {
                return false;
            }
        }
        if let Some(c) = city {
            if e.city != c {
                return false;
            }
        }
        true
    }

    fn matches(e: &Entry<T>, terms: &[Term]) -> bool {
        terms.iter().all(|t| match t {
            Term::Text(s) => memchr::memmem::find(e.text.as_bytes(), s.as_bytes()).is_some(),
            Term::Digits(d, bare) => {
                memchr::memmem::find(e.phones.as_bytes(), d.as_bytes()).is_some()
                    || (*bare && memchr::memmem::find(e.text.as_bytes(), d.as_bytes()).is_some())
            }
        })
    }

    /// Runs a query; `total` is exact, `items` is the page `offset..offset+limit`.
    pub fn query(&mut self, text: &str, filter: &Filter, sort: Sort, offset: usize, limit: usize) -> Page<'_, T> {
        let key = CacheKey { text: text.to_string(), filter: filter.clone(), sort, generation: self.generation };
        let hit = matches!(&self.cache, Some((k, _)) if *k == key);
        if !hit {
            let result = self.compute(text, filter, sort);
            self.cache = Some((key, result));
        }
        let (_, result) = self.cache.as_ref().expect("cache filled");
        let total = result.len();
        let start = offset.min(total);
        let end = offset.saturating_add(limit).min(total);
        let items = result[start..end]
            .iter()
            .map(|&s| &self.entries[s as usize].as_ref().expect("alive slot").payload)
            .collect();
        Page { total, items }
    }

    fn compute(&mut self, text: &str, filter: &Filter, sort: Sort) -> Vec<u32> {
        self.rebuild_orders();
        let terms = parse_terms(text);
        let no = Vec::new();
        let cats = if filter.categories.is_empty() {
            None
        } else {
            Some(filter.categories.iter().filter_map(|c| self.categories.get(c)).collect::<Vec<_>>())
        };
        let tag = match &filter.tag {
            Some(t) => match self.tags.get(&fold(t)) {
                Some(id) => Some(id),
                None => return no,
            },
            None => None,
        };
        let city = match &filter.city {
            Some(c) => match self.cities.get(&fold(c)) {
                Some(id) => Some(id),
                None => return no,
            },
            None => None,
        };
        let (order, rotate): (&[u32], usize) = match sort {
            Sort::Name => (&self.name_order, 0),
            Sort::Recent => (&self.recent_order, 0),
            Sort::NextBirthday { today_md } => {
                let with = self.bday_order.partition_point(|&s| {
                    self.entries[s as usize].as_ref().expect("alive").birthday_md.is_some()
                });
                let p = self.bday_order[..with].partition_point(|&s| {
                    self.entries[s as usize].as_ref().expect("alive").birthday_md.unwrap_or(0) < today_md
                });
                let mut rot: Vec<u32> = Vec::with_capacity(self.bday_order.len());
                rot.extend_from_slice(&self.bday_order[p..with]);
                rot.extend_from_slice(&self.bday_order[..p]);
                rot.extend_from_slice(&self.bday_order[with..]);
                return self.collect(&rot, &terms, &cats, tag, city);
            }
        };
        let _ = rotate;
        self.collect(order, &terms, &cats, tag, city)
    }

    fn collect(&self, order: &[u32], terms: &[Term], cats: &Option<Vec<u32>>, tag: Option<u32>, city: Option<u32>) -> Vec<u32> {
        order
            .iter()
            .copied()
            .filter(|&s| {
                let e = self.entries[s as usize].as_ref().expect("alive");
                self.passes(e, cats, tag, city) && Self::matches(e, terms)
            })
            .collect()
    }
}
