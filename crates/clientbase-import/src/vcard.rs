//! vCard 2.1 / 3.0 / 4.0 reading (as Android, iOS, Google Contacts and Outlook export it) and
//! 3.0 / 4.0 writing.
//!
//! Why hand-written: the crates that parse vCards either follow RFC 6350 strictly (`vcard4`
//! refuses 2.1 and any CHARSET but UTF-8), leave quoted-printable to the caller (`ical`), or come
//! with a whole iCalendar/JSContact stack (`calcard`). Phone exports need exactly the non-RFC
//! parts: 2.1 bare type parameters (`TEL;CELL;PREF:`), quoted-printable values with soft line
//! breaks and per-property `CHARSET=windows-1251`, files in a legacy encoding without any
//! declaration, Apple's `itemN.X-ABLabel` groups and `X-APPLE-OMIT-YEAR` birthdays, Google's
//! `--MM-DD`, megabytes of base64 photos. The grammar itself is small (a line is
//! `[group.]NAME[;PARAM[=V]]*:VALUE`), so the parser is written here over bytes; quoted-printable
//! decoding is the `quoted_printable` crate, charsets are `encoding_rs`/`chardetng`.

use crate::convert::{problem, ConvertOptions, Problem, RowResult, Severity};
use crate::dates;
use crate::error::ImportError;
use crate::fold::fold;
use crate::names;
use crate::values;
use clientbase_core::model::*;
use clientbase_core::validate;
use encoding_rs::{Encoding, UTF_8};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// A card's photo: kept as its size only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Photo {
    /// Decoded size in bytes of an inline photo (0 for a URI).
    pub bytes: usize,
    /// `image/jpeg`… when the card says.
    pub media_type: Option<String>,
    /// A photo given by URI instead of inline data.
    pub uri: Option<String>,
}

/// One card, converted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VcardCard {
    /// The client, its problems (`column` is always `None`), `line` = the `BEGIN:VCARD` line.
    pub result: RowResult,
    /// `2.1`, `3.0`, `4.0` (empty when the card has no VERSION).
    pub version: String,
    pub uid: Option<String>,
    pub photo: Option<Photo>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VcardImport {
    pub cards: Vec<VcardCard>,
    /// The file's encoding (properties with their own CHARSET use that one).
    pub encoding: String,
    pub encoding_detected: bool,
}

/// One property line, unfolded, its value still raw bytes.
#[derive(Debug)]
struct Prop {
    group: String,
    name: String,
    /// Parameter names uppercased; bare 2.1 parameters (`CELL`) are `TYPE` values.
    params: Vec<(String, String)>,
    value: Vec<u8>,
}

impl Prop {
    fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every TYPE value, lowercased (`TYPE=cell,voice` and `TYPE=CELL;TYPE=VOICE` alike).
    fn types(&self) -> Vec<String> {
        self.params
            .iter()
            .filter(|(n, _)| n == "TYPE")
            .flat_map(|(_, v)| v.split(','))
            .map(|t| t.trim().trim_matches('"').to_ascii_lowercase())
            .filter(|t| !t.is_empty())
            .collect()
    }

    fn encoding(&self) -> String {
        self.param("ENCODING").unwrap_or("").to_ascii_uppercase()
    }
}

fn is_qp_header(header: &[u8]) -> bool {
    // The part before the value names the encoding.
    let h = String::from_utf8_lossy(header).to_ascii_uppercase();
    h.contains("QUOTED-PRINTABLE")
}

/// Position of the `:` that ends the name and parameters (not inside a quoted parameter value).
fn value_colon(line: &[u8]) -> Option<usize> {
    let mut quoted = false;
    for (i, &b) in line.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b':' if !quoted => return Some(i),
            _ => {}
        }
    }
    None
}

/// Splits bytes into unfolded logical lines with their first physical line number (1-based).
/// Folding: a line starting with a space or tab continues the previous one. Quoted-printable
/// soft breaks: a QP value ending in `=` continues on the next line.
fn logical_lines(bytes: &[u8]) -> Vec<(usize, Vec<u8>)> {
    let mut out: Vec<(usize, Vec<u8>)> = Vec::new();
    let mut cur: Option<(usize, Vec<u8>, Option<bool>)> = None;
    for (i, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        if let Some((_, buf, qp)) = cur.as_mut() {
            if matches!(line.first(), Some(b' ' | b'\t')) {
                buf.extend_from_slice(&line[1..]);
                continue;
            }
            if qp.is_none() {
                *qp = value_colon(buf).map(|c| is_qp_header(&buf[..c]));
            }
            if *qp == Some(true) && buf.last() == Some(&b'=') {
                buf.pop();
                buf.extend_from_slice(line);
                continue;
            }
        }
        if let Some((n, buf, _)) = cur.take() {
            out.push((n, buf));
        }
        if !line.iter().all(|b| b.is_ascii_whitespace()) {
            cur = Some((i + 1, line.to_vec(), None));
        }
    }
    if let Some((n, buf, _)) = cur {
        out.push((n, buf));
    }
    out
}

