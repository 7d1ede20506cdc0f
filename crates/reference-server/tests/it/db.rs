use reference_server::db::{Backend, Db};
use reference_server::store::stores;

use crate::support::{for_each_db, for_each_url};

#[tokio::test]
async fn migrations_run_twice_are_a_no_op() {
    for_each_url(|url, backend| async move {
        let db = Db::connect(&url).await.unwrap();
        assert_eq!(db.backend(), backend);
        db.migrate().await.unwrap();
        db.close().await;
        // A second instance migrating the same database changes nothing either.
        let again = Db::connect(&url).await.unwrap();
        assert_eq!(stores::count_stores(&again).await.unwrap(), 0);
        again.close().await;
    })
    .await;
}

#[tokio::test]
async fn settings_are_shared_between_instances() {
    for_each_url(|url, _| async move {
        let a = Db::connect(&url).await.unwrap();
        let b = Db::connect(&url).await.unwrap();
        let secret_a = stores::jwt_secret(&a, None).await.unwrap();
        let secret_b = stores::jwt_secret(&b, None).await.unwrap();
        assert_eq!(
            secret_a, secret_b,
            "second instance reuses the stored secret"
        );
        assert_eq!(secret_a.len(), 64);
        assert_eq!(
            stores::jwt_secret(&a, Some("given")).await.unwrap(),
            "given"
        );
        stores::set_setting(&b, "k", "v1").await.unwrap();
        stores::set_setting(&b, "k", "v2").await.unwrap();
        assert_eq!(
            stores::get_setting(&a, "k").await.unwrap().as_deref(),
            Some("v2")
        );
        a.close().await;
        b.close().await;
    })
    .await;
}

#[tokio::test]
async fn in_memory_sqlite_keeps_its_data() {
    let db = Db::connect("sqlite::memory:").await.unwrap();
    assert_eq!(db.backend(), Backend::Sqlite);
    stores::set_setting(&db, "k", "v").await.unwrap();
    assert_eq!(
        stores::get_setting(&db, "k").await.unwrap().as_deref(),
        Some("v")
    );
}

#[tokio::test]
async fn bad_urls_are_errors() {
    assert!(Db::connect("mysql://x").await.is_err());
}

#[tokio::test]
async fn empty_database_has_no_stores() {
    for_each_db(|db| async move {
        assert_eq!(stores::count_stores(&db).await.unwrap(), 0);
        assert!(stores::find_store(&db, "demo").await.unwrap().is_none());
    })
    .await;
}
