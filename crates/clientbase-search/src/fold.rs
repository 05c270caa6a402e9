//! Search folding: lowercase + compatibility decomposition + diacritic stripping, with a few
//! script-specific exceptions that a rep expects (й, ї, ў stay distinct letters; ς → σ).
//!
//! The per-character mapping is derived from Unicode data (`char::to_lowercase` and ICU4X NFKD
//! from `icu_normalizer`) once, into a lookup table for U+0000–U+2FFF and U+FF00–U+FFEF (Latin,
//! Greek, Cyrillic, punctuation, full-width forms). Characters outside the table take the same
//! slow path on the fly, except CJK ideographs and Hangul syllables, which fold to themselves.
//!
//! Hand-written exceptions (and why):
//! - `й`, `ї`, `ў` are kept: in Ukrainian/Russian/Belarusian they are separate letters, not
//!   `и`/`і`/`у` with an accent; NFD would otherwise strip the breve/diaeresis.
//! - `ς` → `σ`: final sigma is a positional form of the same letter.
//! - `ß` → `ss`, `ł` → `l`, `đ` → `d`, `ø` → `o`, `æ` → `ae`, `œ` → `oe`, `ı` → `i`: these Latin
//!   letters have no canonical decomposition, but reps type them without the stroke/ligature.
//! - Whitespace (any Unicode white space) collapses to one ASCII space, trimmed at both ends.
//! - Combining marks stripped: U+0300–036F, U+1AB0–1AFF, U+1DC0–1DFF, U+20D0–20FF, U+FE20–FE2F.

use std::sync::OnceLock;

const TABLE_LOW_END: u32 = 0x3000;
const FW_START: u32 = 0xFF00;
const FW_END: u32 = 0xFFF0;

struct FoldTable {
    /// (offset, len) into `buf` for each code point in 0..TABLE_LOW_END, then FW_START..FW_END.
    entries: Vec<(u32, u8)>,
    buf: String,
}

fn is_combining_mark(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// Exceptions applied to a lowercased character before decomposition.
fn special(c: char) -> Option<&'static str> {
    Some(match c {
        'й' => "й",
        'ї' => "ї",
        'ў' => "ў",
        'ς' => "σ",
        'ß' => "ss",
        'ł' => "l",
        'đ' => "d",
        'ø' => "o",
        'æ' => "ae",
        'œ' => "oe",
        'ı' => "i",
        _ => return None,
    })
}

/// The slow, data-driven fold of one (non-whitespace) character.
fn fold_char_slow(c: char, out: &mut String) {
    let nfkd = icu_normalizer::DecomposingNormalizerBorrowed::new_nfkd();
    let mut tmp = [0u8; 4];
    for l in c.to_lowercase() {
        if let Some(s) = special(l) {
            out.push_str(s);
            continue;
        }
        let decomposed = nfkd.normalize(l.encode_utf8(&mut tmp));
        for d in decomposed.chars() {
            if is_combining_mark(d) {
                continue;
            }
            for dl in d.to_lowercase() {
                if let Some(s) = special(dl) {
                    out.push_str(s);
                } else if dl.is_whitespace() {
                    out.push(' ');
                } else {
                    out.push(dl);
                }
            }
        }
    }
}

fn table() -> &'static FoldTable {
    static TABLE: OnceLock<FoldTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut entries = Vec::with_capacity((TABLE_LOW_END + FW_END - FW_START) as usize);
        let mut buf = String::with_capacity(16 * 1024);
        let ranges = [0..TABLE_LOW_END, FW_START..FW_END];
        for r in ranges {
            for cp in r {
                let start = buf.len() as u32;
                if let Some(c) = char::from_u32(cp) {
                    if c.is_whitespace() {
                        buf.push(' ');
                    } else {
                        fold_char_slow(c, &mut buf);
                    }
                }
                let len = (buf.len() as u32 - start) as u8;
                entries.push((start, len));
            }
        }
        FoldTable { entries, buf }
    })
}

#[inline]
fn is_identity_wide(cp: u32) -> bool {
    // CJK Unified Ideographs (+Ext A), Hiragana/Katakana, Hangul syllables: no case, no marks to
    // strip; NFKD would split Hangul into jamo, which we do not want.
    matches!(cp, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7A3)
        || (0x20000..=0x3FFFF).contains(&cp)
}

