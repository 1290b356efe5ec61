/**
 * Debian's Chromium for the browser tests (never a downloaded browser): where it is, the flags
 * it needs on these machines (no background networking: the network is closed), and a user
 * agent that shopify-app-remix does not take for a bot (it answers 410 to "HeadlessChrome").
 */
import fs from "node:fs";
import path from "node:path";

import { REPO_ROOT } from "../../scripts/demo-lib";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
export const USER_AGENT =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36";
export const SCREENSHOTS = path.join(REPO_ROOT, "test-results", "screenshots");
export const haveChromium = fs.existsSync(CHROMIUM);
