//! Orders and payments from a sheet (issue 6): the [`OrderTarget`] of a column (header dictionary
//! in en, ru, uk, el, zh), and [`convert_orders`]: rows → `OrderImportRow`s (the client named by
//! id / phone / e-mail / name, found later by the store) with per-row problem codes.
//!
//! | code | severity | meaning |
//! |---|---|---|
//! | `empty_row` | error | no mapped column has a value |
//! | `client_missing` | error | no client column has a value |
//! | `date_required` / `date_unparseable` | error | no date / not a date |
//! | `amount_required` / `amount_unparseable` / `amount_negative` | error | no amount / not a number / below 0 |
//! | `currency_invalid` | error | not a three-letter code or a known sign |
//! | `status_unknown` | warning | no status of that name: the first status ("new") |
//! | `kind_unknown` | warning | neither order nor payment: an order |
//!
//! Dates are read as the client import reads birthdays (`dates`: typed forms, Excel serials, a
//! column's slash order decided once). Amounts: `1 234,50`, `1,234.50`, `1.234,50`, `$12.50`,
//! `12,50 грн`: the last of `,`/`.` followed by one or two digits is the decimal mark, the others
//! group thousands; a currency sign or word in the cell gives the currency when no column does.
//! Items go into the note (a line per item), as the file gives no unit prices.

use crate::convert::{problem, Problem, Severity};
use crate::dates::{self, DateOrder, DayMonth};
use crate::fold::fold;
use crate::mapping::{Dictionary, ImportTarget};
use crate::table::{Cell, Row, Table};
use clientbase_core::orders_model::{OrderInput, OrderKind, OrderStatus};
use clientbase_core::store::orders::import::{ClientRef, OrderImportRow};
use std::sync::OnceLock;

/// A column of an orders file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrderTarget {
    ClientId,
    ClientName,
    ClientPhone,
    ClientEmail,
    Date,
    Amount,
    Currency,
    Status,
    Kind,
    Items,
    Note,
}

const CODES: [(OrderTarget, &str); 11] = [
    (OrderTarget::ClientName, "client_name"),
    (OrderTarget::ClientPhone, "client_phone"),
    (OrderTarget::ClientEmail, "client_email"),
    (OrderTarget::ClientId, "client_id"),
    (OrderTarget::Date, "date"),
    (OrderTarget::Amount, "amount"),
    (OrderTarget::Currency, "currency"),
    (OrderTarget::Status, "status"),
    (OrderTarget::Kind, "kind"),
    (OrderTarget::Items, "items"),
    (OrderTarget::Note, "note"),
];

/// Header words per target code (`""`: a veto).
#[rustfmt::skip]
const ORDER_WORDS: &[(&str, &[&str])] = &[
    ("", &["birthday", "date of birth", "день рождения", "дата рождения", "день народження",
        "дата народження", "γενέθλια", "ημερομηνία γέννησης", "生日", "出生日期"]),
    ("client_id", &["client id", "customer id", "client uuid", "id клиента", "код клиента",
        "id клієнта", "код клієнта", "κωδικός πελάτη", "id πελάτη", "客户id", "客户编号"]),
    ("client_name", &["client", "customer", "client name", "customer name", "name", "full name",
        "buyer", "клиент", "покупатель", "заказчик", "имя", "фио", "имя клиента", "клієнт",
        "покупець", "замовник", "імя", "піб", "πελάτης", "όνομα", "ονοματεπώνυμο", "αγοραστής",
        "客户", "客户名称", "姓名", "名称", "买家"]),
    ("client_phone", &["phone", "telephone", "mobile", "tel", "phone number", "телефон",
        "мобильный", "тел", "номер телефона", "мобільний", "номер телефону", "τηλέφωνο",
        "κινητό", "电话", "手机", "电话号码"]),
    ("client_email", &["email", "e mail", "mail", "эл почта", "почта", "электронная почта",
        "ел пошта", "пошта", "електронна пошта", "ηλεκτρονικό ταχυδρομείο", "邮箱", "电子邮件"]),
    ("date", &["date", "order date", "payment date", "day", "дата", "дата заказа", "дата оплаты",
        "дата платежа", "дата замовлення", "дата оплати", "дата платежу", "ημερομηνία",
        "ημερομηνία παραγγελίας", "ημερομηνία πληρωμής", "日期", "订单日期", "付款日期"]),
    ("amount", &["amount", "sum", "total", "price", "value", "paid", "сумма", "итого", "стоимость",
        "цена", "сумма заказа", "сума", "разом", "вартість", "ціна", "ποσό", "σύνολο", "αξία",
        "τιμή", "金额", "总额", "总计", "价格", "合计"]),
    ("currency", &["currency", "curr", "валюта", "νόμισμα", "货币", "币种"]),
    ("status", &["status", "order status", "state", "статус", "состояние", "статус заказа",
        "стан", "статус замовлення", "κατάσταση", "状态", "订单状态"]),
    ("kind", &["kind", "type", "operation", "тип", "вид", "операция", "операція", "τύπος",
        "είδος", "类型", "类别"]),
    ("items", &["items", "products", "goods", "product", "order items", "товары", "товар",
        "позиции", "состав заказа", "товари", "позиції", "склад замовлення", "προϊόντα",
        "είδη", "προϊόν", "商品", "产品", "货品"]),
    ("note", &["note", "notes", "comment", "comments", "description", "примечание",
        "комментарий", "описание", "примітка", "коментар", "опис", "σημείωση", "σχόλιο",
        "σχόλια", "περιγραφή", "备注", "说明", "评论"]),
];

