#!/usr/bin/env node
// Screenshot of the real n8n editor with a template workflow open, for the README
// (docs/editor-template.png). Needs a running n8n with the template imported, as `npm start` leaves it,
// a Chromium and playwright-core; neither is a dependency of this package.
//
//   npm install --prefix /tmp/shot playwright-core      # outside this repo's package.json
//   apt-get install -y chromium                          # Debian's; never `playwright install`
//   node scripts/start.js --no-build > /tmp/n8n.log 2>&1 &   # after `npm run build`; wait for "Editor:"
//   PLAYWRIGHT_CORE=/tmp/shot/node_modules/playwright-core node scripts/screenshot.js
//   kill -INT <start.js pid>
//
// Options (each also from the environment; defaults are what `npm start` sets up):
//   --url URL          n8n base URL                       N8N_URL            http://127.0.0.1:5678
//   --email EMAIL      owner login                        N8N_OWNER_EMAIL    admin@sandbox.example
//   --password PASS    owner password                     N8N_OWNER_PASSWORD Sandbox-Admin-2026
//   --workflow ID      workflow to open                   WORKFLOW_ID        jiraIssuesToEsmFull
//   --out FILE         PNG to write                       SCREENSHOT_OUT     docs/editor-template.png
//   --width N --height N  viewport (CSS px)               SCREENSHOT_WIDTH/HEIGHT  1600 x 900
//   --chromium PATH    browser binary                     CHROMIUM_PATH      /usr/bin/chromium
// playwright-core is required from PLAYWRIGHT_CORE (a path) when set, else by a normal require.
// The script signs in through n8n's sign-in page (so the browser gets the session cookie bound to its
// own browser id), opens /workflow/<id>, closes onboarding modals, banners and toasts, waits until every
// node of the workflow is drawn, zooms to fit and writes the PNG. It fails (exit 1) when a node is
// missing from the canvas, when the page is not the editor, or when an error toast stays up.
'use strict';

const { mkdirSync, mkdtempSync, rmSync, statSync } = require('fs');
const { tmpdir } = require('os');
const { dirname, join, resolve } = require('path');

const REPO_ROOT = resolve(__dirname, '..');

const HELP = `Usage: node scripts/screenshot.js [--url URL] [--email EMAIL] [--password PASS] [--workflow ID]
                              [--out FILE] [--width N] [--height N] [--chromium PATH]
See the comment at the top of scripts/screenshot.js for the environment variables and defaults.
`;

function parseArgs(argv, env) {
	const options = {
		url: env.N8N_URL || 'http://127.0.0.1:5678',
		email: env.N8N_OWNER_EMAIL || 'admin@sandbox.example',
		password: env.N8N_OWNER_PASSWORD || 'Sandbox-Admin-2026',
		workflow: env.WORKFLOW_ID || 'jiraIssuesToEsmFull',
		out: env.SCREENSHOT_OUT || join(REPO_ROOT, 'docs', 'editor-template.png'),
		width: Number(env.SCREENSHOT_WIDTH || 1600),
		height: Number(env.SCREENSHOT_HEIGHT || 900),
		chromium: env.CHROMIUM_PATH || '/usr/bin/chromium',
		help: false,
	};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--help' || arg === '-h') {
			options.help = true;
			continue;
		}
		const match = /^--(url|email|password|workflow|out|width|height|chromium)(?:=(.*))?$/.exec(arg);
		if (!match) throw new Error(`Unknown argument ${arg}\n\n${HELP}`);
		const value = match[2] ?? argv[++i];
		if (value === undefined) throw new Error(`${arg} needs a value`);
		options[match[1]] = match[1] === 'width' || match[1] === 'height' ? Number(value) : value;
	}
	options.url = options.url.replace(/\/+$/, '');
	options.out = resolve(process.env.INIT_CWD ?? process.cwd(), options.out);
	return options;
}

