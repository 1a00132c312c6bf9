//! A deadline for a whole request body.
//!
//! tower-http's body timeout starts again with every chunk that arrives, so
//! a client sending one byte every few seconds could hold a connection and
//! a task for as long as it liked. This deadline counts from the moment the
//! headers were read: by the time it passes, the whole body must be in, or
//! reading it fails (and the handler answers 408).

use std::future::Future as _;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::Request;
use http_body::{Frame, SizeHint};
use tokio::time::Sleep;

/// Gives `request`'s body `within` to arrive whole. A request without a
/// body is passed on as it is, with no timer.
pub fn with_deadline(request: Request, within: Duration) -> Request {
    request.map(|body| {
        if body.is_end_stream() {
            body
        } else {
            Body::new(DeadlineBody {
                inner: body,
                deadline: Box::pin(tokio::time::sleep(within)),
            })
        }
    })
}

/// The error a body past its deadline fails with.
#[derive(Debug, thiserror::Error)]
#[error("the request body did not arrive in time")]
pub struct BodyTooSlow;

/// A body that fails once its deadline passes.
struct DeadlineBody {
    inner: Body,
    deadline: Pin<Box<Sleep>>,
}

impl HttpBody for DeadlineBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = self.get_mut();
        if let Poll::Ready(frame) = Pin::new(&mut this.inner).poll_frame(cx) {
            return Poll::Ready(frame);
        }
        match this.deadline.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Some(Err(axum::Error::new(BodyTooSlow)))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
