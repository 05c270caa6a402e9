//! Phone numbers: parsing, validation and formatting through the `phonenumber` crate (libphonenumber
//! metadata). Nothing here hand-parses numbers.

use crate::error::FieldError;
use crate::model::{PhoneCheck, PhoneKind};
use phonenumber::metadata::{Descriptor, Format, DATABASE};
use phonenumber::{country, Metadata, Mode, PhoneNumber, Type};
use rustc_hash::FxHashMap;
use std::sync::{Arc, LazyLock, Mutex};

fn parse_country(code: &str) -> Option<country::Id> {
    code.trim().to_ascii_uppercase().parse().ok()
}

fn digits(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_digit()).collect()
}

fn parse(raw: &str, default_country: &str) -> Option<PhoneNumber> {
    phonenumber::parse(parse_country(default_country), raw.trim()).ok()
}

/// Normalises `raw` (as typed) reading it in `default_country` when it has no `+`/country code.
/// `kind` is what the user said the number is: a `Mobile` that is a valid fixed line gets
/// `phone_not_mobile` (with `e164` still filled: the number is usable).
pub fn check(raw: &str, default_country: &str, kind: PhoneKind) -> PhoneCheck {
    check_parsed(raw, default_country, kind)
}

/// A number checked once for everything the store derives from it: the [`check`] result and, for
/// a valid number, its [`search_digits`] (what `derive` would parse it again for).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Analysis {
    pub check: PhoneCheck,
    pub search_digits: Vec<String>,
}

/// [`check`] and the search digits of a number from one parse, for bulk imports: the type is
/// looked up once (`is_valid` is "its type is known", and `check` asks for the type again), the
/// E.164 form written directly (the formatter would look for a national format first), the
/// international form only with `display`, `country` left empty. Invalid numbers and landlines
/// given as mobiles (rare) take [`check`] itself, for the same error and params.
///
/// `checked`: the E.164 a caller already found for this `raw` with [`check`]'s rules (the import
/// crate's conversion does): when the parse gives the same E.164, the type lookup — the costliest
/// part — is skipped. The `phonenumber` crate keeps compiled patterns in one global,
/// mutex-guarded LRU cache: call this for numbers of one country after another (see
/// [`sort_key`]), on one thread.
pub(crate) fn analyze(
    raw: &str,
    default_country: &str,
    kind: PhoneKind,
    display: bool,
    checked: Option<&str>,
) -> Analysis {
    let slow = || Analysis {
        check: check(raw, default_country, kind),
        search_digits: Vec::new(),
    };
    if raw.bytes().filter(u8::is_ascii_digit).count() < 5 {
        return slow();
    }
    let Some(number) = parse(raw, default_country) else {
        return slow();
    };
    if number.national().zeros() > 0 && !number.is_valid() {
        // See `valid_with_zeros`.
        return slow();
    }
    let e164 = format!("+{}{}", number.country().code(), number.national());
    let is_mobile = if checked == Some(e164.as_str()) {
        // Checked by the caller; the kind is not needed to derive anything.
        kind == PhoneKind::Mobile
    } else {
        let ty = number.number_type(&phonenumber::metadata::DATABASE);
        if ty == Type::Unknown || (kind == PhoneKind::Mobile && ty == Type::FixedLine) {
            return slow();
        }
        matches!(ty, Type::Mobile | Type::FixedLineOrMobile)
    };
    analysis_of(&number, is_mobile, display)
}

/// A number analysed by [`analyze_reusable`]: what the store derives from it, kept with what it was
/// computed from so the store can reuse it instead of parsing the number again (an import's
/// converter checks every number anyway; parsing is most of an import's phone cost). Only this
/// module makes one, so a reused analysis is always this crate's own result.
#[derive(Debug, Clone, PartialEq)]
pub struct PhoneAnalysis {
    raw: String,
    country: String,
    kind: PhoneKind,
    display: bool,
    inner: Analysis,
}

impl PhoneAnalysis {
    /// What [`check`] gives for the number (`country` left empty; `formatted` only with `display`).
    pub fn check(&self) -> &PhoneCheck {
        &self.inner.check
    }

