//! Makes sure Redis and PostgreSQL answer on their usual loopback ports,
//! starting them when they are installed but stopped.

use std::{
    net::{SocketAddr, TcpStream},
    process::Command,
    thread::sleep,
    time::Duration,
};

use anyhow::{Result, bail};

use crate::process::on_path;

/// Redis, as the tests expect it.
const REDIS: &str = "127.0.0.1:6379";
/// PostgreSQL, as the tests expect it (trust authentication, user `postgres`).
const POSTGRES: &str = "127.0.0.1:5432";

/// Ensures both services answer, or says how to get them.
pub fn ensure_all() -> Result<()> {
    ensure(
        "Redis",
        REDIS,
        "redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no",
        "apt-get install -y redis-server",
    )?;
    ensure(
        "PostgreSQL",
        POSTGRES,
        "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql | tail -n 1) main start",
        "apt-get install -y postgresql (with trust authentication on 127.0.0.1)",
    )
}

fn ensure(name: &str, addr: &str, start: &str, install: &str) -> Result<()> {
    if answers(addr) {
        return Ok(());
    }

    let program = start.split_whitespace().next().unwrap_or_default();
    if !on_path(program) {
        bail!("{name} is not running on {addr} and {program} is not installed: {install}");
    }
    eprintln!("xtask: starting {name}");
    let _ = Command::new("sh").args(["-c", start]).status();

    for _ in 0..50 {
        if answers(addr) {
            return Ok(());
        }
        sleep(Duration::from_millis(200));
    }
    bail!("{name} did not come up on {addr} after `{start}`; start it by hand and run again")
}

fn answers(addr: &str) -> bool {
    let addr: SocketAddr = addr.parse().expect("a literal socket address");
    TcpStream::connect_timeout(&addr, Duration::from_millis(500)).is_ok()
}
