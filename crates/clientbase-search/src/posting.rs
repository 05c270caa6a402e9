//! Posting lists over slot numbers, and the n-gram indexes built from them.
//!
//! Slots are handed out in increasing order and never reused until a full rebuild, so every
//! posting list is sorted by construction and appending is O(1). Lists that cover more than
//! 1/32 of the slots after a (re)build are stored as a bitset instead (hand-rolled: a `Vec<u64>`
//! of 12.5 KB at 100k docs; `contains` is one load, AND is word-wise, and it is smaller than the
//! `u32` list it replaces). A roaring bitmap would add containers we do not need at this size.

use std::collections::HashMap;

/// A plain bitset over slots.
#[derive(Debug, Clone, Default)]
pub struct Bits {
    pub words: Vec<u64>,
}

impl Bits {
    pub fn with_len(n: usize) -> Self {
        Bits {
            words: vec![0; n.div_ceil(64)],
        }
    }
    #[inline]
    pub fn contains(&self, i: u32) -> bool {
        let w = (i >> 6) as usize;
        w < self.words.len() && (self.words[w] >> (i & 63)) & 1 == 1
    }
    #[inline]
    pub fn set(&mut self, i: u32) {
        let w = (i >> 6) as usize;
        if w >= self.words.len() {
            self.words.resize(w + 1, 0);
        }
        self.words[w] |= 1 << (i & 63);
    }
    #[inline]
    pub fn clear(&mut self, i: u32) {
        let w = (i >> 6) as usize;
        if w < self.words.len() {
            self.words[w] &= !(1 << (i & 63));
        }
    }
    pub fn count(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }
    /// self &= other (missing words of `other` count as zero).
    pub fn and_with(&mut self, other: &Bits) {
        for (i, w) in self.words.iter_mut().enumerate() {
            *w &= other.words.get(i).copied().unwrap_or(0);
        }
    }
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.words.iter().enumerate().flat_map(|(wi, &w)| {
            let mut w = w;
            std::iter::from_fn(move || {
                if w == 0 {
                    return None;
                }
                let b = w.trailing_zeros();
                w &= w - 1;
                Some((wi as u32) << 6 | b)
            })
        })
    }
}

#[derive(Debug, Clone)]
pub enum Posting {
    List(Vec<u32>),
    Dense { bits: Bits, count: usize },
}

impl Default for Posting {
    fn default() -> Self {
        Posting::List(Vec::new())
    }
}

impl Posting {
    /// Appends `slot`; the caller guarantees it is not already the last element.
    #[inline]
    pub fn push_new(&mut self, slot: u32) {
        match self {
            Posting::List(v) => v.push(slot),
            Posting::Dense { bits, count } => {
                bits.set(slot);
                *count += 1;
            }
        }
    }
    pub fn len(&self) -> usize {
        match self {
            Posting::List(v) => v.len(),
            Posting::Dense { count, .. } => *count,
        }
    }
    /// Converts to a bitset when it covers more than 1/32 of `n_slots`.
    pub fn maybe_densify(&mut self, n_slots: usize) {
        if let Posting::List(v) = self {
            if v.len() > n_slots / 32 && v.len() > 64 {
                let mut bits = Bits::with_len(n_slots);
                for &s in v.iter() {
                    bits.set(s);
                }
                *self = Posting::Dense {
                    count: v.len(),
                    bits,
                };
            } else {
                v.shrink_to_fit();
            }
        }
    }
    pub fn for_each(&self, mut f: impl FnMut(u32)) {
        match self {
            Posting::List(v) => v.iter().for_each(|&s| f(s)),
            Posting::Dense { bits, .. } => bits.iter().for_each(f),
        }
    }
}

/// Unigram + bigram postings over folded text (one char = one gram unit). White space and the
/// '\n' field separator break bigrams, since query terms never contain white space.
#[derive(Debug, Default)]
pub struct TextGrams {
    low_ids: Vec<u32>, // code point < 0x3000 → id + 1 (0 = unseen)
    high_ids: FxMap<char, u32>,
    n_chars: u32,
    pub uni: Vec<Posting>,
    /// slot + 1 of the last push per gram (0 = none): in-doc duplicates skip the list entirely
    last_uni: Vec<u32>,
    last_bi: Vec<u32>,
    bi_direct: Vec<u32>, // a*256+b for a,b < 256 → bigram posting index + 1
    bi_map: FxMap<u64, u32>,
    pub bi: Vec<Posting>,
}

const LOW: usize = 0x3000;