    /// The text the number was read from.
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// The same analysis for the number written in its international form (`formatted`), which
    /// reads the same in every country: for a caller that stores a number read in a row's own
    /// country in that form. `None` when the number has no international form (invalid, or
    /// analysed without `display`).
    pub fn into_international(self) -> Option<Self> {
        let formatted = self.inner.check.formatted.clone()?;
        self.inner.check.e164.as_ref()?;
        Some(Self {
            raw: formatted,
            ..self
        })
    }

    /// Whether this is what [`analyze`] would give for `raw` read in `country` as `kind`
    /// (with the display form when `display`). The kind only matters for a mobile that is a
    /// landline, the country only for a number without `+`.
    pub(crate) fn fits(&self, raw: &str, country: &str, kind: PhoneKind, display: bool) -> bool {
        self.raw == raw
            && (self.display || !display)
            && (kind != PhoneKind::Mobile || self.kind == kind || self.inner.check.is_mobile)
            && (raw.trim_start().starts_with('+') || self.country.eq_ignore_ascii_case(country))
    }

    pub(crate) fn analysis(&self) -> Analysis {
        self.inner.clone()
    }

    /// [`PhoneAnalysis::analysis`] without the copy.
    pub(crate) fn into_analysis(self) -> Analysis {
        self.inner
    }
}

/// Analyses `raw` read in `default_country` as `kind` (the international display form too with
/// `display`), for the store to reuse: see [`PhoneAnalysis`].
pub fn analyze_reusable(
    raw: &str,
    default_country: &str,
    kind: PhoneKind,
    display: bool,
) -> PhoneAnalysis {
    PhoneAnalysis {
        raw: raw.to_owned(),
        country: default_country.to_owned(),
        kind,
        display,
        inner: analyze(raw, default_country, kind, display, None),
    }
}

/// [`analyze_reusable`] for many numbers (`raw`, country, kind, display): what an import's
/// conversion calls for every phone of a file. Gives what [`analyze_reusable`] gives for each
/// (`tests/phone.rs` checks it against [`check`] over many numbers of many countries).
///
/// - Identical items are analysed once (a file repeats numbers: a switchboard, a number in two
///   columns).
/// - In country order (see [`sort_key`]), split into contiguous runs over the cores (large
///   batches only).
/// - Typing and choosing the display format — most of the cost — go through [`Patterns`] rather
///   than the crate: see there why.
pub fn analyze_batch(items: &[(&str, &str, PhoneKind, bool)]) -> Vec<PhoneAnalysis> {
    // Distinct items (a hash of the item's fields), each with the slot of its analysis.
    let mut slot_of: Vec<usize> = Vec::with_capacity(items.len());
    let mut distinct: Vec<usize> = Vec::new();
    let mut seen: FxHashMap<(&str, &str, u8, bool), usize> =
        FxHashMap::with_capacity_and_hasher(items.len(), Default::default());
    for (i, &(raw, country, kind, display)) in items.iter().enumerate() {
        let slot = *seen
            .entry((raw, country, kind as u8, display))
            .or_insert_with(|| {
                distinct.push(i);
                distinct.len() - 1
            });
        slot_of.push(slot);
    }
    drop(seen);
    // Analysed by country and prefix (locality: the crate's parser still goes through its
    // cache of compiled patterns): a stable sort on a few bytes, the `+` prefix's digits or
    // the country (a key of strings per item made sorting a good part of the batch's time on
    // the calling thread).
    let region = |i: usize| -> (bool, [u8; 4]) {
        let (raw, country, _, _) = items[i];
        let mut key = [0u8; 4];
        match raw.trim_start().strip_prefix('+') {
            Some(rest) => {
                for (k, d) in key
                    .iter_mut()
                    .zip(rest.bytes().filter(u8::is_ascii_digit).take(3))
                {
                    *k = d;
                }
                (true, key)
            }
            None => {
                for (k, c) in key.iter_mut().zip(country.bytes()) {
                    *k = c.to_ascii_uppercase();
                }
                (false, key)
            }
        }
    };
    // `order`: the slots in the order they are analysed.
    let mut order: Vec<usize> = (0..distinct.len()).collect();
    order.sort_by_cached_key(|&slot| region(distinct[slot]));
    let analyse = |run: &[usize]| -> Vec<Analysis> {
        let mut p = Patterns::take();
        let out = run
            .iter()
            .map(|&slot| {
                let (raw, country, kind, display) = items[distinct[slot]];
                analyze_fast(&mut p, raw, country, kind, display)
            })
            .collect();
        p.give();
        out
    };
    let workers = workers_for(order.len());
    let in_order: Vec<Analysis> = if workers <= 1 {
        analyse(&order)
    } else {
        let run = order.len().div_ceil(workers);
        std::thread::scope(|s| {
            let handles: Vec<_> = order
                .chunks(run)
                .map(|chunk| s.spawn(move || analyse(chunk)))
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().expect("phone analysis thread"))
                .collect()
        })
    };
    let mut analyses: Vec<Option<Analysis>> = (0..order.len()).map(|_| None).collect();
    for (slot, a) in order.into_iter().zip(in_order) {
        analyses[slot] = Some(a);
    }
    // Each analysis moves to the last item that uses it; the others (repeats) take copies.
    let mut uses = vec![0u32; analyses.len()];
    for &slot in &slot_of {
        uses[slot] += 1;
    }
    items
        .iter()
        .zip(slot_of)
        .map(|(&(raw, country, kind, display), slot)| {
            uses[slot] -= 1;
            let inner = if uses[slot] == 0 {
                analyses[slot].take()
            } else {
                analyses[slot].clone()
            };
            PhoneAnalysis {
                raw: raw.to_owned(),
                country: country.to_owned(),
                kind,
                display,
                inner: inner.expect("an analysis per distinct item"),
            }
        })
        .collect()
}

