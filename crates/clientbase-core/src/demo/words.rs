//! Demo company names, hobbies and notes, each in the client's own language.

use super::names::DE_L;
use super::{pick, Lang};
use rand_chacha::ChaCha8Rng;

pub(super) fn org_name(rng: &mut ChaCha8Rng, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "{} {}",
            pick(
                rng,
                &[
                    "Acme",
                    "Northwind",
                    "Blue River",
                    "Summit",
                    "Harbor",
                    "Greenfield",
                    "Redwood",
                    "Silver Oak",
                    "Lakeside",
                    "Pioneer",
                    "Brightstone",
                    "Maple Leaf",
                    "Riverside",
                    "Westgate",
                    "Golden Gate",
                    "Evergreen"
                ]
            ),
            pick(
                rng,
                &[
                    "Trading Ltd",
                    "Supplies Inc.",
                    "Group",
                    "Pharmacy",
                    "Dental",
                    "Foods",
                    "Hardware",
                    "Logistics"
                ]
            )
        ),
        Lang::De => format!(
            "{} {}",
            pick(rng, DE_L),
            pick(rng, &["GmbH", "& Söhne KG", "Handels AG", "Apotheke"])
        ),
        Lang::Ru => format!(
            "ООО «{}»",
            pick(
                rng,
                &[
                    "Ромашка",
                    "Вектор",
                    "Ёлочка",
                    "Северный ветер",
                    "Техснаб",
                    "Альфа-Трейд",
                    "Берёзка",
                    "Стройресурс",
                    "Медтехника",
                    "Волга-Агро",
                    "Сибирский двор",
                    "Фармация",
                    "Уралснаб",
                    "Зелёная аптека",
                    "Колос"
                ]
            )
        ),
        Lang::Uk => format!(
            "ТОВ «{}»",
            pick(
                rng,
                &[
                    "Світанок",
                    "Їжачок",
                    "Єдність",
                    "Агроінвест",
                    "Поділля",
                    "Карпати-Буд",
                    "Дніпро-Фарм",
                    "Слобожанщина",
                    "Галицька кава",
                    "Чумацький шлях",
                    "Сіверянка",
                    "Будмайстер",
                    "Зернятко",
                    "Оберіг",
                    "Приморська аптека"
                ]
            )
        ),
        Lang::El => format!(
            "{} {}",
            pick(
                rng,
                &[
                    "Αφοί Παπαδόπουλοι",
                    "Ελληνικά Τρόφιμα",
                    "Νέα Υγεία",
                    "Αιγαίο",
                    "Ολυμπιακή Διανομή",
                    "Κρητικό Ελαιόλαδο",
                    "Φαρμακείο Σοφίας",
                    "Μακεδονική Τεχνική",
                    "Ιόνιο Εμπορική",
                    "Δωδεκάνησα Τουριστική",
                    "Θεσσαλικά Γαλακτοκομικά"
                ]
            ),
            pick(rng, &["Α.Ε.", "Ο.Ε.", "Ε.Π.Ε."])
        ),
        Lang::Zh => format!(
            "{}{}",
            pick(
                rng,
                &[
                    "上海华鑫",
                    "北京东方",
                    "广州恒通",
                    "深圳新世纪",
                    "杭州瑞丰",
                    "成都天府",
                    "南京金陵",
                    "武汉长江",
                    "西安古城",
                    "苏州锦绣",
                    "天津海河",
                    "重庆山城"
                ]
            ),
            pick(
                rng,
                &[
                    "贸易有限公司",
                    "药业有限公司",
                    "科技有限公司",
                    "食品有限公司",
                    "建材有限公司"
                ]
            )
        ),
    }
}

/// Hobbies in the client's own language ("" = none recorded).
pub(super) fn hobbies(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::En => &[
            "",
            "",
            "fishing",
            "golf",
            "chess",
            "football",
            "gardening",
            "jazz",
            "sailing",
        ],
        Lang::De => &[
            "",
            "",
            "Angeln",
            "Fußball",
            "Wandern",
            "Schach",
            "Radfahren",
        ],
        Lang::Ru => &[
            "",
            "",
            "рыбалка",
            "шахматы",
            "хоккей",
            "охота",
            "баня",
            "дача",
        ],
        Lang::Uk => &[
            "",
            "",
            "риболовля",
            "шахи",
            "футбол",
            "бджільництво",
            "туризм",
        ],
        Lang::El => &[
            "",
            "",
            "ψάρεμα",
            "ιστιοπλοΐα",
            "τάβλι",
            "ποδόσφαιρο",
            "μαγειρική",
        ],
        Lang::Zh => &["", "", "书法", "茶道", "钓鱼", "太极", "围棋"],
    }
}

/// Notes a rep would write, in the client's own language ("" = none).
pub(super) fn notes(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::En => &[
            "",
            "Prefers morning visits.",
            "Ask about the new catalogue.",
            "Pays by bank transfer, 14 days.",
            "Call the office, not the mobile.",
        ],
        Lang::De => &[
            "",
            "Bitte nur vormittags anrufen.",
            "Interessiert an Sonderangeboten.",
            "Zahlt per Überweisung.",
        ],
        Lang::Ru => &[
            "",
            "Звонить после обеда.",
            "Интересуется новым каталогом.",
            "Оплата по безналу, отсрочка 14 дней.",
            "Решения принимает директор.",
        ],
        Lang::Uk => &[
            "",
            "Дзвонити після обіду.",
            "Цікавиться новим каталогом.",
            "Оплата на рахунок, відстрочка 14 днів.",
            "Рішення ухвалює директор.",
        ],
        Lang::El => &[
            "",
            "Παραγγελία κάθε μήνα.",
            "Προτιμά πρωινές επισκέψεις.",
            "Πληρώνει με τραπεζική μεταφορά.",
        ],
        Lang::Zh => &[
            "",
            "每月订货。",
            "下午联系。",
            "对新产品目录感兴趣。",
            "由总经理决定采购。",
        ],
    }
}