impl TextGrams {
    pub fn new() -> Self {
        TextGrams {
            low_ids: vec![0; LOW],
            bi_direct: vec![0; 256 * 256],
            ..Default::default()
        }
    }

    #[inline]
    fn char_id(&mut self, c: char) -> u32 {
        let cp = c as usize;
        if cp < LOW {
            let v = self.low_ids[cp];
            if v != 0 {
                return v - 1;
            }
            let id = self.n_chars;
            self.n_chars += 1;
            self.low_ids[cp] = id + 1;
            self.uni.push(Posting::default());
            self.last_uni.push(0);
            id
        } else {
            if let Some(&id) = self.high_ids.get(&c) {
                return id;
            }
            let id = self.n_chars;
            self.n_chars += 1;
            self.high_ids.insert(c, id);
            self.uni.push(Posting::default());
            self.last_uni.push(0);
            id
        }
    }

    #[inline]
    pub fn lookup_char(&self, c: char) -> Option<u32> {
        let cp = c as usize;
        if cp < LOW {
            let v = self.low_ids[cp];
            (v != 0).then(|| v - 1)
        } else {
            self.high_ids.get(&c).copied()
        }
    }

    #[inline]
    fn bigram_slot(&mut self, a: u32, b: u32) -> usize {
        if a < 256 && b < 256 {
            let k = (a * 256 + b) as usize;
            let v = self.bi_direct[k];
            if v != 0 {
                return (v - 1) as usize;
            }
            let id = self.bi.len() as u32;
            self.bi.push(Posting::default());
            self.last_bi.push(0);
            self.bi_direct[k] = id + 1;
            id as usize
        } else {
            let key = (a as u64) << 32 | b as u64;
            let next = self.bi.len() as u32;
            let id = *self.bi_map.entry(key).or_insert(next);
            if id == next {
                self.bi.push(Posting::default());
                self.last_bi.push(0);
            }
            id as usize
        }
    }

    pub fn lookup_bigram(&self, a: u32, b: u32) -> Option<&Posting> {
        let idx = if a < 256 && b < 256 {
            let v = self.bi_direct[(a * 256 + b) as usize];
            if v == 0 {
                return None;
            }
            v - 1
        } else {
            *self.bi_map.get(&((a as u64) << 32 | b as u64))?
        };
        Some(&self.bi[idx as usize])
    }

    pub fn add(&mut self, slot: u32, text: &str) {
        let mut prev: Option<u32> = None;
        for c in text.chars() {
            if c == ' ' || c == '\n' {
                prev = None;
                continue;
            }
            let id = self.char_id(c);
            if self.last_uni[id as usize] != slot + 1 {
                self.last_uni[id as usize] = slot + 1;
                self.uni[id as usize].push_new(slot);
            }
            if let Some(p) = prev {
                let b = self.bigram_slot(p, id);
                if self.last_bi[b] != slot + 1 {
                    self.last_bi[b] = slot + 1;
                    self.bi[b].push_new(slot);
                }
            }
            prev = Some(id);
        }
    }

    pub fn densify(&mut self, n_slots: usize) {
        for p in self.uni.iter_mut().chain(self.bi.iter_mut()) {
            p.maybe_densify(n_slots);
        }
    }
}

/// Digit n-gram postings (n = 1, 2, 3) over phone digit strings (space separated).
#[derive(Debug)]
pub struct DigitGrams {
    pub grams: Vec<Posting>, // [0,10) unigrams, [10,110) bigrams, [110,1110) trigrams
    last: Vec<u32>,
}

impl Default for DigitGrams {
    fn default() -> Self {
        DigitGrams {
            grams: vec![Posting::default(); 1110],
            last: vec![0; 1110],
        }
    }
}

#[inline]
pub fn digit_gram_index(d: &[u8]) -> usize {
    match d.len() {
        1 => (d[0] - b'0') as usize,
        2 => 10 + ((d[0] - b'0') as usize) * 10 + (d[1] - b'0') as usize,
        _ => {
            110 + ((d[0] - b'0') as usize) * 100
                + ((d[1] - b'0') as usize) * 10
                + (d[2] - b'0') as usize
        }
    }
}

impl DigitGrams {
    pub fn add(&mut self, slot: u32, phones: &str) {
        for p in phones.split(' ') {
            let b = p.as_bytes();
            for i in 0..b.len() {
                for n in 1..=3 {
                    if i + n <= b.len() {
                        let g = digit_gram_index(&b[i..i + n]);
                        if self.last[g] != slot + 1 {
                            self.last[g] = slot + 1;
                            self.grams[g].push_new(slot);
                        }
                    }
                }
            }
        }
    }
    pub fn densify(&mut self, n_slots: usize) {
        for p in &mut self.grams {
            p.maybe_densify(n_slots);
        }
    }
}