/// Threads for a batch of `n` distinct numbers: one per core (at most 4), each with at least
/// `RUN_MIN` numbers.
fn workers_for(n: usize) -> usize {
    const RUN_MIN: usize = 8192;
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    cores.min(4).min(n / RUN_MIN).max(1)
}

/// One number of a batch: parsed by the crate; its metadata, type and display format found
/// through `p`; formatted by the crate with that format. Invalid numbers and landlines given as
/// mobiles (rare) take [`check`] itself, for the same error and params.
fn analyze_fast(
    p: &mut Patterns,
    raw: &str,
    country: &str,
    kind: PhoneKind,
    display: bool,
) -> Analysis {
    let slow = || Analysis {
        check: check(raw, country, kind),
        search_digits: Vec::new(),
    };
    if raw.bytes().filter(u8::is_ascii_digit).count() < 5 {
        return slow();
    }
    let Some(number) = parse(raw, country) else {
        return slow();
    };
    let code = number.country().code();
    let value = number.national().value().to_string();
    let national = number.national().to_string();
    let ty = p
        .metadata_for(code, &value)
        .map_or(Type::Unknown, |m| p.number_type(m, &value));
    if ty == Type::Unknown || (kind == PhoneKind::Mobile && ty == Type::FixedLine) {
        return slow();
    }
    if national != value && !valid_with_zeros(p, code, &national) {
        return slow();
    }
    let is_mobile = matches!(ty, Type::Mobile | Type::FixedLineOrMobile);
    let Some(meta) = DATABASE.by_code(&code).and_then(|m| m.into_iter().next()) else {
        return analysis_of(&number, is_mobile, display);
    };
    let e164 = format!("+{code}{national}");
    let mut search_digits = vec![digits(&e164)];
    let (national_form, international) = match both_forms(p, &number, meta, &national, display) {
        Some(forms) => forms,
        None => (
            formatted(p, &number, meta, &national, Mode::National),
            display.then(|| formatted(p, &number, meta, &national, Mode::International)),
        ),
    };
    let national_form = digits(&national_form);
    if !national_form.is_empty() && !search_digits.contains(&national_form) {
        search_digits.push(national_form);
    }
    Analysis {
        check: PhoneCheck {
            e164: Some(e164),
            formatted: international,
            country: None,
            is_mobile,
            error: None,
        },
        search_digits,
    }
}

