// Debian's Chromium driven by playwright-core (which never downloads a browser of its own), and a wrapper that
// keeps a screenshot and the browser's console when a scenario fails.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
/** Where failure screenshots go (gitignored). */
export const artifactsDir = join(here, "artifacts");

/** How long one page action or wait may take before the scenario fails. */
const actionTimeoutMs = 20_000;

/** Launches headless Chromium from $E2E_CHROMIUM or /usr/bin/chromium. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.E2E_CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    // Chromium refuses its sandbox as root (CI runs as root); the page only talks to 127.0.0.1.
    args: ["--no-sandbox"],
  });
}

/**
 * Runs `scenario` with a fresh page (own storage, so Hydrogen starts logged out). When it throws, saves
 * artifacts/<test name>.png and artifacts/<test name>.log (console and failed requests), prints their
 * paths, and rethrows.
 * @param {import("playwright-core").Browser} browser
 * @param {import("node:test").TestContext} t
 * @param {(page: import("playwright-core").Page) => Promise<void>} scenario
 */
export async function withFailureScreenshot(browser, t, scenario) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(actionTimeoutMs);
  const page = await context.newPage();
  const log = [];
  page.on("console", (msg) => log.push(`console.${msg.type()}: ${msg.text()}`));
  page.on("pageerror", (err) => log.push(`pageerror: ${err.stack ?? err}`));
  page.on("requestfailed", (req) => log.push(`request failed: ${req.method()} ${req.url()} ${req.failure()?.errorText}`));
  page.on("response", (res) => {
    if (res.status() >= 400) log.push(`HTTP ${res.status()}: ${res.request().method()} ${res.url()}`);
  });
  try {
    await scenario(page);
  } catch (err) {
    mkdirSync(artifactsDir, { recursive: true });
    const base = join(artifactsDir, t.name.replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 100));
    try {
      await page.screenshot({ path: `${base}.png`, fullPage: true, timeout: 10_000 });
      t.diagnostic(`screenshot: ${base}.png`);
    } catch (shotErr) {
      t.diagnostic(`no screenshot: ${shotErr.message}`);
    }
    writeFileSync(`${base}.log`, log.join("\n") + "\n");
    t.diagnostic(`browser log: ${base}.log`);
    console.error(`browser test failed; screenshot ${base}.png, browser log ${base}.log`);
    throw err;
  } finally {
    // HTTP errors Hydrogen met are worth seeing even on success (endpoints it asked for that are missing).
    for (const line of log.filter((l) => l.startsWith("HTTP "))) t.diagnostic(line);
    await context.close();
  }
}
