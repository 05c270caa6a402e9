#!/usr/bin/env python3
"""Writes the import test corpus (the files next to this script).

The files are committed; run this only to change them:

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install openpyxl odfpy xlwt msoffcrypto-tool
    /tmp/venv/bin/python crates/clientbase-import/tests/corpus/make_corpus.py

What writes what, and why:
- CSV/TSV: written byte for byte here in each encoding (windows-1251, KOI8-U, windows-1253,
  GB18030, UTF-8 with and without BOM, UTF-16LE as Excel's "Unicode text"), in the dialects of
  Excel, Google Contacts and Outlook.
- xlsx/excel_formulas_merged.xlsx: the XML parts written by hand the way Excel writes them
  (shared strings, a date style, formulas WITH cached values, merged cells, an empty row) —
  openpyxl and rust_xlsxwriter write formulas without cached values, Excel does not.
- xlsx/openpyxl_two_sheets.xlsx: openpyxl (a first sheet of instructions, the data on the second).
- xls/clients.xls: xlwt (BIFF8, as Excel 97-2003 writes).
- ods/clients.ods: odfpy (dates, a formula with its value, merged cells, empty rows).
- vCards: written as each exporter writes them (Android 2.1 quoted-printable with soft breaks,
  iOS 3.0 item groups, Google 3.0, Outlook 2.1 windows-1251, 4.0).
- broken/: a password-protected XLSX (msoffcrypto-tool), a truncated XLSX, a zip that is no workbook, binary garbage, a PNG, an empty file, a
  truncated and a malformed vCard, a windows-1251 file for a forced-UTF-8 test.
"""
import io
import os
import random
import zipfile
import datetime

HERE = os.path.dirname(os.path.abspath(__file__))
for d in ("csv", "xlsx", "xls", "ods", "vcard", "broken"):
    os.makedirs(os.path.join(HERE, d), exist_ok=True)