/// The national form of `number` and, with `display`, its international form: what [`formatted`]
/// gives in both modes, from one match of the chosen format's pattern (most countries format
/// both modes with the same format) instead of the crate's formatter twice — which looks the
/// format's pattern up in its global cache and runs it again for each mode, and rebuilds the
/// national-prefix template each time. The crate has no call that gives both; the lines below
/// mirror its `Formatter` for a number without extension or carrier code (`None` for the
/// others, and when the pattern does not match from the start: the caller asks the crate).
fn both_forms(
    p: &mut Patterns,
    number: &PhoneNumber,
    meta: &'static Metadata,
    national: &str,
    display: bool,
) -> Option<(String, Option<String>)> {
    if number.extension().is_some() || number.carrier().is_some() {
        return None;
    }
    let national_formats = meta.formats();
    let national_format = p.format_for(national, national_formats);
    let international_format = if meta.international_formats().is_empty() {
        national_format
    } else {
        p.format_for(national, meta.international_formats())
    };
    // The crate's `replace`: the pattern's leftmost match replaced by the template. A match
    // from the start is the anchored one (see `Patterns::regex`); any other, the crate's.
    let apply = |p: &mut Patterns, format: &'static Format, template: &str| -> Option<String> {
        let caps = p.regex(format.pattern().as_str()).captures(national)?;
        let end = caps.get(0).map_or(0, |m| m.end());
        let mut out = String::with_capacity(national.len() + 8);
        caps.expand(template, &mut out);
        out.push_str(&national[end..]);
        Some(out)
    };
    let national_form = match national_format {
        None => national.to_owned(),
        Some(f) => match f.national_prefix() {
            Some(rule) => {
                let template = p.national_template(f, meta, rule)?;
                apply(p, f, &template)?
            }
            None => apply(p, f, f.format())?,
        },
    };
    let international = if !display {
        None
    } else {
        let code = number.country().code();
        Some(match international_format {
            None => format!("+{code} {national}"),
            Some(f) => format!("+{code} {}", apply(p, f, f.format())?),
        })
    };
    Some((national_form, international))
}

/// A number whose national part starts with zeros (+1 003…) is valid for [`check`] when its type
/// *with* the zeros is known (`is_valid`), while the crate types it without them (`number_type`):
/// both must hold, as in `check`.
fn valid_with_zeros(p: &mut Patterns, code: u16, national: &str) -> bool {
    p.metadata_for(code, national)
        .is_some_and(|m| p.number_type(m, national) != Type::Unknown)
}

/// `number` in `mode`: the crate's formatter given the format it would choose itself (as its
/// `Formatter` does: from the code's main country, the international formats unless there are
/// none or the mode is national).
fn formatted(
    p: &mut Patterns,
    number: &PhoneNumber,
    meta: &'static Metadata,
    national: &str,
    mode: Mode,
) -> String {
    let formats = if meta.international_formats().is_empty() || mode == Mode::National {
        meta.formats()
    } else {
        meta.international_formats()
    };
    let f = number.format().mode(mode);
    match p.format_for(national, formats) {
        Some(format) => f.with(format).to_string(),
        None => f.to_string(),
    }
}

/// The patterns of the `phonenumber` crate's global database compiled once more, ours, keyed by
/// the address of their text (the database is a `static`: its strings never move or go).
///
/// Why: the crate compiles every pattern into one global LRU cache of 100 regexes behind a
/// mutex, and every match locks it and looks the pattern up by its text — hashing (SipHash) and
/// comparing strings of up to a few kilobytes twice. Profiled over the 190,500 phones of the
/// 100k-row import: regex-cache lookups were over half of the phone time, more than the matching,
/// and the lock serialises threads. Typing a number tries up to ten patterns and choosing its
/// format many more, so these two (the crate's `validator::number_type`/`source_for` and its
/// formatter's choice of format, mirrored line for line below) go through this table; the crate
/// still parses and writes the number.
///
/// One table per worker thread, seeded from and merged back into [`COMPILED`], so a second
/// import compiles nothing.
struct Patterns {
    /// This thread's copies of the patterns it used (see [`Patterns::regex`]).
    map: Compiled,
    /// The shared table as it was at [`Patterns::take`].
    shared: Arc<Compiled>,
    grown: bool,
    /// National-mode templates by the address of their format (see [`Patterns::national_template`]).
    templates: FxHashMap<usize, Option<String>>,
}

