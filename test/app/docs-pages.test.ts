/**
 * The rule docs the app serves, read in a real browser (Debian's headless Chromium driven by playwright-core): the
 * index lists every registered rule with its severity and description, every page renders its heading and its "What
 * Emissary does" section, links between pages resolve, no content is blocked by the pages' Content-Security-Policy,
 * and a hostile rule id in the URL is a 404. In CI (CI=true) a missing Chromium fails the test; elsewhere it is skipped.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { chromium, type Browser, type Page } from "playwright-core";
import { docsHandler } from "../../src/app/docs-route.js";
import { RULES } from "../../src/core/rules/index.js";

const CHROMIUM = process.env.MTLS_GATE_TEST_CHROMIUM ?? "/usr/bin/chromium";
const haveChromium = existsSync(CHROMIUM);
const inCi = process.env.CI === "true";
if (!haveChromium && !inCi)
  process.stderr.write(`docs-pages: skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)\n`);

/** The flags of a quiet, offline browser: nothing reaches the network but the test's own server. */
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** A GET with the path sent exactly as given (browsers and fetch collapse dot segments before sending). */
function rawGet(base: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method: "GET" }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe(
  "rule docs pages in headless Chromium",
  { skip: !haveChromium && !inCi ? `no Chromium at ${CHROMIUM}` : false, timeout: 180_000 },
  () => {
    let server: Server;
    let base: string;
    let browser: Browser;
    let page: Page;
    let profile: string;
    const problems: string[] = [];

    before(async () => {
      assert.ok(haveChromium, `CI=true and no Chromium at ${CHROMIUM}: .ci/run installs Debian's chromium`);
      const docs = docsHandler();
      server = createServer((req, res) => {
        if (!docs(req, res)) res.writeHead(404).end();
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      // Playwright gives the browser a fresh profile of its own; this folder only takes the screenshot.
      profile = mkdtempSync(join(tmpdir(), "mtls-gate-chromium-"));
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: CHROMIUM_ARGS,
      });
      page = await browser.newPage();
      // A script error or a resource the CSP blocks shows up here: the pages must need neither.
      page.on("console", (message) => {
        if (message.type() === "error") problems.push(`console: ${message.text()}`);
      });
      page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    });

    after(async () => {
      await browser?.close();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      if (profile) rmSync(profile, { recursive: true, force: true });
    });

    it("the index lists every registered rule with its default severity and one-line description", async () => {
      const response = await page.goto(`${base}/docs/rules`);
      assert.equal(response?.status(), 200);
      assert.match(response?.headers()["cache-control"] ?? "", /^public, max-age=\d+$/);
      assert.match(response?.headers()["content-security-policy"] ?? "", /default-src 'none'/);
      assert.equal(await page.locator("h1").textContent(), "mtls-gate rules");
      const rows = await page
        .locator("tbody tr")
        .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent ?? "")));
      assert.deepEqual(
        rows,
        RULES.map(({ meta }) => [meta.id, meta.severity, meta.description]),
      );
      assert.deepEqual(problems, []);
    });

    it("every page renders its heading and its What Emissary does section, reached from the index's links", async () => {
      await page.goto(`${base}/docs/rules`);
      const hrefs = await page
        .locator("tbody td:first-child a")
        .evaluateAll((as) => as.map((a) => (a as unknown as { href: string }).href));
      assert.equal(hrefs.length, RULES.length);
      for (const [index, href] of hrefs.entries()) {
        const id = RULES[index]?.meta.id ?? "";
        assert.equal(href, `${base}/docs/rules/${id}`);
        const response = await page.goto(href);
        assert.equal(response?.status(), 200, id);
        assert.equal(await page.title(), `${id} · mtls-gate rules`);
        assert.equal(await page.locator("h1").textContent(), id, `${id}: its heading`);
        const section = page.locator("h2", { hasText: /^What Emissary does$/ });
        assert.equal(await section.count(), 1, `${id}: a What Emissary does section`);
        const following = await section.evaluate((h2) => h2.nextElementSibling?.textContent?.trim() ?? "");
        assert.ok(following.length > 20, `${id}: the section says something (${JSON.stringify(following)})`);
      }
      assert.deepEqual(problems, []);
    });

    it("links between pages resolve: a sibling rule, and back to the index", async () => {
      await page.goto(`${base}/docs/rules/mtls-downgrade`);
      await page.locator('a[href="suppression-pending"]').first().click();
      await page.waitForURL(`${base}/docs/rules/suppression-pending`);
      assert.equal(await page.locator("h1").textContent(), "suppression-pending");
      await page.locator("nav a").click();
      await page.waitForURL(`${base}/docs/rules`);
      assert.equal(await page.locator("tbody tr").count(), RULES.length);
      await page.screenshot({ path: join(profile, "index.png") });
    });

    it("a hostile or unknown rule id in the URL is a 404 that shows nothing of the server", async () => {
      const hostile = [
        "no-such-rule",
        "..%2F..%2Fpackage.json",
        "%2e%2e%2f%2e%2e%2fpackage.json",
        "weak-key%00",
        "weak-key.md",
        "WEAK-KEY",
        "weak-key/extra",
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "a".repeat(5000),
      ];
      for (const id of hostile) {
        const response = await page.goto(`${base}/docs/rules/${id}`);
        assert.equal(response?.status(), 404, id.slice(0, 40));
        const text = (await page.locator("body").textContent()) ?? "";
        assert.doesNotMatch(text, /"dependencies"|alert\(1\)|weak-key/, id.slice(0, 40));
      }
      // Dot segments that a browser would collapse, sent as they are.
      for (const path of [
        "/docs/rules/../../package.json",
        "/docs/rules/./weak-key",
        "/docs/rules/%2E%2E/%2E%2E/package.json",
        "/docs/rules/..\\..\\package.json",
      ]) {
        const response = await rawGet(base, path);
        assert.equal(response.status, 404, path);
        assert.doesNotMatch(response.body, /"dependencies"/, path);
      }
      assert.equal((await fetch(`${base}/docs/rules/weak-key`, { method: "POST" })).status, 405);
    });
  },
);
