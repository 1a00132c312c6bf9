// Proves the browser bundle loads and the islands hydrate: on a tenant's
// listings page, the guest counter only reacts to clicks once its
// WebAssembly is running.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { openBrowser, startStack, withLogs } from "./harness.mjs";

let stack;
let browser;

before(async () => {
  stack = await startStack();
  browser = await openBrowser();
});

after(async () => {
  await browser?.close();
  await stack?.stop();
});

test("the bundle is served as application/wasm", async () => {
  const response = await fetch(`${stack.baseUrl}/pkg/doorstep.wasm`);

  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "application/wasm");
});

test("the guest counter hydrates and reacts to a click", () =>
  withLogs(stack, browser, async () => {
    const { page, problems } = browser;

    await page.goto(`${stack.hostUrl(stack.slugs[0])}/`);
    const counter = page.getByTestId("guest-counter").first();
    const count = counter.getByTestId("guest-count");
    assert.equal(await count.textContent(), "2", "server-rendered value");

    // The marker is set by an effect, and effects only run in the browser.
    await counter.and(page.locator('[data-hydrated="true"]')).waitFor({ timeout: 15_000 });
    await counter.getByRole("button", { name: "More guests" }).click();

    await page.waitForFunction(
      () => document.querySelector('[data-testid="guest-count"]')?.textContent === "3",
      null,
      { timeout: 5_000 },
    );
    assert.deepEqual(problems, [], "the page logged no errors");
  }));