def out(rel, data):
    path = os.path.join(HERE, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def csv_text(rows, delim):
    lines = []
    for r in rows:
        cells = []
        for c in r:
            c = str(c)
            if any(ch in c for ch in [delim, '"', "\n", "\r"]):
                c = '"' + c.replace('"', '""') + '"'
            cells.append(c)
        lines.append(delim.join(cells))
    return "\r\n".join(lines) + "\r\n"


# ---------------------------------------------------------------------------------------------
# CSV / TSV

out("csv/utf8_comma_en.csv", csv_text([
    ["Name", "Mobile Phone", "Email", "City", "Birthday", "Company", "Notes"],
    ["John Smith", "+44 7911 123456", "john.smith@example.co.uk", "London", "1980-03-12", "Acme Trading Ltd", "Prefers mornings"],
    ["Mary Johnson", "(201) 555-0123", "mary@example.com", "Newark", "12/31/1975", "", "Met at the fair, 2023"],
    ["", "", "", "", "", "Blue River Pharmacy", "Order every Monday"],
], ",").encode("utf-8"))

out("csv/utf8_bom_semicolon_ru.csv", b"\xef\xbb\xbf" + csv_text([
    ["ФИО", "Мобильный телефон", "E-mail", "Город", "День рождения", "Компания", "Примечание"],
    ["Петров Иван Сергеевич", "8 (912) 345-67-89", "ivan.petrov@mail.ru", "Москва", "12.03.1980", "ООО «Ромашка»", "Звонить после 14:00; не по пятницам"],
    ["Семёнова Алёна", "+7 916 123-45-67", "alena@yandex.ru", "Санкт-Петербург", "12 марта", "", "Любит чай"],
    ["Иванов Пётр", "не помню", "ivanov@", "Казань", "31.02.1985", "", ""],
], ";").encode("utf-8"))

out("csv/cp1251_semicolon_ru.csv", csv_text([
    ["Фамилия", "Имя", "Отчество", "Телефон", "Город", "Дата рождения"],
    ["Шевченко", "Тарас", "Григорьевич", "067 123 45 67", "Киев", "09.03.1974"],
    ["Ёлкина", "Мария", "Ивановна", "+380 50 765 43 21", "Харьков", "29.02"],
    ["Кузнецов", "Олег", "", "044 123 45 67", "Киев", ""],
], ";").encode("cp1251"))

out("csv/koi8u_tab_uk.tsv", csv_text([
    ["Прізвище", "Ім'я", "По батькові", "Мобільний телефон", "Місто", "День народження"],
    ["Коваленко", "Олена", "Петрівна", "067 765 43 21", "Львів", "3 травня 1990 р."],
    ["Гнатюк", "Ігор", "Юрійович", "+380 63 111 22 33", "Київ", "17.11.1969"],
    ["Їжакевич", "Ярослав", "", "050 000 11 22", "Одеса", ""],
], "\t").encode("koi8_u"))

out("csv/cp1253_comma_el.csv", csv_text([
    ["Επώνυμο", "Όνομα", "Κινητό", "Email", "Πόλη", "Γενέθλια", "Σημειώσεις"],
    ["Παπαδόπουλος", "Γιώργος", "69 1234 5678", "giorgos@otenet.gr", "Αθήνα", "12/03/1980", "Φαρμακείο, Άνω Πόλη"],
    ["Αλεξίου", "Σοφία", "+30 697 765 4321", "sofia@gmail.com", "Θεσσαλονίκη", "05/11", "Ώρα κλήσης: πρωί"],
], ",").encode("cp1253"))

out("csv/gb18030_comma_zh.csv", csv_text([
    ["姓名", "手机", "邮箱", "城市", "生日", "公司", "备注"],
    ["王秀英", "138 0013 8000", "kehu1@qq.com", "北京", "1985年6月1日", "北京华为有限公司", "老客户"],
    ["欧阳娜娜", "+86 139 1234 5678", "nana@163.com", "上海", "3月12日", "", "喜欢喝茶"],
    ["李明", "13712345678", "", "广州", "1990/07/15", "", ""],
], ",").encode("gb18030"))

out("csv/utf8_pipe_noheader.csv", csv_text([
    ["Иван Петров", "+380671234567", "ivan@example.com", "Киев"],
    ["Anna Schmidt", "+49 151 23456789", "anna@web.de", "Berlin"],
    ["Γιώργος Παπαδόπουλος", "+30 691 234 5678", "g@otenet.gr", "Αθήνα"],
], "|").encode("utf-8"))

out("csv/utf8_semicolon_noheader_quoted.csv", csv_text([
    ["Сидоренко Анна", "+380 50 123 45 67", "Киев; Оболонь", "Первая строка\nвторая строка"],
    ["Smith, John", "+44 7700 900456", "London", "Quote: \"VIP\""],
], ";").encode("utf-8"))

out("csv/excel_sep_line.csv", ("sep=;\r\n" + csv_text([
    ["Name", "Phone", "City"],
    ["Anna Schmidt", "+49 151 23456789", "Berlin"],
], ";")).encode("utf-8"))

# Excel "Unicode text": UTF-16LE with a BOM, tab-separated.
out("csv/excel_unicode_text.txt", b"\xff\xfe" + csv_text([
    ["Фамилия", "Имя", "Телефон", "Город"],
    ["Шевченко", "Тарас", "+380 67 123 45 67", "Київ"],
    ["王", "秀英", "+86 138 0013 8000", "北京"],
], "\t").encode("utf-16-le"))

# Google Contacts export (2023+ format).
out("csv/google_contacts.csv", csv_text([
    ["First Name", "Middle Name", "Last Name", "Phonetic First Name", "Name Prefix", "Name Suffix",
     "Nickname", "File As", "Organization Name", "Organization Title", "Organization Department",
     "Birthday", "Notes", "Photo", "Labels", "E-mail 1 - Label", "E-mail 1 - Value",
     "Phone 1 - Label", "Phone 1 - Value", "Phone 2 - Label", "Phone 2 - Value",
     "Address 1 - Label", "Address 1 - Formatted", "Address 1 - Street", "Address 1 - City",
     "Address 1 - PO Box", "Address 1 - Region", "Address 1 - Postal Code", "Address 1 - Country",
     "Website 1 - Label", "Website 1 - Value"],
    ["Олена", "", "Коваленко", "", "", "", "Лена", "", "Аптека №5", "провізор", "", "1990-05-03",
     "Дзвонити зранку", "", "* myContacts ::: Аптеки", "* Work", "olena@ukr.net",
     "Mobile", "+380 67 765 4321", "Work", "+380 44 123 4567",
     "Work", "вул. Хрещатик, 1\nКиїв\n01001", "вул. Хрещатик, 1", "Київ", "", "", "01001", "Україна",
     "", "https://apteka5.example.ua"],
    ["Anna", "", "Schmidt", "", "", "", "", "", "", "", "", "--03-12", "", "", "* myContacts", "* Home",
     "anna@web.de ::: anna.schmidt@firma.de", "Mobile", "+49 151 23456789 ::: +49 30 1234567", "", "",
     "", "", "", "Berlin", "", "", "", "Germany", "", ""],
], ",").encode("utf-8"))

# Outlook CSV export (US English Outlook: month/day/year).
out("csv/outlook_contacts.csv", csv_text([
    ["Title", "First Name", "Middle Name", "Last Name", "Suffix", "Company", "Department", "Job Title",
     "Business Street", "Business City", "Business State", "Business Postal Code",
     "Business Country/Region", "Business Fax", "Business Phone", "Home Phone", "Mobile Phone",
     "Birthday", "Categories", "E-mail Address", "E-mail 2 Address", "Notes", "Web Page"],
    ["Mr.", "Robert", "", "Brown", "", "Northwind Logistics", "Sales", "Buyer",
     "1 Main St", "Seattle", "WA", "98101", "United States", "+1 206 555 0100", "+1 206 555 0101", "",
     "+1 425 555 0199", "4/13/1970", "Key;Wholesale", "robert@northwind.example", "rb@home.example",
     "Call before noon", "www.northwind.example"],
    ["", "Lisa", "", "White", "", "", "", "", "", "Boston", "MA", "", "", "", "", "", "(617) 555-0142",
     "11/2/1982", "", "lisa@white.example", "", "", ""],
], ",").encode("cp1252"))

# ---------------------------------------------------------------------------------------------
# Broken files

out("broken/wrong_encoding_cp1251.csv", csv_text([
    ["Имя", "Телефон"], ["Иван", "+380671234567"]], ";").encode("cp1251"))
rnd = random.Random(4)
out("broken/binary_garbage.bin", bytes(rnd.randrange(256) for _ in range(4096)))
out("broken/image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(rnd.randrange(256) for _ in range(512)))
out("broken/empty.csv", b"")
out("broken/only_bom_and_spaces.csv", b"\xef\xbb\xbf  \r\n\r\n")
zbuf = io.BytesIO()
with zipfile.ZipFile(zbuf, "w") as z:
    z.writestr("readme.txt", "this zip is not a workbook")
out("broken/zip_not_workbook.xlsx", zbuf.getvalue())

# ---------------------------------------------------------------------------------------------
# XLSX written as Excel does: formulas with cached values, merged cells, dates, an empty row.

CT = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"""
RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"""
WB = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr/><sheets><sheet name="Клиенты" sheetId="1" r:id="rId1"/><sheet name="Скрытый" sheetId="2" state="hidden" r:id="rId2"/></sheets><calcPr calcId="191029"/></workbook>"""
WBRELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"""
STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="dd\\.mm\\.yyyy"/></numFmts><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="20" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"""
strings = ["Клиенты 2024", "Фамилия", "Имя", "ФИО", "Телефон", "Компания", "День рождения", "Время звонка",
           "Петров", "Иван", "Сидорова", "Анна", "Кузнецов", "Олег", "ООО «Ромашка»", "Шевченко", "Тарас",
           "ТОВ Світанок", "Петров Иван", "Сидорова Анна", "Кузнецов Олег", "Шевченко Тарас", "скрыто"]
SST = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
       '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">' % (len(strings), len(strings))
       + "".join("<si><t>%s</t></si>" % s for s in strings) + "</sst>")


def s(ref, text):
    return '<c r="%s" t="s"><v>%d</v></c>' % (ref, strings.index(text))


def n(ref, val, style=0):
    return '<c r="%s"%s><v>%s</v></c>' % (ref, ' s="%d"' % style if style else "", val)


def f(ref, formula, cached, t="str"):
    return '<c r="%s" t="%s"><f>%s</f><v>%s</v></c>' % (ref, t, formula, cached)


def serial(y, m, d):
    return (datetime.date(y, m, d) - datetime.date(1899, 12, 30)).days


rows = [
    (1, [s("A1", "Клиенты 2024")]),
    (2, [s("A2", "Фамилия"), s("B2", "Имя"), s("C2", "ФИО"), s("D2", "Телефон"), s("E2", "Компания"),
         s("F2", "День рождения"), s("G2", "Время звонка")]),
    (3, [s("A3", "Петров"), s("B3", "Иван"), f("C3", "A3&amp;\" \"&amp;B3", "Петров Иван"),
         n("D3", "380671234567"), s("E3", "ООО «Ромашка»"), n("F3", serial(1980, 3, 12), 1), n("G3", "0.5833333333", 3)]),
    (4, [s("A4", "Сидорова"), s("B4", "Анна"), f("C4", "A4&amp;\" \"&amp;B4", "Сидорова Анна"),
         n("D4", "79123456789"), n("F4", serial(1988, 2, 29), 2)]),
    (5, [s("A5", "Кузнецов"), s("B5", "Олег"), f("C5", "A5&amp;\" \"&amp;B5", "Кузнецов Олег"),
         f("D5", "\"+380 50 765 43 21\"", "+380 50 765 43 21")]),
    # row 6 is empty
    (7, [s("A7", "Шевченко"), s("B7", "Тарас"), f("C7", "A7&amp;\" \"&amp;B7", "Шевченко Тарас"),
         n("D7", "380441234567"), s("E7", "ТОВ Світанок"), '<c r="F7" t="e"><f>NA()</f><v>#N/A</v></c>']),
]
sheet1 = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
          '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:G7"/><sheetData>'
          + "".join('<row r="%d">%s</row>' % (r, "".join(cs)) for r, cs in rows)
          + '</sheetData><mergeCells count="2"><mergeCell ref="A1:G1"/><mergeCell ref="E3:E5"/></mergeCells></worksheet>')
sheet2 = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
          '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
          + s("A1", "скрыто") + '</row></sheetData></worksheet>')
zbuf = io.BytesIO()
with zipfile.ZipFile(zbuf, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", CT)
    z.writestr("_rels/.rels", RELS)
    z.writestr("xl/workbook.xml", WB)
    z.writestr("xl/_rels/workbook.xml.rels", WBRELS)
    z.writestr("xl/styles.xml", STYLES)
    z.writestr("xl/sharedStrings.xml", SST)
    z.writestr("xl/worksheets/sheet1.xml", sheet1)
    z.writestr("xl/worksheets/sheet2.xml", sheet2)
xlsx = zbuf.getvalue()
out("xlsx/excel_formulas_merged.xlsx", xlsx)
out("broken/truncated.xlsx", xlsx[: len(xlsx) // 2])

# ---------------------------------------------------------------------------------------------
# openpyxl: instructions on the first sheet, clients on the second.

try:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Instructions"
    ws["A1"] = "Fill in the Clients sheet"
    ws2 = wb.create_sheet("Clients")
    ws2.append(["Όνομα", "Επώνυμο", "Τηλέφωνο", "Email", "Πόλη", "Ημερομηνία γέννησης", "Ετικέτες"])
    ws2.append(["Γιώργος", "Παπαδόπουλος", "+30 691 234 5678", "giorgos@otenet.gr", "Αθήνα", datetime.date(1975, 8, 15), "χονδρική, φαρμακείο"])
    ws2.append(["Σοφία", "Αλεξίου", 306977654321, "sofia@gmail.com", "Πάτρα", datetime.datetime(1992, 1, 5, 0, 0), "λιανική"])
    ws2.append([])
    ws2.append(["Νίκος", "Γεωργίου", "2101234567", "", "Αθήνα", "15/08/1968", ""])
    wb.save(os.path.join(HERE, "xlsx/openpyxl_two_sheets.xlsx"))
except ImportError:
    print("openpyxl missing: xlsx/openpyxl_two_sheets.xlsx not regenerated")

# An encrypted (password-protected) XLSX: msoffcrypto-tool (pip), as Excel encrypts.
try:
    from msoffcrypto.format.ooxml import OOXMLFile

    with open(os.path.join(HERE, "xlsx/openpyxl_two_sheets.xlsx"), "rb") as src:
        enc = io.BytesIO()
        OOXMLFile(src).encrypt("secret", enc)
    out("broken/encrypted.xlsx", enc.getvalue())
except ImportError:
    print("msoffcrypto-tool missing: broken/encrypted.xlsx not regenerated")

# ---------------------------------------------------------------------------------------------
# xlwt: an Excel 97-2003 workbook.

try:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("Клиенты")
    date_style = xlwt.easyxf(num_format_str="DD.MM.YYYY")
    for c, h in enumerate(["Компания", "Контактное лицо", "Телефон", "Город", "Дата рождения", "Сумма"]):
        ws.write(0, c, h)
    ws.write_merge(1, 2, 0, 0, "Аптека «Здоровье»")
    ws.write(1, 1, "Петренко Олег Іванович")
    ws.write(1, 2, "+380 67 555 12 34")
    ws.write(1, 3, "Дніпро")
    ws.write(1, 4, datetime.date(1979, 4, 1), date_style)
    ws.write(1, 5, 1250.5)
    ws.write(2, 1, "Іваненко Марія")
    ws.write(2, 2, 380505551235)
    ws.write(2, 3, "Дніпро")
    ws.write(4, 0, "ООО «Вектор»")
    ws.write(4, 1, "Смирнов Алексей")
    ws.write(4, 2, "8 912 345-67-89")
    ws.write(4, 3, "Екатеринбург")
    ws.write(4, 5, xlwt.Formula("F2*2"))
    wb.save(os.path.join(HERE, "xls/clients.xls"))
except ImportError:
    print("xlwt missing: xls/clients.xls not regenerated")

# ---------------------------------------------------------------------------------------------
# odfpy: an OpenDocument spreadsheet.

try:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableRow, TableCell, CoveredTableCell
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    t = Table(name="Clients")

    def row(*cells):
        tr = TableRow()
        for c in cells:
            tr.addElement(c)
        t.addElement(tr)

    def txt(v, **kw):
        c = TableCell(valuetype="string", **kw)
        c.addElement(P(text=v))
        return c

    def date(y, m, d):
        c = TableCell(valuetype="date", datevalue="%04d-%02d-%02d" % (y, m, d))
        c.addElement(P(text="%02d.%02d.%04d" % (d, m, y)))
        return c

    def num(v):
        c = TableCell(valuetype="float", value=v)
        c.addElement(P(text=str(v)))
        return c

    def formula(expr, v):
        c = TableCell(valuetype="string", formula=expr, stringvalue=v)
        c.addElement(P(text=v))
        return c

    row(txt("Name"), txt("Company"), txt("Mobile"), txt("E-mail"), txt("Birthday"), txt("Tags"))
    row(txt("Anna Schmidt"), txt("Müller GmbH", numberrowsspanned=2), txt("+49 151 23456789"),
        txt("anna@web.de"), date(1983, 7, 14), formula('of:=CONCATENATE("vip";", ";"online")', "vip, online"))
    row(txt("Jonas Weber"), CoveredTableCell(), num(4917012345678), txt("jonas@firma.de"), txt("--11-02"), txt(""))
    row()
    row(txt("王秀英"), txt("北京华为有限公司"), txt("138 0013 8000"), txt(""), txt("1985年6月1日"), txt("批发"))
    doc.spreadsheet.addElement(t)
    doc.save(os.path.join(HERE, "ods/clients.ods"))
except ImportError:
    print("odfpy missing: ods/clients.ods not regenerated")

# ---------------------------------------------------------------------------------------------
# vCards


def qp(text, charset="utf-8"):
    """Quoted-printable as Android/Outlook write it: every non-ASCII byte and '=' encoded,
    '=\\r\\n' soft breaks keeping lines under 76 characters."""
    b = text.encode(charset)
    enc = "".join(chr(c) if 33 <= c <= 126 and c != 61 else "=%02X" % c for c in b)
    lines, cur = [], ""
    i = 0
    while i < len(enc):
        tok = enc[i:i + 3] if enc[i] == "=" else enc[i]
        if len(cur) + len(tok) > 72:
            lines.append(cur + "=")
            cur = ""
        cur += tok
        i += len(tok)
    lines.append(cur)
    return "\r\n".join(lines)


photo = "".join(rnd.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") for _ in range(4000))
photo_21 = "\r\n ".join(photo[i:i + 76] for i in range(0, len(photo), 76))

android = "\r\n".join([
    "BEGIN:VCARD",
    "VERSION:2.1",
    "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:" + qp("Петров;Иван;Сергеевич;;"),
    "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:" + qp("Иван Сергеевич Петров"),
    "TEL;CELL;PREF:+380671234567",
    "TEL;WORK:044 123 45 67",
    "TEL;HOME:+380 44 765 43 21",
    "EMAIL;HOME:ivan.petrov@example.com",
    "ORG;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:" + qp("ООО «Ромашка»"),
    "TITLE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:" + qp("Директор"),
    "NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:" + qp("Длинная заметка о клиенте, которая точно не поместится в одну строку файла vCard, поэтому будет перенесена мягкими переносами."),
    "BDAY:1980-02-29",
    "X-ANDROID-CUSTOM:vnd.android.cursor.item/nickname;Ваня;1;;;;;;;;;;;;;",
    "PHOTO;ENCODING=BASE64;JPEG:" + photo_21,
    "",
    "END:VCARD",
    "BEGIN:VCARD",
    "VERSION:2.1",
    "N:Schmidt;Anna;;;",
    "FN:Anna Schmidt",
    "TEL;CELL:+49 151 23456789",
    "EMAIL;WORK:anna@firma.de",
    "BDAY:19830714",
    "END:VCARD",
    "",
])
out("vcard/android_21.vcf", android.encode("utf-8"))

ios = "\r\n".join([
    "BEGIN:VCARD",
    "VERSION:3.0",
    "PRODID:-//Apple Inc.//iPhone OS 17.4//EN",
    "N:Παπαδόπουλος;Γιώργος;;;",
    "FN:Γιώργος Παπαδόπουλος",
    "ORG:Φαρμακείο Παπαδόπουλου;Πωλήσεις",
    "TITLE:Ιδιοκτήτης",
    "item1.TEL;type=pref:+30 691 234 5678",
    "item1.X-ABLabel:_$!<Mobile>!$_",
    "TEL;type=WORK;type=VOICE:+30 210 123 4567",
    "item2.EMAIL;type=INTERNET:giorgos@otenet.gr",
    "item2.X-ABLabel:_$!<Work>!$_",
    "item3.ADR;type=HOME;type=pref:;;Ερμού 10;Αθήνα;;10563;Ελλάδα",
    "item3.X-ABADR:gr",
    "BDAY;X-APPLE-OMIT-YEAR=1604:1604-03-12",
    "X-SOCIALPROFILE;type=telegram;x-user=giorgos_p:http://t.me/giorgos_p",
    "X-SOCIALPROFILE;type=linkedin:https://www.linkedin.com/in/giorgos",
    "IMPP;X-SERVICE-TYPE=Skype;type=HOME;type=pref:skype:giorgos.p",
    "IMPP;X-SERVICE-TYPE=WhatsApp:x-apple:+306912345678",
    "PHOTO;ENCODING=b;TYPE=JPEG:" + photo[:1200],
    "END:VCARD",
    "BEGIN:VCARD",
    "VERSION:3.0",
    "N:;;;;",
    "FN:Northwind Logistics",
    "ORG:Northwind Logistics;",
    "X-ABShowAs:COMPANY",
    "TEL;type=MAIN:+1 206 555 0100",
    "URL;type=pref:https://northwind.example",
    "END:VCARD",
    "",
])
# iOS folds long lines at 75 octets.
def fold75(text):
    res = []
    for line in text.split("\r\n"):
        b = line.encode("utf-8")
        if len(b) <= 75:
            res.append(line)
            continue
        parts, cur = [], b""
        for ch in line:
            e = ch.encode("utf-8")
            if len(cur) + len(e) > (75 if not parts else 74):
                parts.append(cur)
                cur = b""
            cur += e
        parts.append(cur)
        res.append("\r\n ".join(p.decode("utf-8") for p in parts))
    return "\r\n".join(res)


out("vcard/ios_30.vcf", fold75(ios).encode("utf-8"))

google = "\r\n".join([
    "BEGIN:VCARD",
    "VERSION:3.0",
    "FN:王秀英",
    "N:王;秀英;;;",
    "EMAIL;TYPE=INTERNET;TYPE=HOME:kehu1@qq.com",
    "TEL;TYPE=CELL:138 0013 8000",
    "BDAY:--06-01",
    "CATEGORIES:myContacts,批发",
    "item1.URL:https\\://example.cn/wang",
    "item1.X-ABLabel:",
    "NOTE:老客户\\n喜欢喝茶",
    "END:VCARD",
    "BEGIN:VCARD",
    "VERSION:3.0",
    "FN:Σοφία Αλεξίου",
    "N:Αλεξίου;Σοφία;;;",
    "TEL;TYPE=CELL:+30 697 765 4321",
    "ADR;TYPE=HOME:;;Τσιμισκή 5;Θεσσαλονίκη;;54623;GR",
    "BDAY:1992-01-05",
    "CATEGORIES:myContacts,starred",
    "END:VCARD",
    "",
])
out("vcard/google_30.vcf", google.encode("utf-8"))

outlook = b"\r\n".join([
    b"BEGIN:VCARD",
    b"VERSION:2.1",
    "N;LANGUAGE=ru;CHARSET=windows-1251:Сидоренко;Анна;Петровна".encode("cp1251"),
    "FN;CHARSET=windows-1251:Сидоренко Анна Петровна".encode("cp1251"),
    "ORG;CHARSET=windows-1251:ТОВ Світанок".encode("cp1251"),
    b"TEL;WORK;VOICE:+380 44 555 66 77",
    b"TEL;CELL;VOICE:+380 50 123 45 67",
    ("ADR;WORK;PREF;ENCODING=QUOTED-PRINTABLE;CHARSET=windows-1251:;;" + qp("вул. Велика Васильківська, 100", "cp1251") + ";" + qp("Київ", "cp1251") + ";;03150;" + qp("Україна", "cp1251")).encode("ascii"),
    ("LABEL;WORK;PREF;ENCODING=QUOTED-PRINTABLE;CHARSET=windows-1251:" + qp("вул. Велика Васильківська, 100\r\nКиїв 03150", "cp1251")).encode("ascii"),
    b"BDAY:19800312",
    b"EMAIL;PREF;INTERNET:anna@svitanok.example.ua",
    ("NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=windows-1251:" + qp("Перший рядок\r\nДругий рядок", "cp1251")).encode("ascii"),
    b"X-MS-OL-DEFAULT-POSTAL-ADDRESS:2",
    b"REV:20240101T120000Z",
    b"END:VCARD",
    b"",
])
out("vcard/outlook_21_cp1251.vcf", outlook)

v4 = "\r\n".join([
    "BEGIN:VCARD",
    "VERSION:4.0",
    "KIND:org",
    "FN:Acme Trading Ltd",
    "ORG:Acme Trading Ltd",
    "TEL;VALUE=uri;TYPE=\"work,voice\":tel:+44-20-7946-0000",
    "EMAIL;TYPE=work:info@acme.example",
    "URL:https://acme.example",
    "END:VCARD",
    "BEGIN:VCARD",
    "VERSION:4.0",
    "FN:Мария Ёлкина",
    "N:Ёлкина;Мария;;;",
    "TEL;VALUE=uri;TYPE=cell:tel:+7-916-123-45-67",
    "BDAY:--0229",
    "IMPP;PREF=1:xmpp:maria@jabber.example",
    "IMPP:https://t.me/maria_elkina",
    "PHOTO:data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk",
    "END:VCARD",
    "",
])
out("vcard/v40.vcf", v4.encode("utf-8"))

legacy = "\r\n".join([
    "BEGIN:VCARD",
    "VERSION:2.1",
    "N:Ковальчук;Андрій",
    "FN:Андрій Ковальчук",
    "TEL;CELL:0671112233",
    "NOTE:Клієнт з виставки",
    "END:VCARD",
    "",
]).encode("cp1251")
out("vcard/legacy_cp1251_no_charset.vcf", legacy)

out("broken/truncated.vcf", "\r\n".join([
    "BEGIN:VCARD", "VERSION:3.0", "N:Doe;John;;;", "TEL;TYPE=CELL:+1 201 555 0123", "END:VCARD",
    "BEGIN:VCARD", "VERSION:3.0", "N:Roe;Jane;;;", "TEL;TYPE=CELL:+1 201 555 01",
]).encode("utf-8"))

out("broken/malformed.vcf", "\r\n".join([
    "BEGIN:VCARD", "this is not a property", "<<<>>>", "@@@", "END:VCARD", "",
]).encode("utf-8"))

print("corpus written to", HERE)
