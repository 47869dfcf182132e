// The account page in a real headless Chromium with JavaScript disabled:
// sign up -> Account (nav) -> a new display name (the header shows it) ->
// a time zone from the list -> screenshots (desktop and phone, no
// horizontal scroll) -> delete the account on its confirmation page.
//
//   DAYBOOK_TEST_URL   server to test (default http://127.0.0.1:8081)
//   CHROMIUM           browser binary (default /usr/bin/chromium)
//   DAYBOOK_BROWSER_TIMEOUT_MS  bound of every wait (default 15000)
//
// Screenshots: tests/output/account.png (1280 wide) and
// tests/output/account-phone.png (375 wide), both full page.
// No fixed sleeps: every wait is one of Playwright's bounded waits.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const BASE_URL = (process.env.DAYBOOK_TEST_URL || 'http://127.0.0.1:8081')
    .replace(/\/+$/, '');
const EXECUTABLE = process.env.CHROMIUM || '/usr/bin/chromium';
const TIMEOUT_MS = Number(process.env.DAYBOOK_BROWSER_TIMEOUT_MS) || 15000;
const HERE = path.dirname(fileURLToPath(import.meta.url));
const OUTPUT_DIR = path.resolve(HERE, '..', 'output');

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 375, height: 800 };

const RUN_ID = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
const EMAIL = `account-${RUN_ID}@example.com`;
const PASSWORD = `pw-${randomBytes(9).toString('base64url')}`;

let browser;
let context;
let page;
const problems = [];

function watchPage(target, into)
{
	target.on('console', (msg) => {
		const where = msg.location()?.url || '';
		if (msg.type() !== 'error' && !/Content.Security.Policy/i.test(msg.text()))
			return;
		// Chromium asks for /favicon.ico on its own (as in e2e.test.mjs).
		if (new URL(where, BASE_URL).pathname === '/favicon.ico')
			return;
		into.push(`console ${msg.type()}: ${msg.text()} (${where})`);
	});
	target.on('pageerror', (err) => into.push(`page error: ${err.message}`));
	target.on('requestfailed', (req) => into.push(
	    `request failed: ${req.method()} ${req.url()}: ${req.failure()?.errorText}`));
	target.on('response', (resp) => {
		if (resp.status() >= 400)
			into.push(`HTTP ${resp.status()}: ${resp.request().method()} ${resp.url()}`);
	});
}

// Click a submit button and wait for the GET the 303 lands on.
async function submitAndFollow(button, expectPath, expectSearch)
{
	const landed = page.waitForResponse((resp) =>
	    resp.request().isNavigationRequest() &&
	    resp.request().method() === 'GET' &&
	    resp.request().redirectedFrom()?.method() === 'POST',
	    { timeout: TIMEOUT_MS });
	await button.click();
	const resp = await landed;
	const post = await resp.request().redirectedFrom().response();
	assert.equal(post.status(), 303, `POST ${post.url()} answered ${post.status()}`);
	assert.equal(resp.status(), 200, `GET ${resp.url()} answered ${resp.status()}`);
	await page.waitForURL((url) => url.pathname === expectPath &&
	    (expectSearch === undefined || url.search === expectSearch),
	    { waitUntil: 'load', timeout: TIMEOUT_MS });
}

async function flashText()
{
	const text = await page.getByRole('status').first().textContent();
	return text.replace(/\s+/g, ' ').trim();
}

before(async () => {
	await mkdir(OUTPUT_DIR, { recursive: true });
	browser = await chromium.launch({
		executablePath: EXECUTABLE,
		headless: true,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
		    '--disable-background-networking', '--disable-component-update',
		    '--disable-sync'],
		timeout: TIMEOUT_MS,
	});
	context = await browser.newContext({ javaScriptEnabled: false,
	    viewport: DESKTOP });
	context.setDefaultTimeout(TIMEOUT_MS);
	context.setDefaultNavigationTimeout(TIMEOUT_MS);
	page = await context.newPage();
	watchPage(page, problems);
});

after(async () => {
	await context?.close();
	await browser?.close();
});

test('the account page with JavaScript off', async (t) => {
	let failed = '';
	async function step(name, fn)
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
	}

	await step('sign up', async () => {
		await page.goto(`${BASE_URL}/signup`);
		await page.getByLabel('Email').fill(EMAIL);
		await page.getByLabel('Display name').fill(`Account ${RUN_ID}`);
		await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
		await page.getByLabel('Repeat password').fill(PASSWORD);
		await submitAndFollow(page.getByRole('button', { name: 'Sign up' }),
		    '/tasks');
	});

	await step('the account page from the navigation', async () => {
		await page.getByRole('link', { name: 'Account' }).click();
		await page.waitForURL((url) => url.pathname === '/account');
		assert.equal(await page.getByRole('heading', { level: 1 }).textContent(),
		    'Account');
		assert.equal(await page.locator('#email').inputValue(), EMAIL);
		assert.equal(await page.locator('#time_zone').inputValue(), 'UTC');
		assert.equal(await page.getByRole('link',
		    { name: 'Set your work-log allowances' }).getAttribute('href'),
		    '/worklog/allowances');
	});

	await step('a new display name shows in the header', async () => {
		const name = `Renamed ${RUN_ID}`;
		await page.locator('#display_name').fill(name);
		await submitAndFollow(page.getByRole('button', { name: 'Save name' }),
		    '/account');
		assert.match(await flashText(), /Your display name is saved\./);
		assert.match(await page.locator('.session-name').textContent(),
		    new RegExp(name));
	});

	await step('a time zone', async () => {
		await page.locator('#time_zone').fill('Europe/Berlin');
		await submitAndFollow(page.getByRole('button', { name: 'Save time zone' }),
		    '/account');
		assert.match(await flashText(), /Your time zone is saved\./);
		assert.equal(await page.locator('#time_zone').inputValue(),
		    'Europe/Berlin');
	});

	await step('screenshots; no horizontal scroll on a phone', async () => {
		await page.setViewportSize(DESKTOP);
		await page.screenshot({ path: path.join(OUTPUT_DIR, 'account.png'),
		    fullPage: true });
		await page.setViewportSize(PHONE);
		await page.screenshot({ path: path.join(OUTPUT_DIR, 'account-phone.png'),
		    fullPage: true });
		const widths = await page.evaluate(() => ({
			scroll: document.documentElement.scrollWidth,
			client: document.documentElement.clientWidth,
		}));
		assert.ok(widths.scroll <= widths.client,
		    `horizontal scroll at ${PHONE.width}px: scrollWidth ` +
		    `${widths.scroll} > clientWidth ${widths.client}`);
		await page.setViewportSize(DESKTOP);
	});

	await step('delete the account on its confirmation page', async () => {
		await page.getByRole('link', { name: 'Delete my account' }).click();
		await page.waitForURL((url) => url.pathname === '/account/delete');
		assert.equal(await page.getByRole('heading', { level: 1 }).textContent(),
		    'Delete your account?');
		await page.getByLabel('Your password').fill(PASSWORD);
		await submitAndFollow(page.getByRole('button', { name: 'Delete my account' }),
		    '/login');
		assert.match(await flashText(), /Your account is deleted\./);
		assert.equal(await page.getByRole('link', { name: 'Account' }).count(), 0);
	});

	await step('no console errors, CSP violations or failed requests', () => {
		assert.deepEqual(problems, []);
	});
});
