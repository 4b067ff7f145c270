//! The agent's name and refund limit, kept in `app_settings` (non-secret values only).

use rusqlite::OptionalExtension;
use shopdesk_money::Money;

use crate::{Result, Store, StoreError};

const AGENT_NAME: &str = "agent_name";
const REFUND_LIMIT_AMOUNT: &str = "agent_refund_limit_amount";
const REFUND_LIMIT_CURRENCY: &str = "agent_refund_limit_currency";

/// Who acts in Shopdesk on this computer, and the most they may refund without the owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentSettings {
    pub name: String,
    /// `None`: no limit.
    pub refund_limit: Option<Money>,
}

impl Store {
    /// The saved agent settings; `None` when never saved.
    pub fn agent_settings(&self) -> Result<Option<AgentSettings>> {
        let Some(name) = self.app_setting(AGENT_NAME)? else {
            return Ok(None);
        };
        let amount = self.app_setting(REFUND_LIMIT_AMOUNT)?;
        let currency = self.app_setting(REFUND_LIMIT_CURRENCY)?;
        let refund_limit = match (amount, currency) {
            (Some(amount), Some(currency)) => Some(Money::parse(&amount, &currency).map_err(
                |e| StoreError::Corrupt {
                    what: "agent refund limit",
                    detail: format!("{amount} {currency}: {e}"),
                },
            )?),
            _ => None,
        };
        Ok(Some(AgentSettings { name, refund_limit }))
    }

    /// Saves the agent settings in one transaction.
    pub fn save_agent_settings(&mut self, settings: &AgentSettings) -> Result<()> {
        let tx = self.conn_mut().transaction()?;
        let upsert = "INSERT INTO app_settings (name, value) VALUES (?1, ?2)
                      ON CONFLICT (name) DO UPDATE SET value = excluded.value";
        tx.execute(upsert, [AGENT_NAME, settings.name.as_str()])?;
        match &settings.refund_limit {
            Some(limit) => {
                tx.execute(upsert, [REFUND_LIMIT_AMOUNT, &limit.amount.to_string()])?;
                tx.execute(upsert, [REFUND_LIMIT_CURRENCY, limit.currency.code()])?;
            }
            None => {
                tx.execute(
                    "DELETE FROM app_settings WHERE name IN (?1, ?2)",
                    [REFUND_LIMIT_AMOUNT, REFUND_LIMIT_CURRENCY],
                )?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn app_setting(&self, name: &str) -> Result<Option<String>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT value FROM app_settings WHERE name = ?1",
                [name],
                |r| r.get::<_, String>(0),
            )
            .optional()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agent_settings_round_trip_and_limit_removal() {
        let mut store = Store::open_in_memory().unwrap();
        assert_eq!(store.agent_settings().unwrap(), None);
        let with_limit = AgentSettings {
            name: "Ana".into(),
            refund_limit: Some(Money::parse("100.00", "EUR").unwrap()),
        };
        store.save_agent_settings(&with_limit).unwrap();
        assert_eq!(store.agent_settings().unwrap(), Some(with_limit));
        let without = AgentSettings {
            name: "Ana".into(),
            refund_limit: None,
        };
        store.save_agent_settings(&without).unwrap();
        assert_eq!(store.agent_settings().unwrap(), Some(without));
    }
}