fn dictionary() -> &'static Dictionary<OrderTarget> {
    static D: OnceLock<Dictionary<OrderTarget>> = OnceLock::new();
    D.get_or_init(|| {
        let entries: Vec<(Option<OrderTarget>, &[&str])> = ORDER_WORDS
            .iter()
            .map(|(code, words)| {
                let t = (!code.is_empty())
                    .then(|| OrderTarget::from_code(code).expect("dictionary code"));
                (t, *words)
            })
            .collect();
        Dictionary::new(&entries)
    })
}

impl ImportTarget for OrderTarget {
    fn code(&self) -> String {
        CODES
            .iter()
            .find(|(t, _)| t == self)
            .map(|(_, c)| (*c).to_owned())
            .unwrap_or_default()
    }

    fn from_code(code: &str) -> Option<Self> {
        CODES.iter().find(|(_, c)| *c == code).map(|(t, _)| *t)
    }

    fn propose(header: &str) -> Option<Self> {
        let f = fold(header);
        if f.is_empty() {
            return None;
        }
        dictionary().best(&f)
    }

    fn choices() -> Vec<Self> {
        CODES.iter().map(|(t, _)| *t).collect()
    }
}

/// One converted row of an orders file.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderRowResult {
    pub line: usize,
    pub row: OrderImportRow,
    pub problems: Vec<Problem>,
}

impl OrderRowResult {
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(|p| p.severity == Severity::Error)
    }
}

/// Currency signs and words a cell may carry.
const SIGNS: &[(&str, &str)] = &[
    ("$", "USD"),
    ("€", "EUR"),
    ("£", "GBP"),
    ("₴", "UAH"),
    ("₽", "RUB"),
    ("¥", "CNY"),
    ("元", "CNY"),
    ("грн", "UAH"),
    ("руб", "RUB"),
    ("р.", "RUB"),
    ("zł", "PLN"),
];

/// Currencies without minor units (ISO 4217 exponent 0).
const NO_MINOR: &[&str] = &[
    "JPY", "KRW", "VND", "CLP", "ISK", "PYG", "UGX", "XAF", "XOF",
];

fn currency_of(s: &str) -> Option<String> {
    let t = s.trim();
    if t.len() == 3 && t.chars().all(|c| c.is_ascii_alphabetic()) {
        return Some(t.to_ascii_uppercase());
    }
    let f = t.to_lowercase();
    SIGNS
        .iter()
        .find(|(sign, _)| f.starts_with(sign) || f == *sign)
        .map(|(_, c)| (*c).to_owned())
}

