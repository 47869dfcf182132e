// The account page in a real headless Chromium with JavaScript disabled:
// sign up -> Account (nav) -> a new display name (the header shows it) ->
// a time zone from the list -> screenshots (desktop and phone, no
// horizontal scroll) -> delete the account on its confirmation page.
//
//   DAYBOOK_TEST_URL, CHROMIUM, DAYBOOK_BROWSER_TIMEOUT_MS: helpers.mjs.
//
// Screenshots: tests/output/account.png (1280 wide) and
// tests/output/account-phone.png (375 wide), both full page.
// No fixed sleeps: every wait is one of Playwright's bounded waits.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as h from './helpers.mjs';

const ACCOUNT = h.newAccount('account');

let browser;
let context;
let page;
const problems = [];

before(async () => {
	({ browser, context, page } = await h.openPage(problems));
});

after(async () => {
	await context?.close();
	await browser?.close();
});

test('the account page with JavaScript off', async (t) => {
	const step = h.stepper(t);

	await step('sign up', async () => {
		await h.signUp(page, ACCOUNT);
	});

	await step('the account page from the navigation', async () => {
		await page.getByRole('link', { name: 'Account' }).click();
		await page.waitForURL((url) => url.pathname === '/account');
		assert.equal(await page.getByRole('heading', { level: 1 }).textContent(),
		    'Account');
		assert.equal(await page.locator('#email').inputValue(), ACCOUNT.email);
		assert.equal(await page.locator('#time_zone').inputValue(), 'UTC');
		assert.equal(await page.getByRole('link',
		    { name: 'Set your work-log allowances' }).getAttribute('href'),
		    '/worklog/allowances');
	});

	await step('a new display name shows in the header', async () => {
		const name = `Renamed ${ACCOUNT.runId}`;
		await page.locator('#display_name').fill(name);
		await h.submitAndFollow(page,
		    page.getByRole('button', { name: 'Save name' }), '/account');
		assert.match(await h.flashText(page), /Your display name is saved\./);
		assert.match(await page.locator('.session-name').textContent(),
		    new RegExp(name));
	});

	await step('a time zone', async () => {
		await page.locator('#time_zone').fill('Europe/Berlin');
		await h.submitAndFollow(page,
		    page.getByRole('button', { name: 'Save time zone' }), '/account');
		assert.match(await h.flashText(page), /Your time zone is saved\./);
		assert.equal(await page.locator('#time_zone').inputValue(),
		    'Europe/Berlin');
	});

	await step('screenshots; no horizontal scroll on a phone', async () => {
		await h.screenshots(page, 'account');
	});

	await step('delete the account on its confirmation page', async () => {
		await page.getByRole('link', { name: 'Delete my account' }).click();
		await page.waitForURL((url) => url.pathname === '/account/delete');
		assert.equal(await page.getByRole('heading', { level: 1 }).textContent(),
		    'Delete your account?');
		await page.getByLabel('Your password').fill(ACCOUNT.password);
		await h.submitAndFollow(page,
		    page.getByRole('button', { name: 'Delete my account' }), '/login');
		assert.match(await h.flashText(page), /Your account is deleted\./);
		assert.equal(await page.getByRole('link', { name: 'Account' }).count(), 0);
	});

	await step('no console errors, CSP violations or failed requests', () => {
		assert.deepEqual(problems, []);
	});
});
