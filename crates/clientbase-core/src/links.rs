//! One-tap actions of the client card: the URLs the shell opens (`tel:`, `sms:`, WhatsApp, Telegram,
//! Viber, `mailto:`, a maps URL per platform, the website).

use crate::api::{ActionKind, ContactAction, Platform};
use crate::model::*;
use crate::phone;

/// Percent-encodes everything but RFC 3986 unreserved characters (UTF-8 bytes).
pub fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// One line: "street, city, region, postal code, country" without empty parts.
pub fn address_line(a: &Address) -> String {
    [&a.street, &a.city, &a.region, &a.postal_code, &a.country]
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn map_url(platform: Platform, address: &str) -> String {
    let q = urlencode(address);
    match platform {
        Platform::Android => format!("geo:0,0?q={q}"),
        Platform::Ios => format!("https://maps.apple.com/?q={q}"),
        Platform::Desktop => format!("https://www.openstreetmap.org/search?query={q}"),
    }
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// Telegram username from a handle ("@ivan_p", "t.me/ivan_p", "ivan_p"), if it is one.
fn telegram_user(handle: &str) -> Option<String> {
    let h = handle.trim();
    let h = h.strip_prefix("https://").unwrap_or(h);
    let h = h.strip_prefix("t.me/").unwrap_or(h);
    let h = h.strip_prefix('@').unwrap_or(h);
    let ok = h.len() >= 4
        && h.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && h.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    ok.then(|| h.to_owned())
}

struct Builder {
    out: Vec<ContactAction>,
    contact_id: Option<Id>,
}

impl Builder {
    fn push(&mut self, kind: ActionKind, label: &str, url: String) {
        if !self.out.iter().any(|a| a.url == url && a.kind == kind) {
            self.out.push(ContactAction {
                kind,
                label: label.to_owned(),
                url,
                contact_id: self.contact_id.clone(),
            });
        }
    }

    fn phone_actions(&mut self, e164: &str, label: &str, mobile: bool) {
        let d = digits(e164);
        self.push(ActionKind::Call, label, format!("tel:+{d}"));
        if mobile {
            self.push(ActionKind::Sms, label, format!("sms:+{d}"));
            self.push(ActionKind::Whatsapp, label, format!("https://wa.me/{d}"));
            self.push(ActionKind::Telegram, label, format!("https://t.me/+{d}"));
            self.push(
                ActionKind::Viber,
                label,
                format!("viber://chat?number=%2B{d}"),
            );
        }
    }

    fn person(
        &mut self,
        phones: &[Phone],
        emails: &[Email],
        messengers: &[Messenger],
        country: &str,
    ) {
        for p in phones {
            let e164 = p.e164.clone().or_else(|| phone::to_e164(&p.raw, country));
            let Some(e164) = e164 else { continue };
            let label = phone::display(&e164);
            let mobile = p.kind == PhoneKind::Mobile
                || phone::check(&e164, country, PhoneKind::Other).is_mobile
                    && p.kind == PhoneKind::Other;
            self.phone_actions(&e164, &label, mobile);
        }
        for m in messengers {
            let as_phone = phone::to_e164(&m.handle, country);
            match m.kind {
                MessengerKind::Telegram => {
                    if let Some(u) = telegram_user(&m.handle) {
                        self.push(
                            ActionKind::Telegram,
                            &format!("@{u}"),
                            format!("https://t.me/{u}"),
                        );
                    } else if let Some(e) = as_phone {
                        self.push(
                            ActionKind::Telegram,
                            &phone::display(&e),
                            format!("https://t.me/+{}", digits(&e)),
                        );
                    }
                }
                MessengerKind::Whatsapp => {
                    if let Some(e) = as_phone {
                        self.push(
                            ActionKind::Whatsapp,
                            &phone::display(&e),
                            format!("https://wa.me/{}", digits(&e)),
                        );
                    }
                }
                MessengerKind::Viber => {
                    if let Some(e) = as_phone {
                        self.push(
                            ActionKind::Viber,
                            &phone::display(&e),
                            format!("viber://chat?number=%2B{}", digits(&e)),
                        );
                    }
                }
                MessengerKind::Other => {}
            }
        }
        for e in emails {
            let a = e.address.trim();
            if !a.is_empty() {
                self.push(ActionKind::Email, a, format!("mailto:{a}"));
            }
        }
    }
}

/// The card's actions: the client's own, then each contact person's (with `contact_id`).
pub fn actions(client: &Client, platform: Platform, default_country: &str) -> Vec<ContactAction> {
    let d = &client.data;
    let mut b = Builder {
        out: Vec::new(),
        contact_id: None,
    };
    b.person(&d.phones, &d.emails, &d.messengers, default_country);
    let addr = address_line(&d.address);
    if !addr.is_empty() {
        b.push(ActionKind::Map, &addr, map_url(platform, &addr));
    }
    let site = d.website.trim();
    if !site.is_empty() {
        let url = if site.starts_with("http://") || site.starts_with("https://") {
            site.to_owned()
        } else {
            format!("https://{site}")
        };
        b.push(ActionKind::Website, site, url);
    }
    for c in &d.contacts {
        b.contact_id = Some(c.id.clone());
        b.person(&c.phones, &c.emails, &c.messengers, default_country);
    }
    b.out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(data: ClientInput) -> Client {
        Client {
            id: "c1".into(),
            data,
            owner: String::new(),
            created_at: String::new(),
            updated_at: String::new(),
            deleted_at: None,
            is_demo: false,
        }
    }

    fn urls(a: &[ContactAction]) -> Vec<(ActionKind, &str)> {
        a.iter().map(|a| (a.kind, a.url.as_str())).collect()
    }

    #[test]
    fn phone_messenger_mail_map_site() {
        let c = client(ClientInput {
            first_name: "Іван".into(),
            phones: vec![
                Phone {
                    kind: PhoneKind::Mobile,
                    raw: "067 123 45 67".into(),
                    e164: Some("+380671234567".into()),
                },
                Phone {
                    kind: PhoneKind::Work,
                    raw: "044 123 45 67".into(),
                    e164: None,
                },
            ],
            messengers: vec![
                Messenger {
                    kind: MessengerKind::Telegram,
                    handle: "@ivan_petrenko".into(),
                },
                Messenger {
                    kind: MessengerKind::Viber,
                    handle: "+380501112233".into(),
                },
            ],
            emails: vec![Email {
                label: "work".into(),
                address: "ivan@firm.ua".into(),
            }],
            address: Address {
                street: "вул. Хрещатик, 1".into(),
                city: "Київ".into(),
                ..Default::default()
            },
            website: "firm.ua".into(),
            ..Default::default()
        });
        let a = actions(&c, Platform::Android, "UA");
        assert_eq!(
            urls(&a),
            vec![
                (ActionKind::Call, "tel:+380671234567"),
                (ActionKind::Sms, "sms:+380671234567"),
                (ActionKind::Whatsapp, "https://wa.me/380671234567"),
                (ActionKind::Telegram, "https://t.me/+380671234567"),
                (ActionKind::Viber, "viber://chat?number=%2B380671234567"),
                (ActionKind::Call, "tel:+380441234567"),
                (ActionKind::Telegram, "https://t.me/ivan_petrenko"),
                (ActionKind::Viber, "viber://chat?number=%2B380501112233"),
                (ActionKind::Email, "mailto:ivan@firm.ua"),
                (
                    ActionKind::Map,
                    "geo:0,0?q=%D0%B2%D1%83%D0%BB.%20%D0%A5%D1%80%D0%B5%D1%89%D0%B0%D1%82%D0%B8%D0%BA%2C%201%2C%20%D0%9A%D0%B8%D1%97%D0%B2"
                ),
                (ActionKind::Website, "https://firm.ua"),
            ]
        );
        assert_eq!(a[0].label, "+380 67 123 4567");
        assert_eq!(a[6].label, "@ivan_petrenko");
        assert!(a.iter().all(|a| a.contact_id.is_none()));
    }

    #[test]
    fn map_per_platform_and_contacts() {
        assert_eq!(
            map_url(Platform::Ios, "Athens, GR"),
            "https://maps.apple.com/?q=Athens%2C%20GR"
        );
        assert_eq!(
            map_url(Platform::Desktop, "Main St 5, Berlin"),
            "https://www.openstreetmap.org/search?query=Main%20St%205%2C%20Berlin"
        );
        let c = client(ClientInput {
            kind: ClientKind::Organization,
            org_name: "ТОВ Ромашка".into(),
            contacts: vec![ContactPerson {
                id: "p1".into(),
                first_name: "Olga".into(),
                phones: vec![Phone {
                    kind: PhoneKind::Mobile,
                    raw: "+30 691 234 5678".into(),
                    e164: None,
                }],
                messengers: vec![Messenger {
                    kind: MessengerKind::Telegram,
                    handle: "+306912345678".into(),
                }],
                ..Default::default()
            }],
            ..Default::default()
        });
        let a = actions(&c, Platform::Desktop, "UA");
        assert_eq!(a.len(), 5, "{a:?}");
        assert!(a.iter().all(|a| a.contact_id.as_deref() == Some("p1")));
        assert_eq!(a[0].url, "tel:+306912345678");
        assert_eq!(a[3].url, "https://t.me/+306912345678");
    }
}
