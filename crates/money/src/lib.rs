//! Money as an exact decimal amount with its ISO 4217 currency.
//!
//! Shopify sends amounts as decimal strings (`"24.90"`) with a currency code. They are kept as
//! [`rust_decimal::Decimal`], never as `f64`, and every operation checks that both sides are in the
//! same currency. The number of minor units (0 for JPY, 2 for EUR, 3 for KWD) comes from the
//! `iso_currency` tables, not from a list of our own.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MoneyError {
    #[error("\"{0}\" is not an ISO 4217 currency code")]
    UnknownCurrency(String),
    #[error("\"{0}\" is not a decimal amount")]
    InvalidAmount(String),
    #[error("cannot combine {left} with {right}: the currencies differ")]
    CurrencyMismatch { left: String, right: String },
    #[error("{amount} has more decimals than {currency} allows ({minor_units})")]
    TooPrecise {
        amount: String,
        currency: String,
        minor_units: u32,
    },
}

/// A validated three-letter ISO 4217 currency code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency(iso_currency::Currency);

impl Currency {
    pub fn code(&self) -> &'static str {
        self.0.code()
    }

    /// Digits after the decimal point in this currency's minor unit (JPY 0, EUR 2, KWD 3).
    pub fn minor_units(&self) -> u32 {
        // iso_currency reports `None` for currencies without a minor unit (e.g. XAU); treat as 0.
        self.0.exponent().map(u32::from).unwrap_or(0)
    }
}

impl FromStr for Currency {
    type Err = MoneyError;
    fn from_str(code: &str) -> Result<Self, Self::Err> {
        iso_currency::Currency::from_code(code)
            .map(Currency)
            .ok_or_else(|| MoneyError::UnknownCurrency(code.to_string()))
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = String::deserialize(d)?;
        code.parse().map_err(serde::de::Error::custom)
    }
}

/// An exact amount in one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    pub currency: Currency,
}

impl Money {
    pub fn new(amount: Decimal, currency: Currency) -> Self {
        Money { amount, currency }
    }

    pub fn zero(currency: Currency) -> Self {
        Money::new(Decimal::ZERO, currency)
    }

    /// Parses Shopify's `MoneyV2 { amount, currencyCode }` pair.
    pub fn parse(amount: &str, currency: &str) -> Result<Self, MoneyError> {
        let currency: Currency = currency.parse()?;
        let amount = Decimal::from_str_exact(amount.trim())
            .map_err(|_| MoneyError::InvalidAmount(amount.to_string()))?;
        Ok(Money { amount, currency })
    }

