//! Running commands and child servers.

use std::{
    path::Path,
    process::{Child, Command},
    sync::atomic::{AtomicBool, Ordering},
};

use anyhow::{Context, Result, bail};

/// Runs `command` to completion and fails if it fails.
pub fn run(command: &mut Command) -> Result<()> {
    let shown = format!("{command:?}");
    let status = command
        .status()
        .with_context(|| format!("could not start {shown}"))?;
    if !status.success() {
        bail!("{shown} failed with {status}");
    }
    Ok(())
}

/// Runs `program` with `args` in the workspace root.
pub fn run_in_root(program: &str, args: &[&str]) -> Result<()> {
    run(Command::new(program).args(args).current_dir(crate::root()))
}

/// True when `program` can be started from `PATH`.
pub fn on_path(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .map(|out| out.status.success())
        .unwrap_or(false)
}

/// Child servers that are stopped when this value is dropped, so an early
/// return or a failed step never leaves a server running.
#[derive(Default)]
pub struct Children(Vec<(String, Child)>);

impl Children {
    /// Starts `command` as a child named `name`.
    pub fn spawn(&mut self, name: &str, command: &mut Command) -> Result<()> {
        let child = command
            .spawn()
            .with_context(|| format!("could not start {name}"))?;
        self.0.push((name.to_string(), child));
        Ok(())
    }

    /// Fails if a child has already exited.
    pub fn check_alive(&mut self) -> Result<()> {
        for (name, child) in &mut self.0 {
            if let Some(status) = child.try_wait()? {
                bail!("{name} exited early with {status}");
            }
        }
        Ok(())
    }

    /// Stops every child.
    pub fn stop_all(&mut self) {
        for (_, child) in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
        self.0.clear();
    }
}

impl Drop for Children {
    fn drop(&mut self) {
        self.stop_all();
    }
}

/// Copies the files of `from` into `to`, folders included.
pub fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)
                .with_context(|| format!("copying to {}", target.display()))?;
        }
    }
    Ok(())
}

static STOP: AtomicBool = AtomicBool::new(false);

/// Makes Ctrl-C, SIGTERM and SIGHUP ask long-running tasks to stop, so they
/// return normally and [`Children`] stops the servers on the way out (a
/// signal sent to this process alone would otherwise orphan them).
pub fn stop_on_signal() -> Result<()> {
    ctrlc::set_handler(|| STOP.store(true, Ordering::SeqCst))
        .context("could not install the signal handler")
}

/// True once a stop was asked for.
pub fn stop_requested() -> bool {
    STOP.load(Ordering::SeqCst)
}