fn parse_prop(l: &[u8]) -> Option<Prop> {
    let colon = value_colon(l)?;
    let head = String::from_utf8_lossy(&l[..colon]);
    let value = l[colon + 1..].to_vec();
    let mut parts = Vec::new();
    let mut quoted = false;
    let mut start = 0;
    for (i, c) in head.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ';' if !quoted => {
                parts.push(&head[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&head[start..]);
    let mut it = parts.into_iter();
    let full_name = it.next()?.trim();
    let (group, name) = match full_name.rsplit_once('.') {
        Some((g, n)) => (g.to_owned(), n.to_ascii_uppercase()),
        None => (String::new(), full_name.to_ascii_uppercase()),
    };
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return None;
    }
    let params = it
        .filter(|p| !p.trim().is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (
                k.trim().to_ascii_uppercase(),
                v.trim().trim_matches('"').to_owned(),
            ),
            None => {
                let bare = p.trim().to_ascii_uppercase();
                match bare.as_str() {
                    "QUOTED-PRINTABLE" | "BASE64" | "B" | "8BIT" | "7BIT" => {
                        ("ENCODING".to_owned(), bare)
                    }
                    _ => ("TYPE".to_owned(), bare),
                }
            }
        })
        .collect();
    Some(Prop {
        group,
        name,
        params,
        value,
    })
}

/// Undoes vCard text escapes (`\n`, `\,`, `\;`, `\\`).
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(x) => out.push(x),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Splits a structured value (N, ADR, ORG) on unescaped `;`, unescaping each component.
fn components(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                cur.push('\\');
                if let Some(x) = chars.next() {
                    cur.push(x);
                }
            }
            ';' => out.push(unescape(&std::mem::take(&mut cur))),
            _ => cur.push(c),
        }
    }
    out.push(unescape(&cur));
    out.iter().map(|c| c.trim().to_owned()).collect()
}

/// Splits a list value (CATEGORIES) on unescaped `,`.
fn list(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                cur.push('\\');
                if let Some(x) = chars.next() {
                    cur.push(x);
                }
            }
            ',' => out.push(unescape(&std::mem::take(&mut cur))),
            _ => cur.push(c),
        }
    }
    out.push(unescape(&cur));
    out.into_iter()
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty())
        .collect()
}

/// Apple's `_$!<Mobile>!$_` labels → `Mobile`.
fn ab_label(s: &str) -> String {
    s.trim()
        .trim_start_matches("_$!<")
        .trim_end_matches(">!$_")
        .to_owned()
}

/// The file's default text encoding: a BOM, valid UTF-8, or chardetng's guess.
fn file_encoding(
    bytes: &[u8],
    forced: Option<&str>,
) -> Result<(&'static Encoding, usize, bool), ImportError> {
    if let Some(label) = forced.map(str::trim).filter(|l| !l.is_empty()) {
        let enc = Encoding::for_label(label.as_bytes())
            .ok_or_else(|| ImportError::UnknownEncoding(label.to_owned()))?;
        let skip = match Encoding::for_bom(bytes) {
            Some((b, len)) if b == enc => len,
            _ => 0,
        };
        return Ok((enc, skip, false));
    }
    if let Some((enc, len)) = Encoding::for_bom(bytes) {
        return Ok((enc, len, true));
    }
    if std::str::from_utf8(bytes).is_ok() {
        return Ok((UTF_8, 0, true));
    }
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(bytes, true);
    let mut enc = det.guess(None, chardetng::Utf8Detection::Deny);
    if enc == encoding_rs::GBK {
        enc = encoding_rs::GB18030;
    }
    Ok((enc, 0, true))
}

/// Whether `bytes` (after a BOM and blank lines) start like a vCard.
pub(crate) fn looks_like_vcard(bytes: &[u8]) -> bool {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let head = &b[start..b.len().min(start + 11)];
    head.eq_ignore_ascii_case(b"BEGIN:VCARD")
}

