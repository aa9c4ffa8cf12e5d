//! The real OS keychain. On Linux this needs a D-Bus session with an unlocked Secret Service
//! (gnome-keyring); `scripts/test.sh` starts one and runs this with `--ignored`.

use flowguard_secrets::{
    KEYCHAIN_PROBE_TIMEOUT, KeychainSecretStore, Secret, SecretKey, SecretStore,
};

#[test]
#[ignore = "needs an unlocked OS keychain: run scripts/test.sh"]
fn secrets_round_trip_through_the_os_keychain() {
    let store = KeychainSecretStore::new("dev.flowguard.desktop.test");
    store
        .probe(KEYCHAIN_PROBE_TIMEOUT)
        .expect("the keychain answers");
    let key = SecretKey::new(format!("test:{}", std::process::id()), "client_secret");
    assert_eq!(store.get(&key).unwrap(), None);
    store.set(&key, &Secret::new("s3cret value")).unwrap();
    assert_eq!(store.get(&key).unwrap(), Some(Secret::new("s3cret value")));
    store.set(&key, &Secret::new("rotated")).unwrap();
    assert_eq!(store.get(&key).unwrap(), Some(Secret::new("rotated")));
    store.delete(&key).unwrap();
    assert_eq!(store.get(&key).unwrap(), None);
}
