//! The one error type of reading a file. Each variant has a stable [`ImportError::code`] (what the
//! UI translates) and [`ImportError::params`]; the `Display` text is English, for logs only.

use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// Zero bytes, or nothing but white space / a byte-order mark.
    #[error("the file is empty")]
    EmptyFile,
    /// Over [`crate::MAX_FILE_BYTES`].
    #[error("the file is too large ({bytes} bytes, the limit is {limit})")]
    TooLarge { bytes: usize, limit: usize },
    /// Neither a workbook, a vCard nor text (binary garbage, an image, a PDF…).
    #[error("unrecognised file format")]
    UnknownFormat,
    /// A workbook (XLSX/XLS/ODS) that its reader cannot open: truncated, corrupted, not what its
    /// name says. `detail` is the reader's message, for logs.
    #[error("the {format} workbook cannot be read: {detail}")]
    Workbook { format: String, detail: String },
    /// A sheet with more non-empty cells than [`crate::MAX_CELLS`].
    #[error("the sheet has more than {limit} cells")]
    TooManyCells { limit: usize },
    /// A password-protected (encrypted) workbook.
    #[error("the workbook is password-protected")]
    Encrypted,
    /// The workbook has no worksheet.
    #[error("the workbook has no worksheet")]
    NoSheets,
    /// `ReadOptions::sheet` names a sheet the workbook does not have.
    #[error("no sheet named {0:?}")]
    SheetNotFound(String),
    /// `ReadOptions::encoding` is not an encoding label we know.
    #[error("unknown encoding {0:?}")]
    UnknownEncoding(String),
    /// The text is not valid in the encoding the caller forced (e.g. UTF-8 chosen for a Windows-1251
    /// file). `offset` is the byte offset of the first bad sequence.
    #[error("the file is not valid {encoding} (first bad byte at {offset})")]
    EncodingMismatch { encoding: String, offset: usize },
    /// A vCard file none of whose cards could be read. `line` is 1-based.
    #[error("malformed vCard at line {line}")]
    VcardMalformed { line: usize },
    /// A text file that is not a vCard was read as one (no `BEGIN:VCARD`).
    #[error("the file contains no vCard")]
    NoVcard,
    /// `read_table` was given a vCard (read it with `read_vcard`), or `read_vcard` a table.
    #[error("the file is a {found}, not a {expected}")]
    WrongKind {
        found: &'static str,
        expected: &'static str,
    },
}

impl ImportError {
    /// Stable snake_case code for the UI.
    pub fn code(&self) -> &'static str {
        match self {
            ImportError::EmptyFile => "empty_file",
            ImportError::TooLarge { .. } => "file_too_large",
            ImportError::UnknownFormat => "unknown_format",
            ImportError::Workbook { .. } => "workbook_unreadable",
            ImportError::Encrypted => "workbook_encrypted",
            ImportError::TooManyCells { .. } => "too_many_cells",
            ImportError::NoSheets => "no_sheets",
            ImportError::SheetNotFound(_) => "sheet_not_found",
            ImportError::UnknownEncoding(_) => "unknown_encoding",
            ImportError::EncodingMismatch { .. } => "encoding_mismatch",
            ImportError::VcardMalformed { .. } => "vcard_malformed",
            ImportError::NoVcard => "no_vcard",
            ImportError::WrongKind { .. } => "wrong_kind",
        }
    }

    /// Values for the translated message (`{"sheet": "Clients"}`, `{"line": "12"}`…).
    pub fn params(&self) -> BTreeMap<String, String> {
        let mut p = BTreeMap::new();
        let mut put = |k: &str, v: String| {
            p.insert(k.to_owned(), v);
        };
        match self {
            ImportError::TooLarge { bytes, limit } => {
                put("bytes", bytes.to_string());
                put("limit", limit.to_string());
            }
            ImportError::Workbook { format, .. } => put("format", format.clone()),
            ImportError::TooManyCells { limit } => put("limit", limit.to_string()),
            ImportError::SheetNotFound(s) => put("sheet", s.clone()),
            ImportError::UnknownEncoding(e) => put("encoding", e.clone()),
            ImportError::EncodingMismatch { encoding, offset } => {
                put("encoding", encoding.clone());
                put("offset", offset.to_string());
            }
            ImportError::VcardMalformed { line } => put("line", line.to_string()),
            ImportError::WrongKind { found, expected } => {
                put("found", (*found).to_owned());
                put("expected", (*expected).to_owned());
            }
            ImportError::EmptyFile
            | ImportError::UnknownFormat
            | ImportError::Encrypted
            | ImportError::NoSheets
            | ImportError::NoVcard => {}
        }
        p
    }
}
