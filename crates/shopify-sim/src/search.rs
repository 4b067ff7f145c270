//! Shopify's search syntax for the `query:` argument of connections.
//!
//! Supported: `field:value` terms, comparators `> >= < <=`, quoted values (`'...'` or `"..."`),
//! a space after the colon (`created_at: >=2026-01-01`), `AND` (or juxtaposition), `OR`, `NOT` and
//! `-field:value`, and bare words (matched against a resource's default text). Parentheses are
//! ignored, so `a OR (b c)` is read as `a OR b c` — enough for what clients send in practice.

use time::format_description::well_known::Rfc3339;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

use crate::model::Timestamp;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    /// A disjunction of conjunctions: the query matches if every term of any group matches.
    pub groups: Vec<Vec<Term>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub negated: bool,
    /// `None` for a bare word.
    pub field: Option<String>,
    pub comparator: Comparator,
    pub value: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparator {
    Eq,
    Gt,
    Ge,
    Lt,
    Le,
}

impl SearchQuery {
    pub fn parse(query: &str) -> SearchQuery {
        let mut groups = vec![Vec::new()];
        let mut negate_next = false;
        let mut tokens = tokenize(query).into_iter().peekable();
        while let Some(token) = tokens.next() {
            if !token.quoted {
                match token.text.as_str() {
                    "AND" | "" => continue,
                    "OR" => {
                        groups.push(Vec::new());
                        continue;
                    }
                    "NOT" => {
                        negate_next = true;
                        continue;
                    }
                    _ => {}
                }
            }
            let mut text = token.text;
            let mut negated = std::mem::take(&mut negate_next);
            if !token.quoted && text.starts_with('-') && text.contains(':') {
                negated = !negated;
                text.remove(0);
            }
            let term = match (token.quoted, text.split_once(':')) {
                (false, Some((field, rest))) => {
                    // `created_at: >=2026-01-01`: the value is the next token.
                    let rest = if rest.is_empty() {
                        tokens.next().map(|t| t.text).unwrap_or_default()
                    } else {
                        rest.to_string()
                    };
                    let (comparator, value) = split_comparator(&rest);
                    Term {
                        negated,
                        field: Some(field.to_ascii_lowercase()),
                        comparator,
                        value,
                    }
                }
                _ => Term {
                    negated,
                    field: None,
                    comparator: Comparator::Eq,
                    value: text,
                },
            };
            if let Some(group) = groups.last_mut() {
                group.push(term);
            }
        }
        groups.retain(|group| !group.is_empty());
        SearchQuery { groups }
    }

    /// Evaluates the query with `matches` deciding single terms (`None` = unknown field, which
    /// Shopify ignores: the term matches everything).
    pub fn matches(&self, mut term_matches: impl FnMut(&Term) -> Option<bool>) -> bool {
        if self.groups.is_empty() {
            return true;
        }
        self.groups.iter().any(|group| {
            group.iter().all(|term| match term_matches(term) {
                Some(matched) => matched != term.negated,
                None => true,
            })
        })
    }

    pub fn terms(&self) -> impl Iterator<Item = &Term> {
        self.groups.iter().flatten()
    }
}

fn split_comparator(raw: &str) -> (Comparator, String) {
    let (comparator, rest) = if let Some(rest) = raw.strip_prefix(">=") {
        (Comparator::Ge, rest)
    } else if let Some(rest) = raw.strip_prefix("<=") {
        (Comparator::Le, rest)
    } else if let Some(rest) = raw.strip_prefix('>') {
        (Comparator::Gt, rest)
    } else if let Some(rest) = raw.strip_prefix('<') {
        (Comparator::Lt, rest)
    } else {
        (Comparator::Eq, raw)
    };
    (comparator, rest.to_string())
}

struct Token {
    text: String,
    /// The whole token was one quoted phrase.
    quoted: bool,
}

/// Splits on whitespace outside quotes; quote characters are removed, so `a:'b c'` is one
/// token `a:b c`.
fn tokenize(query: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    let mut starts_quoted = false;
    for ch in query.chars() {
        match quote {
            Some(open) if ch == open => quote = None,
            Some(_) => current.push(ch),
            None if ch == '\'' || ch == '"' => {
                if current.is_empty() {
                    starts_quoted = true;
                }
                quote = Some(ch);
            }
            None if ch == '(' || ch == ')' => {}
            None if ch.is_whitespace() => {
                if !current.is_empty() || starts_quoted {
                    tokens.push(Token {
                        text: std::mem::take(&mut current),
                        quoted: starts_quoted,
                    });
                }
                starts_quoted = false;
            }
            None => current.push(ch),
        }
    }
    if !current.is_empty() || starts_quoted {
        tokens.push(Token {
            text: current,
            quoted: starts_quoted,
        });
    }
    tokens
}

/// A time value of a search term, as the half-open interval of seconds it denotes:
/// `2026-11-20` is that whole day, `2026` that year, a full timestamp one second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeRange {
    pub start: Timestamp,
    pub end: Timestamp,
}

