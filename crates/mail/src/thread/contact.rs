//! Who a mail is from, as far as the shop is concerned: the shop itself (outbound) or a
//! customer, whose real address may sit in Reply-To when a mailer sent the mail for them.

use shopdesk_store::Direction;

use crate::parse::{Mailbox, ParsedMail};

/// Senders that write on behalf of someone else: Shopify's contact form and the like put the
/// customer in Reply-To.
const MAILER_ADDRESSES: &[&str] = &["mailer@shopify.com", "no-reply@shopify.com"];
const MAILER_LOCAL_PARTS: &[&str] = &[
    "no-reply",
    "noreply",
    "do-not-reply",
    "donotreply",
    "mailer",
];

pub(crate) fn direction_of(mail: &ParsedMail, support_address: &str) -> Direction {
    match &mail.from {
        Some(from) if same_address(&from.address, support_address) => Direction::Outbound,
        _ => Direction::Inbound,
    }
}

/// The customer a new ticket is with: for an inbound mail its author (Reply-To when a mailer
/// sent it), for a mail the shop sent first the first recipient that is not the shop.
pub(crate) fn customer_contact(
    mail: &ParsedMail,
    direction: Direction,
    support_address: &str,
) -> Option<Mailbox> {
    match direction {
        Direction::Inbound => {
            let from = mail.from.as_ref()?;
            match &mail.reply_to {
                Some(reply_to) if is_mailer(&from.address) => Some(reply_to.clone()),
                _ => Some(from.clone()),
            }
        }
        Direction::Outbound => mail
            .to
            .iter()
            .find(|to| !same_address(&to.address, support_address))
            .cloned(),
    }
}

pub(crate) fn is_mailer(address: &str) -> bool {
    let address = address.trim().to_ascii_lowercase();
    let local = address.split('@').next().unwrap_or_default();
    MAILER_ADDRESSES.contains(&address.as_str())
        || MAILER_LOCAL_PARTS
            .iter()
            .any(|prefix| local == *prefix || local.starts_with(&format!("{prefix}+")))
}

pub(crate) fn same_address(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

#[cfg(test)]
mod tests {
    use super::is_mailer;

    #[test]
    fn mailers() {
        assert!(is_mailer("Mailer@Shopify.com"));
        assert!(is_mailer("no-reply@forms.example"));
        assert!(is_mailer("noreply+abc@x.example"));
        assert!(!is_mailer("anna@example.com"));
        assert!(!is_mailer("mailerlite-fan@example.com"));
    }
}