function loadPlaywright() {
	const from = process.env.PLAYWRIGHT_CORE;
	try {
		return require(from ? resolve(from) : 'playwright-core');
	} catch (error) {
		throw new Error(
			`Cannot load playwright-core${from ? ` from ${from}` : ''} (${error.message}).\n` +
				'Install it outside this package, e.g. `npm install --prefix /tmp/shot playwright-core`, and set ' +
				'PLAYWRIGHT_CORE=/tmp/shot/node_modules/playwright-core.',
		);
	}
}

const log = (message) => process.stderr.write(`[screenshot] ${message}\n`);

/** Reads the workflow's node names through the REST API with the page's own session. */
async function workflowNodeNames(page, baseUrl, id) {
	const answer = await page.evaluate(async (url) => {
		const browserId = localStorage.getItem('n8n-browserId');
		const response = await fetch(url, { credentials: 'include', headers: browserId ? { 'browser-id': browserId } : {} });
		return { status: response.status, body: await response.text() };
	}, `${baseUrl}/rest/workflows/${encodeURIComponent(id)}`);
	if (answer.status !== 200) throw new Error(`GET /rest/workflows/${id} answered ${answer.status}: ${answer.body.slice(0, 200)}`);
	const workflow = JSON.parse(answer.body).data ?? JSON.parse(answer.body);
	return workflow.nodes.map((node) => ({ name: node.name, type: node.type }));
}

async function signIn(page, options) {
	await page.goto(`${options.url}/signin`, { waitUntil: 'domcontentloaded' });
	const email = page.locator('input[name="emailOrLdapLoginId"], input[name="email"], input[type="email"]').first();
	await email.waitFor({ state: 'visible', timeout: 30000 });
	await email.fill(options.email);
	await page.locator('input[name="password"], input[type="password"]').first().fill(options.password);
	await page.locator('[data-test-id="form-submit-button"], button[type="submit"]').first().click();
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 30000 }).catch(async () => {
		const text = (await page.locator('body').innerText().catch(() => '')).slice(0, 300);
		throw new Error(`Sign-in did not get past /signin (wrong login?). Page says: ${text}`);
	});
	log(`Signed in as ${options.email}.`);
}

/** Closes whatever stands over the canvas: onboarding / survey / what's-new modals, banners, toasts. */
async function clearOverlays(page) {
	for (let round = 0; round < 5; round++) {
		let closed = 0;
		const candidates = [
			'.el-overlay:visible .el-dialog__headerbtn',
			'.el-overlay:visible [data-test-id="skip-button"]',
			'[data-test-id="personalization-form"] ~ * button:has-text("Skip")',
			'[data-test-id="banners-container"] [data-test-id="banner-close-button"]',
			'[data-test-id="banners-container"] button[aria-label="Close"]',
			'.el-notification .el-notification__closeBtn',
		];
		for (const selector of candidates) {
			const items = page.locator(selector);
			const count = await items.count().catch(() => 0);
			for (let i = 0; i < count; i++) {
				const item = items.nth(i);
				if (await item.isVisible().catch(() => false)) {
					await item.click({ timeout: 2000 }).then(() => closed++, () => {});
				}
			}
		}
		if (await page.locator('.el-overlay:visible, [role="dialog"]:visible').count().catch(() => 0)) {
			await page.keyboard.press('Escape');
			closed++;
		}
		if (!closed) return;
		await page.waitForTimeout(400);
	}
}

