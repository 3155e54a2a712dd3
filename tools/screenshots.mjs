// Screenshots of the EHR portal pages for review and for docs/ehr-simulator.md:
//   node tools/screenshots.mjs [out-dir]      (default docs/screenshots; needs build/ember)
// Starts a throwaway `ember serve` on loopback, drives headless Chromium through sign-in, the
// patient list, a chart with an open encounter, an app launched in the chart (consent inside the
// frame, then the Sample App), the app registry and the launcher, and writes one PNG per page.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { startEmber } from '../tests/e2e/lib/server.js';

const out = resolve(process.argv[2] || 'docs/screenshots');
mkdirSync(out, { recursive: true });
const ember = await startEmber({});
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  const snap = async (name, fullPage = false) => {
    await page.screenshot({ path: `${out}/${name}.png`, fullPage });
    console.log(`${out}/${name}.png`);
  };
  await page.goto(`${ember.base}/ehr`);
  await snap('01-sign-in');
  await page.getByLabel('Username').fill('dr.smith');
  await page.getByLabel('Password').fill('demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/ehr\/patients/);
  await snap('02-patients');
  await page.getByRole('table', { name: 'Patients' }).getByRole('link', { name: /Alice Carter/ }).click();
  await page.getByRole('link', { name: 'Open encounter' }).first().click();
  await page.waitForURL(/encounter=/);
  await snap('03-chart', true);
  await page.getByRole('button', { name: 'Launch Sample App' }).click();
  const frame = page.frameLocator('iframe[name="app-frame"]');
  await frame.getByRole('button', { name: 'Allow' }).waitFor();
  await snap('04-consent-in-chart');
  await frame.getByRole('button', { name: 'Allow' }).click();
  await frame.locator('body[data-state="ready"]').waitFor({ timeout: 30_000 });
  await snap('05-sample-app-in-chart');
  await page.goto(`${ember.base}/ehr/apps`);
  await snap('06-apps');
  await page.goto(`${ember.base}/ehr/apps/new`);
  await snap('07-register-app', true);
  await page.goto(`${ember.base}/ehr/launcher`);
  await snap('08-launcher', true);
} finally {
  await browser.close();
  await ember.stop();
}
