//! `cargo xtask watch`: the edit loop. Runs the demo, and on every change
//! under `app/`, `server/`, `src/`, `style/` or `public/` rebuilds and
//! restarts both servers.

use std::{
    path::Path,
    thread::sleep,
    time::{Duration, SystemTime},
};

use anyhow::Result;

use crate::{
    bundle, demo,
    process::{self, Children},
    tools,
};

const WATCHED: &[&str] = &[
    "app", "server", "src", "style", "public", "pms/src", "tenants",
];

/// Rebuilds and restarts on change until Ctrl-C.
pub fn run() -> Result<()> {
    tools::ensure_all()?;
    process::stop_on_signal()?;
    let mut seen = newest_change();
    let mut children = Children::default();

    while !process::stop_requested() {
        match bundle::build_all(bundle::Bundle::Dev).and_then(|()| demo::start(&mut children)) {
            Ok(()) => eprintln!("xtask: serving on http://localhost:3000/, watching for changes"),
            Err(error) => eprintln!("xtask: {error:#}\nxtask: waiting for the next change"),
        }

        while !process::stop_requested() {
            sleep(Duration::from_millis(500));
            let newest = newest_change();
            if newest > seen {
                seen = newest;
                break;
            }
        }
        children.stop_all();
    }
    Ok(())
}

fn newest_change() -> SystemTime {
    WATCHED
        .iter()
        .map(|dir| newest_in(&crate::root().join(dir)))
        .max()
        .unwrap_or(SystemTime::UNIX_EPOCH)
}

fn newest_in(path: &Path) -> SystemTime {
    let Ok(meta) = std::fs::metadata(path) else {
        return SystemTime::UNIX_EPOCH;
    };
    let own = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
    if !meta.is_dir() {
        return own;
    }
    std::fs::read_dir(path)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| newest_in(&entry.path()))
        .fold(own, SystemTime::max)
}