/// A money amount as typed (see the module doc): (major units as decimal text parts, the
/// currency the cell named).
fn parse_amount(s: &str) -> Option<(f64, Option<String>)> {
    let mut currency = None;
    let lower = s.to_lowercase();
    for (sign, c) in SIGNS {
        if lower.contains(sign) {
            currency = Some((*c).to_owned());
            break;
        }
    }
    // A trailing or leading ISO code: "12.50 EUR".
    let letters: String = s.chars().filter(|c| c.is_ascii_alphabetic()).collect();
    if currency.is_none() && letters.len() == 3 {
        currency = Some(letters.to_ascii_uppercase());
    }
    let mut t: String = s
        .chars()
        .filter(|c| c.is_ascii_digit() || matches!(c, ',' | '.' | '-' | '−'))
        .map(|c| if c == '−' { '-' } else { c })
        .collect();
    t = t.trim_end_matches(['.', ',']).to_owned();
    if t.is_empty() || !t.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    // Both marks: the last is the decimal one. One mark once: decimal unless three digits
    // follow ("1,234"). One mark repeated: thousands ("1.234.567").
    let last = t.rfind([',', '.']);
    let decimal = last.filter(|&i| {
        let mark = t.as_bytes()[i];
        let both = t.contains(',') && t.contains('.');
        let count = t.bytes().filter(|&b| b == mark).count();
        both || (count == 1 && t.len() - i - 1 != 3)
    });
    let num: String = t
        .char_indices()
        .filter_map(|(i, c)| match c {
            ',' | '.' if Some(i) == decimal => Some('.'),
            ',' | '.' => None,
            c => Some(c),
        })
        .collect();
    num.parse::<f64>()
        .ok()
        .filter(|n| n.is_finite())
        .map(|n| (n, currency))
}

fn status_words() -> &'static [(&'static str, &'static [&'static str])] {
    &[
        (
            "new",
            &[
                "new",
                "новый",
                "новая",
                "новий",
                "нова",
                "νέα",
                "νέο",
                "新",
                "新建",
                "新订单",
            ],
        ),
        (
            "paid",
            &[
                "paid",
                "оплачен",
                "оплачено",
                "оплачений",
                "оплачена",
                "πληρωμένη",
                "εξοφλημένη",
                "已付款",
                "已支付",
            ],
        ),
        (
            "shipped",
            &[
                "shipped",
                "sent",
                "отправлен",
                "отгружен",
                "відправлено",
                "відправлений",
                "απεστάλη",
                "σταλμένη",
                "已发货",
            ],
        ),
        (
            "delivered",
            &[
                "delivered",
                "done",
                "completed",
                "доставлен",
                "выполнен",
                "доставлено",
                "виконано",
                "παραδόθηκε",
                "ολοκληρώθηκε",
                "已送达",
                "已完成",
            ],
        ),
        (
            "cancelled",
            &[
                "cancelled",
                "canceled",
                "отменен",
                "отменён",
                "отмена",
                "скасовано",
                "скасований",
                "ακυρώθηκε",
                "ακυρωμένη",
                "已取消",
                "取消",
            ],
        ),
    ]
}

fn status_of(s: &str, statuses: &[OrderStatus]) -> Option<String> {
    let f = fold(s);
    if let Some(st) = statuses
        .iter()
        .find(|st| fold(&st.name) == f || st.id == s.trim())
    {
        return Some(st.id.clone());
    }
    let code = status_words()
        .iter()
        .find(|(_, words)| words.iter().any(|w| fold(w) == f))
        .map(|(c, _)| *c)?;
    statuses
        .iter()
        .find(|st| st.code == code)
        .map(|st| st.id.clone())
}

fn kind_of(s: &str) -> Option<OrderKind> {
    const ORDER: &[&str] = &[
        "order",
        "sale",
        "purchase",
        "заказ",
        "покупка",
        "продажа",
        "замовлення",
        "продаж",
        "παραγγελία",
        "αγορά",
        "πώληση",
        "订单",
        "购买",
        "销售",
    ];
    const PAYMENT: &[&str] = &[
        "payment",
        "paid",
        "оплата",
        "платеж",
        "платёж",
        "платіж",
        "πληρωμή",
        "付款",
        "支付",
        "收款",
    ];
    let f = fold(s);
    if ORDER.iter().any(|w| fold(w) == f) {
        Some(OrderKind::Order)
    } else if PAYMENT.iter().any(|w| fold(w) == f) {
        Some(OrderKind::Payment)
    } else {
        None
    }
}

