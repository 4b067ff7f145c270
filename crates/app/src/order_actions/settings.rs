//! The agent's name and refund limit: saved in the store, defaults until saved (the demo's
//! agent may refund up to 100.00 in the shop's currency without the owner).

use std::str::FromStr;

use rust_decimal::Decimal;
use shopdesk_actions::RefundLimit;
use shopdesk_money::Money;
use shopdesk_store::AgentSettings;

use super::views::AgentSettingsView;
use crate::{App, AppError};

pub const DEMO_AGENT: &str = "Demo agent";
pub const DEMO_REFUND_LIMIT: &str = "100.00";
const DEFAULT_AGENT: &str = "Agent";

impl App {
    /// The agent settings, or the defaults when none were saved.
    pub fn agent_settings(&self) -> Result<AgentSettingsView, AppError> {
        let store = self.store()?;
        let currency = store
            .shop()?
            .map(|s| s.currency.code().to_string())
            .unwrap_or_else(|| "USD".to_string());
        Ok(match store.agent_settings()? {
            Some(saved) => AgentSettingsView {
                name: saved.name,
                refund_limit: saved.refund_limit.map(|m| m.amount_string()),
                currency: saved
                    .refund_limit
                    .map(|m| m.currency.code().to_string())
                    .unwrap_or(currency),
            },
            None if self.is_demo() => AgentSettingsView {
                name: DEMO_AGENT.into(),
                refund_limit: Some(DEMO_REFUND_LIMIT.into()),
                currency,
            },
            None => AgentSettingsView {
                name: DEFAULT_AGENT.into(),
                refund_limit: None,
                currency,
            },
        })
    }

    /// Saves the agent's name and limit (in the shop's currency; empty = no limit) and
    /// restarts the engine with them.
    pub fn save_agent_settings(
        &self,
        name: &str,
        refund_limit: Option<&str>,
    ) -> Result<AgentSettingsView, AppError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(AppError::InvalidSettings(
                "Enter the agent's name; it is written into every internal note.".into(),
            ));
        }
        let currency = self.agent_settings()?.currency;
        let limit = match refund_limit.map(str::trim).filter(|l| !l.is_empty()) {
            None => None,
            Some(text) => Some(parse_limit(text, &currency)?),
        };
        self.store()?.save_agent_settings(&AgentSettings {
            name: name.to_string(),
            refund_limit: limit,
        })?;
        let client = self
            .order_actions_running()
            .as_ref()
            .map(|r| r.client.clone());
        if let Some(client) = client {
            self.enable_order_actions(client)?;
        }
        self.agent_settings()
    }
}

fn parse_limit(text: &str, currency: &str) -> Result<Money, AppError> {
    let invalid = || {
        AppError::InvalidSettings(format!(
            "The refund limit \"{text}\" is not an amount in {currency}; enter it like 100.00, or leave it empty for no limit."
        ))
    };
    let amount = Decimal::from_str(text).map_err(|_| invalid())?;
    if amount.is_sign_negative() {
        return Err(invalid());
    }
    Money::parse(&amount.to_string(), currency).map_err(|_| invalid())
}

/// The engine's limit from the settings.
pub(super) fn refund_limit(settings: &AgentSettingsView) -> Result<Option<RefundLimit>, AppError> {
    settings
        .refund_limit
        .as_deref()
        .map(|text| parse_limit(text, &settings.currency).map(|limit| RefundLimit { limit }))
        .transpose()
}
