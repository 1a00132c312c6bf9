// The browser-test harness: starts the real platform (`doorstep-pms demo`)
// and the real site (`doorstep-site`) on free loopback ports, and drives
// Debian's Chromium through playwright-core.
//
// Every server's output is kept; when a test fails, `failWithLogs` prints it
// so the cause is visible without re-running anything.

import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, existsSync, readdirSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";

const root = resolve(import.meta.dirname, "..");
const binDir = process.env.DOORSTEP_BIN_DIR ?? join(root, "target", "debug");
const siteRoot = process.env.DOORSTEP_SITE_ROOT ?? join(root, "target", "site");
const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";

/** Asks the kernel for a free loopback port. */
export function freePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

/** A child server whose output is kept for failure reports. */
class Server {
  constructor(name, command, args, env) {
    this.name = name;
    this.log = [];
    this.exited = null;
    this.child = spawn(command, args, {
      cwd: root,
      env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? "info", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      stream.setEncoding("utf8");
      stream.on("data", (chunk) => this.log.push(chunk));
    }
    this.child.on("exit", (code, signal) => {
      this.exited = signal ?? code;
    });
  }

  output() {
    return `----- ${this.name} -----\n${this.log.join("")}`;
  }

  async stop() {
    if (this.exited === null) {
      this.child.kill("SIGTERM");
      await new Promise((done) => this.child.once("exit", done));
    }
  }
}

async function waitUntil(what, server, check, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exited !== null) {
      throw new Error(`${server.name} exited (${server.exited}) before ${what}\n${server.output()}`);
    }
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}\n${server.output()}`);
}

/** Maps the platform's demo credentials to the site's variables. */
function credentialEnv(file) {
  const env = {};
  for (const tenant of JSON.parse(readFileSync(file, "utf8"))) {
    const slug = tenant.slug.toUpperCase().replaceAll("-", "_");
    env[`DOORSTEP_${slug}_CLIENT_ID`] = tenant.clientId;
    env[`DOORSTEP_${slug}_API_KEY`] = tenant.apiKey;
  }
  return env;
}

/**
 * Starts the platform with its demo tenants and the site in front of it.
 * Returns the site's base URL, a `hostUrl(slug)` helper, the credentials the
 * platform issued (for leak scans) and `stop()`.
 */
export async function startStack() {
  const work = mkdtempSync(join(tmpdir(), "doorstep-e2e-"));
  const credentialsFile = join(work, "credentials.json");
  const pmsPort = await freePort();
  const sitePort = await freePort();

  const pms = new Server("doorstep-pms", join(binDir, "doorstep-pms"), [
    "demo",
    "--credentials-out",
    credentialsFile,
    "--data-dir",
    work,
  ], {
    PMS_ADDR: `127.0.0.1:${pmsPort}`,
  });
  await waitUntil("the platform's demo credentials", pms, async () => existsSync(credentialsFile));
  await waitUntil("the platform to answer", pms, async () =>
    (await fetch(`http://127.0.0.1:${pmsPort}/openapi.json`)).ok);

  const credentials = JSON.parse(readFileSync(credentialsFile, "utf8"));
  const site = new Server("doorstep-site", join(binDir, "doorstep-site"), [], {
    SITE_ADDR: `127.0.0.1:${sitePort}`,
    SITE_ROOT: siteRoot,
    PMS_URL: `http://127.0.0.1:${pmsPort}`,
    TENANTS_DIR: join(root, "tenants"),
    ...credentialEnv(credentialsFile),
  });
  await waitUntil("the site to answer", site, async () =>
    (await fetch(`http://127.0.0.1:${sitePort}/healthz`)).ok);

  const servers = [pms, site];
  return {
    baseUrl: `http://localhost:${sitePort}`,
    hostUrl: (slug) => `http://${slug}.localhost:${sitePort}`,
    slugs: readdirSync(join(root, "tenants"), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name),
    credentials,
    logs: () => servers.map((s) => s.output()).join("\n"),
    stop: () => Promise.all(servers.map((s) => s.stop())),
  };
}

/**
 * Launches headless Chromium with the flags this closed network needs and a
 * fresh profile. Page errors and failed requests are collected on `problems`.
 */
export async function openBrowser() {
  const profile = mkdtempSync(join(tmpdir(), "doorstep-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const problems = [];
  const page = context.pages()[0] ?? (await context.newPage());
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error: ${message.text()}`);
  });
  page.on("requestfailed", (request) =>
    problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`));
  return { context, page, problems, close: () => context.close() };
}

/** Fails the current test with a message followed by every server's log. */
export function failWithLogs(stack, message) {
  throw new Error(`${message}\n\n${stack.logs()}`);
}

/**
 * Runs a test body; if it throws, the error is re-thrown with what the
 * browser reported and every server's log appended, so a failure in CI says
 * why without a re-run.
 */
export async function withLogs(stack, browser, body) {
  try {
    await body();
  } catch (error) {
    const said = browser?.problems.length ? browser.problems.join("\n") : "(nothing)";
    error.message = `${error.message}\n\nbrowser said:\n${said}\n\n${stack.logs()}`;
    throw error;
  }
}