/// Compiled patterns by the address and length of their text (FxHash: the keys are two words;
/// SipHash was ~7% of a batch's phone time).
type Compiled = FxHashMap<(usize, usize), regex::Regex>;

static COMPILED: Mutex<Option<Arc<Compiled>>> = Mutex::new(None);

impl Patterns {
    fn take() -> Self {
        let seen = COMPILED.lock().unwrap_or_else(|e| e.into_inner());
        Patterns {
            map: Compiled::default(),
            shared: seen.clone().unwrap_or_default(),
            grown: false,
            templates: FxHashMap::default(),
        }
    }

    fn give(self) {
        if self.grown {
            let mut seen = COMPILED.lock().unwrap_or_else(|e| e.into_inner());
            let mut all: Compiled = seen.as_deref().cloned().unwrap_or_default();
            for (k, re) in self.map {
                all.entry(k).or_insert(re);
            }
            *seen = Some(Arc::new(all));
        }
    }

    /// One of the database's patterns compiled with the crate's options (`ignore_whitespace`,
    /// the rest default), anchored at the start: the crate only ever asks whether its leftmost
    /// match starts at 0, and the leftmost-first match starting at 0 is the anchored one (an
    /// unanchored search also scans every later start, and backwards for the start: with it the
    /// demo's 150k phones took 1.5× as long). The new line ends a `#` comment of the pattern, if
    /// any.
    ///
    /// Each thread matches with its own clone of a shared pattern: a clone has a cache pool of its
    /// own, whose owner is the thread that first matches with it (a pattern shared by threads
    /// took the pool's locked slow path on every match from any thread but the one that
    /// compiled it: ~5% of a batch's phone time).
    fn regex(&mut self, source: &'static str) -> &regex::Regex {
        let key = (source.as_ptr() as usize, source.len());
        let (grown, shared) = (&mut self.grown, &self.shared);
        self.map.entry(key).or_insert_with(|| {
            if let Some(re) = shared.get(&key) {
                return re.clone();
            }
            *grown = true;
            regex::RegexBuilder::new(&format!("^(?:{source}\n)"))
                .ignore_whitespace(true)
                .build()
                .expect("the database's patterns compile (the crate compiles them too)")
        })
    }

    /// The template the crate's formatter builds for `format` in national mode with the national
    /// prefix formatting `rule` (its `replace` with a transform, carrier code absent): the first
    /// group reference of the format replaced by the rule, in which `$NP` is the national prefix
    /// and `$FG` the first group. Built once per format. `None` for a format without a group
    /// reference (where the crate would panic; the caller asks the crate).
    fn national_template(
        &mut self,
        format: &'static Format,
        meta: &'static Metadata,
        rule: &str,
    ) -> Option<String> {
        static FIRST_GROUP: LazyLock<regex::Regex> =
            LazyLock::new(|| regex::Regex::new(r"(\$\d)").expect("a valid pattern"));
        self.templates
            .entry(format as *const Format as usize)
            .or_insert_with(|| {
                let first = FIRST_GROUP.captures(format.format())?.get(1)?.as_str();
                let t = rule.replace("$NP", meta.national_prefix().unwrap_or(""));
                let t = t.replace("$FG", &format!("${first}"));
                let t = t.replace("$CC", "");
                Some(
                    FIRST_GROUP
                        .replace(format.format(), t.as_str())
                        .into_owned(),
                )
            })
            .clone()
    }

    /// Whether the crate's `find(value)` of `source` would start at 0 (its test everywhere).
    fn at_start(&mut self, source: &'static str, value: &str) -> bool {
        self.regex(source).is_match(value)
    }

