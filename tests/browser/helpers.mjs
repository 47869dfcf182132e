// Shared by the browser tests (*.test.mjs): settings from the environment,
// the browser and its contexts (JavaScript disabled), the problem watcher,
// the POST -> 303 -> GET follower, the flash text, dependent steps, the
// screenshots with the phone's horizontal-scroll check, and a fresh
// account per run with its sign-up.
//
//   DAYBOOK_TEST_URL   server to test (default http://127.0.0.1:8081)
//   CHROMIUM           browser binary (default /usr/bin/chromium)
//   DAYBOOK_BROWSER_TIMEOUT_MS  bound of every wait (default 15000)

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const BASE_URL = (process.env.DAYBOOK_TEST_URL ||
    'http://127.0.0.1:8081').replace(/\/+$/, '');
export const EXECUTABLE = process.env.CHROMIUM || '/usr/bin/chromium';
export const TIMEOUT_MS = Number(process.env.DAYBOOK_BROWSER_TIMEOUT_MS) ||
    15000;
const HERE = path.dirname(fileURLToPath(import.meta.url));
export const OUTPUT_DIR = path.resolve(HERE, '..', 'output');

const LAUNCH_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 375, height: 800 };

// Headless Chromium (and the output folder for screenshots).
export async function launchBrowser()
{
	await mkdir(OUTPUT_DIR, { recursive: true });
	return chromium.launch({
		executablePath: EXECUTABLE,
		headless: true,
		args: LAUNCH_ARGS,
		timeout: TIMEOUT_MS,
	});
}

// A context with JavaScript disabled and every wait bounded.
export async function newContext(browser, options = {})
{
	const ctx = await browser.newContext({
		javaScriptEnabled: false,
		viewport: DESKTOP,
		...options,
	});
	ctx.setDefaultTimeout(TIMEOUT_MS);
	ctx.setDefaultNavigationTimeout(TIMEOUT_MS);
	return ctx;
}

// The browser, a context as newContext() makes it and a page in it whose
// problems watchPage() records into `problems` (and `notes`).  Closing
// the context and then the browser is the caller's.
export async function openPage(problems, notes)
{
	const browser = await launchBrowser();
	const context = await newContext(browser);
	const page = await context.newPage();
	watchPage(page, problems, notes);
	return { browser, context, page };
}

// Records the page's console errors, any console message about the
// Content Security Policy, page errors, failed requests and error
// responses into `into` (the favicon 404 Chromium asks for on its own
// goes to `notes`).
export function watchPage(target, into, notes = new Set())
{
	target.on('console', (msg) => {
		const where = msg.location()?.url || '';
		if (msg.type() !== 'error' &&
		    !/Content.Security.Policy/i.test(msg.text()))
			return;
		// Chromium asks every site for /favicon.ico on its own and logs
		// the 404; daybook has no icon (yet): noted, not a failure.
		if (new URL(where, BASE_URL).pathname === '/favicon.ico' &&
		    / 404 /.test(msg.text())) {
			notes.add(`${where}: ${msg.text()}`);
			return;
		}
		into.push(`console ${msg.type()}: ${msg.text()} (${where})`);
	});
	target.on('pageerror', (err) => into.push(`page error: ${err.message}`));
	target.on('requestfailed', (req) => {
		const why = req.failure()?.errorText;

		// A navigation (a form submit, a link) cancels what the page it
		// leaves was still loading, such as the icon Chromium fetches
		// lazily: ERR_ABORTED is the browser's doing, not the server's
		// (a server fault shows as a reset, an empty response or a
		// status >= 400, recorded here and below).
		if (why === 'net::ERR_ABORTED' && req.resourceType() !== 'document') {
			notes.add(`aborted by navigation: ${req.method()} ${req.url()}`);
			return;
		}
		into.push(`request failed: ${req.method()} ${req.url()}: ${why}`);
	});
	target.on('response', (resp) => {
		if (resp.status() >= 400)
			into.push(`HTTP ${resp.status()}: ${resp.request().method()} ${resp.url()}`);
	});
}