/// Reads every card of a vCard file. `encoding` forces the file's default charset (detected
/// otherwise); properties with a CHARSET parameter use theirs. Cards are converted like table rows
/// (phones normalised in `opts.default_country` or the card's country, birthdays checked…).
pub fn read_vcard(
    bytes: &[u8],
    encoding: Option<&str>,
    opts: &ConvertOptions<'_>,
) -> Result<VcardImport, ImportError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ImportError::EmptyFile);
    }
    if bytes.len() > crate::MAX_FILE_BYTES {
        return Err(ImportError::TooLarge {
            bytes: bytes.len(),
            limit: crate::MAX_FILE_BYTES,
        });
    }
    let (enc, skip, detected) = file_encoding(bytes, encoding)?;
    // UTF-16 files: re-encode to UTF-8 first (the grammar is ASCII-based).
    let owned;
    let body: &[u8] = if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
        owned = enc
            .decode_without_bom_handling(&bytes[skip..])
            .0
            .into_owned();
        owned.as_bytes()
    } else {
        &bytes[skip..]
    };
    let text_enc = if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
        UTF_8
    } else {
        enc
    };
    let lines = logical_lines(body);
    if !lines
        .iter()
        .any(|(_, l)| l.len() >= 11 && l[..11].eq_ignore_ascii_case(b"BEGIN:VCARD"))
    {
        return Err(if crate::text::looks_binary(body) {
            ImportError::UnknownFormat
        } else {
            ImportError::NoVcard
        });
    }
    let mut cards = Vec::new();
    let mut cur: Option<(usize, Vec<Prop>, Vec<Problem>)> = None;
    let mut depth = 0usize;
    let mut first_bad: Option<usize> = None;
    for (n, l) in lines {
        let Some(p) = parse_prop(&l) else {
            if let Some((_, _, problems)) = cur.as_mut() {
                problems.push(problem(
                    "property_malformed",
                    Severity::Warning,
                    None,
                    &String::from_utf8_lossy(&l[..l.len().min(80)]),
                ));
            }
            first_bad.get_or_insert(n);
            continue;
        };
        let value_upper = || {
            String::from_utf8_lossy(&p.value)
                .trim()
                .to_ascii_uppercase()
        };
        if p.name == "BEGIN" && value_upper() == "VCARD" {
            depth += 1;
            if depth == 1 {
                cur = Some((n, Vec::new(), Vec::new()));
            }
            continue;
        }
        if p.name == "END" && value_upper() == "VCARD" {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                if let Some((line, props, problems)) = cur.take() {
                    cards.push(card(line, props, problems, text_enc, opts));
                }
            }
            continue;
        }
        if depth == 1 {
            if let Some((_, props, _)) = cur.as_mut() {
                props.push(p);
            }
        }
    }
    if let Some((line, props, mut problems)) = cur.take() {
        problems.push(problem("vcard_truncated", Severity::Warning, None, ""));
        cards.push(card(line, props, problems, text_enc, opts));
    }
    // A file none of whose cards had a single readable property is not a vCard file we can use.
    if cards
        .iter()
        .all(|c| c.version.is_empty() && c.result.is_empty_row())
    {
        return Err(ImportError::VcardMalformed {
            line: first_bad
                .or(cards.first().map(|c| c.result.line))
                .unwrap_or(1),
        });
    }
    Ok(VcardImport {
        cards,
        encoding: enc.name().to_owned(),
        encoding_detected: detected,
    })
}

/// The decoded text of a property value.
fn text_of(p: &Prop, default: &'static Encoding, problems: &mut Vec<Problem>) -> String {
    let bytes = if p.encoding() == "QUOTED-PRINTABLE" {
        quoted_printable::decode(&p.value, quoted_printable::ParseMode::Robust)
            .unwrap_or_else(|_| p.value.clone())
    } else {
        p.value.clone()
    };
    let enc = match p.param("CHARSET") {
        Some(label) => match Encoding::for_label(label.trim().as_bytes()) {
            Some(e) => e,
            None => {
                problems.push(problem("charset_unknown", Severity::Warning, None, label));
                default
            }
        },
        None => default,
    };
    let text = enc.decode_without_bom_handling(&bytes).0;
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.into_owned()
    }
}

/// Decoded size of base64 data (ignoring white space), without decoding it.
fn base64_len(v: &[u8]) -> usize {
    let mut n = 0usize;
    let mut pad = 0usize;
    for &b in v {
        match b {
            b'=' => pad += 1,
            b if b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'-' || b == b'_' => {
                n += 1
            }
            _ => {}
        }
    }
    ((n + pad) / 4 * 3
        + match (n + pad) % 4 {
            2 => 1,
            3 => 2,
            _ => 0,
        })
    .saturating_sub(pad.min(2))
}

/// ASCII-case-insensitive `starts_with` that never slices inside a character.
pub(crate) fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.get(..prefix.len())
        .is_some_and(|h| h.eq_ignore_ascii_case(prefix))
}

/// Messenger handle from an IMPP / social-profile value: the URI scheme and `t.me`/`wa.me`
/// prefixes off, `@` before a Telegram username.
fn handle_of(kind: MessengerKind, v: &str) -> String {
    let mut h = v.trim();
    for prefix in [
        "x-apple:",
        "skype:",
        "xmpp:",
        "sip:",
        "aim:",
        "ymsgr:",
        "msnim:",
        "im:",
        "tg://resolve?domain=",
        "https://t.me/",
        "http://t.me/",
        "t.me/",
        "https://telegram.me/",
        "https://wa.me/",
        "http://wa.me/",
        "wa.me/",
        "viber://chat?number=",
        "whatsapp:",
        "telegram:",
        "viber:",
        "tel:",
    ] {
        if starts_with_ci(h, prefix) {
            h = &h[prefix.len()..];
        }
    }
    let h = h.trim().trim_end_matches('/');
    match kind {
        MessengerKind::Telegram
            if !h.starts_with('@')
                && !h.starts_with('+')
                && !h.chars().all(|c| c.is_ascii_digit() || c == ' ') =>
        {
            format!("@{h}")
        }
        MessengerKind::Whatsapp | MessengerKind::Viber
            if !h.starts_with('+') && h.chars().all(|c| c.is_ascii_digit()) && h.len() > 9 =>
        {
            format!("+{h}")
        }
        _ => h.to_owned(),
    }
}

