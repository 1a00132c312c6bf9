//! The tower plumbing around [`Verifier`].

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use tower::{Layer, Service};

use super::Verifier;

/// Wraps a router or service so that every request passes [`Verifier`]
/// first. Refused requests never reach the inner service; accepted ones
/// carry an `Arc<`[`crate::auth::CurrentTenant`]`>` in their extensions,
/// which the `CurrentTenant` extractor reads.
#[derive(Debug, Clone)]
pub struct VerifySignatureLayer {
    verifier: Arc<Verifier>,
}

impl VerifySignatureLayer {
    /// A layer verifying with `verifier`.
    pub fn new(verifier: Verifier) -> Self {
        Self {
            verifier: Arc::new(verifier),
        }
    }
}

impl<S> Layer<S> for VerifySignatureLayer {
    type Service = VerifySignature<S>;

    fn layer(&self, inner: S) -> Self::Service {
        VerifySignature {
            inner,
            verifier: Arc::clone(&self.verifier),
        }
    }
}

/// The service made by [`VerifySignatureLayer`].
#[derive(Debug, Clone)]
pub struct VerifySignature<S> {
    inner: S,
    verifier: Arc<Verifier>,
}

impl<S> Service<Request> for VerifySignature<S>
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request) -> Self::Future {
        // The clone that was polled ready is the one that must be called.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let verifier = Arc::clone(&self.verifier);

        Box::pin(async move {
            match verifier.verify(request.headers()).await {
                Ok(tenant) => {
                    request.extensions_mut().insert(tenant);
                    inner.call(request).await
                }
                Err(rejection) => Ok(rejection.into_response()),
            }
        })
    }
}