async function main() {
	const options = parseArgs(process.argv.slice(2), process.env);
	if (options.help) {
		process.stdout.write(HELP);
		return;
	}
	const { chromium } = loadPlaywright();
	const profile = mkdtempSync(join(tmpdir(), 'n8n-shot-'));
	let browser;
	try {
		// A persistent context gives the fresh --user-data-dir; no network beyond n8n is wanted.
		browser = await chromium.launchPersistentContext(profile, {
			executablePath: options.chromium,
			headless: true,
			viewport: { width: options.width, height: options.height },
			deviceScaleFactor: 1,
			colorScheme: 'light',
			locale: 'en-US',
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
		const page = browser.pages()[0] ?? (await browser.newPage());
		const pageErrors = [];
		page.on('pageerror', (error) => pageErrors.push(error.message));

		await signIn(page, options);
		const nodes = await workflowNodeNames(page, options.url, options.workflow);
		log(`Workflow ${options.workflow}: ${nodes.length} nodes (${nodes.map((node) => node.name).join(', ')}).`);

		await page.goto(`${options.url}/workflow/${encodeURIComponent(options.workflow)}`, { waitUntil: 'domcontentloaded' });
		if (new URL(page.url()).pathname.startsWith('/signin')) throw new Error('The editor sent the browser back to /signin.');
		const canvas = page.locator('[data-test-id="canvas"], .vue-flow').first();
		await canvas.waitFor({ state: 'visible', timeout: 60000 });

		// Every node of the workflow drawn, sticky notes included: each node's element carries
		// data-node-name and data-node-type.
		for (const node of nodes) {
			await page
				.locator(`[data-node-type][data-node-name="${node.name.replace(/["\\]/g, '\\$&')}"]`)
				.first()
				.waitFor({ state: 'visible', timeout: 60000 })
				.catch(() => {
					throw new Error(`Node "${node.name}" (${node.type}) did not appear on the canvas.`);
				});
		}
		// Node icons are images loaded after the nodes: let the network settle.
		await page.waitForLoadState('networkidle', { timeout: 15000 }).catch(() => {});
		await clearOverlays(page);

		// Zoom to fit (the canvas button; the "1" shortcut as a fallback), then let the animation end.
		const fit = page.locator('[data-test-id="zoom-to-fit"]').first();
		if (await fit.isVisible().catch(() => false)) await fit.click();
		else {
			await canvas.click({ position: { x: 5, y: 5 } }).catch(() => {});
			await page.keyboard.press('1');
		}
		await page.mouse.move(options.width - 2, options.height / 2);
		await page.waitForTimeout(1200);
		await clearOverlays(page);

		// What the canvas shows on each node beyond its name: parameter issues, warnings, node settings
		// badges (execute once, continue on error, …) and icons that did not load. Logged, not fatal.
		const marks = await page.evaluate(() =>
			[...document.querySelectorAll('[data-test-id="canvas-node"][data-node-name]')].map((element) => ({
				name: element.getAttribute('data-node-name'),
				badges: [...element.querySelectorAll('[data-test-id^="canvas-node-status-"], [data-test-id="node-issues"]')].map((badge) =>
					badge.getAttribute('data-test-id').replace(/^canvas-node-status-/, ''),
				),
				brokenIcons: [...element.querySelectorAll('img')].filter((image) => !image.complete || image.naturalWidth === 0).length,
			})),
		);
		for (const mark of marks) {
			const notes = [...mark.badges, ...(mark.brokenIcons ? [`${mark.brokenIcons} icon(s) not loaded`] : [])];
			if (notes.length) log(`  ${mark.name}: ${notes.join(', ')}`);
		}
		const problems = marks.filter((mark) => mark.brokenIcons || mark.badges.some((badge) => badge === 'node-issues' || badge === 'warning'));
		if (problems.length) log(`Warning: nodes with issues or missing icons: ${problems.map((mark) => mark.name).join(', ')}.`);

		const errorToasts = await page.locator('.el-notification--error, .el-notification:has(.el-notification__icon.el-icon-error)').allInnerTexts();
		if (errorToasts.length) throw new Error(`Error toast on the editor: ${errorToasts.join(' | ')}`);

		mkdirSync(dirname(options.out), { recursive: true });
		await page.screenshot({ path: options.out, type: 'png', fullPage: false });
		const size = statSync(options.out).size;
		log(`Wrote ${options.out} (${options.width}x${options.height}, ${Math.round(size / 1024)} KB).`);
		if (pageErrors.length) log(`Page errors seen (not fatal): ${pageErrors.slice(0, 5).join(' | ')}`);
	} finally {
		if (browser) await browser.close().catch(() => {});
		rmSync(profile, { recursive: true, force: true });
	}
}

main().catch((error) => {
	process.stderr.write(`[screenshot] ${error.message}\n`);
	process.exitCode = 1;
});