/// Folds `s` for search and append the result to `out` (whitespace collapsed, trimmed).
pub fn fold_into(s: &str, out: &mut String) {
    let base = out.len();
    let t = table();
    // `pending_space`: a space is owed before the next non-space output.
    let mut pending_space = false;
    let push_piece = |piece: &str, out: &mut String, pending_space: &mut bool| {
        if !piece.as_bytes().contains(&b' ') {
            if piece.is_empty() {
                return;
            }
            if *pending_space && out.len() > base {
                out.push(' ');
            }
            *pending_space = false;
            out.push_str(piece);
            return;
        }
        for (i, part) in piece.split(' ').enumerate() {
            if i > 0 {
                *pending_space = true;
            }
            if part.is_empty() {
                continue;
            }
            if *pending_space && out.len() > base {
                out.push(' ');
            }
            *pending_space = false;
            out.push_str(part);
        }
    };
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            // ASCII fast path.
            if b.is_ascii_whitespace() || b == 0x0B {
                pending_space = true;
            } else {
                if pending_space && out.len() > base {
                    out.push(' ');
                }
                pending_space = false;
                out.push(b.to_ascii_lowercase() as char);
            }
            i += 1;
            continue;
        }
        let c = s[i..].chars().next().unwrap_or('\u{FFFD}');
        i += c.len_utf8();
        let cp = c as u32;
        let idx = if cp < TABLE_LOW_END {
            Some(cp as usize)
        } else if (FW_START..FW_END).contains(&cp) {
            Some((TABLE_LOW_END + cp - FW_START) as usize)
        } else {
            None
        };
        if let Some(idx) = idx {
            let (off, len) = t.entries[idx];
            let piece = &t.buf[off as usize..off as usize + len as usize];
            push_piece(piece, out, &mut pending_space);
        } else if is_identity_wide(cp) {
            if pending_space && out.len() > base {
                out.push(' ');
            }
            pending_space = false;
            out.push(c);
        } else if c.is_whitespace() {
            pending_space = true;
        } else {
            let mut tmp = String::new();
            fold_char_slow(c, &mut tmp);
            push_piece(&tmp, out, &mut pending_space);
        }
    }
}

/// Folds a string for search: lowercase in all scripts, Latin diacritics stripped, Greek accents
/// and diaeresis stripped, final sigma → σ, ё → е (й, ї, є, і kept), full-width → ASCII,
/// whitespace collapsed to single spaces and trimmed.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_into(s, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn latin() {
        assert_eq!(fold("José Müller"), "jose muller");
        assert_eq!(fold("ÉCOLE Ångström"), "ecole angstrom");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("Łódź"), "lodz");
        assert_eq!(fold("İstanbul"), "istanbul");
    }

    #[test]
    fn greek() {
        assert_eq!(fold("Σοφία"), "σοφια");
        assert_eq!(fold("ΣΟΦΊΑ"), "σοφια");
        assert_eq!(fold("ΐ"), "ι");
        assert_eq!(fold("Ϊ"), "ι");
        assert_eq!(fold("Νίκος"), "νικοσ");
        assert_eq!(fold("ΝΊΚΟΣ"), "νικοσ");
        assert_eq!(fold("ὅσος"), "οσοσ");
    }

    #[test]
    fn cyrillic() {
        assert_eq!(fold("Ёлка"), "елка");
        assert_eq!(fold("ёж"), "еж");
        assert_eq!(fold("Йошкар-Ола"), "йошкар-ола");
        assert_eq!(fold("ЙОД"), "йод");
        assert_eq!(fold("Їжак Євген Іван Ґанок"), "їжак євген іван ґанок");
        assert_eq!(fold("ИВАН"), "иван");
    }

    #[test]
    fn full_width_and_whitespace() {
        assert_eq!(fold("ＡＢＣ１２３"), "abc123");
        assert_eq!(fold("  a \t\n b\u{3000}c  "), "a b c");
        assert_eq!(fold("王秀英"), "王秀英");
        assert_eq!(fold(""), "");
        assert_eq!(fold("   "), "");
    }

    #[test]
    fn idempotent() {
        for s in ["Σοφία", "Ёлка Йод", "José", "ＡＢＣ", "王秀英", "Straße"] {
            let f = fold(s);
            assert_eq!(fold(&f), f, "{s}");
        }
    }
}
