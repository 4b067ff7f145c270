//! "Check connection": which shop the credentials reach, its plan, and which Shopdesk
//! features the app's scopes allow, each missing one with a sentence saying what to do.

use crate::queries::{connection_check, ConnectionCheck};
use crate::{ShopifyClient, ShopifyError};

/// A Shopdesk feature that needs a Shopify access scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Feature {
    ReadOrders,
    OrdersOlderThan60Days,
    Refunds,
    Returns,
    Replacements,
    Customers,
}

impl Feature {
    pub const ALL: [Feature; 6] = [
        Feature::ReadOrders,
        Feature::OrdersOlderThan60Days,
        Feature::Refunds,
        Feature::Returns,
        Feature::Replacements,
        Feature::Customers,
    ];

    /// The scope Shopify requires for it.
    pub fn scope(self) -> &'static str {
        match self {
            Feature::ReadOrders => "read_orders",
            Feature::OrdersOlderThan60Days => "read_all_orders",
            Feature::Refunds => "write_orders",
            Feature::Returns => "write_returns",
            Feature::Replacements => "write_draft_orders",
            Feature::Customers => "read_customers",
        }
    }

    /// What the user cannot do without it, to complete "Shopdesk cannot …".
    fn action(self) -> &'static str {
        match self {
            Feature::ReadOrders => "show a customer's orders next to their tickets",
            Feature::OrdersOlderThan60Days => "see orders older than 60 days (Shopify hides them)",
            Feature::Refunds => "refund orders",
            Feature::Returns => "create returns",
            Feature::Replacements => "send replacements (draft orders)",
            Feature::Customers => "show customers' names and contact details",
        }
    }
}

/// One feature's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureStatus {
    pub feature: Feature,
    pub scope: &'static str,
    pub available: bool,
    /// For a missing feature: what it means and how to add the scope.
    pub advice: Option<String>,
}

/// What [`ShopifyClient::check_connection`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionReport {
    pub shop_name: String,
    pub myshopify_domain: String,
    /// The plan's public name ("Basic", "Shopify Plus", "Development", ...).
    pub plan: String,
    pub shopify_plus: bool,
    pub development_store: bool,
    /// The scope handles the app holds, as Shopify lists them.
    pub granted_scopes: Vec<String>,
    /// Every [`Feature`], in [`Feature::ALL`] order.
    pub features: Vec<FeatureStatus>,
}

impl ConnectionReport {
    pub fn missing(&self) -> impl Iterator<Item = &FeatureStatus> {
        self.features.iter().filter(|f| !f.available)
    }
}

impl ShopifyClient {
    /// Reads the shop, its plan and the app's granted scopes (minting a token first with
    /// client credentials). Wrong address, refused token or credentials come back as the
    /// matching [`ShopifyError`], each with a sentence for the user.
    pub async fn check_connection(&self) -> Result<ConnectionReport, ShopifyError> {
        let data = self
            .execute::<ConnectionCheck>(connection_check::Variables)
            .await?;
        let granted: Vec<String> = data
            .current_app_installation
            .access_scopes
            .into_iter()
            .map(|s| s.handle)
            .collect();
        let shop = data.shop;
        let features = Feature::ALL
            .iter()
            .map(|&feature| feature_status(feature, &granted, &shop.myshopify_domain))
            .collect();
        Ok(ConnectionReport {
            shop_name: shop.name,
            myshopify_domain: shop.myshopify_domain,
            plan: shop.plan.public_display_name,
            shopify_plus: shop.plan.shopify_plus,
            development_store: shop.plan.partner_development,
            granted_scopes: granted,
            features,
        })
    }
}

fn feature_status(feature: Feature, granted: &[String], shop: &str) -> FeatureStatus {
    let scope = feature.scope();
    let available = has_scope(granted, scope);
    let advice = (!available).then(|| {
        format!(
            "Shopdesk cannot {} because the app lacks the {scope} scope: add {scope} to the app's access scopes (Dev Dashboard → your app → Versions), release the new version and approve it in {shop}'s admin, then check the connection again",
            feature.action()
        )
    });
    FeatureStatus {
        feature,
        scope,
        available,
        advice,
    }
}

/// `write_x` includes `read_x` on Shopify.
fn has_scope(granted: &[String], needed: &str) -> bool {
    let implied = needed
        .strip_prefix("read_")
        .map(|rest| format!("write_{rest}"));
    granted
        .iter()
        .any(|g| g == needed || Some(g) == implied.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_scopes_include_read_scopes() {
        let granted = vec!["write_orders".to_string()];
        assert!(has_scope(&granted, "read_orders"));
        assert!(has_scope(&granted, "write_orders"));
        assert!(!has_scope(&granted, "read_all_orders"));
        assert!(!has_scope(&["read_orders".to_string()], "write_orders"));
    }

    #[test]
    fn a_missing_feature_says_which_scope_to_add() {
        let status = feature_status(Feature::Returns, &[], "acme.myshopify.com");
        assert!(!status.available);
        let advice = status.advice.unwrap();
        assert!(
            advice.starts_with(
                "Shopdesk cannot create returns because the app lacks the write_returns scope"
            ),
            "{advice}"
        );
        assert!(advice.contains("acme.myshopify.com"));
    }
}