fn card(
    line: usize,
    props: Vec<Prop>,
    mut problems: Vec<Problem>,
    enc: &'static Encoding,
    opts: &ConvertOptions<'_>,
) -> VcardCard {
    let mut input = ClientInput::default();
    // X-CLIENTBASE-CUSTOM values of fields the base does not have: created by the import.
    let mut new_custom: BTreeMap<String, String> = BTreeMap::new();
    let mut version = String::new();
    let mut uid = None;
    let mut photo = None;
    let mut fn_name = String::new();
    let mut title = String::new();
    let mut kind = None;
    let mut extra_notes: Vec<String> = Vec::new();
    let mut phones: Vec<(String, Option<PhoneKind>)> = Vec::new();
    let mut any = false;
    // Apple/Google label per item group.
    let raw_labels: HashMap<String, String> = props
        .iter()
        .filter(|p| p.name == "X-ABLABEL" && !p.group.is_empty())
        .map(|p| {
            (
                p.group.clone(),
                unescape(&String::from_utf8_lossy(&p.value)),
            )
        })
        .collect();
    let labels: HashMap<String, String> = raw_labels
        .iter()
        .map(|(g, l)| (g.clone(), ab_label(l)))
        .collect();
    let mut addresses = 0usize;
    for p in &props {
        let name = p.name.as_str();
        if matches!(name, "PHOTO" | "LOGO") {
            if name == "PHOTO" {
                let enc_b = matches!(p.encoding().as_str(), "BASE64" | "B");
                let v = &p.value;
                let is_data = v.len() >= 5 && v[..5].eq_ignore_ascii_case(b"data:");
                let media = p.param("TYPE").or(p.param("MEDIATYPE")).map(|t| {
                    let t = t.to_ascii_lowercase();
                    if t.contains('/') {
                        t
                    } else {
                        format!("image/{t}")
                    }
                });
                photo = Some(if enc_b {
                    Photo {
                        bytes: base64_len(v),
                        media_type: media,
                        uri: None,
                    }
                } else if is_data {
                    let comma = v.iter().position(|&b| b == b',').unwrap_or(v.len());
                    let head = String::from_utf8_lossy(&v[5..comma]).to_string();
                    Photo {
                        bytes: base64_len(v.get(comma + 1..).unwrap_or(&[])),
                        media_type: head
                            .split(';')
                            .next()
                            .map(str::to_owned)
                            .filter(|s| !s.is_empty()),
                        uri: None,
                    }
                } else {
                    Photo {
                        bytes: 0,
                        media_type: media,
                        uri: Some(
                            String::from_utf8_lossy(&v[..v.len().min(2048)])
                                .trim()
                                .to_owned(),
                        ),
                    }
                });
            }
            continue;
        }
        let v = text_of(p, enc, &mut problems);
        let vt = v.trim();
        match name {
            "VERSION" => version = vt.to_owned(),
            "UID" => uid = Some(vt.to_owned()),
            "N" => {
                let c = components(vt);
                let get = |i: usize| c.get(i).map(|s| s.replace(',', " ")).unwrap_or_default();
                input.last_name = get(0);
                input.first_name = get(1);
                input.middle_name = get(2);
            }
            "FN" => fn_name = unescape(vt),
            "ORG" => input.org_name = components(vt).into_iter().next().unwrap_or_default(),
            "TITLE" => title = unescape(vt),
            "KIND" | "X-ADDRESSBOOKSERVER-KIND" => {
                if matches!(fold(vt).as_str(), "org" | "organization" | "group") {
                    kind = Some(ClientKind::Organization);
                }
            }
            "X-ABSHOWAS" if vt.eq_ignore_ascii_case("COMPANY") => {
                kind = Some(ClientKind::Organization)
            }
            "X-CLIENTBASE-KIND" => kind = values::kind(vt),
            "TEL" => {
                let mut raw = unescape(vt);
                if starts_with_ci(&raw, "tel:") {
                    raw = raw[4..].to_owned();
                }
                let types = p.types();
                let label = labels.get(&p.group).cloned().unwrap_or_default();
                let k = if types
                    .iter()
                    .any(|t| t == "cell" || t == "mobile" || t == "iphone")
                {
                    Some(PhoneKind::Mobile)
                } else if types.iter().any(|t| t == "work") {
                    Some(PhoneKind::Work)
                } else if types.iter().any(|t| t == "home") {
                    Some(PhoneKind::Home)
                } else if !label.is_empty() {
                    values::phone_kind(&label).or(Some(PhoneKind::Other))
                } else if types
                    .iter()
                    .any(|t| t == "fax" || t == "pager" || t == "other")
                {
                    Some(PhoneKind::Other)
                } else {
                    None
                };
                if !raw.trim().is_empty() {
                    phones.push((raw.trim().to_owned(), k));
                }
            }
            "EMAIL" => {
                let types = p.types();
                let mut label = types
                    .iter()
                    .map(|t| values::email_label(t))
                    .find(|l| !l.is_empty() && l != "pref")
                    .unwrap_or_default();
                if let Some(l) = raw_labels.get(&p.group) {
                    // Apple wraps its standard labels (`_$!<Work>!$_`); a custom one is plain.
                    label = if l.trim().starts_with("_$!<") {
                        values::email_label(&ab_label(l))
                    } else {
                        l.trim().to_owned()
                    };
                }
                let address = unescape(vt);
                if !address.is_empty() {
                    if !validate::email_ok(&address) {
                        problems.push(problem("email_invalid", Severity::Error, None, &address));
                    }
                    input.emails.push(Email { label, address });
                }
            }
            "IMPP" | "X-SOCIALPROFILE" => {
                let service = p
                    .param("X-SERVICE-TYPE")
                    .map(str::to_owned)
                    .or_else(|| {
                        p.types()
                            .into_iter()
                            .find(|t| t != "pref" && t != "home" && t != "work")
                    })
                    .unwrap_or_default();
                let scheme = vt.split(':').next().unwrap_or("");
                let kind = values::messenger_kind(&service)
                    .or_else(|| values::messenger_kind(scheme))
                    .or_else(|| {
                        let f = vt.to_ascii_lowercase();
                        if f.contains("t.me/") || f.contains("telegram.me/") {
                            Some(MessengerKind::Telegram)
                        } else if f.contains("wa.me/") {
                            Some(MessengerKind::Whatsapp)
                        } else {
                            None
                        }
                    });
                let user = p.param("X-USER").map(str::to_owned);
                match kind {
                    Some(k) => {
                        let h = match (&user, k) {
                            (Some(u), MessengerKind::Telegram) if !u.is_empty() => handle_of(k, u),
                            _ => handle_of(k, &unescape(vt)),
                        };
                        if !h.is_empty() {
                            input.messengers.push(Messenger { kind: k, handle: h });
                        }
                    }
                    None if name == "IMPP" || is_messenger_service(&service) => {
                        let h = handle_of(MessengerKind::Other, &unescape(vt));
                        let svc = if service.is_empty() || service.eq_ignore_ascii_case("other") {
                            scheme_service(scheme)
                        } else {
                            service_name(&service)
                        };
                        let handle = match svc {
                            Some(s) if !h.contains(':') => format!("{s}: {h}"),
                            _ => h,
                        };
                        if !handle.is_empty() {
                            input.messengers.push(Messenger {
                                kind: MessengerKind::Other,
                                handle,
                            });
                        }
                    }
                    None => {
                        // A social profile that is not a messenger (LinkedIn, Twitter…): keep it.
                        let url = unescape(vt);
                        if !url.is_empty() {
                            extra_notes.push(if service.is_empty() {
                                url
                            } else {
                                format!("{service}: {url}")
                            });
                        }
                    }
                }
            }
            "X-SKYPE" | "X-SKYPE-USERNAME" | "X-ICQ" | "X-JABBER" | "X-WECHAT" | "X-QQ"
            | "X-SIGNAL" => {
                let svc = service_name(name.trim_start_matches("X-").trim_end_matches("-USERNAME"))
                    .unwrap_or("IM");
                input.messengers.push(Messenger {
                    kind: MessengerKind::Other,
                    handle: format!("{svc}: {}", unescape(vt)),
                });
            }
            "X-WHATSAPP" | "X-TELEGRAM" | "X-VIBER" => {
                let k = values::messenger_kind(name).unwrap_or(MessengerKind::Other);
                input.messengers.push(Messenger {
                    kind: k,
                    handle: handle_of(k, &unescape(vt)),
                });
            }
            "URL" => {
                let u = unescape(vt);
                if input.website.is_empty() {
                    if !validate::url_ok(&u) {
                        problems.push(problem("url_invalid", Severity::Error, None, &u));
                    }
                    input.website = u;
                } else if !u.is_empty() {
                    extra_notes.push(u);
                }
            }
            "ADR" => {
                let c = components(vt);
                let get = |i: usize| c.get(i).cloned().unwrap_or_default();
                let street = [get(0), get(1), get(2)]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(", ");
                let country_text = get(6);
                if addresses == 0 {
                    input.address.street = street;
                    input.address.city = get(3);
                    input.address.region = get(4);
                    input.address.postal_code = get(5);
                    if !country_text.is_empty() {
                        match values::country_code(&country_text) {
                            Some(cc) => input.address.country = cc,
                            None => problems.push(problem(
                                "country_unknown",
                                Severity::Warning,
                                None,
                                &country_text,
                            )),
                        }
                    }
                } else {
                    let one = c
                        .iter()
                        .filter(|s| !s.is_empty())
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ");
                    if !one.is_empty() {
                        extra_notes.push(one);
                    }
                }
                addresses += 1;
            }
            "BDAY" => {
                if let Some(b) = birthday(vt, &mut problems) {
                    input.birthday = Some(b);
                }
            }
            "NOTE" => {
                let n = unescape(vt);
                if !n.is_empty() {
                    if !input.notes.is_empty() {
                        input.notes.push('\n');
                    }
                    input.notes.push_str(&n);
                }
            }
            "CATEGORIES" => {
                for t in list(vt) {
                    let t2 = t.trim_start_matches('*').trim();
                    if !t2.eq_ignore_ascii_case("mycontacts")
                        && !t2.eq_ignore_ascii_case("starred")
                        && !input.tags.contains(&t)
                    {
                        input.tags.push(t);
                    }
                }
            }
            "X-CLIENTBASE-HOBBIES" => input.hobbies = unescape(vt),
            "X-CLIENTBASE-SOURCE" => input.source = unescape(vt),
            "X-CLIENTBASE-CALL-TIME" => input.call_time = unescape(vt),
            "X-CLIENTBASE-CHANNEL" => match values::channel(vt) {
                Some(c) => input.preferred_channel = Some(c),
                None => problems.push(problem("channel_unknown", Severity::Warning, None, vt)),
            },
            "X-CLIENTBASE-CATEGORY" => {
                let f = fold(vt);
                match opts.categories.iter().find(|c| {
                    fold(&c.name) == f || fold(&c.code) == f || c.id.eq_ignore_ascii_case(vt)
                }) {
                    Some(c) => input.category_id = Some(c.id.clone()),
                    None => problems.push(problem("category_unknown", Severity::Warning, None, vt)),
                }
            }
            "X-CLIENTBASE-CUSTOM" => {
                let fname = p.param("X-NAME").unwrap_or("");
                let value = unescape(vt);
                let def = opts
                    .custom_fields
                    .iter()
                    .find(|d| fold(&d.name) == fold(fname));
                if def.is_none() && !fname.trim().is_empty() && !value.trim().is_empty() {
                    new_custom.insert(fname.trim().to_owned(), value.clone());
                }
                if let Some(def) = def {
                    let cell = crate::table::Cell::text(&value);
                    match crate::convert::custom_value(def, &cell, None) {
                        Some(cv) => {
                            input.custom.insert(def.id.clone(), cv);
                        }
                        None => problems.push(problem(
                            "custom_invalid",
                            Severity::Warning,
                            None,
                            &value,
                        )),
                    }
                }
            }
            _ => continue,
        }
        any = true;
    }
    let any = any || photo.is_some();
    // Names: N first; a card with only FN (or an N that is empty) splits FN.
    if input.first_name.is_empty() && input.last_name.is_empty() && !fn_name.is_empty() {
        let is_org = kind == Some(ClientKind::Organization)
            || fn_name == input.org_name
            || (input.org_name.is_empty() && names::looks_like_org(&fn_name));
        if is_org {
            if input.org_name.is_empty() {
                input.org_name = fn_name.clone();
            }
        } else {
            let s = names::split_full_name(&fn_name);
            input.first_name = s.first;
            input.last_name = s.last;
            input.middle_name = s.middle;
        }
    }
    let has_name = !input.first_name.is_empty() || !input.last_name.is_empty();
    input.kind = kind.unwrap_or(if !has_name && !input.org_name.is_empty() {
        ClientKind::Organization
    } else {
        ClientKind::Person
    });
    let country = if input.address.country.is_empty() {
        opts.default_country.trim().to_ascii_uppercase()
    } else {
        input.address.country.clone()
    };
    for (raw, k) in phones {
        input
            .phones
            .push(vcard_phone(raw, k, &country, opts, &mut problems));
    }
    if !title.is_empty() {
        let notes = std::mem::take(&mut input.notes);
        input.notes = title;
        if !notes.is_empty() {
            input.notes.push('\n');
            input.notes.push_str(&notes);
        }
    }
    for n in extra_notes {
        if !input.notes.is_empty() {
            input.notes.push('\n');
        }
        input.notes.push_str(&n);
    }
    if !any {
        problems.push(problem("empty_row", Severity::Error, None, ""));
    } else if match input.kind {
        ClientKind::Person => !has_name,
        ClientKind::Organization => input.org_name.is_empty(),
    } {
        problems.push(problem("name_required", Severity::Error, None, ""));
    }
    validate::tidy(&mut input);
    VcardCard {
        result: RowResult {
            line,
            input,
            problems,
            new_custom,
            phones: Vec::new(),
        },
        version,
        uid,
        photo,
    }
}

