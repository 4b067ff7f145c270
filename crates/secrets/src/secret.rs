//! A credential in memory.

use std::fmt;

use zeroize::Zeroizing;

/// A password, token or client secret. Prints as `<redacted>` in `Debug` and `Display`, is
/// zeroed in memory when dropped (clones too), and has no serde impls: the only way to its
/// text is [`Secret::expose`], which makes every use visible in review.
#[derive(Clone)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(Zeroizing::new(value.into()))
    }

    /// The secret text, for the one place that sends it (an HTTP header, a login).
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Takes bytes read from a keychain; they are zeroed whether or not they are UTF-8.
    pub(crate) fn from_bytes(bytes: Vec<u8>) -> Option<Self> {
        let bytes = Zeroizing::new(bytes);
        let text = std::str::from_utf8(&bytes).ok()?;
        Some(Secret::new(text))
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(Zeroizing::new(value))
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret::new(value)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_hide_the_value() {
        let secret = Secret::new("shpat_0123456789abcdef");
        assert_eq!(format!("{secret:?}"), "Secret(<redacted>)");
        assert_eq!(format!("{secret}"), "<redacted>");
        assert_eq!(
            format!("{:#?}", Some(&secret)),
            "Some(\n    Secret(<redacted>),\n)"
        );
        assert_eq!(secret.expose(), "shpat_0123456789abcdef");
    }

    #[test]
    fn bytes_that_are_not_text_are_refused() {
        assert_eq!(
            Secret::from_bytes(b"pw".to_vec()).map(|s| s.expose().to_string()),
            Some("pw".into())
        );
        assert!(Secret::from_bytes(vec![0xff, 0xfe]).is_none());
    }
}
