//! The keychain store against a real Secret Service (gnome-keyring on a private D-Bus).
//!
//! keyring finds the bus through DBUS_SESSION_BUS_ADDRESS, which is process-wide, so the
//! scenarios run one after another inside a single #[test].

mod support;

use std::time::{Duration, Instant};

use shopdesk_secrets::{
    open_store, KeyringStore, Secret, SecretKey, SecretStore, SecretsError, StoreChoice,
    UnavailableReason,
};
use support::{point_session_bus_at, Desktop};

/// Generous for a loaded CI machine; the calls themselves take ~50-150 ms here.
const TIMEOUT: Duration = Duration::from_secs(3);
/// Failures that need no deadline must come back well before it.
const FAST: Duration = Duration::from_millis(1500);

#[test]
fn keychain_scenarios() {
    let started = Instant::now();
    unlocked_keyring_round_trip();
    eprintln!("round trip scenario: {:?}", started.elapsed());
    let step = Instant::now();
    frozen_keyring_times_out();
    eprintln!("frozen keyring scenario: {:?}", step.elapsed());
    let step = Instant::now();
    bus_without_secret_service();
    no_session_bus();
    eprintln!("no keychain scenarios: {:?}", step.elapsed());
}

fn unlocked_keyring_round_trip() {
    let mut desktop = Desktop::new();
    point_session_bus_at(desktop.bus.address());
    desktop.start_keyring(true);
    let store = open_store(StoreChoice::KeychainOnly, TIMEOUT).expect("keychain answers");

    let token_key = SecretKey::shopify_access_token("acme.myshopify.com").unwrap();
    let secret_key = SecretKey::shopify_client_secret("acme.myshopify.com").unwrap();
    let token = "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";
    let client_secret = "shpss_client_secret_4b8e2d6f0a1c3e5b";
    assert!(store.get(&token_key).unwrap().is_none());

    let timed = Instant::now();
    store.set(&token_key, &Secret::new("shpat_old")).unwrap();
    store.set(&token_key, &Secret::new(token)).unwrap(); // replaces, no duplicate
    store.set(&secret_key, &Secret::new(client_secret)).unwrap();
    eprintln!("3 sets: {:?}", timed.elapsed());
    let timed = Instant::now();
    assert_eq!(store.get(&token_key).unwrap().unwrap().expose(), token);
    eprintln!("1 get: {:?}", timed.elapsed());
    assert_eq!(
        store.get(&secret_key).unwrap().unwrap().expose(),
        client_secret
    );

    // Stored in gnome-keyring's file, encrypted: restarting the daemon finds it again, and
    // no file under the temp HOME holds the secrets as plain bytes.
    let keyring_file = desktop.keyrings_dir().join("login.keyring");
    assert!(keyring_file.is_file(), "{keyring_file:?} written");
    desktop.start_keyring(true);
    assert_eq!(store.get(&token_key).unwrap().unwrap().expose(), token);
    for needle in [token, client_secret, "shpat_old"] {
        let found = desktop.files_containing(needle.as_bytes());
        assert!(found.is_empty(), "{needle} in plain text in {found:?}");
    }

    assert!(store.delete(&token_key).unwrap());
    assert!(!store.delete(&token_key).unwrap());
    assert!(store.get(&token_key).unwrap().is_none());
    assert!(store.delete(&secret_key).unwrap());
}

fn frozen_keyring_times_out() {
    let mut desktop = Desktop::new();
    point_session_bus_at(desktop.bus.address());
    desktop.start_keyring(true);
    let store = KeyringStore::with_timeout(TIMEOUT);
    let key = SecretKey::mail_password("help@acme.example").unwrap();
    store.set(&key, &Secret::new("imap-password")).unwrap();

    desktop.freeze_keyring();
    let timed = Instant::now();
    let error = store.get(&key).unwrap_err();
    let took = timed.elapsed();
    eprintln!("frozen keyring answered in {took:?}: {error}");
    assert!(
        matches!(
            error,
            SecretsError::KeychainUnavailable {
                reason: UnavailableReason::TimedOut(_),
                ..
            }
        ),
        "{error:?}"
    );
    assert!(took >= TIMEOUT && took < TIMEOUT + FAST, "{took:?}");
    assert!(error.to_string().contains("try again"), "{error}");

    // While that call hangs, the next one fails at once instead of adding a thread.
    let timed = Instant::now();
    let error = store.set(&key, &Secret::new("other")).unwrap_err();
    assert!(timed.elapsed() < FAST);
    assert!(
        matches!(
            error,
            SecretsError::KeychainUnavailable {
                reason: UnavailableReason::StillWaiting,
                ..
            }
        ),
        "{error:?}"
    );

    // The daemon goes away: the hung call ends with an error and the store recovers.
    desktop.stop_keyring();
    desktop.start_keyring(true);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match store.get(&key) {
            Ok(found) => {
                assert_eq!(found.unwrap().expose(), "imap-password");
                break;
            }
            Err(error) => {
                assert!(Instant::now() < deadline, "store did not recover: {error}");
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }
}

fn bus_without_secret_service() {
    let desktop = Desktop::new();
    point_session_bus_at(desktop.bus.address());
    let timed = Instant::now();
    let error = open_store(StoreChoice::KeychainOnly, TIMEOUT).unwrap_err();
    eprintln!("no Secret Service: {:?}: {error}", timed.elapsed());
    assert!(timed.elapsed() < FAST);
    assert!(
        matches!(
            error,
            SecretsError::KeychainUnavailable {
                reason: UnavailableReason::NoService,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("GNOME Keyring"), "{error}");
}

fn no_session_bus() {
    let dir = tempfile::tempdir().unwrap();
    point_session_bus_at(&format!(
        "unix:path={}",
        dir.path().join("no-bus").display()
    ));
    let timed = Instant::now();
    let error = open_store(StoreChoice::KeychainOnly, TIMEOUT).unwrap_err();
    assert!(timed.elapsed() < FAST);
    assert!(
        matches!(
            error,
            SecretsError::KeychainUnavailable {
                reason: UnavailableReason::NoService,
                ..
            }
        ),
        "{error:?}"
    );

    // Allowing a plain file is an explicit choice, and still refused in this version.
    let error = open_store(StoreChoice::AllowPlainFile, TIMEOUT).unwrap_err();
    assert!(
        matches!(
            error,
            SecretsError::PlainFileNotAvailable {
                reason: UnavailableReason::NoService
            }
        ),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("plain file is not available"),
        "{error}"
    );
    eprintln!("no bus: {:?}", timed.elapsed());
}
