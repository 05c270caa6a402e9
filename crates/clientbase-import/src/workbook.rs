//! Workbooks through calamine: XLSX (streamed cell by cell, so a sheet is never held densely),
//! XLSB, XLS and ODS (calamine's dense range). Formulas are read as their cached values; a date
//! cell is a date; a vertically merged cell's value fills every row of the merge (a company
//! written once for its three employees); horizontally merged cells keep their one value.

use crate::error::ImportError;
use crate::table::{Cell, FileFormat, Row, Table};
use crate::ReadOptions;
use calamine::{Data, DataRef, Dimensions, ExcelDateTime, Reader, SheetVisible};
use std::collections::BTreeMap;
use std::io::Cursor;

/// The most non-empty cells one sheet may have (a zip bomb stops here, not in memory).
pub const MAX_CELLS: usize = 20_000_000;
/// Columns beyond this are ignored (XLSX itself stops at 16,384).
const MAX_COLS: u32 = 16_384;

fn excel_dt(dt: &ExcelDateTime) -> Cell {
    let v = dt.as_f64();
    if dt.is_duration() || (0.0..1.0).contains(&v) {
        // A time of day ("14:30") or a duration: keep it readable.
        let mins = (v.fract() * 24.0 * 60.0).round() as i64;
        let hours = (v.trunc() as i64) * 24 + mins / 60;
        return Cell::Text(format!("{:02}:{:02}", hours, mins % 60));
    }
    match dt.as_datetime() {
        Some(d) => Cell::Date(d.date()),
        None => Cell::Number(v),
    }
}

fn iso_dt(s: &str) -> Cell {
    match chrono::NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d") {
        Ok(d) => Cell::Date(d),
        Err(_) => iso_duration(s),
    }
}

/// ODS times come as ISO durations (`PT14H30M00S`).
fn iso_duration(s: &str) -> Cell {
    let parse = || -> Option<String> {
        let rest = s.strip_prefix("PT")?;
        let (h, rest) = rest.split_once('H')?;
        let (m, _) = rest.split_once('M')?;
        Some(format!(
            "{:02}:{:02}",
            h.parse::<u32>().ok()?,
            m.parse::<u32>().ok()?
        ))
    };
    parse().map(Cell::Text).unwrap_or_else(|| Cell::text(s))
}

fn number(n: f64) -> Cell {
    if n.is_finite() {
        Cell::Number(n)
    } else {
        Cell::Empty
    }
}

fn from_ref(d: &DataRef<'_>) -> Cell {
    match d {
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => number(*f),
        DataRef::String(s) => Cell::text(s),
        DataRef::SharedString(s) => Cell::text(s),
        DataRef::Bool(b) => Cell::Text(if *b { "TRUE" } else { "FALSE" }.to_owned()),
        DataRef::DateTime(dt) => excel_dt(dt),
        DataRef::DateTimeIso(s) => iso_dt(s),
        DataRef::DurationIso(s) => iso_duration(s),
        DataRef::Error(_) | DataRef::Empty => Cell::Empty,
    }
}

fn from_data(d: &Data) -> Cell {
    match d {
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => number(*f),
        Data::String(s) => Cell::text(s),
        Data::Bool(b) => Cell::Text(if *b { "TRUE" } else { "FALSE" }.to_owned()),
        Data::DateTime(dt) => excel_dt(dt),
        Data::DateTimeIso(s) => iso_dt(s),
        Data::DurationIso(s) => iso_duration(s),
        Data::Error(_) | Data::Empty => Cell::Empty,
    }
}

/// Sparse sheet being read: row index → cells. Readers give cells row by row, so the row being
/// filled is kept aside and goes into the map when the next row starts.
#[derive(Default)]
struct Sheet {
    rows: BTreeMap<u32, Vec<Cell>>,
    cur: Option<(u32, Vec<Cell>)>,
    cells: usize,
}

impl Sheet {
    fn put(&mut self, row: u32, col: u32, cell: Cell) -> Result<(), ImportError> {
        if cell.is_empty() || col >= MAX_COLS {
            return Ok(());
        }
        self.cells += 1;
        if self.cells > MAX_CELLS {
            return Err(ImportError::TooManyCells { limit: MAX_CELLS });
        }
        if self.cur.as_ref().is_some_and(|(r, _)| *r != row) {
            self.flush();
        }
        let r = match &mut self.cur {
            Some((_, cells)) => cells,
            None => {
                let cells = self.rows.remove(&row).unwrap_or_default();
                &mut self.cur.insert((row, cells)).1
            }
        };
        let col = col as usize;
        if r.len() <= col {
            r.resize(col + 1, Cell::Empty);
        }
        r[col] = cell;
        Ok(())
    }

