// bench/nat: drives the WebSocket phone (phone.html: JsSIP in headless
// Chromium) for run.sh.
//
//   node drive.js --modules DIR --chromium /usr/bin/chromium --http-port P
//     --ws ws://127.0.0.1:P --ext 1002 --password p1002 --domain ringd.local
//     --profile DIR [--for SECONDS] [--calls N]
//
// DIR/node_modules holds puppeteer-core (installed by run.sh with
// PUPPETEER_SKIP_DOWNLOAD=1: the browser is Debian's chromium) and DIR/jssip.js
// the browser bundle of JsSIP. The page is served from 127.0.0.1:P (http on
// 127.0.0.1 is a secure context: getUserMedia works there). Every event of
// the page is one line on stdout, "EVENT name detail", the page's console on
// stderr. The driver exits 0 once the phone has had N calls (default 1) that
// ended after being confirmed (answered and ACKed), 1 when a call failed, the
// registration failed, or --for seconds (default 60) passed; it closes the
// browser on its way out, also on SIGTERM/SIGINT.
'use strict';
const fs = require('fs');
const http = require('http');
const path = require('path');

const opt = {};
for (let i = 2; i < process.argv.length; i += 2) {
	opt[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
}
for (const k of ['modules', 'chromium', 'http-port', 'ws', 'ext', 'password', 'domain', 'profile']) {
	if (!opt[k]) {
		console.error('drive.js: missing --' + k);
		process.exit(2);
	}
}
const puppeteer = require(path.join(opt.modules, 'node_modules', 'puppeteer-core'));
const calls = Number(opt.calls || 1);
const limit = Number(opt.for || 60) * 1000;

const t0 = Date.now();
const out = (line) => process.stdout.write(((Date.now() - t0) / 1000).toFixed(3) + ' ' + line + '\n');

let browser = null;
let server = null;
let done = 0;
let exiting = false;
async function finish(code, why) {
	if (exiting) return;
	exiting = true;
	out('EXIT ' + code + ' ' + why);
	try { if (browser) await browser.close(); } catch (e) { /* already gone */ }
	try { if (server) server.close(); } catch (e) { /* not listening */ }
	process.exit(code);
}
process.on('SIGTERM', () => finish(1, 'SIGTERM'));
process.on('SIGINT', () => finish(1, 'SIGINT'));
setTimeout(() => finish(1, 'timeout after ' + limit / 1000 + ' s'), limit).unref();

const files = {
	'/': [path.join(__dirname, 'phone.html'), 'text/html; charset=utf-8'],
	'/jssip.js': [path.join(opt.modules, 'jssip.js'), 'application/javascript'],
};

async function main() {
	server = http.createServer((req, res) => {
		const f = files[new URL(req.url, 'http://x').pathname];
		if (!f) {
			res.writeHead(404).end();
			return;
		}
		res.writeHead(200, { 'Content-Type': f[1], 'Cache-Control': 'no-store' });
		fs.createReadStream(f[0]).pipe(res);
	});
	await new Promise((ok, bad) => server.once('error', bad).listen(Number(opt['http-port']), '127.0.0.1', ok));

	browser = await puppeteer.launch({
		executablePath: opt.chromium,
		headless: true,
		userDataDir: opt.profile,
		pipe: true,
		handleSIGINT: false,
		handleSIGTERM: false,
		handleSIGHUP: false,
		args: [
			'--no-sandbox', // root, in a container
			'--use-fake-device-for-media-stream',
			'--use-fake-ui-for-media-stream',
			'--disable-gpu',
			'--disable-dev-shm-usage',
			'--no-first-run',
			'--no-default-browser-check',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--disable-features=MediaRouter,OptimizationHints,Translate',
			'--metrics-recording-only',
		],
	});
	browser.on('disconnected', () => finish(1, 'browser disconnected'));
	const page = await browser.newPage();
	// JsSIP's debug output is styled (%c and CSS arguments): plain text here.
	page.on('console', (m) => {
		const text = m.text().replace(/%c/g, '').replace(/ color: (#[0-9a-f]{6}|inherit)/gi, '');
		process.stderr.write('console.' + m.type() + ': ' + text + '\n');
	});
	page.on('pageerror', (e) => out('EVENT error pageerror ' + String(e).split('\n')[0]));
	let confirmed = 0;
	await page.exposeFunction('report', (event, detail) => {
		out('EVENT ' + event + (detail ? ' ' + detail.replace(/\s+/g, ' ') : ''));
		switch (event) {
		case 'registration_failed':
		case 'error':
			finish(1, event);
			break;
		case 'failed':
			finish(1, 'call failed: ' + detail);
			break;
		case 'confirmed':
			confirmed++;
			break;
		case 'ended':
			if (confirmed > done) done++;
			if (done >= calls) finish(0, done + ' call(s) answered and ended');
			break;
		}
	});
	const q = new URLSearchParams({ ws: opt.ws, ext: opt.ext, password: opt.password, domain: opt.domain });
	if (opt['ring-ms']) q.set('ring_ms', opt['ring-ms']);
	await page.goto('http://127.0.0.1:' + opt['http-port'] + '/?' + q.toString());
	out('EVENT page_loaded');
}

main().catch((e) => {
	out('EVENT error driver ' + String(e).split('\n')[0]);
	finish(1, 'driver error');
});
