//! Prometheus metrics: requests by method, route pattern and status, their durations, and
//! process figures. Unknown paths are counted under one label, so a scan cannot blow up the
//! number of series. Served at `/metrics` on the API port, or on a listener of its own.

use std::net::{SocketAddr, TcpListener};

use actix_web::dev::Server;
use actix_web::http::header;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpResponse, HttpServer, web};
use actix_web_prom::{PrometheusMetrics, PrometheusMetricsBuilder};
use prometheus::{Encoder, TextEncoder};

use super::error::ApiError;

/// The middleware that counts the API's requests; it answers `/metrics` itself only when
/// the metrics are served on the API port.
pub fn request_metrics(served_on_api_port: bool) -> std::io::Result<PrometheusMetrics> {
    let mut builder = PrometheusMetricsBuilder::new("tessera").mask_unmatched_patterns("UNMATCHED");
    if served_on_api_port {
        builder = builder.endpoint("/metrics");
    }
    builder
        .build()
        .map_err(|e| std::io::Error::other(format!("metrics: {e}")))
}

/// A listener of its own that answers only `GET /metrics` (and HEAD), so the API port
/// does not publish request rates to the world.
pub fn metrics_listener(
    bind: &str,
    metrics: PrometheusMetrics,
) -> std::io::Result<(Server, SocketAddr)> {
    let listener = TcpListener::bind(bind)?;
    let addr = listener.local_addr()?;
    let server = HttpServer::new(move || {
        App::new()
            .app_data(web::Data::new(metrics.clone()))
            .route("/metrics", web::get().to(exposition))
            .default_service(web::to(super::not_found))
            .wrap(from_fn(super::middleware::head_as_get))
            .wrap(from_fn(super::middleware::security_headers))
            .wrap(from_fn(super::middleware::request_context))
    })
    .workers(1)
    .shutdown_timeout(5)
    .listen(listener)?;
    Ok((server.run(), addr))
}

async fn exposition(metrics: web::Data<PrometheusMetrics>) -> Result<HttpResponse, ApiError> {
    let mut families = metrics.registry.gather();
    // Process figures live in the default registry.
    families.extend(prometheus::gather());
    let encoder = TextEncoder::new();
    let mut text = Vec::new();
    encoder
        .encode(&families, &mut text)
        .map_err(|e| ApiError::from(crate::service::Error::internal(e)))?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, encoder.format_type()))
        .body(text))
}
