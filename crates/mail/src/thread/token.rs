//! Ticket tokens ("SD-7K3F9Q"): put in the subject of every reply, so that a customer's answer
//! finds its ticket even when their mail client drops In-Reply-To and References.

use std::ops::Range;

use shopdesk_store::Store;

use crate::MailError;

const PREFIX: &str = "SD-";
/// Crockford base32: no I, L, O, U, so a token read aloud or retyped survives.
const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
pub(crate) const BASE_LEN: usize = 6;
const MAX_LEN: usize = 16;
/// Characters one 64-bit hash word yields (5 bits each).
const CHARS_PER_WORD: usize = 12;

/// The token a ticket started by this Message-ID gets when no other ticket holds it: the same
/// id always gives the same token, so importing a mailbox again reproduces the tokens.
pub fn base_ticket_token(first_message_id: &str) -> String {
    token_of_len(first_message_id.as_bytes(), BASE_LEN)
}

/// A token for a new ticket: [`base_ticket_token`] of `seed` (the first message's Message-ID,
/// or its raw bytes when it has none), lengthened one character at a time while another
/// ticket already holds it.
pub(crate) fn free_ticket_token(store: &Store, seed: &[u8]) -> Result<String, MailError> {
    for len in BASE_LEN..=MAX_LEN {
        let token = token_of_len(seed, len);
        if store.find_ticket_by_token(&token)?.is_none() {
            return Ok(token);
        }
    }
    let shown: String = String::from_utf8_lossy(seed).chars().take(80).collect();
    Err(MailError::TokenSpaceExhausted(shown))
}

/// The ticket token written in a subject as "[SD-XXXXXX]", normalized (upper case, Crockford
/// look-alikes O→0, I/L→1).
pub fn token_in_subject(subject: &str) -> Option<String> {
    find_token(subject).map(|(_, token)| token)
}

/// A subject as the ticket shows it: without "Re:"/"Fwd:" prefixes and without the token.
pub fn ticket_subject(subject: &str) -> String {
    let without_token = match find_token(subject) {
        Some((span, _)) => format!("{}{}", &subject[..span.start], &subject[span.end..]),
        None => subject.to_string(),
    };
    let mut rest = without_token.trim();
    loop {
        let lower = rest.to_ascii_lowercase();
        let Some(prefix) = ["re:", "fwd:", "fw:", "aw:", "sv:", "wg:", "tr:"]
            .into_iter()
            .find(|p| lower.starts_with(p))
        else {
            break;
        };
        rest = rest[prefix.len()..].trim_start();
    }
    let collapsed = rest.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.is_empty() {
        "(no subject)".to_string()
    } else {
        collapsed
    }
}

/// The byte span of "[SD-...]" in the subject and the normalized token inside it.
fn find_token(subject: &str) -> Option<(Range<usize>, String)> {
    // ASCII upper-casing keeps byte offsets, so spans found here are valid in `subject`.
    let upper = subject.to_ascii_uppercase();
    let mut from = 0;
    while let Some(found) = upper[from..].find("[SD-") {
        let start = from + found;
        let body_start = start + 4;
        let body_len = upper[body_start..]
            .bytes()
            .take_while(u8::is_ascii_alphanumeric)
            .count();
        let end = body_start + body_len;
        if (4..=MAX_LEN).contains(&body_len) && upper[end..].starts_with(']') {
            let normalized: String = upper[body_start..end]
                .chars()
                .map(|c| match c {
                    'O' => '0',
                    'I' | 'L' => '1',
                    other => other,
                })
                .collect();
            return Some((start..end + 1, format!("{PREFIX}{normalized}")));
        }
        from = body_start;
    }
    None
}

fn token_of_len(seed: &[u8], len: usize) -> String {
    let mut token = String::with_capacity(PREFIX.len() + len);
    token.push_str(PREFIX);
    let mut word_index = 0u64;
    while token.len() < PREFIX.len() + len {
        let word = stable_hash(seed, word_index);
        let wanted = (PREFIX.len() + len - token.len()).min(CHARS_PER_WORD);
        for i in 0..wanted {
            let five_bits = (word >> (59 - 5 * i)) & 0x1f;
            token.push(char::from(CROCKFORD[five_bits as usize]));
        }
        word_index += 1;
    }
    token
}

/// FNV-1a with a splitmix64 finish. Hand-written because the token must stay the same across
/// Rust releases and platforms, which std's `DefaultHasher` does not promise.
fn stable_hash(bytes: &[u8], salt: u64) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325 ^ salt.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    for &byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    let mut z = hash;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_is_stable_and_crockford() {
        let token = base_ticket_token("abc@example.com");
        assert_eq!(token, base_ticket_token("abc@example.com"));
        assert_eq!(token.len(), 9);
        assert!(token[3..].bytes().all(|b| CROCKFORD.contains(&b)));
        assert_ne!(token, base_ticket_token("abd@example.com"));
        // Longer tokens extend the shorter ones, across hash words too.
        assert!(token_of_len(b"abc@example.com", 14).starts_with(&token));
        assert_eq!(token_of_len(b"x", MAX_LEN).len(), PREFIX.len() + MAX_LEN);
    }

    #[test]
    fn subject_token_found_and_normalized() {
        assert_eq!(
            token_in_subject("Re: Where is my parcel? [sd-7k3foq]").as_deref(),
            Some("SD-7K3F0Q")
        );
        assert_eq!(token_in_subject("[SD-] and [SD-AB] no token"), None);
        assert_eq!(
            token_in_subject("a [SD-12] b [SD-ABCDEF]").as_deref(),
            Some("SD-ABCDEF")
        );
    }

    #[test]
    fn subject_cleaned() {
        assert_eq!(
            ticket_subject("Re: RE: Fwd: Broken lid [SD-ABC123]"),
            "Broken lid"
        );
        assert_eq!(ticket_subject("Re:"), "(no subject)");
        assert_eq!(ticket_subject("Re: [sd-7k3foq] Lid"), "Lid");
    }
}
