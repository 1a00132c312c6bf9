//! Prometheus metrics of the site, served at `/metrics` on the metrics
//! listener (`SITE_METRICS_ADDR`) and never on the public one.
//!
//! No metric carries a tenant label all the same: a tenant's name or client
//! ID in a label would tell anyone who sees a scrape which tenants this site
//! serves. Per-tenant detail belongs in the logs, where every line of a
//! request carries `tenant.client_id`.

use std::time::Duration;

use prometheus_client::{
    encoding::{EncodeLabelSet, EncodeLabelValue},
    metrics::{counter::Counter, family::Family, gauge::Gauge, histogram::Histogram},
    registry::Registry,
};

/// Labels of the request metrics.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    /// The matched route pattern (`/`, `/api/listings`, `/healthz`), or
    /// `other` for static files and unknown paths, so a scanner cannot make
    /// the label set grow without bound.
    pub route: String,
    /// The HTTP method.
    pub method: String,
}

/// Labels of the finished-request counter.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct StatusLabels {
    pub route: String,
    pub method: String,
    /// The status class: `2xx`, `3xx`, `4xx` or `5xx`.
    pub status: String,
}

/// Where a signature came from.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq, EncodeLabelValue)]
pub enum Tier {
    /// The in-process cache.
    L1,
    /// Redis, shared by every site process.
    L2,
    /// Neither: the platform was asked.
    Miss,
}

/// Labels of the signature cache counter.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct TierLabels {
    pub tier: Tier,
}

/// Labels of counters with an outcome.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabels {
    pub outcome: String,
}

/// Labels of the platform error counter.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct PlatformErrorLabels {
    /// `unavailable`, `timeout`, `unauthorized`, `rejected`, `not_found`,
    /// `rate_limited` or `bad_response`.
    pub kind: String,
}

type HistogramFamily<L> = Family<L, Histogram, fn() -> Histogram>;

/// Every metric of the site.
pub struct Metrics {
    registry: Registry,
    /// Finished requests by route, method and status class.
    pub requests: Family<StatusLabels, Counter>,
    /// Request latency by route and method, in seconds.
    pub request_duration: HistogramFamily<RouteLabels>,
    /// Calls to `POST /auth/signature`, by outcome (`ok` or `error`).
    pub signature_fetches: Family<OutcomeLabels, Counter>,
    /// Signatures served, by the cache tier that had them.
    pub signature_cache: Family<TierLabels, Counter>,
    /// Platform calls that failed, by kind.
    pub platform_errors: Family<PlatformErrorLabels, Counter>,
    /// Platform call latency in seconds, all attempts of one call together.
    pub platform_duration: Histogram,
    /// Redis operations that failed (the cache then works without L2).
    pub redis_errors: Counter,
    /// 1 while Redis answers, 0 while it does not or is not configured.
    pub redis_up: Gauge,
    /// Requests refused by a rate limit.
    pub rate_limited: Counter,
}

fn latency_histogram() -> Histogram {
    // 100 µs to about 13 s: the site's own overhead sits at the bottom,
    // platform time-outs at the top.
    Histogram::new(prometheus_client::metrics::histogram::exponential_buckets(
        0.0001, 2.0, 18,
    ))
}

impl Metrics {
    /// Creates and registers every metric under the `doorstep_site` prefix.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("doorstep_site");
        let metrics = Self {
            requests: Family::default(),
            request_duration: Family::new_with_constructor(latency_histogram),
            signature_fetches: Family::default(),
            signature_cache: Family::default(),
            platform_errors: Family::default(),
            platform_duration: latency_histogram(),
            redis_errors: Counter::default(),
            redis_up: Gauge::default(),
            rate_limited: Counter::default(),
            registry: Registry::default(),
        };

