//! Credentials that stopped working are replaced after the same check as onboarding, and the
//! local data stays.

use shopdesk_app::onboarding::{
    replace_shop_credential, saved_accounts, update_mailbox_password, OnboardingError,
};
use shopdesk_app::App;
use shopdesk_secrets::SecretKey;
use shopdesk_shopify::Credentials;
use shopdesk_shopify_sim::oauth::DEMO_CLIENT_ID;
use shopdesk_store::Store;
use shopdesk_test_support::dovecot::{Dovecot, PASSWORD, USER};
use shopdesk_test_support::smtp_sink::SmtpSink;

use super::{mailbox_input, save_mailbox, save_shop, saved_setup, setup, token_input};

fn orders_count(dir: &std::path::Path) -> i64 {
    Store::open(&dir.join("shopdesk.db"))
        .unwrap()
        .orders_count()
        .unwrap()
}

#[tokio::test]
async fn a_revoked_token_is_replaced_by_a_checked_new_one_and_the_data_stays() {
    let s = setup().await;
    let old_token = s.sim.access_token().to_string();
    save_shop(
        s.dir.path(),
        &s.vault,
        &s.endpoints,
        token_input(&s.domain, &old_token),
    )
    .await
    .unwrap();
    let setup = saved_setup(s.dir.path(), &s.vault, &s.endpoints)
        .unwrap()
        .unwrap();
    let app = App::start_live(s.dir.path(), &setup, |_| {}).await.unwrap();
    app.shutdown().await;
    drop(app);
    let orders = orders_count(s.dir.path());
    assert!(orders > 0);

    // Revoked in Shopify: the app says so.
    assert!(s.sim.auth().revoke(&old_token));
    let setup = saved_setup(s.dir.path(), &s.vault, &s.endpoints)
        .unwrap()
        .unwrap();
    let app = App::start_live(s.dir.path(), &setup, |_| {}).await.unwrap();
    let error = app.sync_shop_now().await.unwrap_err();
    app.shutdown().await;
    drop(app);
    assert!(
        error.to_string().contains("refused the access token"),
        "{error}"
    );

    // The revoked token again, or another store's credentials: refused, nothing changes.
    let key = SecretKey::shopify_access_token(&s.domain).unwrap();
    let error = replace_shop_credential(
        s.dir.path(),
        &s.vault,
        &s.endpoints,
        token_input(&s.domain, &old_token),
    )
    .await
    .unwrap_err();
    assert_eq!(error.kind(), "tokenRefused", "{error}");
    assert_eq!(s.vault.get(&key).unwrap().unwrap().expose(), old_token);
    let new_token = s
        .sim
        .auth()
        .issue_expiring_token(DEMO_CLIENT_ID)
        .unwrap()
        .access_token;
    let error = replace_shop_credential(
        s.dir.path(),
        &s.vault,
        &s.endpoints,
        token_input("another-shop", &new_token),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            error,
            OnboardingError::WrongShop { .. } | OnboardingError::OtherStore { .. }
        ),
        "{error}"
    );
    assert_eq!(s.vault.get(&key).unwrap().unwrap().expose(), old_token);

    // The new token: checked, swapped in, and the store syncs again on the same data.
    let view = replace_shop_credential(
        s.dir.path(),
        &s.vault,
        &s.endpoints,
        token_input(&s.domain, &new_token),
    )
    .await
    .unwrap();
    assert!(view.can_connect);
    assert_eq!(s.vault.get(&key).unwrap().unwrap().expose(), new_token);
    assert_eq!(s.secrets.len(), 1);
    assert_eq!(orders_count(s.dir.path()), orders, "no local data lost");
    let setup = saved_setup(s.dir.path(), &s.vault, &s.endpoints)
        .unwrap()
        .unwrap();
    let app = App::start_live(s.dir.path(), &setup, |_| {}).await.unwrap();
    app.sync_shop_now().await.unwrap();
    app.shutdown().await;

    // Switching to a Dev Dashboard app: the client secret replaces the token entry.
    let view = replace_shop_credential(
        s.dir.path(),
        &s.vault,
        &s.endpoints,
        super::client_input(&s.domain, shopdesk_shopify_sim::oauth::DEMO_CLIENT_SECRET),
    )
    .await
    .unwrap();
    assert!(view.can_connect);
    assert!(s.vault.get(&key).unwrap().is_none(), "old entry removed");
    assert_eq!(s.secrets.len(), 1);
    let setup = saved_setup(s.dir.path(), &s.vault, &s.endpoints)
        .unwrap()
        .unwrap();
    assert!(matches!(
        setup.shop.credentials,
        Credentials::ClientCredentials { .. }
    ));
    let accounts = saved_accounts(s.dir.path(), None).unwrap();
    assert_eq!(
        accounts.shop_auth_kind.as_deref(),
        Some("clientCredentials")
    );
}

#[tokio::test]
async fn a_changed_mailbox_password_is_tested_then_replaced() {
    let s = setup().await;
    let dovecot = Dovecot::start();
    let sink = SmtpSink::start(USER, PASSWORD);
    save_shop(
        s.dir.path(),
        &s.vault,
        &s.endpoints,
        token_input(&s.domain, s.sim.access_token()),
    )
    .await
    .unwrap();
    // Saved with what the server takes today; then "the password changed" on our side.
    save_mailbox(
        s.dir.path(),
        &s.vault,
        &mailbox_input(&dovecot, sink.port, PASSWORD),
    )
    .await
    .unwrap();
    let key = SecretKey::mail_password(USER).unwrap();
    s.vault
        .set(&key, &shopdesk_secrets::Secret::new("outdated"))
        .unwrap();

    let error = update_mailbox_password(s.dir.path(), &s.vault, "still-wrong")
        .await
        .unwrap_err();
    assert!(error.to_string().ends_with("Nothing was saved."), "{error}");
    assert_eq!(s.vault.get(&key).unwrap().unwrap().expose(), "outdated");

    update_mailbox_password(s.dir.path(), &s.vault, PASSWORD)
        .await
        .unwrap();
    assert_eq!(s.vault.get(&key).unwrap().unwrap().expose(), PASSWORD);
    let mail = saved_setup(s.dir.path(), &s.vault, &s.endpoints)
        .unwrap()
        .unwrap()
        .mail
        .unwrap();
    assert_eq!(mail.imap.password, PASSWORD);
    assert_eq!(s.secrets.len(), 2);
}
