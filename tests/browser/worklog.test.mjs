// The work log in a real headless Chromium with JavaScript disabled:
// sign up -> the month calendar (today marked) -> the day form (Remote,
// half day, a location) -> several days at once (a vacation week) ->
// screenshots of the month (desktop and phone, no horizontal scroll).
//
//   DAYBOOK_TEST_URL   server to test (default http://127.0.0.1:8081)
//   CHROMIUM           browser binary (default /usr/bin/chromium)
//   DAYBOOK_BROWSER_TIMEOUT_MS  bound of every wait (default 15000)
//
// Screenshots: tests/output/worklog.png (1280 wide) and
// tests/output/worklog-phone.png (375 wide), both full page.
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
const EMAIL = `worklog-${RUN_ID}@example.com`;
const PASSWORD = `pw-${randomBytes(9).toString('base64url')}`;

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June',
    'July', 'August', 'September', 'October', 'November', 'December'];

// A new account's time zone is UTC: "today" as the server sees it.
const NOW = new Date();
const TODAY = NOW.toISOString().slice(0, 10);
const MONTH = TODAY.slice(0, 7);
const MONTH_TITLE = `${MONTHS[NOW.getUTCMonth()]} ${NOW.getUTCFullYear()}`;

// The first Monday of this month and the Sunday after it.
function firstWeek()
{
	const d = new Date(Date.UTC(NOW.getUTCFullYear(), NOW.getUTCMonth(), 1));
	while (d.getUTCDay() !== 1)
		d.setUTCDate(d.getUTCDate() + 1);
	const from = d.toISOString().slice(0, 10);
	d.setUTCDate(d.getUTCDate() + 6);
	return { from, to: d.toISOString().slice(0, 10) };
}

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

// The calendar cell of date (YYYY-MM-DD).
function cell(date)
{
	return page.locator('td.wl-day', { has: page.locator(`a[href="/worklog/${date}"]`) });
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

test('the work log month with JavaScript off', async (t) => {
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
		await page.getByLabel('Display name').fill(`Worklog ${RUN_ID}`);
		await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
		await page.getByLabel('Repeat password').fill(PASSWORD);
		await submitAndFollow(page.getByRole('button', { name: 'Sign up' }),
		    '/tasks');
	});

	await step('the calendar: this month, Monday first, today marked', async () => {
		await page.getByRole('link', { name: 'Work log' }).click();
		await page.waitForURL((url) => url.pathname === '/worklog');
		assert.equal(await page.getByRole('heading', { level: 1 }).textContent(),
		    'Work log');
		assert.equal(await page.locator('.wl-month-title').textContent(),
		    MONTH_TITLE);
		const heads = await page.locator('.wl-calendar thead th').allTextContents();
		assert.deepEqual(heads, ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']);
		const today = cell(TODAY);
		assert.match(await today.textContent(), /Today/);
		assert.equal(await today.locator('a').getAttribute('aria-current'), 'date');
	});

	await step('the day form: remote, half day, a location', async () => {
		await cell(TODAY).locator('a').click();
		await page.waitForURL((url) => url.pathname === `/worklog/${TODAY}`);
		await page.getByLabel('Remote', { exact: true }).check();
		await page.getByLabel('Half day (counts as 0.5)').check();
		await page.getByLabel(/^Location/).fill('Lisbon');
		await submitAndFollow(page.getByRole('button', { name: 'Save', exact: true }),
		    '/worklog', `?month=${MONTH}`);
		assert.match(await flashText(), new RegExp(`${TODAY} saved: Remote \\(half day\\)\\.`));
		const today = cell(TODAY);
		assert.match(await today.getAttribute('class'), /wl-kind-remote/);
		assert.match(await today.textContent(), /Remote/);
		assert.match(await today.textContent(), /Lisbon/);
	});

	await step('several days at once: a vacation week', async () => {
		const week = firstWeek();
		await page.getByRole('navigation', { name: 'Work log' })
		    .getByRole('link', { name: 'Several days' }).click();
		await page.waitForURL((url) => url.pathname === '/worklog/range');
		assert.ok(await page.getByLabel(/^Skip weekends/).isChecked(),
		    'skip weekends is not on by default');
		await page.getByLabel('From', { exact: true }).fill(week.from);
		await page.getByLabel('To (included)').fill(week.to);
		await page.getByLabel('Vacation', { exact: true }).check();
		await submitAndFollow(page.getByRole('button', { name: 'Save these days' }),
		    '/worklog', `?month=${MONTH}`);
		assert.match(await flashText(), /days? saved as Vacation\./);
		assert.match(await cell(week.from).textContent(), /Vacation|Remote/);
		const vacation = await page.locator('td.wl-kind-vacation').count();
		assert.ok(vacation >= 4 && vacation <= 5, `${vacation} vacation days`);
	});

	await step('screenshots; no horizontal scroll on a phone', async () => {
		await page.setViewportSize(DESKTOP);
		await page.screenshot({ path: path.join(OUTPUT_DIR, 'worklog.png'),
		    fullPage: true });
		await page.setViewportSize(PHONE);
		await page.screenshot({ path: path.join(OUTPUT_DIR, 'worklog-phone.png'),
		    fullPage: true });
		const widths = await page.evaluate(() => ({
			scroll: document.documentElement.scrollWidth,
			client: document.documentElement.clientWidth,
		}));
		assert.ok(widths.scroll <= widths.client,
		    `horizontal scroll at ${PHONE.width}px: scrollWidth ` +
		    `${widths.scroll} > clientWidth ${widths.client}`);
		// The phone shows the short label, still in words.
		assert.match(await cell(TODAY).innerText(), /Rem/);
		await page.setViewportSize(DESKTOP);
	});

	await step('no console errors, CSP violations or failed requests', () => {
		assert.deepEqual(problems, []);
	});
});
