// The whole path in a real browser: each demo tenant's host renders its own
// themed listings (names, photos, prices from the platform through signed
// calls), the load-more island calls the same server function, the index
// host lists the tenants, an unknown host gets a bare 404, and nothing the
// browser receives contains a client ID, an API key or a signature.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { failWithLogs, openBrowser, startStack } from "./harness.mjs";

let stack;
let browser;
/** Every response body and header the browser received. */
const received = [];

before(async () => {
  stack = await startStack();
  browser = await openBrowser();
  browser.page.on("response", async (response) => {
    const headers = JSON.stringify(await response.allHeaders());
    const body = await response.text().catch(() => "");
    received.push(`${response.url()}\n${headers}\n${body}`);
  });
});

after(async () => {
  await browser?.close();
  await stack?.stop();
});

test("each tenant host shows its own themed listings with photos and prices", async () => {
  const { page } = browser;
  const seen = {};

  for (const slug of stack.slugs) {
    const response = await page.goto(stack.hostUrl(slug));
    assert.equal(response.status(), 200, `${slug} answers`);
    const names = await page.getByTestId("listing-name").allTextContents();
    const prices = await page.getByTestId("listing-price").allTextContents();
    const photos = await page.getByTestId("listing-photo").count();
    assert.ok(names.length > 0, `${slug} lists places`);
    assert.equal(prices.length, names.length, `${slug} prices every place`);
    assert.ok(photos > 0, `${slug} shows photos`);
    const primary = await page.evaluate(() =>
      getComputedStyle(document.documentElement).getPropertyValue("--ds-primary").trim());
    seen[slug] = { names, primary };
  }

  const primaries = new Set(Object.values(seen).map((s) => s.primary));
  assert.equal(primaries.size, stack.slugs.length, "every tenant has its own theme");
  const all = Object.values(seen).flatMap((s) => s.names);
  assert.equal(new Set(all).size, all.length, "no tenant shows another's listings");
});

test("the load-more island fetches the next page through the server function", async () => {
  const { page, problems } = browser;
  const slug = stack.slugs[0];
  await page.goto(stack.hostUrl(slug));
  const firstPage = await page.getByTestId("listing-name").count();
  const button = page.getByTestId("more-button");

  try {
    await page.waitForSelector('[data-testid="guest-counter"][data-hydrated="true"]', { timeout: 15_000 });
    await button.click();
    await page.waitForFunction(
      (before) => document.querySelectorAll('[data-testid="listing-name"]').length > before,
      firstPage,
      { timeout: 10_000 },
    );
  } catch (error) {
    failWithLogs(stack, `load-more did not work: ${error}\nbrowser said:\n${problems.join("\n")}`);
  }

  const names = await page.getByTestId("listing-name").allTextContents();
  assert.equal(new Set(names).size, names.length, "the second page adds new places");
  assert.deepEqual(problems, [], "no console errors (a CSP violation would be one)");
});

test("the browser's own call of the server function returns the page's data", async () => {
  const { page } = browser;
  const slug = stack.slugs[1];
  await page.goto(stack.hostUrl(slug));
  const shown = await page.getByTestId("listing-name").allTextContents();

  const data = await page.evaluate(async () => {
    const response = await fetch("/api/listings", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ search: { page: 1, pageSize: 6 } }),
    });
    return { status: response.status, body: await response.json() };
  });

  assert.equal(data.status, 200);
  assert.deepEqual(data.body.items.map((item) => item.name), shown);
});

test("the index host links every tenant's site", async () => {
  const { page } = browser;
  await page.goto(`${stack.baseUrl}/`);

  const links = await page.getByTestId("tenant-index").locator("a").evaluateAll((as) =>
    as.map((a) => a.href));

  for (const slug of stack.slugs) {
    assert.ok(links.includes(`${stack.hostUrl(slug)}/`), `links ${slug}: ${links}`);
  }
});

test("an unknown host gets a bare 404 that names no tenant", async () => {
  const { page } = browser;
  const url = stack.hostUrl("nobody");

  const response = await page.goto(url);

  assert.equal(response.status(), 404);
  assert.equal(await response.text(), "Not found");
});

test("nothing the browser received holds a credential or a signature", async () => {
  assert.ok(received.length > 10, "the scan saw the earlier tests' traffic");
  for (const tenant of stack.credentials) {
    const secrets = [tenant.clientId, tenant.apiKey, tenant.apiKey.split(".")[1]];
    for (const text of received) {
      for (const secret of secrets) {
        assert.ok(!text.includes(secret), `a response contains ${tenant.slug}'s credentials`);
      }
    }
  }
  // The platform's demo mode prints the keys it made; the site never does.
  const siteLog = stack.logs().split("----- doorstep-site -----")[1] ?? "";
  assert.ok(siteLog.length > 0, "the site's log was captured");
  for (const tenant of stack.credentials) {
    assert.ok(!siteLog.includes(tenant.apiKey), "the site's log holds no API key");
  }
});