// Clicks `button` (a form submit) and waits, bounded, for the page that
// the POST -> 303 -> GET round trip lands on.  Asserts the redirect chain
// and that the final page is `expectPath` (and, when given, has the query
// `expectSearch`, e.g. '?month=2026-11') with status 200.
export async function submitAndFollow(page, button, expectPath, expectSearch)
{
	const landed = page.waitForResponse((resp) =>
	    resp.request().isNavigationRequest() &&
	    resp.request().method() === 'GET' &&
	    resp.request().redirectedFrom()?.method() === 'POST',
	    { timeout: TIMEOUT_MS });
	await button.click();
	const resp = await landed;
	const post = await resp.request().redirectedFrom().response();
	assert.equal(post.status(), 303, `POST ${post.url()} answered ${post.status()}, not 303`);
	assert.equal(resp.status(), 200, `GET ${resp.url()} answered ${resp.status()}`);
	await page.waitForURL((url) => url.pathname === expectPath &&
	    (expectSearch === undefined || url.search === expectSearch),
	    { waitUntil: 'load', timeout: TIMEOUT_MS });
}

// A new person for one run, so that a test can run again against the
// same database: { runId, email, password, displayName } with email
// `${prefix}-${runId}@example.com` and display name `${Prefix} ${runId}`.
export function newAccount(prefix)
{
	const runId = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
	const label = prefix.charAt(0).toUpperCase() + prefix.slice(1);
	return {
		runId,
		email: `${prefix}-${runId}@example.com`,
		password: `pw-${randomBytes(9).toString('base64url')}`,
		displayName: `${label} ${runId}`,
	};
}

// Signs `account` (from newAccount()) up through the form on /signup
// (answered 200) and follows the round trip to /tasks.
export async function signUp(page, account)
{
	const resp = await page.goto(`${BASE_URL}/signup`);
	assert.equal(resp.status(), 200, `GET /signup answered ${resp.status()}`);
	await page.getByLabel('Email').fill(account.email);
	await page.getByLabel('Display name').fill(account.displayName);
	await page.getByLabel('Password', { exact: true }).fill(account.password);
	await page.getByLabel('Repeat password').fill(account.password);
	await submitAndFollow(page, page.getByRole('button', { name: 'Sign up' }),
	    '/tasks');
}

// The text of the flash region, whitespace collapsed.
export async function flashText(page)
{
	const text = await page.getByRole('status').first().textContent();
	return text.replace(/\s+/g, ' ').trim();
}

// A step function for test t: each step runs only if the ones before it
// passed, so one failure does not become a cascade of timeouts.
export function stepper(t)
{
	let failed = '';

	return async function step(name, fn)
	{
		await t.test(name, { skip: failed ? `after failed step: ${failed}` : false },
		    async () => {
			try {
				await fn();
			} catch (err) {
				failed = name;
				throw err;
			}
		    });
	};
}

// Full-page screenshots of the page as it is, at DESKTOP (name.png) and
// PHONE width (name-phone.png), and no horizontal scroll on the phone;
// then onPhone(), when given, still at PHONE width (checks of the phone
// layout).  The viewport changes without a reload (which would drop a
// flash) and is DESKTOP again at the end.
export async function screenshots(page, name, onPhone)
{
	await page.setViewportSize(DESKTOP);
	await page.screenshot({ path: path.join(OUTPUT_DIR, `${name}.png`),
	    fullPage: true });
	await page.setViewportSize(PHONE);
	await page.screenshot({ path: path.join(OUTPUT_DIR, `${name}-phone.png`),
	    fullPage: true });
	// page.evaluate goes through the DevTools protocol, which still
	// evaluates with javaScriptEnabled: false (that stops only the
	// page's own scripts): no second context with JavaScript on is
	// needed for this measurement.
	const widths = await page.evaluate(() => ({
		scroll: document.documentElement.scrollWidth,
		client: document.documentElement.clientWidth,
	}));
	assert.ok(widths.scroll <= widths.client,
	    `horizontal scroll at ${PHONE.width}px: scrollWidth ` +
	    `${widths.scroll} > clientWidth ${widths.client}`);
	if (onPhone)
		await onPhone();
	await page.setViewportSize(DESKTOP);
}