    fn flush(&mut self) {
        if let Some((r, cells)) = self.cur.take() {
            self.rows.insert(r, cells);
        }
    }

    /// Copies the value of each vertically merged region down its first column.
    fn fill_merges(&mut self, merges: &[Dimensions]) -> Result<(), ImportError> {
        self.flush();
        for m in merges {
            let ((r0, c0), (r1, _)) = (m.start, m.end);
            if r1 <= r0 || r1 - r0 > 1_048_576 {
                continue;
            }
            let Some(v) = self.rows.get(&r0).and_then(|r| r.get(c0 as usize)).cloned() else {
                continue;
            };
            if v.is_empty() {
                continue;
            }
            for r in r0 + 1..=r1 {
                self.flush();
                let empty = self
                    .rows
                    .get(&r)
                    .and_then(|row| row.get(c0 as usize))
                    .is_none_or(Cell::is_empty);
                if empty {
                    self.put(r, c0, v.clone())?;
                }
            }
        }
        Ok(())
    }

    fn into_rows(mut self) -> Vec<Row> {
        self.flush();
        self.rows
            .into_iter()
            .filter(|(_, cells)| cells.iter().any(|c| !c.is_empty()))
            .map(|(r, cells)| Row {
                line: r as usize + 1,
                cells,
            })
            .collect()
    }
}

/// Refuses an XLS whose sheet dimensions (DIMENSIONS records) would make calamine reserve memory
/// for more than [`MAX_CELLS`] cells — or, for a corrupted record whose last row comes before its
/// first, for a wrapped-around count: calamine reserves `rows × cols` cells when it opens the
/// workbook, and a failed allocation aborts the whole app (found by the fuzz test: one flipped byte
/// asked for 740 GB). Hand-written because calamine has no limit option; the records are read the
/// way calamine 0.38's `parse_dimensions` reads them. The container is read with the `cfb` crate.
fn xls_guard(bytes: &[u8]) -> Result<(), calamine::Error> {
    let too_many = || {
        calamine::Error::Msg(
            "the sheet declares more cells than the limit (corrupted or too large)",
        )
    };
    let Ok(mut file) = cfb::CompoundFile::open(Cursor::new(bytes)) else {
        return Ok(()); // not a container cfb reads: calamine reports its own error
    };
    let mut stream = Vec::new();
    for name in ["/Workbook", "/Book", "/WORKBOOK", "/BOOK"] {
        if let Ok(mut s) = file.open_stream(name) {
            use std::io::Read;
            if s.read_to_end(&mut stream).is_err() {
                return Ok(());
            }
            break;
        }
    }
    let u16_at = |d: &[u8], i: usize| u16::from_le_bytes([d[i], d[i + 1]]) as u64;
    let u32_at =
        |d: &[u8], i: usize| u32::from_le_bytes([d[i], d[i + 1], d[i + 2], d[i + 3]]) as u64;
    let mut i = 0;
    while i + 4 <= stream.len() {
        let typ = u16_at(&stream, i);
        let len = u16_at(&stream, i + 2) as usize;
        let end = (i + 4 + len).min(stream.len());
        let d = &stream[i + 4..end];
        if typ == 0x0200 {
            let (rf, rl, mut cf, cl) = match d.len() {
                10 => (u16_at(d, 0), u16_at(d, 2), u16_at(d, 4), u16_at(d, 6)),
                14 | 16 => (u32_at(d, 0), u32_at(d, 4), u16_at(d, 8), u16_at(d, 10)),
                _ => (0, 0, 0, 0), // calamine refuses the record itself
            };
            if 0xFF < cf || cl < cf {
                cf = 0;
            }
            if rl >= 1 && cl >= 1 {
                // calamine: rows = (rl - 1) - rf + 1, cols = (cl - 1) - cf + 1, in u32.
                if rl - 1 < rf || cl - 1 < cf {
                    return Err(too_many());
                }
                let cells = (rl - rf).saturating_mul(cl - cf);
                if cells > MAX_CELLS as u64 {
                    return Err(too_many());
                }
            }
        }
        i = end;
    }
    Ok(())
}

fn workbook_err(format: FileFormat, e: impl std::fmt::Display) -> ImportError {
    ImportError::Workbook {
        format: format.name().to_owned(),
        detail: e.to_string(),
    }
}

fn is_password(e: &calamine::Error) -> bool {
    matches!(
        e,
        calamine::Error::Xlsx(calamine::XlsxError::Password)
            | calamine::Error::Xls(calamine::XlsError::Password)
            | calamine::Error::Ods(calamine::OdsError::Password)
    )
}