    /// `Descriptor::is_match`.
    fn matches(&mut self, d: Option<&'static Descriptor>, value: &str) -> bool {
        let Some(d) = d else { return false };
        let lengths = d.possible_length();
        if !lengths.is_empty() && !lengths.contains(&(value.len() as u16)) {
            return false;
        }
        self.at_start(d.national_number().as_str(), value)
    }

    /// `PhoneNumber::metadata` (`validator::source_for`): the region's metadata for a national
    /// number `value` of `code`.
    fn metadata_for(&mut self, code: u16, value: &str) -> Option<&'static Metadata> {
        let db: &'static phonenumber::metadata::Database = &DATABASE;
        let regions = db.region(&code)?;
        if regions.len() == 1 {
            return if regions[0] == "001" {
                db.by_code(&code).and_then(|m| m.into_iter().next())
            } else {
                let id: country::Id = regions[0].parse().ok()?;
                db.by_id(id.as_ref())
            };
        }
        for region in regions {
            let meta = db.by_id(region)?;
            let found = match meta.leading_digits() {
                Some(ld) => self.at_start(ld.as_str(), value),
                None => self.number_type(meta, value) != Type::Unknown,
            };
            if found {
                let id: country::Id = region.parse().ok()?;
                return db.by_id(id.as_ref());
            }
        }
        None
    }

    /// `validator::number_type`.
    fn number_type(&mut self, meta: &'static Metadata, value: &str) -> Type {
        let d = meta.descriptors();
        if !self.matches(Some(d.general()), value) {
            return Type::Unknown;
        }
        let special = [
            (d.premium_rate(), Type::PremiumRate),
            (d.toll_free(), Type::TollFree),
            (d.shared_cost(), Type::SharedCost),
            (d.voip(), Type::Voip),
            (d.personal_number(), Type::PersonalNumber),
            (d.pager(), Type::Pager),
            (d.uan(), Type::Uan),
            (d.voicemail(), Type::Voicemail),
        ];
        for (desc, ty) in special {
            if self.matches(desc, value) {
                return ty;
            }
        }
        if self.matches(d.fixed_line(), value) {
            let same = d.fixed_line().map(|x| x.national_number().as_str())
                == d.mobile().map(|x| x.national_number().as_str());
            if same || self.matches(d.mobile(), value) {
                return Type::FixedLineOrMobile;
            }
            return Type::FixedLine;
        }
        if self.matches(d.mobile(), value) {
            return Type::Mobile;
        }
        Type::Unknown
    }

    /// The formatter's choice of format for the national number `number` (its `formatter`).
    fn format_for(&mut self, number: &str, formats: &'static [Format]) -> Option<&'static Format> {
        for format in formats {
            let leading = format.leading_digits();
            let chosen = match leading.last() {
                None => true,
                Some(last) => {
                    self.at_start(last.as_str(), number)
                        && self
                            .regex(format.pattern().as_str())
                            .find(number)
                            .is_some_and(|m| m.end() == number.len())
                }
            };
            if chosen {
                return Some(format);
            }
        }
        None
    }
}

/// What the store derives from a valid, typed number.
fn analysis_of(number: &PhoneNumber, is_mobile: bool, display: bool) -> Analysis {
    let e164 = format!("+{}{}", number.country().code(), number.national());
    let mut search_digits = vec![digits(&e164)];
    let national = digits(&number.format().mode(Mode::National).to_string());
    if !national.is_empty() && !search_digits.contains(&national) {
        search_digits.push(national);
    }
    Analysis {
        check: PhoneCheck {
            e164: Some(e164),
            formatted: display.then(|| number.format().mode(Mode::International).to_string()),
            country: None,
            is_mobile,
            error: None,
        },
        search_digits,
    }
}

/// The order to [`analyze`] numbers in: by the country they will be read in (the `+` prefix's
/// first digits, else the default country).
pub(crate) fn sort_key(raw: &str) -> (bool, String) {
    match raw.trim_start().strip_prefix('+') {
        Some(rest) => (
            true,
            rest.chars().filter(char::is_ascii_digit).take(3).collect(),
        ),
        None => (false, String::new()),
    }
}

