// End-to-end test of daybook in a real headless Chromium with JavaScript
// disabled: sign up -> add three tasks in one go -> complete one ->
// screenshots (desktop and phone) -> log out.
//
//   DAYBOOK_TEST_URL   server to test (default http://127.0.0.1:8081)
//   CHROMIUM           browser binary (default /usr/bin/chromium)
//   DAYBOOK_BROWSER_TIMEOUT_MS  bound of every wait (default 15000)
//
// Run with `node --test e2e.test.mjs` (or `make test-browser` from the
// repository root, which starts a server when needed).  Screenshots go to
// tests/output/tasks.png and tests/output/tasks-phone.png.
//
// No fixed sleeps: every wait is one of Playwright's bounded waits.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as h from './helpers.mjs';

const { BASE_URL, TIMEOUT_MS } = h;

// One person per run, so the test can run again against the same database.
const ACCOUNT = h.newAccount('browser');
const RUN_ID = ACCOUNT.runId;
const TITLES = [
	`Water the plants ${RUN_ID}`,
	`Write the weekly report ${RUN_ID}`,
	`Call the plumber ${RUN_ID}`,
];
const COMPLETED_TITLE = TITLES[1];

let browser;
let context;
let page;
// Everything the page reported that counts as a failure: console errors
// (Chromium reports CSP violations there), page errors, failed requests and
// HTTP error responses.
const problems = [];
// Things worth a look that do not fail the run (printed as diagnostics).
const notes = new Set();

function watchPage(target, into)
{
	h.watchPage(target, into, notes);
}

async function submitAndFollow(button, expectPath)
{
	await h.submitAndFollow(page, button, expectPath);
}

async function flashText()
{
	return h.flashText(page);
}

// Accessible name of a per-task button: the visible verb, then the task's
// title from visually hidden text (Chromium may put a space between them).
function taskButtonName(verb, title)
{
	const quoted = title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	return new RegExp(`^${verb}\\s*:\\s*${quoted}$`);
}

function section(name)
{
	return page.getByRole('region', { name, exact: true });
}

before(async () => {
	({ browser, context, page } = await h.openPage(problems, notes));
});

after(async () => {
	await context?.close();
	await browser?.close();
});

test('JavaScript is off in the test context', async () => {
	// Ground for the whole run: a page script must not run.
	const probe = await context.newPage();
	await probe.route('http://daybook.invalid/js-probe', (route) =>
	    route.fulfill({
		contentType: 'text/html',
		body: '<title>off</title><script>document.title = "on"</script>',
	    }));
	await probe.goto('http://daybook.invalid/js-probe');
	assert.equal(await probe.title(), 'off');
	await probe.close();
});

test('the console listener sees a CSP violation', async () => {
	// Proves that "no CSP violations" below can fail: daybook's own CSP
	// header on a synthetic page with an inline style must be reported.
	const resp = await page.request.get(`${BASE_URL}/login`,
	    { timeout: TIMEOUT_MS });
	const csp = resp.headers()['content-security-policy'];
	assert.ok(csp, 'GET /login has no Content-Security-Policy header');
	assert.match(csp, /default-src 'none'/);

	const probe = await context.newPage();
	const seen = [];
	watchPage(probe, seen);
	const url = 'http://daybook.invalid/csp-probe';
	await probe.route(url, (route) => route.fulfill({
		contentType: 'text/html',
		headers: { 'content-security-policy': csp },
		body: '<style>p { color: red }</style><p>probe</p>',
	}));
	const reported = probe.waitForEvent('console', {
		predicate: (msg) => /Content.Security.Policy/i.test(msg.text()),
		timeout: TIMEOUT_MS,
	});
	await probe.goto(url);
	await reported;
	assert.ok(seen.some((line) => /Content.Security.Policy/i.test(line)),
	    'a CSP violation did not reach the problem list');
	await probe.close();
});

test('sign up, add three tasks, complete one, log out', async (t) => {
	const step = h.stepper(t);

	await step('sign up lands on /tasks', async () => {
		await h.signUp(page, ACCOUNT);
		assert.equal(await page.getByRole('heading', { level: 1 }).textContent(),
		    'Tasks');
		// Logged in: the header shows who and offers "Log out".
		assert.match(await page.locator('header').textContent(),
		    new RegExp(ACCOUNT.displayName));
		await page.getByRole('button', { name: 'Log out' }).waitFor();
	});

	await step('three lines in one go become three open tasks', async () => {
		const box = page.getByLabel('New tasks, one per line');
		await box.fill(`${TITLES[0]}\n\n  ${TITLES[1]}  \n${TITLES[2]}\n`);
		await submitAndFollow(page.getByRole('button', { name: 'Add', exact: true }),
		    '/tasks');
		assert.match(await flashText(), /(^| )3 tasks added\.( |$)/);
		const open = section('Open').locator('.task-title');
		assert.deepEqual(await open.allTextContents(), TITLES,
		    'the open list is not the three titles in the order written');
		assert.equal(await box.inputValue(), '', 'the textarea was not emptied');
	});

	await step('complete one: it moves to the completed section', async () => {
		const button = section('Open').getByRole('button',
		    { name: taskButtonName('Complete', COMPLETED_TITLE) });
		await submitAndFollow(button, '/tasks');
		assert.match(await flashText(), /(^| )Task completed\.( |$)/);
		const done = section('Completed').locator('.task');
		assert.equal(await done.count(), 1);
		assert.equal(await done.locator('.task-title').textContent(),
		    COMPLETED_TITLE);
		assert.match(await done.locator('.task-meta').textContent(),
		    /^Completed \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
		await done.getByRole('button',
		    { name: taskButtonName('Reopen', COMPLETED_TITLE) }).waitFor();
		assert.deepEqual(
		    await section('Open').locator('.task-title').allTextContents(),
		    [TITLES[0], TITLES[2]]);
	});

	await step('screenshots; no horizontal scroll on a phone', async () => {
		const stylesheet = page.locator('link[rel="stylesheet"]');
		const cssUrl = new URL(await stylesheet.getAttribute('href'), page.url());
		const css = await page.request.get(cssUrl.href, { timeout: TIMEOUT_MS });
		assert.equal(css.status(), 200, `stylesheet ${cssUrl} answered ${css.status()}`);

		await h.screenshots(page, 'tasks');
	});

	await step('log out lands on /login', async () => {
		await submitAndFollow(page.getByRole('button', { name: 'Log out' }),
		    '/login');
		assert.match(await flashText(), /(^| )You are logged out\.( |$)/);
		assert.equal(await page.getByRole('button', { name: 'Log out' }).count(), 0);
		// The session is gone: /tasks sends us back to the login page.
		await page.goto(`${BASE_URL}/tasks`);
		assert.equal(new URL(page.url()).pathname, '/login');
	});

	await step('no console errors, CSP violations or failed requests', () => {
		for (const note of notes)
			t.diagnostic(`note: ${note}`);
		assert.deepEqual(problems, []);
	});
});
