//! What reading a tabular file gives: a [`Table`] of typed [`Cell`]s with an optional header row,
//! and the header-row detection shared by every format.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// The formats `read_file` recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileFormat {
    Xlsx,
    /// Excel binary workbook (read by calamine like the others; not asked for, free).
    Xlsb,
    Xls,
    Ods,
    /// Delimited text: CSV, TSV, semicolon- or pipe-separated ([`Table::delimiter`] says which).
    Csv,
    Vcard,
}

impl FileFormat {
    pub fn name(self) -> &'static str {
        match self {
            FileFormat::Xlsx => "xlsx",
            FileFormat::Xlsb => "xlsb",
            FileFormat::Xls => "xls",
            FileFormat::Ods => "ods",
            FileFormat::Csv => "csv",
            FileFormat::Vcard => "vcard",
        }
    }

    pub fn is_workbook(self) -> bool {
        matches!(
            self,
            FileFormat::Xlsx | FileFormat::Xlsb | FileFormat::Xls | FileFormat::Ods
        )
    }
}

/// One cell's value. Workbooks give numbers and dates as such (a formula gives its cached value);
/// delimited text gives only `Text` and `Empty` (conversion parses numbers and dates per target).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Cell {
    #[default]
    Empty,
    /// Trimmed, never empty.
    Text(String),
    Number(f64),
    /// A date (a date-time cell keeps its date; a time-only cell is `Text("HH:MM")`).
    Date(NaiveDate),
}

impl Cell {
    /// A text cell from raw text: trimmed, `Empty` when nothing is left.
    pub fn text(s: &str) -> Cell {
        let t = s.trim();
        if t.is_empty() {
            Cell::Empty
        } else if t.contains('\r') {
            Cell::Text(t.replace("\r\n", "\n").replace('\r', "\n"))
        } else {
            Cell::Text(t.to_owned())
        }
    }

    pub fn is_empty(&self) -> bool {
        matches!(self, Cell::Empty)
    }

    /// The cell as text: numbers without a spurious `.0` or exponent when integral (a phone typed
    /// into Excel as a number), dates as ISO `YYYY-MM-DD`.
    pub fn as_text(&self) -> Cow<'_, str> {
        match self {
            Cell::Empty => Cow::Borrowed(""),
            Cell::Text(s) => Cow::Borrowed(s),
            Cell::Number(n) => Cow::Owned(number_text(*n)),
            Cell::Date(d) => Cow::Owned(d.format("%Y-%m-%d").to_string()),
        }
    }
}

pub(crate) fn number_text(n: f64) -> String {
    if n.is_finite() && n.fract() == 0.0 && n.abs() < 1e16 {
        format!("{n:.0}")
    } else {
        format!("{n}")
    }
}

/// A non-empty row of the source. `line` is 1-based: the sheet row number as the spreadsheet shows
/// it, or the line of the text file where the record starts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    pub line: usize,
    /// Ragged: a row may be shorter than [`Table::width`]; missing cells are empty.
    pub cells: Vec<Cell>,
}

impl Row {
    pub fn cell(&self, col: usize) -> &Cell {
        static EMPTY: Cell = Cell::Empty;
        self.cells.get(col).unwrap_or(&EMPTY)
    }
}

/// Whether the first row holds column names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum HeaderMode {
    /// Detect it (see [`detect_header`]).
    #[default]
    Auto,
    /// The first full row is the header.
    Present,
    /// There is none: every row is data.
    Absent,
}

/// A sheet or a delimited file, read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    pub format: FileFormat,
    /// Column names (trimmed; empty where the header cell was empty), `None` when there is no
    /// header row. As long as [`Table::width`].
    pub headers: Option<Vec<String>>,
    /// Line of the header row, when there is one.
    pub header_line: Option<usize>,
    /// Data rows: empty rows skipped, the header row and any title rows above it removed.
    pub rows: Vec<Row>,
    /// Number of columns (the longest row, or the header).
    pub width: usize,
    /// Workbooks: every sheet's name, in order; empty for text.
    pub sheet_names: Vec<String>,
    /// Workbooks: the sheet that was read.
    pub sheet: Option<String>,
    /// Text: the encoding used (WHATWG name: `UTF-8`, `windows-1251`, `KOI8-U`, `windows-1253`,
    /// `gb18030`, `UTF-16LE`…).
    pub encoding: Option<String>,
    /// Text: whether `encoding` was detected (`false`: forced by the caller).
    pub encoding_detected: bool,
    /// Text: whether the file started with a byte-order mark.
    pub bom: bool,
    /// Text: the field delimiter used.
    pub delimiter: Option<char>,
    /// Whether the header row was detected (`false`: forced by `HeaderMode`, or none found).
    pub header_detected: bool,
}

impl Table {
    pub(crate) fn new(format: FileFormat) -> Table {
        Table {
            format,
            headers: None,
            header_line: None,
            rows: Vec::new(),
            width: 0,
            sheet_names: Vec::new(),
            sheet: None,
            encoding: None,
            encoding_detected: false,
            bom: false,
            delimiter: None,
            header_detected: false,
        }
    }

