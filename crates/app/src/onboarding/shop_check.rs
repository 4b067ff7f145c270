//! "Check": which store the credentials reach, its plan, and what each feature's scope allows,
//! in plain words. Reads only; nothing is saved.

use shopdesk_shopify::{
    ConnectionReport, Credentials, Feature, Secret, ShopifyClient, ShopifyConfig, ShopifyError,
};

use super::shop_domain::{normalize_shop_domain, ShopEndpoints};
use super::views::{FeatureCheckView, ShopCheckView, ShopConnectInput, ShopCredentialInput};
use super::OnboardingError;

/// A checked store, ready to save.
pub(crate) struct CheckedShop {
    pub domain: String,
    pub config: ShopifyConfig,
    pub view: ShopCheckView,
}

/// Checks the store and credentials in `input` against Shopify (or the test override).
pub async fn check_shop(
    endpoints: &ShopEndpoints,
    input: ShopConnectInput,
) -> Result<ShopCheckView, OnboardingError> {
    Ok(check(endpoints, input).await?.view)
}

pub(crate) async fn check(
    endpoints: &ShopEndpoints,
    input: ShopConnectInput,
) -> Result<CheckedShop, OnboardingError> {
    let domain = normalize_shop_domain(&input.shop)?;
    let using_token = matches!(input.credential, ShopCredentialInput::AccessToken { .. });
    let credentials = credentials(input.credential)?;
    let config = config_for(endpoints, &domain, credentials);
    let client =
        ShopifyClient::new(config.clone()).map_err(|e| shop_error(&domain, e, using_token))?;
    let report = client
        .check_connection()
        .await
        .map_err(|e| shop_error(&domain, e, using_token))?;
    // Behind the test override every address reaches the same local shop: the domain Shopify
    // reports is what tells a mistyped store apart.
    if !report.myshopify_domain.eq_ignore_ascii_case(&domain) {
        return Err(OnboardingError::WrongShop {
            entered: domain,
            actual: report.myshopify_domain,
        });
    }
    let view = view_of(&report, using_token);
    tracing::info!(shop = %domain, plan = %view.plan, missing = view.features.iter().filter(|f| !f.available).count(), "store checked");
    Ok(CheckedShop {
        domain,
        config,
        view,
    })
}

pub(crate) fn config_for(
    endpoints: &ShopEndpoints,
    domain: &str,
    credentials: Credentials,
) -> ShopifyConfig {
    ShopifyConfig::for_graphql_url(endpoints.graphql_url(domain), credentials)
}

fn credentials(input: ShopCredentialInput) -> Result<Credentials, OnboardingError> {
    match input {
        ShopCredentialInput::AccessToken { token } => {
            let token = token.trim();
            if token.is_empty() {
                return Err(OnboardingError::Missing {
                    what: "The Admin API access token",
                });
            }
            Ok(Credentials::AccessToken(Secret::new(token)))
        }
        ShopCredentialInput::ClientCredentials {
            client_id,
            client_secret,
        } => {
            if client_id.trim().is_empty() {
                return Err(OnboardingError::Missing {
                    what: "The client ID",
                });
            }
            if client_secret.trim().is_empty() {
                return Err(OnboardingError::Missing {
                    what: "The client secret",
                });
            }
            Ok(Credentials::ClientCredentials {
                client_id: client_id.trim().to_string(),
                client_secret: Secret::new(client_secret.trim()),
            })
        }
    }
}

/// Shopify's errors, worded for someone setting the store up.
fn shop_error(domain: &str, error: ShopifyError, using_token: bool) -> OnboardingError {
    let (kind, message) = match &error {
        ShopifyError::Unauthorized { .. } if using_token => (
            "tokenRefused",
            format!("Shopify refused this access token for {domain}: it is mistyped, was revoked, or the app was uninstalled. Copy the Admin API access token again from the app (Shopify admin → Settings → Apps and sales channels → Develop apps → your app → API credentials), or reinstall the app to get a new one."),
        ),
        ShopifyError::Unauthorized { .. } => (
            "tokenRefused",
            format!("Shopify refused the token it had just issued for {domain}: the app may have been uninstalled. Install it again from the Dev Dashboard, then check again."),
        ),
        ShopifyError::Transport { .. } => (
            "unreachable",
            format!("Shopdesk could not reach {domain}: check the internet connection and the store address, then check again."),
        ),
        ShopifyError::InvalidShopDomain { .. } => {
            return OnboardingError::ShopDomain {
                input: domain.to_string(),
            }
        }
        _ => ("shopify", format!("{error}.")),
    };
    OnboardingError::Shop { kind, message }
}

fn view_of(report: &ConnectionReport, using_token: bool) -> ShopCheckView {
    let features: Vec<FeatureCheckView> = report
        .features
        .iter()
        .map(|status| FeatureCheckView {
            label: label(status.feature).to_string(),
            scope: status.scope.to_string(),
            available: status.available,
            advice: (!status.available).then(|| advice(status.feature, using_token)),
        })
        .collect();
    let can_connect = report
        .features
        .iter()
        .any(|f| f.feature == Feature::ReadOrders && f.available);
    ShopCheckView {
        shop_name: report.shop_name.clone(),
        shop_domain: report.myshopify_domain.clone(),
        plan: report.plan.clone(),
        development_store: report.development_store,
        features,
        can_connect,
    }
}

fn label(feature: Feature) -> &'static str {
    match feature {
        Feature::ReadOrders => "Orders next to tickets",
        Feature::OrdersOlderThan60Days => "Orders older than 60 days",
        Feature::Refunds => "Refunds",
        Feature::Returns => "Returns",
        Feature::Replacements => "Replacements",
        Feature::Customers => "Customer names and contacts",
    }
}

/// "Orders older than 60 days need read_all_orders: in your app's settings, add …".
fn advice(feature: Feature, using_token: bool) -> String {
    let scope = feature.scope();
    let subject = match feature {
        Feature::ReadOrders => "Showing orders needs",
        Feature::OrdersOlderThan60Days => "Orders older than 60 days need",
        Feature::Refunds => "Refunds need",
        Feature::Returns => "Returns need",
        Feature::Replacements => "Replacements (draft orders) need",
        Feature::Customers => "Customer names and contacts need",
    };
    let how = if using_token {
        format!("in Shopify admin → Settings → Apps and sales channels → Develop apps → your app → Configuration, add {scope} to the Admin API access scopes, save, reinstall the app, and paste the new token here")
    } else {
        format!("in the Dev Dashboard → your app → Versions, add {scope} to the access scopes, release the version and approve it in the store's admin, then check again")
    };
    let extra = if feature == Feature::OrdersOlderThan60Days {
        " (Shopify must also approve read_all_orders for apps that are not custom apps)"
    } else {
        ""
    };
    format!("{subject} {scope}: {how}{extra}.")
}
