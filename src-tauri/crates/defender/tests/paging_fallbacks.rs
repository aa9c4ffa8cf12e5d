//! Paging shapes the emulator does not produce (it always sends an absolute `@odata.nextLink`):
//! a service that pages only with `$skip`, one with relative nextLinks, and one whose nextLink
//! points at another host. A tiny local axum server is unavoidable here.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::{Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use flowguard_defender::{
    Cloud, DefenderClient, DefenderConfig, DefenderError, ListQuery, RateLimits, Secret,
};
use serde_json::{Value, json};

#[derive(Clone, Copy)]
enum Style {
    SkipOnly,
    RelativeLink,
    ForeignLink,
}

const TOTAL: usize = 23;

async fn alerts(
    State(style): State<Style>,
    Query(query): Query<HashMap<String, String>>,
) -> Json<Value> {
    let top: usize = query
        .get("$top")
        .and_then(|top| top.parse().ok())
        .unwrap_or(TOTAL);
    let skip: usize = query
        .get("$skip")
        .and_then(|skip| skip.parse().ok())
        .unwrap_or(0);
    let value: Vec<Value> = (skip..TOTAL.min(skip + top))
        .map(|index| json!({"id": format!("alert-{index}"), "severity": "Low", "status": "New", "title": "t"}))
        .collect();
    let mut body = json!({"@odata.context": "x/api/$metadata#Alerts", "value": value});
    if skip + top < TOTAL {
        match style {
            Style::SkipOnly => {}
            Style::RelativeLink => {
                body["@odata.nextLink"] = json!(format!("?$top={top}&$skip={}", skip + top));
            }
            Style::ForeignLink => {
                body["@odata.nextLink"] = json!("https://elsewhere.example/api/alerts?$skip=5");
            }
        }
    }
    Json(body)
}

async fn token() -> Json<Value> {
    Json(json!({"token_type": "Bearer", "expires_in": 3599, "access_token": "local"}))
}

async fn serve(style: Style) -> SocketAddr {
    let app = Router::new()
        .route("/tenant/oauth2/v2.0/token", post(token))
        .route("/api/alerts", get(alerts))
        .with_state(style);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

async fn client(style: Style) -> DefenderClient {
    let base = format!("http://{}", serve(style).await);
    let mut config = DefenderConfig::new(
        &Cloud::Custom {
            login_base: base.clone(),
            api_base: base,
        },
        "tenant",
        "client",
        Secret::new("s"),
    );
    config.limits = RateLimits::unlimited();
    DefenderClient::new(&config).unwrap()
}

fn ids(alerts: &[flowguard_defender::entities::Alert]) -> Vec<String> {
    alerts.iter().map(|alert| alert.id.clone()).collect()
}

fn expected() -> Vec<String> {
    (0..TOTAL).map(|index| format!("alert-{index}")).collect()
}

#[tokio::test]
async fn pages_with_skip_when_there_is_no_next_link() {
    let client = client(Style::SkipOnly).await;
    let all = tokio::time::timeout(
        Duration::from_secs(20),
        client.list_all_alerts(&ListQuery::new().top(5)),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(ids(&all), expected());
}

#[tokio::test]
async fn follows_relative_next_links() {
    let client = client(Style::RelativeLink).await;
    let all = tokio::time::timeout(
        Duration::from_secs(20),
        client.list_all_alerts(&ListQuery::new().top(4)),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(ids(&all), expected());
}

#[tokio::test]
async fn refuses_next_links_to_another_host() {
    let client = client(Style::ForeignLink).await;
    let error = tokio::time::timeout(
        Duration::from_secs(20),
        client.list_all_alerts(&ListQuery::new().top(5)),
    )
    .await
    .unwrap()
    .unwrap_err();
    assert!(
        matches!(error, DefenderError::ForeignNextLink { .. }),
        "{error}"
    );
}
