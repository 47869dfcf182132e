// The work log's year summary in headless Chromium with JavaScript
// disabled: sign up -> import a small CSV through the upload form -> set
// the allowances -> open the year summary (table, SVG chart with its text
// alternative, allowances used and remaining) -> screenshots at 1280 and
// 375 px, no horizontal scroll on the phone, no console or CSP errors.
//
//   DAYBOOK_TEST_URL, CHROMIUM, DAYBOOK_BROWSER_TIMEOUT_MS: helpers.mjs.
//
// Screenshots: tests/output/summary.png and tests/output/summary-phone.png.
// No fixed sleeps: every wait is one of Playwright's bounded waits.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as h from './helpers.mjs';

const { BASE_URL } = h;

const ACCOUNT = h.newAccount('summary');
// The server's "this year" is the UTC one.
const YEAR = new Date().getUTCFullYear();

// 3 office days (one a half day), 2 remote, 3 vacation, 1 holiday, 1 sick
// over January to April; a note with a comma, quotes and a line break.
const CSV = [
	'date,kind,half_day,location,note',
	`${YEAR}-01-05,office,0,,`,
	`${YEAR}-01-06,office,1,,"half day, ""dentist""\nafterwards"`,
	`${YEAR}-01-07,remote,0,Lisbon,`,
	`${YEAR}-02-02,remote,0,Porto,`,
	`${YEAR}-02-03,office,0,,`,
	`${YEAR}-03-09,vacation,0,,`,
	`${YEAR}-03-10,vacation,0,,`,
	`${YEAR}-03-11,vacation,0,,`,
	`${YEAR}-04-01,holiday,0,,`,
	`${YEAR}-04-02,sick,0,,`,
].join('\r\n') + '\r\n';

let browser;
let context;
let page;
const problems = [];

// The cells of the table row whose header is `name`, whitespace trimmed.
async function rowCells(table, name)
{
	const row = table.getByRole('row').filter({
	    has: page.getByRole('rowheader', { name, exact: true }) });
	return (await row.getByRole('cell').allTextContents())
	    .map((s) => s.replace(/\s+/g, ' ').trim());
}

before(async () => {
	({ browser, context, page } = await h.openPage(problems));
});

after(async () => {
	await context?.close();
	await browser?.close();
});

test('year summary: import, allowances, chart and table', async (t) => {
	const step = h.stepper(t);

	await step('sign up', async () => {
		await h.signUp(page, ACCOUNT);
	});

	await step('import a CSV file through the upload form', async () => {
		const resp = await page.goto(`${BASE_URL}/worklog/data`);
		assert.equal(resp.status(), 200);
		await page.getByLabel('CSV file').setInputFiles({
			name: 'worklog.csv', mimeType: 'text/csv',
			buffer: Buffer.from(CSV, 'utf8'),
		});
		await h.submitAndFollow(page, page.getByRole('button', { name: 'Import' }),
		    '/worklog/data');
		assert.match(await h.flashText(page), /Import done: 10 days added, 0 replaced\./);
		// The year is offered for export now.
		await page.getByRole('link', { name: `CSV of ${YEAR}` }).waitFor();
	});

	await step('set the allowances', async () => {
		await page.goto(`${BASE_URL}/worklog/allowances?year=${YEAR}`);
		await page.getByLabel('Vacation days').fill('25');
		await page.getByLabel('Remote days').fill('1.5');
		await h.submitAndFollow(page, page.getByRole('button', { name: 'Save allowances' }),
		    '/worklog/allowances');
		assert.match(await h.flashText(page), new RegExp(`Allowances for ${YEAR} saved\\.`));
		assert.equal(await page.getByLabel('Vacation days').inputValue(), '25');
		assert.equal(await page.getByLabel('Remote days').inputValue(), '1.5');
		assert.equal(await page.getByLabel('Sick days').inputValue(), '');
	});

	await step('the summary shows the table, the chart and the allowances', async () => {
		await page.getByRole('navigation', { name: 'Work log' })
		    .getByRole('link', { name: 'Year summary' }).click();
		await page.waitForURL((url) => url.pathname === '/worklog/summary');
		assert.equal(await page.getByRole('heading', { level: 1 }).textContent(),
		    `Year summary ${YEAR}`);

		const months = page.getByRole('table', { name: /Days per month/ });
		// Office, Remote, Vacation, Holiday, Sick, Total
		assert.deepEqual(await rowCells(months, 'January'),
		    ['1.5', '1', '0', '0', '0', '2.5']);
		assert.deepEqual(await rowCells(months, 'March'),
		    ['0', '0', '3', '0', '0', '3']);
		assert.deepEqual(await rowCells(months, 'Year'),
		    ['2.5', '2', '3', '1', '1', '9.5']);

		const allowances = page.getByRole('region', { name: 'Allowances' })
		    .getByRole('table');
		assert.deepEqual(await rowCells(allowances, 'Vacation'),
		    ['25', '3', '22']);
		assert.deepEqual(await rowCells(allowances, 'Remote'),
		    ['1.5', '2', '0.5 over']);
		assert.deepEqual(await rowCells(allowances, 'Sick'),
		    ['none set', '1', '–']);

		// The chart: an image named by its title, described by its desc,
		// one segment per kind and month with entries (7 here), and a
		// legend that names every kind in words.
		const chart = page.getByRole('img', { name: `Days per month in ${YEAR}, stacked by kind` });
		await chart.waitFor();
		assert.match(await chart.getAttribute('aria-labelledby'), /wl-chart-desc/);
		assert.equal(await chart.locator('rect[fill^="url(#wl-pat-"]').count(), 7);
		assert.deepEqual(
		    (await page.locator('.wl-legend li').allTextContents()).map((s) => s.trim()),
		    ['Office', 'Remote', 'Vacation', 'Holiday', 'Sick']);
	});

	await step('screenshots; no horizontal scroll on a phone', async () => {
		await h.screenshots(page, 'summary');
	});

	await step('no console errors, CSP violations or failed requests', () => {
		assert.deepEqual(problems, []);
	});
});
