/** Headless Debian Chromium through playwright-core (test set-up installs it; playwright downloads no browser here). */
import { chromium, type Browser } from 'playwright-core';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.JUDGEFLOW_CHROMIUM ?? '/usr/bin/chromium',
    // Root in CI needs --no-sandbox; the rest keep Chromium from reaching for the network at start.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