        registry.register(
            "http_requests",
            "Finished HTTP requests",
            metrics.requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "HTTP request latency",
            metrics.request_duration.clone(),
        );
        registry.register(
            "signature_fetches",
            "Calls to the platform's POST /auth/signature",
            metrics.signature_fetches.clone(),
        );
        registry.register(
            "signature_cache_lookups",
            "Signatures served, by the cache tier that held them",
            metrics.signature_cache.clone(),
        );
        registry.register(
            "platform_errors",
            "Failed platform calls, by kind",
            metrics.platform_errors.clone(),
        );
        registry.register(
            "platform_call_duration_seconds",
            "Platform call latency, retries included",
            metrics.platform_duration.clone(),
        );
        registry.register(
            "redis_errors",
            "Failed Redis operations",
            metrics.redis_errors.clone(),
        );
        registry.register(
            "redis_up",
            "Whether Redis answered last time",
            metrics.redis_up.clone(),
        );
        registry.register(
            "rate_limited",
            "Requests refused by a per-address rate limit",
            metrics.rate_limited.clone(),
        );

        Self {
            registry,
            ..metrics
        }
    }

    /// Counts one signature served from `tier`.
    pub fn cache_lookup(&self, tier: Tier) {
        self.signature_cache
            .get_or_create(&TierLabels { tier })
            .inc();
    }

    /// Counts one call to `/auth/signature`.
    pub fn signature_fetch(&self, ok: bool) {
        let outcome = if ok { "ok" } else { "error" }.to_string();
        self.signature_fetches
            .get_or_create(&OutcomeLabels { outcome })
            .inc();
    }

    /// Counts one failed platform call.
    pub fn platform_error(&self, kind: &str) {
        self.platform_errors
            .get_or_create(&PlatformErrorLabels {
                kind: kind.to_string(),
            })
            .inc();
    }

    /// Records one finished request. Methods outside the few the site
    /// serves share the label `other`, as unknown paths share one route, so
    /// made-up methods cannot grow the label set without bound.
    pub fn request(&self, route: &str, method: &str, status: u16, elapsed: Duration) {
        let method = match method {
            "GET" | "HEAD" | "POST" | "OPTIONS" => method,
            _ => "other",
        };
        let labels = RouteLabels {
            route: route.to_string(),
            method: method.to_string(),
        };
        self.request_duration
            .get_or_create(&labels)
            .observe(elapsed.as_secs_f64());
        let status = format!("{}xx", status / 100);
        self.requests
            .get_or_create(&StatusLabels {
                route: labels.route,
                method: labels.method,
                status,
            })
            .inc();
    }

    /// The metrics in the Prometheus text format.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry)
            .expect("writing to a String cannot fail");
        out
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_metrics_name_each_family() {
        let metrics = Metrics::new();
        metrics.cache_lookup(Tier::L1);
        metrics.signature_fetch(true);
        metrics.request("/", "GET", 200, Duration::from_millis(3));

        let text = metrics.encode();

        assert!(
            text.contains("doorstep_site_signature_cache_lookups_total{tier=\"L1\"} 1"),
            "{text}"
        );
        assert!(text.contains("doorstep_site_signature_fetches_total{outcome=\"ok\"} 1"));
        assert!(text.contains(
            "doorstep_site_http_requests_total{route=\"/\",method=\"GET\",status=\"2xx\"} 1"
        ));
    }

    #[test]
    fn made_up_methods_share_one_label() {
        let metrics = Metrics::new();
        for n in 0..100 {
            metrics.request("other", &format!("M{n}"), 405, Duration::from_millis(1));
        }
        metrics.request("other", "DELETE", 405, Duration::from_millis(1));

        let text = metrics.encode();
        let series = text
            .lines()
            .filter(|line| line.starts_with("doorstep_site_http_requests_total{"))
            .collect::<Vec<_>>();

        assert_eq!(
            series,
            [
                "doorstep_site_http_requests_total{route=\"other\",method=\"other\",status=\"4xx\"} 101"
            ]
        );
    }
}
