//! The contract between the Doorstep booking site and the platform API.
//!
//! Both sides depend on this crate and nothing else of each other, so a wire
//! type, a header name or the signature scheme can only change in one place.
//! It does no I/O and holds no secret: it may be compiled into the browser
//! bundle.

pub mod api;
pub mod booking;
pub mod forwarded;
pub mod headers;
pub mod rate_limit;
pub mod signature;