/// Converts every row of `table` with `mapping` (one target per column). `statuses`: the base's
/// order statuses (a status cell is matched by name, id or the usual words in five languages).
pub fn convert_orders(
    table: &Table,
    mapping: &[Option<OrderTarget>],
    statuses: &[OrderStatus],
) -> Vec<OrderRowResult> {
    let col = |t: OrderTarget| mapping.iter().position(|m| *m == Some(t));
    // A slash date column's order, decided once (as for birthdays).
    let order = col(OrderTarget::Date)
        .map(|c| {
            let texts: Vec<String> = table
                .rows
                .iter()
                .filter_map(|r| match r.cell(c) {
                    Cell::Text(t) => Some(t.clone()),
                    _ => None,
                })
                .collect();
            dates::infer_order(texts.iter().map(String::as_str))
        })
        .unwrap_or_default();
    table
        .rows
        .iter()
        .map(|r| convert_row(r, mapping, statuses, order))
        .collect()
}

fn convert_row(
    row: &Row,
    mapping: &[Option<OrderTarget>],
    statuses: &[OrderStatus],
    order: DateOrder,
) -> OrderRowResult {
    let mut problems = Vec::new();
    let mut client = ClientRef::default();
    let mut input = OrderInput::default();
    let (mut date, mut amount, mut currency) = (None, None, None);
    let mut cell_currency = None;
    let mut any = false;
    let mut status_cell = None;
    let err = |code: &str, c: usize, v: &str| problem(code, Severity::Error, Some(c), v);
    for (c, target) in mapping.iter().enumerate() {
        let Some(target) = target else { continue };
        let cell = row.cell(c);
        if cell.is_empty() {
            continue;
        }
        any = true;
        let text = cell.as_text();
        let push = |dst: &mut String, v: &str| {
            if !dst.is_empty() {
                dst.push(' ');
            }
            dst.push_str(v);
        };
        match target {
            OrderTarget::ClientId => client.id = text.into_owned(),
            OrderTarget::ClientName => push(&mut client.name, &text),
            OrderTarget::ClientPhone => {
                if !client.phone.is_empty() {
                    client.phone.push(';');
                }
                client.phone.push_str(&text)
            }
            OrderTarget::ClientEmail => client.email = text.into_owned(),
            OrderTarget::Date => {
                let d = match cell {
                    Cell::Date(d) => Some(*d),
                    Cell::Number(n) => dates::excel_serial(*n),
                    _ => dates::parse_date_text(&text, order).and_then(DayMonth::to_date),
                };
                match d {
                    Some(d) => date = Some(d.format("%Y-%m-%d").to_string()),
                    None => problems.push(err("date_unparseable", c, &text)),
                }
            }
            OrderTarget::Amount => {
                let parsed = match cell {
                    Cell::Number(n) => Some((*n, None)),
                    _ => parse_amount(&text),
                };
                match parsed {
                    Some((n, _)) if n < 0.0 => problems.push(err("amount_negative", c, &text)),
                    Some((n, cur)) => {
                        amount = Some((n, c, text.into_owned()));
                        cell_currency = cur;
                    }
                    None => problems.push(err("amount_unparseable", c, &text)),
                }
            }
            OrderTarget::Currency => match currency_of(&text) {
                Some(cur) => currency = Some(cur),
                None => problems.push(err("currency_invalid", c, &text)),
            },
            OrderTarget::Status => status_cell = Some((c, text.into_owned())),
            OrderTarget::Kind => match kind_of(&text) {
                Some(k) => input.kind = k,
                None => problems.push(problem("kind_unknown", Severity::Warning, Some(c), &text)),
            },
            OrderTarget::Items => {
                for item in text
                    .split([';', '\n'])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                {
                    if !input.note.is_empty() {
                        input.note.push('\n');
                    }
                    input.note.push_str(item);
                }
            }
            OrderTarget::Note => {
                if !input.note.is_empty() {
                    input.note.push('\n');
                }
                input.note.push_str(&text);
            }
        }
    }
    if !any {
        problems.push(problem("empty_row", Severity::Error, None, ""));
    } else {
        if client.is_empty() {
            problems.push(problem("client_missing", Severity::Error, None, ""));
        }
        let has = |ps: &[Problem], code: &str| ps.iter().any(|p| p.code == code);
        if date.is_none() && !has(&problems, "date_unparseable") {
            problems.push(problem("date_required", Severity::Error, None, ""));
        }
        if amount.is_none()
            && !has(&problems, "amount_unparseable")
            && !has(&problems, "amount_negative")
        {
            problems.push(problem("amount_required", Severity::Error, None, ""));
        }
    }
    if let Some((c, s)) = status_cell {
        if input.kind == OrderKind::Order {
            match status_of(&s, statuses) {
                Some(id) => input.status_id = Some(id),
                None => problems.push(problem("status_unknown", Severity::Warning, Some(c), &s)),
            }
        }
    }
    input.currency = currency.or(cell_currency);
    if let Some((n, c, text)) = amount {
        let digits = match input.currency.as_deref() {
            Some(cur) if NO_MINOR.contains(&cur) => 1.0,
            _ => 100.0,
        };
        let minor = (n * digits).round();
        if minor > clientbase_core::store::orders::MAX_AMOUNT as f64 {
            problems.push(problem(
                "amount_unparseable",
                Severity::Error,
                Some(c),
                &text,
            ));
        } else {
            input.amount = minor as i64;
        }
    }
    input.date = date.unwrap_or_default();
    OrderRowResult {
        line: row.line,
        row: OrderImportRow {
            line: row.line as u32,
            client,
            input,
        },
        problems,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts() {
        let a = |s: &str| parse_amount(s).map(|(n, c)| (n, c.unwrap_or_default()));
        assert_eq!(a("1 234,50"), Some((1234.5, String::new())));
        assert_eq!(a("1,234.50"), Some((1234.5, String::new())));
        assert_eq!(a("1.234,50"), Some((1234.5, String::new())));
        assert_eq!(a("1,234"), Some((1234.0, String::new())));
        assert_eq!(a("12,5"), Some((12.5, String::new())));
        assert_eq!(a("12.50"), Some((12.5, String::new())));
        assert_eq!(a("$12.50"), Some((12.5, "USD".into())));
        assert_eq!(a("12,50 грн"), Some((12.5, "UAH".into())));
        assert_eq!(a("99 EUR"), Some((99.0, "EUR".into())));
        assert_eq!(a("−5"), Some((-5.0, String::new())));
        assert_eq!(a("abc"), None);
    }

    #[test]
    fn headers_in_five_languages() {
        let p = |h: &str| OrderTarget::propose(h);
        assert_eq!(p("Дата"), Some(OrderTarget::Date));
        assert_eq!(p("Сумма"), Some(OrderTarget::Amount));
        assert_eq!(p("Сума"), Some(OrderTarget::Amount));
        assert_eq!(p("Ποσό"), Some(OrderTarget::Amount));
        assert_eq!(p("金额"), Some(OrderTarget::Amount));
        assert_eq!(p("Клиент"), Some(OrderTarget::ClientName));
        assert_eq!(p("Πελάτης"), Some(OrderTarget::ClientName));
        assert_eq!(p("客户"), Some(OrderTarget::ClientName));
        assert_eq!(p("Телефон"), Some(OrderTarget::ClientPhone));
        assert_eq!(p("Валюта"), Some(OrderTarget::Currency));
        assert_eq!(p("Статус"), Some(OrderTarget::Status));
        assert_eq!(p("Order date"), Some(OrderTarget::Date));
        assert_eq!(p("Дата рождения"), None);
        for t in OrderTarget::choices() {
            assert_eq!(OrderTarget::from_code(&t.code()), Some(t));
        }
    }

    #[test]
    fn kinds_and_statuses() {
        assert_eq!(kind_of("Оплата"), Some(OrderKind::Payment));
        assert_eq!(kind_of("订单"), Some(OrderKind::Order));
        assert_eq!(kind_of("???"), None);
        let statuses = vec![OrderStatus {
            id: "s-paid".into(),
            code: "paid".into(),
            name: "Paid".into(),
            position: 1,
            archived: false,
            counts: true,
        }];
        assert_eq!(status_of("Оплачен", &statuses).as_deref(), Some("s-paid"));
        assert_eq!(status_of("paid", &statuses).as_deref(), Some("s-paid"));
        assert_eq!(status_of("lost", &statuses), None);
    }
}