enum Book<'a> {
    Xlsx(calamine::Xlsx<Cursor<&'a [u8]>>),
    Xlsb(calamine::Xlsb<Cursor<&'a [u8]>>),
    Xls(calamine::Xls<Cursor<&'a [u8]>>),
    Ods(calamine::Ods<Cursor<&'a [u8]>>),
}

fn open(bytes: &[u8], format: FileFormat) -> Result<Book<'_>, ImportError> {
    let c = Cursor::new(bytes);
    let r: Result<Book<'_>, calamine::Error> = match format {
        FileFormat::Xlsx => calamine::Xlsx::new(c).map(Book::Xlsx).map_err(Into::into),
        FileFormat::Xlsb => calamine::Xlsb::new(c).map(Book::Xlsb).map_err(Into::into),
        FileFormat::Xls => match xls_guard(bytes).and_then(|()| Ok(calamine::Xls::new(c)?)) {
            Ok(b) => Ok(Book::Xls(b)),
            // An encrypted XLSX is an OLE container too.
            Err(e) => match calamine::Xlsx::new(Cursor::new(bytes)) {
                Err(calamine::XlsxError::Password) => Err(calamine::XlsxError::Password.into()),
                _ => Err(e),
            },
        },
        FileFormat::Ods => calamine::Ods::new(c).map(Book::Ods).map_err(Into::into),
        FileFormat::Csv | FileFormat::Vcard => unreachable!("not a workbook"),
    };
    r.map_err(|e| {
        if is_password(&e) {
            ImportError::Encrypted
        } else {
            workbook_err(format, e)
        }
    })
}

impl Book<'_> {
    fn sheets(&self) -> Vec<(String, bool)> {
        let meta = match self {
            Book::Xlsx(b) => b.sheets_metadata(),
            Book::Xlsb(b) => b.sheets_metadata(),
            Book::Xls(b) => b.sheets_metadata(),
            Book::Ods(b) => b.sheets_metadata(),
        };
        meta.iter()
            .map(|s| (s.name.clone(), s.visible == SheetVisible::Visible))
            .collect()
    }

    fn read(&mut self, bytes: &[u8], name: &str, format: FileFormat) -> Result<Sheet, ImportError> {
        let err = |e: &dyn std::fmt::Display| workbook_err(format, e);
        let mut sheet = Sheet::default();
        match self {
            Book::Xlsx(b) => {
                // The merged regions come after the cells in the sheet's XML, and calamine finds
                // them by parsing the whole sheet again (~40% of reading a large sheet): that
                // second pass runs on another thread, over a second reader of the same bytes.
                let (cells, merges) = std::thread::scope(|s| {
                    let merges = s.spawn(|| {
                        let mut second = calamine::Xlsx::new(Cursor::new(bytes))?;
                        second.merge_cells_by_sheet_name(name)
                    });
                    let cells = (|| -> Result<(), ImportError> {
                        let mut cells = b.worksheet_cells_reader(name).map_err(|e| err(&e))?;
                        while let Some(c) = cells.next_cell().map_err(|e| err(&e))? {
                            let (r, col) = c.get_position();
                            sheet.put(r, col, from_ref(c.get_value()))?;
                        }
                        Ok(())
                    })();
                    (cells, merges.join())
                });
                cells?;
                match merges {
                    Ok(m) => sheet.fill_merges(&m.map_err(|e| err(&e))?)?,
                    Err(_) => {
                        return Err(workbook_err(format, "the reader failed on this file"));
                    }
                }
            }
            Book::Xlsb(b) => {
                let mut cells = b.worksheet_cells_reader(name).map_err(|e| err(&e))?;
                while let Some(c) = cells.next_cell().map_err(|e| err(&e))? {
                    let (r, col) = c.get_position();
                    sheet.put(r, col, from_ref(c.get_value()))?;
                }
            }
            Book::Xls(b) => {
                let range = b.worksheet_range(name).map_err(|e| err(&e))?;
                dense(&mut sheet, &range)?;
                let merges = b.merge_cells_by_sheet_name(name).map_err(|e| err(&e))?;
                sheet.fill_merges(&merges)?;
            }
            Book::Ods(b) => {
                let range = b.worksheet_range(name).map_err(|e| err(&e))?;
                dense(&mut sheet, &range)?;
            }
        }
        Ok(sheet)
    }
}

fn dense(sheet: &mut Sheet, range: &calamine::Range<Data>) -> Result<(), ImportError> {
    let Some((r0, c0)) = range.start() else {
        return Ok(());
    };
    for (i, row) in range.rows().enumerate() {
        for (j, d) in row.iter().enumerate() {
            sheet.put(r0 + i as u32, c0 + j as u32, from_data(d))?;
        }
    }
    Ok(())
}

pub(crate) fn read_workbook(
    bytes: &[u8],
    format: FileFormat,
    opts: &ReadOptions,
) -> Result<Table, ImportError> {
    // calamine is mature, but a reader of binary formats meeting hostile input is where a panic
    // would hide: turn one into an error instead of taking the app down.
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_workbook_inner(bytes, format, opts)
    }));
    r.unwrap_or_else(|_| {
        Err(ImportError::Workbook {
            format: format.name().to_owned(),
            detail: "the reader failed on this file".to_owned(),
        })
    })
}