    /// Takes `rows` (non-empty rows of the source, in order) and splits off the header per `mode`.
    pub(crate) fn set_rows(&mut self, mut rows: Vec<Row>, mode: HeaderMode) {
        let header = match mode {
            HeaderMode::Absent => None,
            HeaderMode::Present => first_full_row(&rows),
            HeaderMode::Auto => detect_header(&rows),
        };
        self.header_detected = mode == HeaderMode::Auto && header.is_some();
        self.width = rows.iter().map(|r| r.cells.len()).max().unwrap_or(0);
        if let Some(h) = header {
            let data = rows.split_off(h + 1);
            let head = rows.pop().expect("header row");
            self.header_line = Some(head.line);
            let mut names: Vec<String> = head
                .cells
                .iter()
                .map(|c| c.as_text().split_whitespace().collect::<Vec<_>>().join(" "))
                .collect();
            names.resize(self.width, String::new());
            self.headers = Some(names);
            rows = data;
        }
        self.rows = rows;
    }
}

fn filled(r: &Row) -> usize {
    r.cells.iter().filter(|c| !c.is_empty()).count()
}

/// The first row that fills at least half the table's width (rows above it are titles).
fn first_full_row(rows: &[Row]) -> Option<usize> {
    let width = rows.iter().take(20).map(filled).max().unwrap_or(0);
    let need = width.div_ceil(2).max(width.min(2));
    rows.iter().take(10).position(|r| filled(r) >= need.max(1))
}

/// Whether a text looks like a value rather than a column name: an e-mail, a phone or other number,
/// a date, a URL.
pub(crate) fn looks_like_data(s: &str) -> bool {
    let s = s.trim();
    if s.contains('@')
        || s.starts_with("http://")
        || s.starts_with("https://")
        || s.starts_with("www.")
    {
        return true;
    }
    let digits = s.chars().filter(char::is_ascii_digit).count();
    let letters = s.chars().filter(|c| c.is_alphabetic()).count();
    (digits >= 3 && letters == 0)
        || (digits >= 5 && digits > letters)
        || crate::dates::parse_date_text(s, crate::dates::DateOrder::DayFirst).is_some()
}

/// Finds the header row among the first rows: the first "full" row (rows above it are titles, e.g.
/// a merged "Clients 2024" line) is the header when all its cells are text that does not look like
/// data, and either one of them is a known column name (any of the five UI languages) or some
/// column below it holds data-looking values (phones, e-mails, dates, numbers) under a plain word.
pub fn detect_header(rows: &[Row]) -> Option<usize> {
    let i = first_full_row(rows)?;
    let row = &rows[i];
    let mut known = false;
    for c in &row.cells {
        match c {
            Cell::Empty => {}
            Cell::Text(t) => {
                if looks_like_data(t) {
                    return None;
                }
                known |= crate::mapping::recognise(t);
            }
            Cell::Number(_) | Cell::Date(_) => return None,
        }
    }
    if known {
        return Some(i);
    }
    let below = &rows[i + 1..rows.len().min(i + 6)];
    let data_under_word = row.cells.iter().enumerate().any(|(col, head)| {
        !head.is_empty()
            && below.iter().any(|r| match r.cell(col) {
                Cell::Number(_) | Cell::Date(_) => true,
                Cell::Text(t) => looks_like_data(t),
                Cell::Empty => false,
            })
    });
    data_under_word.then_some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(line: usize, cells: &[&str]) -> Row {
        Row {
            line,
            cells: cells.iter().map(|s| Cell::text(s)).collect(),
        }
    }

    #[test]
    fn header_detection() {
        let with = vec![
            row(1, &["Клиенты 2024"]),
            row(2, &["Имя", "Телефон", "Город"]),
            row(3, &["Иван", "+380671234567", "Киев"]),
        ];
        assert_eq!(detect_header(&with), Some(1));
        let unknown_words = vec![row(1, &["Foo", "Bar"]), row(2, &["Иван", "067 123 45 67"])];
        assert_eq!(detect_header(&unknown_words), Some(0));
        let without = vec![
            row(1, &["Иван", "+380671234567", "Киев"]),
            row(2, &["Пётр", "+380501234567", "Львов"]),
        ];
        assert_eq!(detect_header(&without), None);
        let words_only = vec![row(1, &["Иван", "Киев"]), row(2, &["Пётр", "Львов"])];
        assert_eq!(detect_header(&words_only), None);
        let mut t = Table::new(FileFormat::Csv);
        t.set_rows(with, HeaderMode::Auto);
        assert_eq!(t.headers.as_deref().unwrap()[1], "Телефон");
        assert_eq!(t.header_line, Some(2));
        assert_eq!(t.rows.len(), 1);
        assert!(t.header_detected);
    }

    #[test]
    fn number_text_is_integral_when_it_can_be() {
        assert_eq!(Cell::Number(380671234567.0).as_text(), "380671234567");
        assert_eq!(Cell::Number(12.5).as_text(), "12.5");
        assert_eq!(Cell::Number(-3.0).as_text(), "-3");
    }
}