fn is_messenger_service(s: &str) -> bool {
    service_name(s).is_some()
}

fn service_name(s: &str) -> Option<&'static str> {
    match s.to_ascii_lowercase().as_str() {
        "skype" => Some("Skype"),
        "signal" => Some("Signal"),
        "wechat" | "weixin" => Some("WeChat"),
        "qq" => Some("QQ"),
        "line" => Some("LINE"),
        "icq" => Some("ICQ"),
        "jabber" | "xmpp" => Some("Jabber"),
        "facebook messenger" | "facebookmessenger" | "messenger" => Some("Messenger"),
        "threema" => Some("Threema"),
        "aim" => Some("AIM"),
        "gadugadu" => Some("Gadu-Gadu"),
        _ => None,
    }
}

fn scheme_service(scheme: &str) -> Option<&'static str> {
    match scheme.to_ascii_lowercase().as_str() {
        "skype" => Some("Skype"),
        "xmpp" => Some("Jabber"),
        "aim" => Some("AIM"),
        "icq" => Some("ICQ"),
        _ => None,
    }
}

fn birthday(v: &str, problems: &mut Vec<Problem>) -> Option<Birthday> {
    let Some(dm) = dates::parse_date_text(v, dates::DateOrder::DayFirst) else {
        problems.push(problem("date_unparseable", Severity::Warning, None, v));
        return None;
    };
    let b = Birthday {
        day: dm.day,
        month: dm.month,
        year: dm.year,
    };
    if validate::birthday_ok(&b) {
        Some(b)
    } else {
        problems.push(problem("birthday_invalid", Severity::Warning, None, v));
        None
    }
}

