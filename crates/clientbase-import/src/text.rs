//! Delimited text (CSV, TSV, `;`- and `|`-separated): encoding detection and decoding
//! (encoding_rs + chardetng), delimiter detection, parsing (the `csv` crate).

use crate::error::ImportError;
use crate::table::{Cell, FileFormat, Row, Table};
use crate::ReadOptions;
use encoding_rs::{DecoderResult, Encoding, GB18030, GBK, UTF_8};

/// Whether bytes look like binary data rather than text in some 8-bit or multi-byte encoding:
/// a NUL, or more than 1% C0 control characters other than tab, new line, carriage return and
/// form feed.
pub(crate) fn looks_binary(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(64 * 1024)];
    let mut controls = 0usize;
    for &b in sample {
        match b {
            0 => return true,
            b'\t' | b'\n' | b'\r' | 0x0C => {}
            0x01..=0x1F | 0x7F => controls += 1,
            _ => {}
        }
    }
    controls * 100 > sample.len()
}

/// The text of `bytes` and what was used: (text, encoding name, detected?, had a BOM).
pub(crate) fn decode(
    bytes: &[u8],
    forced: Option<&str>,
) -> Result<(String, &'static Encoding, bool, bool), ImportError> {
    let bom = Encoding::for_bom(bytes);
    if let Some(label) = forced.map(str::trim).filter(|l| !l.is_empty()) {
        let enc = Encoding::for_label(label.as_bytes())
            .ok_or_else(|| ImportError::UnknownEncoding(label.to_owned()))?;
        // GBK decodes as GB18030 in encoding_rs; report what the user chose.
        let skip = match bom {
            Some((b, len)) if b == enc || (b == UTF_8 && enc == UTF_8) => len,
            _ => 0,
        };
        let text = decode_strict(&bytes[skip..], enc)?;
        return Ok((text, enc, false, skip > 0));
    }
    if let Some((enc, len)) = bom {
        let (text, _) = enc.decode_without_bom_handling(&bytes[len..]);
        return Ok((text.into_owned(), enc, true, true));
    }
    if looks_binary(bytes) {
        return Err(ImportError::UnknownFormat);
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok((s.to_owned(), UTF_8, true, false));
    }
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(bytes, true);
    let mut enc = det.guess(None, chardetng::Utf8Detection::Deny);
    if enc == GBK {
        enc = GB18030;
    }
    let (text, _) = enc.decode_without_bom_handling(bytes);
    Ok((text.into_owned(), enc, true, false))
}

fn decode_strict(bytes: &[u8], enc: &'static Encoding) -> Result<String, ImportError> {
    let mut decoder = enc.new_decoder_without_bom_handling();
    let cap = decoder
        .max_utf8_buffer_length_without_replacement(bytes.len())
        .unwrap_or(bytes.len() * 3 + 16);
    let mut out = String::with_capacity(cap);
    let (res, read) = decoder.decode_to_string_without_replacement(bytes, &mut out, true);
    match res {
        DecoderResult::InputEmpty => Ok(out),
        DecoderResult::Malformed(bad, extra) => Err(ImportError::EncodingMismatch {
            encoding: enc.name().to_owned(),
            offset: read.saturating_sub(bad as usize + extra as usize),
        }),
        DecoderResult::OutputFull => Err(ImportError::EncodingMismatch {
            encoding: enc.name().to_owned(),
            offset: read,
        }),
    }
}

const DELIMITERS: [u8; 4] = [b'\t', b';', b',', b'|'];

/// Picks the delimiter whose split of the first records is the most consistent (the same number
/// of fields, more than one, in the most records); ties go to tab, then `;`, `,`, `|`.
pub(crate) fn detect_delimiter(text: &str) -> u8 {
    let mut end = text.len().min(64 * 1024);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let sample = &text[..end];
    let mut best = (0.0f64, b',');
    for d in DELIMITERS {
        let mut rdr = csv::ReaderBuilder::new()
            .delimiter(d)
            .has_headers(false)
            .flexible(true)
            .from_reader(sample.as_bytes());
        let mut counts: Vec<usize> = Vec::new();
        for rec in rdr.records().take(100) {
            match rec {
                Ok(r) if !(r.len() == 1 && r[0].trim().is_empty()) => counts.push(r.len()),
                Ok(_) => {}
                Err(_) => break,
            }
        }
        // The last record of a cut sample may be partial.
        if end < text.len() && counts.len() > 1 {
            counts.pop();
        }
        if counts.is_empty() {
            continue;
        }
        let mut freq = std::collections::HashMap::new();
        for &c in &counts {
            *freq.entry(c).or_insert(0usize) += 1;
        }
        let (mode, n) = freq
            .iter()
            .filter(|(&c, _)| c > 1)
            .max_by_key(|(&c, &n)| (n, c))
            .map(|(&c, &n)| (c, n))
            .unwrap_or((1, 0));
        if mode <= 1 {
            continue;
        }
        let score = n as f64 / counts.len() as f64 * 1000.0 + (mode.min(100) as f64) * 0.01;
        if score > best.0 {
            best = (score, d);
        }
    }
    best.1
}

