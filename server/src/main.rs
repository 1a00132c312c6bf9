//! `doorstep-site`: the booking-site server binary.

use std::process::ExitCode;

use doorstep_site::{settings::Settings, site, telemetry};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    telemetry::init();

    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("doorstep-site: {error}");
            return ExitCode::from(2);
        }
    };

    match site::serve(settings) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "the site server stopped");
            eprintln!("doorstep-site: {error:#}");
            ExitCode::FAILURE
        }
    }
}