fn vcard_phone(
    raw: String,
    kind: Option<PhoneKind>,
    country: &str,
    opts: &ConvertOptions<'_>,
    problems: &mut Vec<Problem>,
) -> Phone {
    let asked = kind.unwrap_or(PhoneKind::Other);
    let own_country = !country.eq_ignore_ascii_case(opts.default_country.trim())
        && !raw.trim_start().starts_with('+');
    let mut n = crate::phones::normalize(&raw, country, asked, own_country);
    let mut raw = raw;
    // Read in the card's own country: stored in a form that does not depend on the default.
    if own_country && n.e164.is_some() {
        if let Some(f) = n.formatted.take() {
            raw = f;
        }
    }
    let mut kind = kind.unwrap_or(if n.is_mobile || n.e164.is_none() {
        PhoneKind::Mobile
    } else {
        PhoneKind::Other
    });
    match n.error {
        Some("phone_not_mobile") => {
            problems.push(problem("phone_not_mobile", Severity::Warning, None, &raw));
            kind = PhoneKind::Other;
        }
        Some(code) => problems.push(problem(code, Severity::Error, None, &raw)),
        None => {}
    }
    Phone {
        kind,
        e164: n.e164,
        raw,
    }
}

// -------------------------------------------------------------------------------------------------
// Writing.