/// A small fast hasher (FxHash-style multiply/rotate) for integer and short string keys; the
/// maps here are never keyed by attacker-chosen data at a scale where HashDoS matters.
#[derive(Default, Clone, Copy)]
pub struct FxHasher {
    hash: u64,
}

const FX_SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl std::hash::Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.write_u64(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.write_u64(u64::from_le_bytes(w) ^ (rest.len() as u64) << 56);
        }
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.hash = (self.hash.rotate_left(5) ^ i).wrapping_mul(FX_SEED);
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.write_u64(i as u64);
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.write_u64(i as u64);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        // The multiply leaves the low bits depending only on the low input bits (e.g. the
        // constant first byte of "k000123"), and hashbrown indexes buckets by the low bits:
        // finish with an xor-shift mix so every input bit reaches them.
        let h = self.hash;
        let h = (h ^ (h >> 32)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        h ^ (h >> 29)
    }
}

pub type FxBuild = std::hash::BuildHasherDefault<FxHasher>;
pub type FxMap<K, V> = HashMap<K, V, FxBuild>;

/// Trigram postings keyed by the three code points (21 bits each), so they can be built on
/// another thread without the char ids of [`TextGrams`].
#[derive(Debug, Default)]
pub struct Trigrams {
    map: FxMap<u64, u32>,
    pub lists: Vec<Posting>,
    last: Vec<u32>,
}

#[inline]
pub fn trigram_key(a: char, b: char, c: char) -> u64 {
    (a as u64) << 42 | (b as u64) << 21 | c as u64
}

impl Trigrams {
    pub fn add(&mut self, slot: u32, text: &str) {
        let (mut a, mut b) = (' ', ' ');
        for c in text.chars() {
            if c == ' ' || c == '\n' {
                a = ' ';
                b = ' ';
                continue;
            }
            if a != ' ' {
                let key = trigram_key(a, b, c);
                let next = self.lists.len() as u32;
                let id = *self.map.entry(key).or_insert(next);
                if id == next {
                    self.lists.push(Posting::default());
                    self.last.push(0);
                }
                if self.last[id as usize] != slot + 1 {
                    self.last[id as usize] = slot + 1;
                    self.lists[id as usize].push_new(slot);
                }
            }
            a = b;
            b = c;
        }
    }
    pub fn get(&self, a: char, b: char, c: char) -> Option<&Posting> {
        self.map
            .get(&trigram_key(a, b, c))
            .map(|&i| &self.lists[i as usize])
    }
    pub fn densify(&mut self, n_slots: usize) {
        for p in &mut self.lists {
            p.maybe_densify(n_slots);
        }
    }
}

/// Gallops forward through a sorted list for membership tests with ascending slots.
pub struct Seek<'a> {
    list: &'a [u32],
    pos: usize,
}

impl<'a> Seek<'a> {
    pub fn new(list: &'a [u32]) -> Self {
        Seek { list, pos: 0 }
    }
    /// Whether `s` is in the list; calls must use strictly ascending `s`.
    #[inline]
    pub fn contains(&mut self, s: u32) -> bool {
        let v = self.list;
        let mut lo = self.pos;
        if lo >= v.len() {
            return false;
        }
        if v[lo] >= s {
            return v[lo] == s;
        }
        let mut step = 1;
        let mut hi = lo + 1;
        while hi < v.len() && v[hi] < s {
            lo = hi;
            step *= 2;
            hi = lo + step;
        }
        let hi = hi.min(v.len());
        let idx = lo + 1 + v[lo + 1..hi].partition_point(|&x| x < s);
        self.pos = idx;
        idx < v.len() && v[idx] == s
    }
}

/// Membership in a posting for ascending slots: O(1) for bitsets, galloping for lists.
pub enum Member<'a> {
    Bits(&'a Bits),
    List(Seek<'a>),
}

impl<'a> Member<'a> {
    pub fn new(p: &'a Posting) -> Self {
        match p {
            Posting::List(v) => Member::List(Seek::new(v)),
            Posting::Dense { bits, .. } => Member::Bits(bits),
        }
    }
    #[inline]
    pub fn contains(&mut self, s: u32) -> bool {
        match self {
            Member::Bits(b) => b.contains(s),
            Member::List(l) => l.contains(s),
        }
    }
}
