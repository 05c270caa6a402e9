//! Folding for matching words a person typed (column headers, month names, channel and country
//! words) against our dictionaries: lowercase, compatibility decomposition (ICU4X NFKD, so full-width
//! `Ｅ－ｍａｉｌ` is `e-mail`), accents dropped (`Τηλέφωνο` = `τηλεφωνο`, `ё` = `е`), final sigma
//! `ς` = `σ`, apostrophes removed (`Ім'я` = `імя`), every other non-alphanumeric run one space.
//!
//! Unlike the search crate's fold, `й`/`ї` lose their marks here too: both sides of every comparison
//! go through this function, and header words never differ only by them.

fn is_combining_mark(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ' | '`' | '´' | '‘')
}

/// Folds `s` for dictionary matching (see the module doc).
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    if s.is_ascii() {
        // Most cell values folded per row (codes, countries, categories) are ASCII.
        for b in s.bytes() {
            if b.is_ascii_alphanumeric() {
                if space && !out.is_empty() {
                    out.push(' ');
                }
                space = false;
                out.push(b.to_ascii_lowercase() as char);
            } else if !matches!(b, b'\'' | b'`') {
                space = true;
            }
        }
        return out;
    }
    let nfkd = icu_normalizer::DecomposingNormalizerBorrowed::new_nfkd();
    for c in nfkd.normalize(s).chars() {
        if is_combining_mark(c) || is_apostrophe(c) {
            continue;
        }
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            for l in c.to_lowercase() {
                out.push(if l == 'ς' { 'σ' } else { l });
            }
        } else {
            space = true;
        }
    }
    out
}

/// Whether `c` is a CJK ideograph (a script written without spaces between words).
pub fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF)
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn folds_scripts_and_punctuation() {
        assert_eq!(fold("  Τηλέφωνο "), "τηλεφωνο");
        assert_eq!(fold("Ονοματεπώνυμο"), "ονοματεπωνυμο");
        assert_eq!(fold("ΠΌΛΗΣ"), "πολησ");
        assert_eq!(fold("Ім'я"), "імя");
        assert_eq!(fold("Ф.И.О."), "ф и о");
        assert_eq!(fold("Ёлка"), "елка");
        assert_eq!(fold("E-mail"), "e mail");
        assert_eq!(fold("Ｅ－ｍａｉｌ"), "e mail");
        assert_eq!(fold("电话 号码"), "电话 号码");
        assert_eq!(fold("Straße"), "straße");
        assert_eq!(fold("Phone 1 - Value"), "phone 1 value");
    }
}