fn memchr_count(b: &[u8]) -> usize {
    b.iter().filter(|&&c| c == b'\n').count()
}

/// Removes the `'` that export puts before a cell Excel would run as a formula (`'=…`).
fn unguard(c: Cell) -> Cell {
    match c {
        Cell::Text(s)
            if s.starts_with('\'')
                && matches!(s[1..].chars().next(), Some('=' | '@' | '+' | '-' | '\t')) =>
        {
            Cell::Text(s[1..].to_owned())
        }
        c => c,
    }
}

pub(crate) fn read_delimited(bytes: &[u8], opts: &ReadOptions) -> Result<Table, ImportError> {
    let (text, enc, detected, bom) = decode(bytes, opts.encoding.as_deref())?;
    if text.trim().is_empty() {
        return Err(ImportError::EmptyFile);
    }
    if text.contains('\0') {
        return Err(ImportError::UnknownFormat);
    }
    let mut body = text.as_str();
    let mut first_line = 1usize;
    // Excel's "sep=;" first line names the delimiter.
    let mut delimiter = opts.delimiter.and_then(|c| u8::try_from(c).ok());
    if let Some(rest) = body
        .strip_prefix("sep=")
        .or_else(|| body.strip_prefix("SEP="))
    {
        let mut chars = rest.chars();
        if let Some(c) = chars.next() {
            let after = chars.as_str();
            if c.is_ascii() && (after.starts_with('\n') || after.starts_with("\r\n")) {
                delimiter.get_or_insert(c as u8);
                body = after.trim_start_matches(['\r', '\n']);
                first_line = 2;
            }
        }
    }
    let delimiter = delimiter.unwrap_or_else(|| detect_delimiter(body));
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(body.as_bytes());
    let mut rows = Vec::new();
    let mut rec = csv::StringRecord::new();
    // Line numbers: count new lines up to each record's start (records ascend).
    let bytes = body.as_bytes();
    let (mut counted_to, mut line_no) = (0usize, first_line);
    loop {
        match rdr.read_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            // The text is valid UTF-8 and the reader is flexible: only I/O could fail, and
            // there is none.
            Err(_) => break,
        }
        let cells: Vec<Cell> = rec.iter().map(|f| unguard(Cell::text(f))).collect();
        if cells.iter().all(Cell::is_empty) {
            continue;
        }
        let start = rec
            .position()
            .map(|p| p.byte() as usize)
            .unwrap_or(counted_to);
        let mut start = start.clamp(counted_to, bytes.len());
        // With CRLF the reader reports a record as starting at the "\n" before it.
        while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        line_no += memchr_count(&bytes[counted_to..start]);
        counted_to = start;
        let line = line_no;
        let mut cells = cells;
        while cells.last().is_some_and(Cell::is_empty) {
            cells.pop();
        }
        rows.push(Row { line, cells });
    }
    let mut table = Table::new(FileFormat::Csv);
    table.encoding = Some(enc.name().to_owned());
    table.encoding_detected = detected;
    table.bom = bom;
    table.delimiter = Some(delimiter as char);
    table.set_rows(rows, opts.header);
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters() {
        assert_eq!(detect_delimiter("a;b;c\n1;2,5;3\n4;5;6\n"), b';');
        assert_eq!(detect_delimiter("a,b,c\n1,\"2;5\",3\n"), b',');
        assert_eq!(detect_delimiter("a\tb\n\"Ivanov, Ivan\"\t1\n"), b'\t');
        assert_eq!(
            detect_delimiter("Ivanov, Ivan\t1\nPetrov, Petr\t2\n"),
            b'\t'
        );
        assert_eq!(detect_delimiter("a|b|c\n1|2|3\n"), b'|');
        assert_eq!(detect_delimiter("just one column\nanother\n"), b',');
    }

    #[test]
    fn encodings() {
        let (enc, _, _) = encoding_rs::WINDOWS_1251.encode("Имя;Телефон\nИван Петров;067\n");
        let (text, e, detected, bom) = decode(&enc, None).unwrap();
        assert!(text.starts_with("Имя;Телефон"), "{text}");
        assert_eq!((e.name(), detected, bom), ("windows-1251", true, false));
        let forced = decode(&enc, Some("utf-8"));
        assert!(matches!(
            forced,
            Err(ImportError::EncodingMismatch { offset: 0, .. })
        ));
        assert!(matches!(
            decode(b"x", Some("klingon")),
            Err(ImportError::UnknownEncoding(_))
        ));
        let (text, e, _, bom) = decode("\u{feff}Имя".as_bytes(), None).unwrap();
        assert_eq!((text.as_str(), e.name(), bom), ("Имя", "UTF-8", true));
        assert!(matches!(
            decode(&[0, 1, 2, 3, 200, 7], None),
            Err(ImportError::UnknownFormat)
        ));
    }
}
