//! Components shared by several pages. Interactive ones are islands.

mod guest_counter;

pub use guest_counter::GuestCounter;