fn check_parsed(raw: &str, default_country: &str, kind: PhoneKind) -> PhoneCheck {
    let country = default_country.trim().to_ascii_uppercase();
    let mut out = PhoneCheck {
        e164: None,
        formatted: None,
        country: None,
        is_mobile: false,
        error: None,
    };
    let field = String::new();
    let d = digits(raw);
    if d.is_empty() {
        out.error = Some(FieldError::new(field, "phone_required"));
        return out;
    }
    if d.len() < 5 {
        out.error = Some(FieldError::new(field, "phone_too_short").with("country", country));
        return out;
    }
    let Some(number) = parse(raw, &country) else {
        out.error = Some(FieldError::new(field, "phone_invalid").with("country", country));
        return out;
    };
    let found = number.country().id().map(|c| c.as_ref().to_owned());
    if !number.is_valid() {
        let c = found.unwrap_or(country);
        out.error = Some(FieldError::new(field, "phone_invalid").with("country", c));
        return out;
    }
    let ty = number.number_type(&phonenumber::metadata::DATABASE);
    out.e164 = Some(number.format().mode(Mode::E164).to_string());
    out.formatted = Some(number.format().mode(Mode::International).to_string());
    out.is_mobile = matches!(ty, Type::Mobile | Type::FixedLineOrMobile);
    if kind == PhoneKind::Mobile && ty == Type::FixedLine {
        let c = found.clone().unwrap_or_else(|| country.clone());
        out.error = Some(FieldError::new(field, "phone_not_mobile").with("country", c));
    }
    out.country = found;
    out
}

/// E.164 of `raw` if it is a valid number, else `None`.
pub fn to_e164(raw: &str, default_country: &str) -> Option<String> {
    let n = parse(raw, default_country)?;
    n.is_valid()
        .then(|| n.format().mode(Mode::E164).to_string())
}

/// International display format of an E.164 number ("+380 67 123 4567"); the input when unparsable.
pub fn display(e164: &str) -> String {
    match phonenumber::parse(None, e164) {
        Ok(n) => n.format().mode(Mode::International).to_string(),
        Err(_) => e164.to_owned(),
    }
}

