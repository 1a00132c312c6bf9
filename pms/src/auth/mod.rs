//! The platform side of the signature protocol: issuing signatures and
//! verifying signed requests.
//!
//! - [`issue`]: `POST /auth/signature`, rate-limited per client and per
//!   source address ([`doorstep::rate_limit`], [`client_addr`]; in each
//!   process, so N platform instances allow N times the limit).
//! - [`verify`]: [`VerifySignatureLayer`], the tower layer in front of every
//!   `/v1/clients/**` route, which attaches a [`CurrentTenant`].
//! - [`cache`]: the in-process credential cache both of them read through.

pub mod cache;
pub mod client_addr;
pub mod issue;
pub mod tenant;
pub mod verify;

pub use cache::CredentialCache;
pub use tenant::CurrentTenant;
pub use verify::{Rejection, Verifier, VerifySignatureLayer};
