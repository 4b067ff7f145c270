//! Orders a message is about: order names mentioned in its subject or body, kept only when the
//! store has them and, when the customer is known, only when they are that customer's.

use shopdesk_store::Store;

use crate::MailError;

/// Digits of an order number: Shopify starts at #1001; fewer than 3 digits is more often a
/// quantity or a list number than an order.
const MIN_DIGITS: usize = 3;
const MAX_DIGITS: usize = 12;

/// Whose orders may be linked: the ticket's customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OrderOwner {
    pub customer_id: String,
    pub email: String,
}

/// Order names ("#1001") mentioned as "#1001", "order 1001", "order #1001", "order no. 1001"
/// or "order number: 1001", in order of first mention, without repeats.
pub fn mentioned_order_names(text: &str) -> Vec<String> {
    // ASCII lower-casing keeps byte offsets, so positions are shared by both strings.
    let lower = text.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let mut names: Vec<String> = Vec::new();
    let mut push = |digits: &str| {
        let name = format!("#{digits}");
        if !names.contains(&name) {
            names.push(name);
        }
    };
    for (at, &byte) in bytes.iter().enumerate() {
        let starts_word = at == 0 || !bytes[at - 1].is_ascii_alphanumeric();
        if byte == b'#' && (at == 0 || !matches!(bytes[at - 1], b'&' | b'#')) {
            // "&#1234;" is an HTML entity, not an order.
            if let Some(digits) = order_digits(&lower, at + 1) {
                push(digits);
            }
        } else if byte == b'o' && starts_word && bytes[at..].starts_with(b"order") {
            if let Some(digits) = number_after_order_word(&lower, at + "order".len()) {
                push(digits);
            }
        }
    }
    names
}

/// The ids of the mentioned orders that may be linked (see the module comment).
pub(crate) fn linkable_order_ids(
    store: &Store,
    text: &str,
    owner: Option<&OrderOwner>,
) -> Result<Vec<String>, MailError> {
    let names = mentioned_order_names(text);
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let mut ids = Vec::new();
    for (_name, id) in store.order_ids_by_names(&names)? {
        if ids.contains(&id) {
            continue;
        }
        let allowed = match owner {
            None => true,
            Some(owner) => store
                .order(&id)?
                .is_some_and(|order| match &order.customer_id {
                    Some(customer_id) => *customer_id == owner.customer_id,
                    // A guest checkout has no customer; its e-mail is the only tie.
                    None => order
                        .email
                        .as_deref()
                        .is_some_and(|email| email.trim().eq_ignore_ascii_case(&owner.email)),
                }),
        };
        if allowed {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// After the word "order": optional "no."/"nr."/"number"/"#", optional ":", then the number.
fn number_after_order_word(lower: &str, mut at: usize) -> Option<&str> {
    let bytes = lower.as_bytes();
    // "orders", "ordered", "orderly": not a mention of one order.
    if bytes.get(at).is_some_and(u8::is_ascii_alphanumeric) {
        return None;
    }
    at = skip_spaces(bytes, at);
    for word in ["number", "num.", "no.", "nr.", "no", "nr"] {
        if bytes[at..].starts_with(word.as_bytes())
            && !bytes
                .get(at + word.len())
                .is_some_and(u8::is_ascii_alphanumeric)
        {
            at = skip_spaces(bytes, at + word.len());
            break;
        }
    }
    if bytes.get(at) == Some(&b':') {
        at = skip_spaces(bytes, at + 1);
    }
    if bytes.get(at) == Some(&b'#') {
        at += 1;
    }
    order_digits(lower, at)
}

/// The run of digits at `at` when it has a plausible length and ends a word.
fn order_digits(lower: &str, at: usize) -> Option<&str> {
    let bytes = lower.as_bytes();
    let len = bytes
        .get(at..)?
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    let ends_word = !bytes
        .get(at + len)
        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_');
    ((MIN_DIGITS..=MAX_DIGITS).contains(&len) && ends_word).then(|| &lower[at..at + len])
}

fn skip_spaces(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(|b| *b == b' ' || *b == b'\t') {
        at += 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::mentioned_order_names;

    #[test]
    fn finds_the_usual_ways_of_naming_an_order() {
        let text = "Where is my order #1003? Also Order 1004, order no. 1005, ORDER NUMBER: 1006, \
                    order nr 1007 and order #1008. #1003 again.";
        assert_eq!(
            mentioned_order_names(text),
            ["#1003", "#1004", "#1005", "#1006", "#1007", "#1008"]
        );
    }

    #[test]
    fn ignores_what_is_not_an_order() {
        let text = "I ordered 2 items, orders 1001 and 1002, colour #12, &#1234; \
                    #123456789012345, see #1009abc";
        assert!(mentioned_order_names(text).is_empty());
    }

    #[test]
    fn survives_non_ascii_text() {
        assert_eq!(
            mentioned_order_names("Bestellung für Jürgen: order №1 ü order 1010é"),
            ["#1010"]
        );
    }
}