    /// Parses an amount typed by a person and checks it fits the currency's minor units
    /// (no "10.005" EUR, no "100.5" JPY).
    pub fn parse_exact(amount: &str, currency: Currency) -> Result<Self, MoneyError> {
        let value = Decimal::from_str_exact(amount.trim())
            .map_err(|_| MoneyError::InvalidAmount(amount.to_string()))?;
        let money = Money::new(value, currency);
        if value.normalize().scale() > currency.minor_units() {
            return Err(MoneyError::TooPrecise {
                amount: amount.to_string(),
                currency: currency.code().to_string(),
                minor_units: currency.minor_units(),
            });
        }
        Ok(money)
    }

    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(&other)?;
        Ok(Money::new(self.amount + other.amount, self.currency))
    }

    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(&other)?;
        Ok(Money::new(self.amount - other.amount, self.currency))
    }

    /// Multiplies by a whole quantity (unit price x quantity).
    pub fn times(self, quantity: i64) -> Money {
        Money::new(self.amount * Decimal::from(quantity), self.currency)
    }

    pub fn is_zero(&self) -> bool {
        self.amount.is_zero()
    }

    /// Rounds to the currency's minor unit, half away from zero (banker's rounding is not what
    /// a customer expects on a receipt).
    pub fn rounded(self) -> Money {
        let scale = self.currency.minor_units();
        let amount = self
            .amount
            .round_dp_with_strategy(scale, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        Money::new(amount, self.currency)
    }

    /// The amount as a string with exactly the currency's minor units ("24.90", "1500", "1.250").
    pub fn amount_string(&self) -> String {
        let mut rounded = self.rounded().amount;
        rounded.rescale(self.currency.minor_units());
        rounded.to_string()
    }

    /// Splits `self` into `parts` amounts that add up exactly to `self`, spreading the
    /// remainder one minor unit at a time over the first parts.
    pub fn split(self, parts: u32) -> Vec<Money> {
        assert!(parts > 0, "split into zero parts");
        let unit = Decimal::new(1, self.currency.minor_units());
        let total = self.rounded().amount;
        let base = (total / Decimal::from(parts)).round_dp_with_strategy(
            self.currency.minor_units(),
            rust_decimal::RoundingStrategy::ToZero,
        );
        let mut remainder = total - base * Decimal::from(parts);
        (0..parts)
            .map(|_| {
                let mut amount = base;
                if remainder >= unit {
                    amount += unit;
                    remainder -= unit;
                } else if remainder <= -unit {
                    amount -= unit;
                    remainder += unit;
                }
                Money::new(amount, self.currency)
            })
            .collect()
    }

    fn same_currency(&self, other: &Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch {
                left: self.to_string(),
                right: other.to_string(),
            })
        }
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount_string(), self.currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cur(code: &str) -> Currency {
        code.parse().unwrap()
    }

    #[test]
    fn minor_units_follow_iso_4217() {
        assert_eq!(cur("JPY").minor_units(), 0);
        assert_eq!(cur("EUR").minor_units(), 2);
        assert_eq!(cur("KWD").minor_units(), 3);
    }

    #[test]
    fn formats_with_the_currency_minor_units() {
        assert_eq!(
            Money::parse("24.9", "EUR").unwrap().to_string(),
            "24.90 EUR"
        );
        assert_eq!(Money::parse("1500", "JPY").unwrap().to_string(), "1500 JPY");
        assert_eq!(
            Money::parse("1.25", "KWD").unwrap().to_string(),
            "1.250 KWD"
        );
    }

    #[test]
    fn decimal_arithmetic_is_exact() {
        let a = Money::parse("0.1", "USD").unwrap();
        let b = Money::parse("0.2", "USD").unwrap();
        assert_eq!(
            a.checked_add(b).unwrap(),
            Money::parse("0.3", "USD").unwrap()
        );
        assert_eq!(
            Money::parse("19.99", "USD")
                .unwrap()
                .times(3)
                .amount_string(),
            "59.97"
        );
    }

    #[test]
    fn mixing_currencies_is_an_error() {
        let eur = Money::parse("1", "EUR").unwrap();
        let usd = Money::parse("1", "USD").unwrap();
        assert!(matches!(
            eur.checked_add(usd),
            Err(MoneyError::CurrencyMismatch { .. })
        ));
        assert!(eur.checked_sub(usd).is_err());
    }

    #[test]
    fn rejects_unknown_currencies_and_bad_amounts() {
        assert_eq!(
            Money::parse("1", "ZZZ"),
            Err(MoneyError::UnknownCurrency("ZZZ".into()))
        );
        assert!(matches!(
            Money::parse("1,00", "EUR"),
            Err(MoneyError::InvalidAmount(_))
        ));
        assert!(matches!(
            Money::parse("abc", "EUR"),
            Err(MoneyError::InvalidAmount(_))
        ));
    }

    #[test]
    fn typed_amounts_must_fit_the_currency() {
        assert!(Money::parse_exact("10.00", cur("EUR")).is_ok());
        assert!(matches!(
            Money::parse_exact("10.005", cur("EUR")),
            Err(MoneyError::TooPrecise { .. })
        ));
        assert!(matches!(
            Money::parse_exact("100.5", cur("JPY")),
            Err(MoneyError::TooPrecise { .. })
        ));
        assert!(Money::parse_exact("1.125", cur("KWD")).is_ok());
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(
            Money::parse("2.345", "EUR").unwrap().amount_string(),
            "2.35"
        );
        assert_eq!(Money::parse("2.5", "JPY").unwrap().amount_string(), "3");
    }

    #[test]
    fn split_adds_up_exactly() {
        for (amount, code, parts) in [
            ("10", "EUR", 3),
            ("100", "JPY", 7),
            ("1", "KWD", 3),
            ("0.05", "USD", 4),
        ] {
            let total = Money::parse(amount, code).unwrap();
            let pieces = total.split(parts);
            let sum = pieces
                .iter()
                .skip(1)
                .fold(pieces[0], |acc, m| acc.checked_add(*m).unwrap());
            assert_eq!(
                sum.amount,
                total.rounded().amount,
                "{amount} {code} / {parts}"
            );
        }
        let thirds: Vec<String> = Money::parse("10", "EUR")
            .unwrap()
            .split(3)
            .iter()
            .map(|m| m.amount_string())
            .collect();
        assert_eq!(thirds, ["3.34", "3.33", "3.33"]);
    }

    #[test]
    fn serializes_amount_as_string() {
        let m = Money::parse("24.90", "EUR").unwrap();
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, r#"{"amount":"24.90","currency":"EUR"}"#);
        let back: Money = serde_json::from_str(&json).unwrap();
        assert_eq!(back, m);
    }
}