impl TimeRange {
    pub fn parse(value: &str, now: Timestamp) -> Option<TimeRange> {
        let value = value.trim();
        if value.eq_ignore_ascii_case("now") {
            return Some(TimeRange {
                start: now,
                end: now + 1,
            });
        }
        if let Ok(at) = OffsetDateTime::parse(value, &Rfc3339) {
            let start = at.unix_timestamp();
            return Some(TimeRange {
                start,
                end: start + 1,
            });
        }
        // A timestamp without a zone is taken as UTC.
        let naive =
            time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
        if let Ok(at) = PrimitiveDateTime::parse(value, &naive) {
            let start = at.assume_utc().unix_timestamp();
            return Some(TimeRange {
                start,
                end: start + 1,
            });
        }
        let date_format = time::macros::format_description!("[year]-[month]-[day]");
        if let Ok(date) = Date::parse(value, &date_format) {
            let start = day_start(date);
            return Some(TimeRange {
                start,
                end: start + 86_400,
            });
        }
        if value.len() == 4 {
            let year: i32 = value.parse().ok()?;
            let start = day_start(Date::from_calendar_date(year, Month::January, 1).ok()?);
            let end = day_start(Date::from_calendar_date(year + 1, Month::January, 1).ok()?);
            return Some(TimeRange { start, end });
        }
        None
    }

    /// Widens the range to whole UTC days (Shopify's customer `updated_at` filter "matches a
    /// whole day").
    pub fn whole_days(self) -> TimeRange {
        let start = self.start.div_euclid(86_400) * 86_400;
        let end = (self.end + 86_399).div_euclid(86_400) * 86_400;
        TimeRange { start, end }
    }

    pub fn compare(self, comparator: Comparator, at: Timestamp) -> bool {
        match comparator {
            Comparator::Eq => self.start <= at && at < self.end,
            Comparator::Gt => at >= self.end,
            Comparator::Ge => at >= self.start,
            Comparator::Lt => at < self.start,
            Comparator::Le => at < self.end,
        }
    }
}

fn day_start(date: Date) -> Timestamp {
    PrimitiveDateTime::new(date, Time::MIDNIGHT)
        .assume_offset(UtcOffset::UTC)
        .unix_timestamp()
}

/// Compares an integer with a term's value; `None` if the value is not an integer.
pub fn compare_number(comparator: Comparator, actual: i128, value: &str) -> Option<bool> {
    let expected: i128 = value.trim().parse().ok()?;
    Some(match comparator {
        Comparator::Eq => actual == expected,
        Comparator::Gt => actual > expected,
        Comparator::Ge => actual >= expected,
        Comparator::Lt => actual < expected,
        Comparator::Le => actual <= expected,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(field: &str, comparator: Comparator, value: &str) -> Term {
        Term {
            negated: false,
            field: Some(field.into()),
            comparator,
            value: value.into(),
        }
    }

    #[test]
    fn parses_quoted_and_bare_timestamps() {
        let query = SearchQuery::parse("updated_at:>='2026-11-20T10:00:00Z' AND status:open");
        assert_eq!(
            query.groups,
            vec![vec![
                term("updated_at", Comparator::Ge, "2026-11-20T10:00:00Z"),
                term("status", Comparator::Eq, "open"),
            ]]
        );
        let bare = SearchQuery::parse("updated_at:>2026-11-20T10:00:00Z created_at:<=2026-11-01");
        assert_eq!(bare.groups[0][0].comparator, Comparator::Gt);
        assert_eq!(
            bare.groups[0][1],
            term("created_at", Comparator::Le, "2026-11-01")
        );
    }

    #[test]
    fn parses_space_after_colon_or_and_negation() {
        let query = SearchQuery::parse("created_at: >=2026-01-01 OR -tag:gift NOT email:a@b.c");
        assert_eq!(query.groups.len(), 2);
        assert_eq!(
            query.groups[0][0],
            term("created_at", Comparator::Ge, "2026-01-01")
        );
        assert!(query.groups[1][0].negated);
        assert!(query.groups[1][1].negated);
        assert_eq!(query.groups[1][1].value, "a@b.c");
    }

    #[test]
    fn bare_words_and_phrases_are_default_text() {
        let query = SearchQuery::parse("\"Zoë Dubois\" name:#1001");
        assert_eq!(query.groups[0][0].field, None);
        assert_eq!(query.groups[0][0].value, "Zoë Dubois");
        assert_eq!(query.groups[0][1], term("name", Comparator::Eq, "#1001"));
    }

    #[test]
    fn time_ranges() {
        let day = TimeRange::parse("2026-11-20", 0).unwrap();
        assert_eq!(day.end - day.start, 86_400);
        let exact = TimeRange::parse("2026-11-20T10:00:00Z", 0).unwrap();
        assert!(exact.compare(Comparator::Ge, exact.start));
        assert!(!exact.compare(Comparator::Gt, exact.start));
        assert!(exact.compare(Comparator::Gt, exact.start + 1));
        let offset = TimeRange::parse("2026-11-20T11:00:00+01:00", 0).unwrap();
        assert_eq!(offset.start, exact.start);
        let widened = exact.whole_days();
        assert_eq!(widened, day);
        assert!(TimeRange::parse("yesterday-ish", 0).is_none());
    }

    #[test]
    fn unknown_terms_match_everything() {
        let query = SearchQuery::parse("bogus:1 status:open");
        assert!(query.matches(|t| (t.field.as_deref() == Some("status")).then_some(true)));
        assert!(!query.matches(|t| (t.field.as_deref() == Some("status")).then_some(false)));
    }
}
