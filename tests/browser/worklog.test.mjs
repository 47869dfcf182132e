// The work log in a real headless Chromium with JavaScript disabled:
// sign up -> the month calendar (today marked) -> the day form (Remote,
// half day, a location) -> several days at once (a vacation week) ->
// screenshots of the month (desktop and phone, no horizontal scroll).
//
//   DAYBOOK_TEST_URL, CHROMIUM, DAYBOOK_BROWSER_TIMEOUT_MS: helpers.mjs.
//
// Screenshots: tests/output/worklog.png (1280 wide) and
// tests/output/worklog-phone.png (375 wide), both full page.
// No fixed sleeps: every wait is one of Playwright's bounded waits.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as h from './helpers.mjs';

const ACCOUNT = h.newAccount('worklog');

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

// The calendar cell of date (YYYY-MM-DD).
function cell(date)
{
	return page.locator('td.wl-day', { has: page.locator(`a[href="/worklog/${date}"]`) });
}

before(async () => {
	({ browser, context, page } = await h.openPage(problems));
});

after(async () => {
	await context?.close();
	await browser?.close();
});

test('the work log month with JavaScript off', async (t) => {
	const step = h.stepper(t);

	await step('sign up', async () => {
		await h.signUp(page, ACCOUNT);
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
		await h.submitAndFollow(page,
		    page.getByRole('button', { name: 'Save', exact: true }),
		    '/worklog', `?month=${MONTH}`);
		assert.match(await h.flashText(page),
		    new RegExp(`${TODAY} saved: Remote \\(half day\\)\\.`));
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
		await h.submitAndFollow(page,
		    page.getByRole('button', { name: 'Save these days' }),
		    '/worklog', `?month=${MONTH}`);
		assert.match(await h.flashText(page), /days? saved as Vacation\./);
		assert.match(await cell(week.from).textContent(), /Vacation|Remote/);
		const vacation = await page.locator('td.wl-kind-vacation').count();
		assert.ok(vacation >= 4 && vacation <= 5, `${vacation} vacation days`);
	});

	await step('screenshots; no horizontal scroll on a phone', async () => {
		await h.screenshots(page, 'worklog', async () => {
			// The phone shows the short label, still in words.
			assert.match(await cell(TODAY).innerText(), /Rem/);
		});
	});

	await step('no console errors, CSP violations or failed requests', () => {
		assert.deepEqual(problems, []);
	});
});
