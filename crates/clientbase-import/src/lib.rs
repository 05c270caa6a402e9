//! Clientbase file formats: bringing a client base in from spreadsheets, delimited text and phone
//! contact exports, and taking it out again. A library of pure functions over bytes: no Tauri, no
//! HTTP, no async, no database (the store's import transaction, duplicate check and progress are
//! the caller's).
//!
//! # Reading
//! - [`read_file`] / [`read_table`]: XLSX, XLSB, XLS, ODS (calamine) and CSV/TSV into a [`Table`]
//!   of typed cells with an optional header row. The format comes from the bytes (zip / OLE magic,
//!   `BEGIN:VCARD`, text), the file name only breaks ties. Text: encoding detected (BOM, UTF-8,
//!   else chardetng: Windows-1251, KOI8-U, Windows-1253, GB18030…) or forced by
//!   [`ReadOptions::encoding`]; delimiter detected among `,` `;` tab `|` (or Excel's `sep=` line)
//!   or forced. [`Table`] reports what was used. Workbooks: formulas give their cached values,
//!   date cells are dates, vertically merged cells fill their rows, empty rows are skipped, the
//!   sheet is chosen by [`ReadOptions::sheet`] (else the first visible sheet with data).
//! - [`read_vcard`]: vCard 2.1/3.0/4.0 straight into [`ClientInput`]s (see [`vcard`] for the
//!   quirks handled).
//! - Errors are [`ImportError`]s with stable codes; nothing panics on any input (fuzzed).
//!
//! # Mapping and conversion
//! - [`propose_mapping`] proposes a [`ClientTarget`] per header from a dictionary in en, ru, uk,
//!   el, zh (and de), case/accent-insensitive, partial ("Мобильный телефон 2" is a mobile phone).
//! - [`convert`] turns rows into [`ClientInput`]s with per-row [`Problem`] codes (see
//!   [`convert::Problem`] for the list), splitting whole names, reading dates in the usual forms
//!   and Excel serials, phones through `clientbase_core::phone`.
//!
//! **Another target table** plugs in through [`ImportTarget`]: [`orders`] is one — an
//! [`orders::OrderTarget`] enum with its codes, header dictionary (a [`mapping::Dictionary`], the
//! same matching engine) and choices, and [`orders::convert_orders`] next to [`convert`];
//! [`propose_mapping_for`] works for any `ImportTarget`. Reading, tables, dates and the problem
//! types are shared. The commands take it as `options.target = "orders"` (`orders_commands.rs`).
//!
//! # Export
//! [`export_xlsx`], [`export_csv`] (UTF-8 with BOM), [`export_vcard`] (3.0/4.0). Header labels come
//! from the caller ([`HeaderLabels`], English by default). An export read back gives the same
//! clients.

pub mod commands;
pub mod convert;
pub mod dates;
pub mod error;
pub mod export;
mod fold;
pub mod mapping;
pub mod names;
pub mod orders;
mod orders_commands;
mod phones;
pub mod save;
pub mod table;
mod text;
mod values;
pub mod vcard;
mod workbook;

pub use clientbase_core::model::ClientInput;
pub use convert::{convert, convert_table, ConvertOptions, Problem, RowResult, Severity};
pub use error::ImportError;
pub use export::{export_csv, export_vcard, export_xlsx, ExportContext, ExportError, HeaderLabels};
pub use mapping::{
    propose_mapping, propose_mapping_for, propose_mapping_with_custom, ClientTarget, ContactField,
    ImportTarget,
};
pub use table::{Cell, FileFormat, HeaderMode, Row, Table};
pub use vcard::{read_vcard, Photo, VcardCard, VcardImport, VcardVersion};
pub use workbook::MAX_CELLS;

use serde::{Deserialize, Serialize};

/// Larger files are refused ([`ImportError::TooLarge`]).
pub const MAX_FILE_BYTES: usize = 256 * 1024 * 1024;

/// How to read a file; every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadOptions {
    /// Workbooks: the sheet to read (exact name, else case-insensitive).
    pub sheet: Option<String>,
    /// Text: the encoding (a WHATWG label: `utf-8`, `windows-1251`, `cp1251`, `koi8-u`,
    /// `windows-1253`, `gb18030`, `gbk`…) instead of detecting it.
    pub encoding: Option<String>,
    /// Text: the field delimiter instead of detecting it.
    pub delimiter: Option<char>,
    pub header: HeaderMode,
}

/// What a file turned out to be.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Source {
    Table(Table),
    Vcard(VcardImport),
}

fn extension(file_name: &str) -> String {
    file_name
        .rsplit_once('.')
        .map(|(_, e)| e.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

/// The format of a file, from its bytes (the name's extension only when the bytes allow several);
/// `None` for binary data that is none of ours.
pub fn detect_format(bytes: &[u8], file_name: &str) -> Option<FileFormat> {
    let ext = extension(file_name);
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        // ODS puts an uncompressed "mimetype" entry first.
        let head = &bytes[..bytes.len().min(100)];
        let ods = head
            .windows(b"opendocument.spreadsheet".len())
            .any(|w| w == b"opendocument.spreadsheet");
        return Some(if ods || ext == "ods" {
            FileFormat::Ods
        } else if ext == "xlsb" {
            FileFormat::Xlsb
        } else {
            FileFormat::Xlsx
        });
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Some(FileFormat::Xls);
    }
    if vcard::looks_like_vcard(bytes) {
        return Some(FileFormat::Vcard);
    }
    if encoding_rs::Encoding::for_bom(bytes).is_some() || !text::looks_binary(bytes) {
        // A .vcf whose first card is preceded by something else is still a vCard.
        if matches!(ext.as_str(), "vcf" | "vcard") {
            return Some(FileFormat::Vcard);
        }
        return Some(FileFormat::Csv);
    }
    None
}

fn check_size(bytes: &[u8]) -> Result<(), ImportError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(ImportError::TooLarge {
            bytes: bytes.len(),
            limit: MAX_FILE_BYTES,
        });
    }
    let content = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if content.iter().all(u8::is_ascii_whitespace) {
        return Err(ImportError::EmptyFile);
    }
    Ok(())
}

/// Reads a spreadsheet or delimited text file. A vCard is refused with
/// [`ImportError::WrongKind`] (use [`read_file`] or [`read_vcard`]).
pub fn read_table(bytes: &[u8], file_name: &str, opts: &ReadOptions) -> Result<Table, ImportError> {
    check_size(bytes)?;
    match detect_format(bytes, file_name) {
        None => Err(ImportError::UnknownFormat),
        Some(FileFormat::Vcard) => Err(ImportError::WrongKind {
            found: "vcard",
            expected: "table",
        }),
        Some(FileFormat::Csv) => text::read_delimited(bytes, opts),
        Some(f) => workbook::read_workbook(bytes, f, opts),
    }
}

/// Reads any supported file: a table, or the cards of a vCard file (converted with `convert`'s
/// options: default country, categories, custom fields).
pub fn read_file(
    bytes: &[u8],
    file_name: &str,
    opts: &ReadOptions,
    convert: &ConvertOptions<'_>,
) -> Result<Source, ImportError> {
    check_size(bytes)?;
    match detect_format(bytes, file_name) {
        Some(FileFormat::Vcard) => {
            read_vcard(bytes, opts.encoding.as_deref(), convert).map(Source::Vcard)
        }
        _ => read_table(bytes, file_name, opts).map(Source::Table),
    }
}