fn read_workbook_inner(
    bytes: &[u8],
    format: FileFormat,
    opts: &ReadOptions,
) -> Result<Table, ImportError> {
    let mut book = open(bytes, format)?;
    let sheets = book.sheets();
    if sheets.is_empty() {
        return Err(ImportError::NoSheets);
    }
    let (name, rows) = match &opts.sheet {
        Some(want) => {
            let name = sheets
                .iter()
                .map(|(n, _)| n)
                .find(|n| *n == want)
                .or_else(|| {
                    sheets
                        .iter()
                        .map(|(n, _)| n)
                        .find(|n| n.trim().to_lowercase() == want.trim().to_lowercase())
                })
                .ok_or_else(|| ImportError::SheetNotFound(want.clone()))?
                .clone();
            let rows = book.read(bytes, &name, format)?.into_rows();
            (name, rows)
        }
        None => {
            // The visible sheet that looks most like a client list: the most recognised column
            // names, then the most rows, then the first (an "Instructions" sheet before the data
            // is common).
            let mut best: Option<(usize, String, Vec<Row>)> = None;
            for (n, visible) in &sheets {
                if !visible {
                    continue;
                }
                let rows = book.read(bytes, n, format)?.into_rows();
                if rows.is_empty() {
                    continue;
                }
                let known = crate::table::detect_header(&rows)
                    .map(|h| {
                        rows[h]
                            .cells
                            .iter()
                            .filter(|c| matches!(c, Cell::Text(t) if crate::mapping::recognise(t)))
                            .count()
                    })
                    .unwrap_or(0);
                let score = known * 10_000_000 + rows.len().min(9_999_999);
                if best.as_ref().is_none_or(|(b, _, _)| score > *b) {
                    best = Some((score, n.clone(), rows));
                }
            }
            match best {
                Some((_, n, rows)) => (n, rows),
                None => (sheets[0].0.clone(), Vec::new()),
            }
        }
    };
    let mut table = Table::new(format);
    table.sheet_names = sheets.into_iter().map(|(n, _)| n).collect();
    table.sheet = Some(name);
    table.set_rows(rows, opts.header);
    Ok(table)
}

#[cfg(test)]
mod xls_guard_tests {
    use super::*;
    use std::io::{Read, Seek, SeekFrom, Write};

    /// `clients.xls` with its first sheet's DIMENSIONS record rewritten by `patch`.
    fn patched(patch: impl Fn(&mut [u8])) -> Vec<u8> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus/xls/clients.xls");
        let mut file = cfb::CompoundFile::open(Cursor::new(std::fs::read(path).unwrap())).unwrap();
        let mut stream = Vec::new();
        file.open_stream("/Workbook")
            .unwrap()
            .read_to_end(&mut stream)
            .unwrap();
        let mut i = 0;
        let at = loop {
            let typ = u16::from_le_bytes([stream[i], stream[i + 1]]);
            let len = u16::from_le_bytes([stream[i + 2], stream[i + 3]]) as usize;
            if typ == 0x0200 {
                assert_eq!(len, 14);
                break i + 4;
            }
            i += 4 + len;
        };
        patch(&mut stream[at..at + 14]);
        let mut s = file.open_stream("/Workbook").unwrap();
        s.seek(SeekFrom::Start(0)).unwrap();
        s.write_all(&stream).unwrap();
        drop(s);
        file.flush().unwrap();
        file.into_inner().into_inner()
    }

    #[test]
    fn the_corpus_file_passes() {
        let bytes = patched(|_| {});
        assert!(xls_guard(&bytes).is_ok());
        assert!(crate::read_table(&bytes, "clients.xls", &ReadOptions::default()).is_ok());
    }

    #[test]
    fn declared_cells_beyond_the_limit_are_refused_not_allocated() {
        // Last row before the first (calamine's count wraps around), and a huge sheet.
        for (rf, rl) in [(10u32, 3u32), (0, 0xFFFF_FFF0)] {
            let bytes = patched(|d| {
                d[0..4].copy_from_slice(&rf.to_le_bytes());
                d[4..8].copy_from_slice(&rl.to_le_bytes());
                d[10..12].copy_from_slice(&200u16.to_le_bytes());
            });
            assert!(xls_guard(&bytes).is_err(), "{rf} {rl}");
            match crate::read_table(&bytes, "clients.xls", &ReadOptions::default()) {
                Err(ImportError::Workbook { .. }) => {}
                other => panic!("{rf} {rl}: {other:?}"),
            }
        }
    }
}