/// The vCard version [`export_vcard`](crate::export_vcard) writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum VcardVersion {
    #[serde(rename = "3.0")]
    V3,
    #[serde(rename = "4.0")]
    V4,
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            _ => out.push(c),
        }
    }
    out
}

/// Writes one content line, folded at 75 octets (on character boundaries), CRLF-terminated.
fn line(out: &mut String, content: &str) {
    let mut width = 0;
    for c in content.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

fn param_value(s: &str) -> String {
    let clean: String = s.chars().filter(|c| *c != '"' && !c.is_control()).collect();
    if clean.contains([';', ':', ',']) || clean.contains(' ') {
        format!("\"{clean}\"")
    } else {
        clean
    }
}

pub(crate) fn write_card(
    out: &mut String,
    client: &Client,
    version: VcardVersion,
    categories: &[Category],
    custom_fields: &[CustomFieldDef],
) {
    let d = &client.data;
    let v4 = version == VcardVersion::V4;
    line(out, "BEGIN:VCARD");
    line(out, if v4 { "VERSION:4.0" } else { "VERSION:3.0" });
    line(out, "PRODID:-//Clientbase//Clientbase//EN");
    if !client.id.is_empty() {
        line(out, &format!("UID:{}", escape(&client.id)));
    }
    let org = d.kind == ClientKind::Organization;
    if v4 {
        line(out, if org { "KIND:org" } else { "KIND:individual" });
    } else if org {
        line(out, "X-ABShowAs:COMPANY");
    }
    line(
        out,
        &format!(
            "N:{};{};{};;",
            escape(&d.last_name),
            escape(&d.first_name),
            escape(&d.middle_name)
        ),
    );
    let full = if org {
        d.org_name.clone()
    } else {
        [&d.first_name, &d.middle_name, &d.last_name]
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    };
    line(out, &format!("FN:{}", escape(&full)));
    if !d.org_name.is_empty() {
        line(out, &format!("ORG:{}", escape(&d.org_name)));
    }
    for p in &d.phones {
        let t = match (p.kind, v4) {
            (PhoneKind::Mobile, false) => "CELL",
            (PhoneKind::Work, false) => "WORK",
            (PhoneKind::Home, false) => "HOME",
            (PhoneKind::Other, false) => "VOICE",
            (PhoneKind::Mobile, true) => "cell",
            (PhoneKind::Work, true) => "work",
            (PhoneKind::Home, true) => "home",
            (PhoneKind::Other, true) => "voice",
        };
        let value = if v4 { "VALUE=text;" } else { "" };
        line(out, &format!("TEL;{value}TYPE={t}:{}", escape(&p.raw)));
    }
    let internet = if v4 { "" } else { ";TYPE=INTERNET" };
    for (n, e) in d.emails.iter().enumerate() {
        let t = match e.label.as_str() {
            "" => "",
            "work" => ";TYPE=work",
            "personal" => ";TYPE=home",
            custom => {
                // A label of the user's own: Apple's item-group label, which iOS, macOS and
                // Google read.
                let group = format!("email{}", n + 1);
                line(
                    out,
                    &format!("{group}.EMAIL{internet}:{}", escape(&e.address)),
                );
                line(out, &format!("{group}.X-ABLabel:{}", escape(custom)));
                continue;
            }
        };
        line(out, &format!("EMAIL{internet}{t}:{}", escape(&e.address)));
    }
    for m in &d.messengers {
        let svc = match m.kind {
            MessengerKind::Whatsapp => "WhatsApp",
            MessengerKind::Telegram => "Telegram",
            MessengerKind::Viber => "Viber",
            MessengerKind::Other => "Other",
        };
        line(
            out,
            &format!("IMPP;X-SERVICE-TYPE={svc}:x-apple:{}", escape(&m.handle)),
        );
    }
    if !d.website.is_empty() {
        line(out, &format!("URL:{}", escape(&d.website)));
    }
    let a = &d.address;
    if [&a.street, &a.city, &a.region, &a.postal_code, &a.country]
        .iter()
        .any(|s| !s.is_empty())
    {
        line(
            out,
            &format!(
                "ADR:;;{};{};{};{};{}",
                escape(&a.street),
                escape(&a.city),
                escape(&a.region),
                escape(&a.postal_code),
                escape(&a.country)
            ),
        );
    }
    if let Some(b) = d.birthday {
        let v = match (b.year, v4) {
            (Some(y), false) => format!("{y:04}-{:02}-{:02}", b.month, b.day),
            (Some(y), true) => format!("{y:04}{:02}{:02}", b.month, b.day),
            (None, false) => format!("--{:02}-{:02}", b.month, b.day),
            (None, true) => format!("--{:02}{:02}", b.month, b.day),
        };
        line(out, &format!("BDAY:{v}"));
    }
    if !d.notes.is_empty() {
        line(out, &format!("NOTE:{}", escape(&d.notes)));
    }
    if !d.tags.is_empty() {
        let tags: Vec<String> = d.tags.iter().map(|t| escape(t)).collect();
        line(out, &format!("CATEGORIES:{}", tags.join(",")));
    }
    if !d.hobbies.is_empty() {
        line(out, &format!("X-CLIENTBASE-HOBBIES:{}", escape(&d.hobbies)));
    }
    if !d.source.is_empty() {
        line(out, &format!("X-CLIENTBASE-SOURCE:{}", escape(&d.source)));
    }
    if !d.call_time.is_empty() {
        line(
            out,
            &format!("X-CLIENTBASE-CALL-TIME:{}", escape(&d.call_time)),
        );
    }
    if let Some(c) = d.preferred_channel {
        line(
            out,
            &format!("X-CLIENTBASE-CHANNEL:{}", values::channel_code(c)),
        );
    }
    if let Some(id) = &d.category_id {
        let name = categories
            .iter()
            .find(|c| &c.id == id)
            .map(|c| c.name.as_str())
            .unwrap_or(id);
        line(out, &format!("X-CLIENTBASE-CATEGORY:{}", escape(name)));
    }
    for (id, v) in &d.custom {
        let Some(def) = custom_fields.iter().find(|d| &d.id == id) else {
            continue;
        };
        let text = match v {
            CustomValue::Text(s) | CustomValue::Choice(s) | CustomValue::Date(s) => s.clone(),
            CustomValue::Number(n) => crate::table::number_text(*n),
        };
        line(
            out,
            &format!(
                "X-CLIENTBASE-CUSTOM;X-NAME={}:{}",
                param_value(&def.name),
                escape(&text)
            ),
        );
    }
    line(out, "END:VCARD");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unfolding_and_qp_soft_breaks() {
        let src = b"BEGIN:VCARD\r\nNOTE;ENCODING=QUOTED-PRINTABLE:=D0=9F=D1=80=D0=B8=\r\n=D0=B2=D0=B5=D1=82\r\nFN:Long\r\n  name\r\nEND:VCARD\r\n";
        let lines = logical_lines(src);
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[1].0, 2);
        let p = parse_prop(&lines[1].1).unwrap();
        let mut probs = Vec::new();
        assert_eq!(text_of(&p, UTF_8, &mut probs), "Привет");
        assert_eq!(lines[2].1, b"FN:Long name");
    }

    #[test]
    fn params_21_and_quoted() {
        let p = parse_prop(b"item1.TEL;CELL;PREF:+1").unwrap();
        assert_eq!(p.group, "item1");
        assert_eq!(p.types(), vec!["cell", "pref"]);
        let p = parse_prop(b"X-CLIENTBASE-CUSTOM;X-NAME=\"a:b;c\":v").unwrap();
        assert_eq!(p.param("X-NAME"), Some("a:b;c"));
        assert_eq!(p.value, b"v");
        assert!(parse_prop(b"no colon here").is_none());
        assert!(parse_prop(b"bad name!:x").is_none());
    }

    #[test]
    fn structured_values() {
        assert_eq!(components("a\\;b;c\\,d;\\n"), vec!["a;b", "c,d", ""]);
        assert_eq!(list("x,y\\,z, ,w"), vec!["x", "y,z", "w"]);
        assert_eq!(base64_len(b"TWFu"), 3);
        assert_eq!(base64_len(b"TWE="), 2);
        assert_eq!(base64_len(b"TQ=="), 1);
        assert_eq!(base64_len(b"TW Fu\r\n TWFu"), 6);
        assert_eq!(
            handle_of(MessengerKind::Telegram, "https://t.me/ivan"),
            "@ivan"
        );
        assert_eq!(
            handle_of(MessengerKind::Whatsapp, "https://wa.me/380671234567"),
            "+380671234567"
        );
        assert_eq!(handle_of(MessengerKind::Other, "skype:ivan.p"), "ivan.p");
    }

    #[test]
    fn folding_writes_short_lines() {
        let mut out = String::new();
        let long = format!("NOTE:{}", "Привет ".repeat(30));
        line(&mut out, &long);
        assert!(out.split("\r\n").all(|l| l.len() <= 75));
        let back = logical_lines(out.as_bytes());
        assert_eq!(back.len(), 1);
        assert_eq!(String::from_utf8(back[0].1.clone()).unwrap(), long);
    }
}