/// The digit strings a typed phone fragment is matched against: the E.164 digits ("380671234567")
/// and the national form with its trunk prefix ("0671234567"). Both, deduplicated.
pub fn search_digits(e164: &str) -> Vec<String> {
    let mut out = vec![digits(e164)];
    if let Ok(n) = phonenumber::parse(None, e164) {
        let national = digits(&n.format().mode(Mode::National).to_string());
        if !national.is_empty() && !out.contains(&national) {
            out.push(national);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e164(raw: &str, c: &str) -> Option<String> {
        check(raw, c, PhoneKind::Other).e164
    }

    #[test]
    fn local_and_international_forms() {
        let cases = [
            ("067 123 45 67", "UA", "+380671234567"),
            ("+380 67 123 45 67", "DE", "+380671234567"),
            ("0671234567", "UA", "+380671234567"),
            ("8 (912) 345-67-89", "RU", "+79123456789"),
            ("+7 912 345 67 89", "UA", "+79123456789"),
            ("69 1234 5678", "GR", "+306912345678"),
            ("6912345678", "GR", "+306912345678"),
            ("+30 691 234 5678", "UA", "+306912345678"),
            ("138 0013 8000", "CN", "+8613800138000"),
            ("+86 138 0013 8000", "UA", "+8613800138000"),
            ("(201) 555-0123", "US", "+12015550123"),
            ("+1 201-555-0123", "UA", "+12015550123"),
            ("0151 23456789", "DE", "+4915123456789"),
            ("+49 151 23456789", "GR", "+4915123456789"),
        ];
        for (raw, c, want) in cases {
            assert_eq!(e164(raw, c).as_deref(), Some(want), "{raw} in {c}");
        }
    }

    #[test]
    fn mobile_check_and_errors() {
        let ok = check("067 123 45 67", "UA", PhoneKind::Mobile);
        assert!(ok.is_mobile && ok.error.is_none(), "{ok:?}");
        assert_eq!(ok.country.as_deref(), Some("UA"));
        assert_eq!(ok.formatted.as_deref(), Some("+380 67 123 4567"));
        // Kyiv fixed line typed as a mobile.
        let fixed = check("044 123 45 67", "UA", PhoneKind::Mobile);
        assert_eq!(fixed.e164.as_deref(), Some("+380441234567"));
        let err = fixed.error.unwrap();
        assert_eq!(err.code, "phone_not_mobile");
        assert_eq!(err.params.get("country").map(String::as_str), Some("UA"));
        assert!(check("044 123 45 67", "UA", PhoneKind::Work)
            .error
            .is_none());
        let bad = check("067 123", "UA", PhoneKind::Mobile);
        assert_eq!(bad.error.unwrap().code, "phone_invalid");
        assert_eq!(
            check("12", "UA", PhoneKind::Mobile).error.unwrap().code,
            "phone_too_short"
        );
        assert_eq!(
            check("", "UA", PhoneKind::Mobile).error.unwrap().code,
            "phone_required"
        );
        assert_eq!(check("hello", "UA", PhoneKind::Mobile).e164, None);
    }

    #[test]
    fn analysis_agrees_with_check_and_search_digits() {
        let mut cases: Vec<(String, String, PhoneKind)> = [
            ("067 123 45 67", "UA"),
            ("044 123 45 67", "UA"),
            ("+79123456789", "UA"),
            ("8 (912) 345-67-89", "RU"),
            ("69 1234 5678", "GR"),
            ("210 123 4567", "GR"),
            ("138 0013 8000", "CN"),
            ("(201) 555-0123", "US"),
            ("+1 416 555 0123", "UA"),
            ("+7 727 123 4567", "UA"),
            ("+44 20 7946 0958", "UA"),
            ("0151 23456789", "DE"),
            ("067 123", "UA"),
            ("12", "UA"),
            ("hello", "UA"),
            ("+999 123 456 789", "UA"),
        ]
        .iter()
        .flat_map(|(r, c)| {
            [PhoneKind::Mobile, PhoneKind::Work].map(|k| ((*r).to_owned(), (*c).to_owned(), k))
        })
        .collect();
        // Every country and form the demo base writes.
        for (c, _) in crate::demo::generate(3, 3000, 1_700_000_000_000, "me") {
            for p in &c.data.phones {
                cases.push((p.raw.clone(), "UA".into(), p.kind));
                cases.push((p.raw.clone(), "DE".into(), PhoneKind::Mobile));
            }
        }
        for (raw, c, kind) in &cases {
            let a = analyze(raw, c, *kind, true, None);
            let want = check(raw, c, *kind);
            assert_eq!(a.check.e164, want.e164, "{raw} in {c}");
            assert_eq!(a.check.error, want.error, "{raw} in {c}");
            assert_eq!(a.check.is_mobile, want.is_mobile, "{raw} in {c}");
            // Given the E.164 a check found, the same derived values without the type lookup;
            // a wrong one is not taken.
            if let (Some(e), None) = (&want.e164, &want.error) {
                let b = analyze(raw, c, *kind, true, Some(e));
                assert_eq!(
                    (&b.check.e164, &b.check.formatted),
                    (&a.check.e164, &a.check.formatted)
                );
                assert_eq!(b.search_digits, a.search_digits);
                let c2 = analyze(raw, c, *kind, true, Some("+380000000000"));
                assert_eq!(c2.check.e164, a.check.e164);
            }
            if want.error.is_none() {
                assert_eq!(a.check.formatted, want.formatted, "{raw} in {c}");
            }
            let digits = want.e164.as_deref().map(search_digits).unwrap_or_default();
            if a.check.error.is_none() {
                assert_eq!(a.search_digits, digits, "{raw} in {c}");
            }
            if let Some(e) = &a.check.e164 {
                assert_eq!(want.formatted.as_deref(), Some(display(e).as_str()));
            }
        }
    }

    #[test]
    fn digits_for_search() {
        assert_eq!(
            search_digits("+380671234567"),
            vec!["380671234567", "0671234567"]
        );
        assert_eq!(
            search_digits("+79123456789"),
            vec!["79123456789", "89123456789"]
        );
        assert_eq!(display("+380671234567"), "+380 67 123 4567");
    }
}
