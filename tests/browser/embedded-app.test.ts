/**
 * The embedded app in the simulator's admin shell, in a real browser (Debian Chromium driven by
 * playwright-core): token exchange on first load, the Polaris dashboard inside the iframe, the app's
 * nav in the shell, client-side navigation with App Bridge's Authorization header, the session-token
 * bounce page, toasts. Screenshots go to test-results/screenshots/.
 *
 * Skipped (with a message) only when /usr/bin/chromium is missing outside CI; in CI it fails.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type BrowserContext, type Frame, type Page } from "playwright-core";

import { REPO_ROOT, startDemo, type Demo } from "../../scripts/demo-lib";
import { CHROMIUM, CHROMIUM_FLAGS, SCREENSHOTS, USER_AGENT, haveChromium } from "./chromium";
import { hostParam } from "../../simulator/src/admin-shell/index";



if (!haveChromium && !process.env.CI) {
  console.warn(
    `SKIPPED tests/browser/embedded-app.test.ts: ${CHROMIUM} is missing (apt-get install -y chromium)`,
  );
}

describe.skipIf(!haveChromium && !process.env.CI)(
  "embedded app in the admin shell (Chromium)",
  () => {
    let demo: Demo;
    let context: BrowserContext;
    let page: Page;
    let tmp: string;

    beforeAll(async () => {
      if (!haveChromium)
        throw new Error(`${CHROMIUM} is missing: CI must install Debian's chromium package`);
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), "storesync-browser-"));
      demo = await startDemo({ port: 0, dataDir: tmp });
      context = await chromium.launchPersistentContext(path.join(tmp, "chromium-profile"), {
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_FLAGS,
        viewport: { width: 1440, height: 900 },
        userAgent: USER_AGENT,
      });
      page = context.pages()[0] ?? (await context.newPage());
      fs.mkdirSync(SCREENSHOTS, { recursive: true });
      // Warm-up: on a fresh clone Vite optimises the client dependencies on the first page load
      // (and may reload the page once it discovers more). Load the app once, outside the timed
      // tests, so they measure the app and not the dev server's cold start.
      const warm = await context.newPage();
      await warm.goto(demo.adminUrl);
      await warm
        .frameLocator("#app-iframe, iframe[name=app-iframe]")
        .locator(".Polaris-Page")
        .first()
        .waitFor({ timeout: 240_000 });
      await warm.close();
    }, 300_000);

    afterAll(async () => {
      await context?.close().catch(() => undefined);
      await demo?.close();
      if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    });

    function appFrame(): Frame {
      const frame = page.frame({ name: "app-iframe" });
      if (!frame) throw new Error("no app iframe in the admin shell");
      return frame;
    }

    it("shows the dashboard inside the shell, with the app's nav in the shell", async () => {
      await page.goto(demo.adminUrl);
      // Shell chrome: shop name in the top bar, app name in the nav.
      await expect(page.locator("#shop-name").textContent()).resolves.toContain("Demo");

      const frame = appFrame();
      await frame.locator(".Polaris-Page").first().waitFor({ timeout: 90_000 });
      await frame.locator(".Polaris-Page table").first().waitFor(); // the resource table
      expect(await frame.locator(".Polaris-Page h1").first().textContent()).toBe("Dashboard");

      // afterAuth ran through token exchange: the Shop row exists.
      expect(demo.shopRowExists()).toBe(true);

      // ui-nav-menu links forwarded to the shell's nav (the rel=home link is the app's name).
      const appLinks = await frame.locator("ui-nav-menu a:not([rel=home])").allTextContents();
      expect(appLinks).toContain("Settings");
      await page.locator("#app-nav a", { hasText: "Settings" }).waitFor();
      expect(await page.locator("#app-nav a").allTextContents()).toEqual(appLinks);
      expect(await page.locator("#app-home").textContent()).toContain("StoreSync");
      // ui-title-bar forwarded to the shell's title bar.
      await expect.poll(() => page.locator("#title-bar-title").textContent()).toBe("StoreSync");

      // Polaris CSS is applied: cards (ShadowBevel) have rounded corners.
      const radius = await frame
        .locator(".Polaris-ShadowBevel")
        .first()
        .evaluate((el) => getComputedStyle(el).borderTopLeftRadius);
      expect(radius).not.toBe("0px");
      await page.screenshot({ path: path.join(SCREENSHOTS, "dashboard.png") });
    });

    it("navigates from the shell's nav client-side, with session tokens on the app's fetches", async () => {
      const frame = appFrame();
      const authHeaders: string[] = [];
      const onRequest = (req: { url(): string; headers(): Record<string, string> }) => {
        if (req.url().startsWith(demo.appUrl) && req.url().includes("_data="))
          authHeaders.push(req.headers().authorization ?? "");
      };
      page.on("request", onRequest);
      await page.locator("#app-nav a", { hasText: "Settings" }).click();
      await frame.locator(".Polaris-Page h1", { hasText: "Settings" }).waitFor({ timeout: 30_000 });
      page.off("request", onRequest);

      const url = new URL(frame.url());
      expect(url.pathname).toBe("/app/settings");
      expect(url.searchParams.get("shop")).toBe(demo.shop); // embedded context kept
      expect(url.searchParams.get("host")).toBe(hostParam(demo.shop));
      expect(authHeaders.length).toBeGreaterThan(0);
      for (const h of authHeaders) expect(h).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
      await expect
        .poll(() => new URL(page.url()).pathname)
        .toBe("/store/demo/apps/storesync/app/settings");
      expect(await page.locator("#app-nav a.active").textContent()).toBe("Settings");
      await page.screenshot({ path: path.join(SCREENSHOTS, "settings.png") });
    });

    it("answers shopify.idToken() and shows toasts in the shell", async () => {
      const frame = appFrame();
      const token = await frame.evaluate(() =>
        (window as unknown as { shopify: { idToken(): Promise<string> } }).shopify.idToken(),
      );
      const payload = JSON.parse(
        Buffer.from(token.split(".")[1]!, "base64url").toString("utf8"),
      ) as { dest: string; aud: string };
      expect(payload.dest).toBe(`https://${demo.shop}`);
      expect(payload.aud).toBe(demo.sim.apiKey);

      await frame.evaluate(() =>
        (window as unknown as { shopify: { toast: { show(m: string): void } } }).shopify.toast.show(
          "Sync started",
        ),
      );
      await page.locator("#toasts .toast", { hasText: "Sync started" }).waitFor({ timeout: 5000 });
    });

    it("renders ui-title-bar actions in the shell and ui-modal over the app", async () => {
      const frame = appFrame();
      await frame.evaluate(() => {
        const w = window as unknown as { clicked: string[] };
        w.clicked = [];
        document.body.insertAdjacentHTML(
          "beforeend",
          `<ui-title-bar id="t" title="Orders export"><button id="b1">Cancel</button><button id="b2" variant="primary">Export</button></ui-title-bar>
         <ui-modal id="m"><p>Export 300 orders?</p><ui-title-bar title="Confirm export"><button id="ok" variant="primary">Confirm</button></ui-title-bar></ui-modal>`,
        );
        for (const id of ["b1", "b2", "ok"])
          document.getElementById(id)!.addEventListener("click", () => w.clicked.push(id));
      });
      await expect.poll(() => page.locator("#title-bar-title").textContent()).toBe("Orders export");
      expect(await page.locator("#title-bar-actions button").allTextContents()).toEqual([
        "Cancel",
        "Export",
      ]);
      await page.locator("#title-bar-actions button", { hasText: "Export" }).click();
      await expect
        .poll(() => frame.evaluate(() => (window as unknown as { clicked: string[] }).clicked))
        .toEqual(["b2"]);

      await frame.evaluate(() =>
        (
          window as unknown as { shopify: { modal: { show(id: string): Promise<void> } } }
        ).shopify.modal.show("m"),
      );
      const dialog = frame.locator(".sim-ab-dialog[role=dialog]");
      await dialog.waitFor();
      expect(await dialog.textContent()).toContain("Confirm export");
      expect(await dialog.textContent()).toContain("Export 300 orders?");
      await expect.poll(() => page.locator("#modal-backdrop.on").count()).toBe(1);
      await page.screenshot({ path: path.join(SCREENSHOTS, "modal.png") });
      await dialog.locator("button", { hasText: "Confirm" }).click();
      await expect
        .poll(() => frame.evaluate(() => (window as unknown as { clicked: string[] }).clicked))
        .toEqual(["b2", "ok"]);
      await frame.evaluate(() =>
        (
          window as unknown as { shopify: { modal: { hide(id: string): Promise<void> } } }
        ).shopify.modal.hide("m"),
      );
      await expect.poll(() => page.locator("#modal-backdrop.on").count()).toBe(0);

      // Removing the extra title bar gives the shell back the page's own title bar.
      await frame.evaluate(() => {
        document.getElementById("t")!.remove();
        document.getElementById("m")!.remove();
      });
      await expect
        .poll(() => page.locator("#title-bar-title").textContent())
        .not.toBe("Orders export");
    });

    it("recovers through the session-token bounce page when the app is opened without id_token", async () => {
      const frame = appFrame();
      const bare = new URL("/app/data", demo.appUrl);
      bare.searchParams.set("embedded", "1");
      bare.searchParams.set("shop", demo.shop);
      bare.searchParams.set("host", hostParam(demo.shop));
      await frame.goto(bare.href);
      // /auth/session-token?…&shopify-reload=… → the stand-in reloads with a fresh id_token.
      await frame.locator(".Polaris-Page h1", { hasText: "Data" }).waitFor({ timeout: 30_000 });
      const url = new URL(frame.url());
      expect(url.pathname).toBe("/app/data");
      expect(url.searchParams.get("id_token")).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    });
  },
);

describe("npm run demo -- --smoke", () => {
  it("starts simulator + app, installs through token exchange and exits 0", async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "storesync-smoke-"));
    try {
      const child = spawn(
        process.execPath,
        [
          "--import",
          "tsx",
          "scripts/demo.ts",
          "--smoke",
          "--port",
          "0",
          "--no-open",
          "--data-dir",
          tmp,
        ],
        {
          cwd: REPO_ROOT,
          env: {
            ...process.env,
            VITEST: undefined,
            VITEST_POOL_ID: undefined,
            VITEST_WORKER_ID: undefined,
          },
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      let output = "";
      child.stdout.on("data", (d: Buffer) => (output += d.toString()));
      child.stderr.on("data", (d: Buffer) => (output += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
      expect(code, output).toBe(0);
      expect(output).toMatch(/smoke: OK — http:\/\/127\.0\.0\.1:\d+\/store\/demo\/apps\/storesync/);
      expect(output).toContain("installed on demo.myshopify.com");
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }, 120_000);
});
