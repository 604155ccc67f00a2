// Browser tests of the streamed loading path (web/preload.js, main.js): JSON and
// JSON Lines timelines written by sockscope from the benchmark's synthetic
// capture, read as they arrive; the first screen drawn early (body[data-state]
// "partial"), everything later ("ready"); bad JSON Lines shown up to where they
// stop.  Registered by run.mjs, which owns the browser and the server.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuMark, scaled } from './machine.mjs';

const PARTIAL_MS = 500, READY_MS = 2500;                 /* 100,000 events */
const BIG_PARTIAL_MS = 1000, BIG_READY_MS = 25000;       /* 1,000,000 events from the file picker */
const BIG_HEAP = 1.5 * 1024 ** 3, INTERACT_MS = 100;

/* Records when body[data-state] changes, in ms after navigation start. */
const WATCH_STATES = () => {
	window.stateTimes = {};
	new MutationObserver(() => {
		const s = document.body && document.body.dataset.state;
		if (s && !(s in window.stateTimes)) window.stateTimes[s] = performance.now();
	}).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-state'] });
};

/* The keys' answers: Event Timing's duration of each keydown, from the key's input to
 * the next frame the browser paints after handling it (what Chrome reports as INP). */
const WATCH_KEYS = () => {
	window.keyTimes = [];
	new PerformanceObserver((list) => list.getEntries().forEach((e) => {
		if (e.name === 'keydown') window.keyTimes.push({ at: e.startTime, ms: e.duration });
	})).observe({ type: 'event', durationThreshold: 16, buffered: true });
};

export function register({ test, skip, open, assert, equal, ORIGIN, TMP, SOCKSCOPE, ROOT, writeReport }) {
	const dir = join(TMP, 'fixtures');
	const made = new Map();

	/* sockscope's own timeline of the first N synthetic packets, in a format. */
	function timeline(packets, format) {
		const key = packets + '.' + format;
		if (made.has(key)) return made.get(key);
		const gencap = join(TMP, 'gencap'), pcap = join(TMP, `synthetic-${packets}.pcap`);
		if (!existsSync(gencap)) execFileSync('cc', ['-O2', '-o', gencap, join(ROOT, 'bench', 'gencap.c')]);
		if (!existsSync(pcap)) execFileSync(gencap, [pcap, String(packets)], { stdio: 'ignore' });
		mkdirSync(dir, { recursive: true });
		const file = join(dir, `stream-${packets}.${format}`);
		execFileSync(SOCKSCOPE, ['trace', '-q', '-r', pcap, '--format', format, '-o', file]);
		made.set(key, file);
		return file;
	}

	async function timesOf(s, timeout) {
		equal(await s.waitState(timeout), 'ready', 'state');
		return s.page.evaluate(() => ({ ...window.stateTimes, events: Number(document.body.dataset.events) }));
	}

	/* Scrolling to the end, stepping and zooming, each pressed five times (in turn with
	 * the key that undoes it, not timed): every answer is printed, and the median of each
	 * must be within the budget.  One press in five may meet a garbage collection of the
	 * million-event model; the median is what a reader meets. */
	async function answers(page, label) {
		/* the keys of a reader at work, not of one still waiting for the load to be collected */
		await page.evaluate(() => new Promise((ok) => requestIdleCallback(ok, { timeout: 3000 })));
		await page.waitForTimeout(1500);
		for (const [key, undo, what] of [['End', 'Home', 'scroll to the end'], ['k', 'j', 'step'], ['+', '-', 'zoom']]) {
			const ms = [], mark = cpuMark();
			for (let k = 0; k < 5; k++) {
				const at = await page.evaluate(() => performance.now());
				await page.keyboard.press(key);
				/* the entry is queued after the frame is painted */
				const got = await page.waitForFunction((t) => {
					const e = window.keyTimes.find((x) => x.at >= t);
					return e ? e.ms : false;
				}, at, { timeout: 1500, polling: 20 }).then((h) => h.jsonValue(), () => null);
				ms.push(got === null ? 16 : got);     /* no entry: under Event Timing's 16 ms floor */
				await page.keyboard.press(undo);
				await page.waitForTimeout(150);
			}
			const sorted = ms.slice().sort((a, b) => a - b), median = sorted[2], budget = scaled(INTERACT_MS, mark);
			console.log(`    ${label}: ${what} answered in ${ms.join(', ')} ms (median ${median}, budget ${budget.budget} ms${budget.note})`);
			if (median > INTERACT_MS) console.log(`    ${label}: ${what}: OVER the idle-machine budget (${INTERACT_MS} ms); within it only as scaled by the load and the host's share`);
			assert(median <= budget.budget, `${what}: median ${median} ms, budget ${budget.budget} ms`);
		}
	}

	function checkBudgets(label, t, partialMs, readyMs, since) {
		const p = scaled(partialMs, since), r = scaled(readyMs, since);
		console.log(`    ${label}: partial ${t.partial === undefined ? '-' : t.partial.toFixed(0)} ms, ready ${t.ready.toFixed(0)} ms ` +
			`after navigation start, ${t.events} events (budgets ${p.budget} / ${r.budget} ms${r.note})`);
		/* The load average counts the browser's own threads too, so a scaled budget can be
		 * loose: say so whenever only the scaling lets a time through. */
		if (t.partial > partialMs || t.ready > readyMs)
			console.log(`    ${label}: OVER the idle-machine budgets (${partialMs} / ${readyMs} ms); within them only as scaled by the load and the host's share`);
		assert(t.partial !== undefined && t.partial < t.ready, `${label}: no first screen before the end`);
		assert(t.partial <= p.budget, `${label}: first screen at ${t.partial.toFixed(0)} ms, budget ${p.budget} ms`);
		assert(t.ready <= r.budget, `${label}: ready at ${t.ready.toFixed(0)} ms, budget ${r.budget} ms`);
	}

	for (const format of ['json', 'jsonl']) {
		test(`streamed: 100k-event ${format} timeline from ?src=, first screen and all within budget`, async () => {
			const file = timeline(100000, format);
			const events = readFileSync(file, 'utf8').split('\n').filter((l) => /^\{"kind":"(packet|app|note)"/.test(l)).length;
			/* the test server compresses a big file on its first request: have that done before timing */
			await (await fetch(`${ORIGIN}/__fixtures__/stream-100000.${format}`, { headers: { 'accept-encoding': 'gzip' } })).arrayBuffer();
			const since = cpuMark();
			const s = await open(`${ORIGIN}/web/index.html?src=${encodeURIComponent('/__fixtures__/stream-100000.' + format)}`,
				{ initScript: WATCH_STATES });
			try {
				const t = await timesOf(s, 60000);
				equal(t.events, events, 'events loaded');
				checkBudgets(`100k ${format} ?src=`, t, PARTIAL_MS, READY_MS, since);
				s.clean();
			} finally { await s.close(); }
		});
	}

	test('streamed: 100k-event report made from JSON Lines (file://), first screen and all within budget', async () => {
		const url = writeReport('stream-100k', readFileSync(timeline(100000, 'jsonl'), 'utf8'));
		const since = cpuMark();
		const s = await open(url, { initScript: WATCH_STATES });
		try {
			const t = await timesOf(s, 60000);
			const rows = await s.page.evaluate(() => window.Sockscope.timing.rows);
			assert(rows > 90000, 'the report\'s rows were read: ' + rows);
			checkBudgets('100k jsonl report', t, PARTIAL_MS, READY_MS, since);
			/* a row's event is its line, read in full when it is read (kept as bytes) */
			const want = readFileSync(timeline(100000, 'jsonl'), 'utf8').split('\n').filter((l) => /^\{"kind":"(packet|app|note)"/.test(l));
			const got = await s.page.evaluate(() => {
				const m = window.Sockscope.app.model(), out = [];
				for (let i = 0; i < m.count; i += 997) out.push([i, JSON.stringify(m.events[i])]);
				return out;
			});
			for (const [i, ev] of got) equal(ev, JSON.stringify(JSON.parse(want[i])), 'event ' + i);
			s.clean();
		} finally { await s.close(); }
	});

	/* The rows are a shortcut: the timeline holds all they say.  Damaged, or missing,
	 * the page reads the timeline alone and shows every event. */
	test('streamed: a report whose rows are damaged or missing is read from its timeline alone', async () => {
		const url = writeReport('stream-rows', readFileSync(timeline(1000, 'jsonl'), 'utf8'));
		const file = fileURLToPath(url), page = readFileSync(file, 'utf8');
		const rowsAt = page.indexOf('class="sockscope-rows"'), at = page.indexOf('>', rowsAt) + 1;
		assert(rowsAt > page.indexOf('class="sockscope-timeline"'), 'the rows stand after the timeline');
		for (const [what, text] of [['damaged', page.slice(0, at) + 'AAAA'.repeat(64) + page.slice(at + 256)],
			['missing', page.replace(/<script type="application\/octet-stream" class="sockscope-rows"[^>]*>[^<]*<\/script>/g, '')]]) {
			writeFileSync(file, text);
			const s = await open(url, { expectErrors: true });
			try {
				equal(await s.waitState(30000), 'ready', what + ': state');
				const got = await s.page.evaluate(() => ({ n: Number(document.body.dataset.events), rows: window.Sockscope.timing.rows,
					stopped: document.body.dataset.stopped || '' }));
				equal(got.n, 1000, what + ': events');
				equal(got.rows, 0, what + ': rows used');
				equal(got.stopped, '', what + ': nothing stopped');
			} finally { await s.close(); }
		}
	});

	/* A report whose compressed timeline is damaged part way: the page says so, and
	 * what was read before stays on screen. */
	test('streamed: a report whose compressed timeline is damaged says where reading stopped', async () => {
		const url = writeReport('stream-damaged', readFileSync(timeline(100000, 'jsonl'), 'utf8'));
		const file = fileURLToPath(url), page = readFileSync(file, 'utf8');
		const open_ = page.indexOf('class="sockscope-timeline"'), at = page.indexOf('>', open_) + 1 + 64 * 1024 * 20;
		assert(open_ > 0 && page.charAt(at) !== '<', 'a piece well inside the data');
		writeFileSync(file, page.slice(0, at) + 'AAAA'.repeat(4096) + page.slice(at + 4 * 4096));
		const s = await open(url, { expectErrors: true });
		try {
			const state = await s.waitState(30000);
			const said = await s.page.evaluate(() => (document.body.dataset.stopped || '') + ' ' +
				((document.getElementById('error') || {}).textContent || ''));
			assert(/does not inflate/.test(said), 'the page says the timeline is damaged: ' + said + ' (state ' + state + ')');
			equal(state, 'ready', 'what was read is shown');
			const n = await s.page.evaluate(() => Number(document.body.dataset.events));
			assert(n > 0 && n < 100000, 'events shown: ' + n);
			console.log(`    damaged report: state ${state}, "${said.trim().slice(0, 160)}"`);
		} finally { await s.close(); }
	});

	test('streamed: JSON Lines from the file picker; keys work before the end', async () => {
		const file = timeline(100000, 'jsonl');
		const s = await open(`${ORIGIN}/web/index.html`, { initScript: WATCH_STATES });
		const { page } = s;
		try {
			equal(await s.waitState(), 'start', 'start page');
			await page.setInputFiles('#file-input', file);
			await page.waitForFunction(() => ['partial', 'ready'].includes(document.body.dataset.state), null, { timeout: 20000, polling: 5 });
			const during = await page.evaluate(() => ({ state: document.body.dataset.state, events: Number(document.body.dataset.events),
				progress: (document.getElementById('load-progress') || {}).textContent || '' }));
			if (during.state === 'partial') {
				/* the first screen stays while the model is built, after the last event is read */
				assert(during.events > 0 && during.events <= 100000, 'events so far: ' + during.events);
				await page.keyboard.press('j');
				const sel = await page.evaluate(() => window.Sockscope.app.state().selected);
				assert(sel >= 0, 'a key works while loading (selected ' + sel + ')');
				console.log(`    picker: partial with ${during.events} events, "${during.progress}"; j selected ${sel}`);
			} else {
				console.log('    picker: NOTE the whole file was read before the first screen could be seen');
			}
			const t = await timesOf(s, 60000);
			equal(t.events, 100000, 'events');
			equal(await page.evaluate(() => window.Sockscope.app.state() !== null), true, 'state kept');
			s.clean();
		} finally { await s.close(); }
	});

	/* ?reader=worker (web/worker.js): the same timeline read in a Web Worker must give the
	 * page the same events, flows and matches as reading it on the page's thread. */
	test('worker reader: 100k JSON Lines read in a worker equal the page-thread reading', async () => {
		const file = timeline(100000, 'jsonl');
		const lines = readFileSync(file, 'utf8').split('\n');
		const lastPacket = lines.filter((l) => l.startsWith('{"kind":"packet"')).pop();
		const want = JSON.parse(lastPacket).explain.summary;
		const url = (reader) => `${ORIGIN}/web/index.html?${reader}src=${encodeURIComponent('/__fixtures__/stream-100000.jsonl')}`;
		const facts = async (reader) => {
			const s = await open(url(reader));
			try {
				equal(await s.waitState(60000), 'ready', 'state');
				const remote = await s.page.evaluate(() => !!window.Sockscope.app.model().remote);
				equal(remote, reader !== '', 'read in a worker');
				await s.page.keyboard.press('End');
				await s.page.waitForFunction((text) => document.getElementById('details').textContent.includes(text), want, { timeout: 10000 });
				await s.page.evaluate(() => window.Sockscope.app.dispatch({ type: 'query', text: 'retransmission' }));
				await s.page.waitForFunction(() => /matching|nothing/.test(document.getElementById('filter-count').textContent), null, { timeout: 20000 });
				const out = await s.page.evaluate(() => {
					const m = window.Sockscope.app.model(), st = window.Sockscope.app.state();
					let flagged = 0, lost = 0;
					for (let i = 0; i < m.count; i++) { flagged += m.flagged[i]; lost += m.lost[i]; }
					return { count: m.count, flows: m.flows.length, lanes: m.lanes.length, flagged, lost, matches: st.rows.length,
						label: window.Sockscope.describe(m.events[st.selected]) };
				});
				s.clean();
				return out;
			} finally { await s.close(); }
		};
		const page = await facts(''), worker = await facts('reader=worker&');
		console.log(`    worker reader: ${JSON.stringify(worker)}`);
		for (const k of ['count', 'flows', 'lanes', 'flagged', 'lost', 'matches', 'label']) equal(worker[k], page[k], k);
		assert(worker.matches > 0 && worker.lost > 0, 'matches and losses to compare');
	});

	for (const reader of ['', 'reader=worker']) {
		test(`streamed: a big file keeps slim events and reads the shown one again in full${reader ? ' (' + reader + ')' : ''}`, async () => {
			const file = timeline(100000, 'jsonl');
			const lines = readFileSync(file, 'utf8').split('\n');
			const want = [2, 50000].map((k) => JSON.parse(lines[k + 1]).explain.summary);   /* after the header line */
			const s = await open(`${ORIGIN}/web/index.html?${reader}`, { initScript: () => { window.SockscopeSlimBytes = 1; } });
			const { page } = s;
			try {
				equal(await s.waitState(), 'start', 'start page');
				await page.setInputFiles('#file-input', file);
				equal(await s.waitState(60000), 'ready', 'state');
				equal(await page.evaluate(() => !!window.Sockscope.app.model().remote), reader !== '', 'read in a worker');
				for (const [n, k] of [2, 50000].entries()) {
					await page.evaluate((index) => window.Sockscope.app.dispatch({ type: 'select', index }), k);
					await page.waitForFunction((text) => document.getElementById('details').textContent.includes(text), want[n], { timeout: 5000 });
				}
				s.clean();
			} finally { await s.close(); }
		});
	}

	/* Bad JSON Lines: what was read is shown, and the page says where and why it stopped. */
	const lines = () => readFileSync(timeline(100000, 'jsonl'), 'utf8').split('\n').slice(0, 400);
	const BAD = {
		'cut mid-line': () => lines().slice(0, 300).join('\n') + '\n' + lines()[300].slice(0, 50),
		'a line that is not JSON': () => lines().slice(0, 300).join('\n') + '\nnot json\n' + lines().slice(300).join('\n') + '\n',
	};
	for (const [what, make] of Object.entries(BAD)) {
		test(`streamed: JSON Lines ${what}: shows the events before it and says where it stopped`, async () => {
			const file = join(dir, `bad-${what.replace(/\W+/g, '-')}.jsonl`);
			writeFileSync(file, make());
			const s = await open(`${ORIGIN}/web/index.html`);
			try {
				equal(await s.waitState(), 'start', 'start page');
				await s.page.setInputFiles('#file-input', file);
				equal(await s.waitState(20000), 'ready', 'state');
				const r = await s.page.evaluate(() => ({ events: Number(document.body.dataset.events), stopped: document.body.dataset.stopped,
					text: document.getElementById('load-progress').textContent }));
				equal(r.events, 299, 'events shown (the lines before the bad one, less the header)');
				assert(/line 301/.test(r.stopped), 'names the line: ' + r.stopped);
				assert(r.text.includes('line 301') && r.text.includes('299 events'), 'tells the reader: ' + r.text);
				s.clean();
			} finally { await s.close(); }
		});
	}

	test('streamed: a document\'s head members before "events":[ (the glossary) reach the first screen; a hostile one is kept out', async () => {
		const s = await open(`${ORIGIN}/web/index.html`);
		try {
			equal(await s.waitState(), 'start', 'start page');
			const got = await s.page.evaluate(() => {
				const p = new window.Sockscope.TimelineParser(false);
				const ev = (k) => JSON.stringify({ kind: 'note', t: k / 1000, side: 'client', text: 'n' + k });
				const lines = ['{"schema":"sockscope.timeline/1","demo":{"name":"d"},', '"glossary":{"analysis":{"zero_window":"Zero window."}},',
					'"__proto__":{"polluted":true},', '"events":['];
				for (let k = 0; k < 3; k++) lines.push(ev(k) + ',');
				p.feed(lines.join('\n') + '\n');
				const doc = p.doc(false);
				return { events: doc.events.length, glossary: doc.glossary && doc.glossary.analysis.zero_window,
					polluted: ({}).polluted === true || p.head.polluted === true, streaming: p.mode === 3 };
			});
			equal(got.events, 3, 'events read one a line, before the end');
			equal(got.streaming, true, 'still streaming the events');
			equal(got.glossary, 'Zero window.', 'the glossary in the first screen\'s document');
			equal(got.polluted, false, 'a "__proto__" member changes no prototype');
			s.clean();
		} finally { await s.close(); }
	});

	test('streamed: JSON Lines with an unknown schema is refused with a clear message', async () => {
		const file = join(dir, 'bad-schema.jsonl');
		writeFileSync(file, lines().join('\n').replace('sockscope.timeline/1', 'sockscope.timeline/7') + '\n');
		const s = await open(`${ORIGIN}/web/index.html`, { expectErrors: true });
		try {
			equal(await s.waitState(), 'start', 'start page');
			await s.page.setInputFiles('#file-input', file);
			equal(await s.waitState(20000), 'error', 'state');
			const message = await s.page.evaluate(() => document.getElementById('error').textContent);
			assert(/sockscope\.timeline\/7/.test(message), 'message names the schema: ' + message);
		} finally { await s.close(); }
	});

	/* 1,000,000 events from the file picker: a 1.2 GB timeline, written once (about 5 s). */
	test('streamed: 1,000,000-event JSON Lines from the file picker', async () => {
		const file = timeline(1000000, 'jsonl');
		const s = await open(`${ORIGIN}/web/index.html`, { initScript: `(${WATCH_KEYS})(); (${WATCH_STATES})();` });
		const { page } = s;
		try {
			equal(await s.waitState(), 'start', 'start page');
			const start = await page.evaluate(() => performance.now()), since = cpuMark();
			await page.setInputFiles('#file-input', file);
			const t = await timesOf(s, 120000);
			const cdp = await page.context().newCDPSession(page);
			const heap = await cdp.send('Runtime.getHeapUsage');
			const rel = { partial: t.partial - start, ready: t.ready - start, events: t.events };
			console.log(`    1M: JS heap ${(heap.usedSize / 1024 ** 3).toFixed(2)} GB`);
			checkBudgets('1M jsonl picker', rel, BIG_PARTIAL_MS, BIG_READY_MS, since);
			assert(heap.usedSize <= BIG_HEAP, `JS heap ${heap.usedSize} > ${BIG_HEAP}`);
			await answers(page, '1M');
			/* The filter over a million events searches in slices: the page says how far it
			 * is, keeps the rows it showed, and answers a key meanwhile. */
			const t0 = Date.now(), searching = cpuMark();
			await page.evaluate(() => window.Sockscope.app.dispatch({ type: 'query', text: 'retransmission' }));
			const during = await page.evaluate(() => ({ text: document.getElementById('filter-count').textContent,
				rows: window.Sockscope.app.state().rows.length }));
			assert(/^searching… \d+%$/.test(during.text), 'the filter says it is searching: ' + during.text);
			equal(during.rows, 1000000, 'the rows shown stay while it searches');
			const ms = [];       /* up to three keys while it searches (j and k in turn) */
			for (const key of ['j', 'k', 'j']) {
				if (!await page.evaluate(() => /searching/.test(document.getElementById('filter-count').textContent))) break;
				const since = await page.evaluate(() => performance.now());
				await page.keyboard.press(key);
				ms.push(await page.waitForFunction((t) => (window.keyTimes.find((x) => x.at >= t) || {}).ms || false, since,
					{ timeout: 1500, polling: 20 }).then((h) => h.jsonValue(), () => 16));
				await page.waitForTimeout(100);
			}
			await page.waitForFunction(() => /matching|nothing/.test(document.getElementById('filter-count').textContent), null, { timeout: 60000 });
			const after = await page.evaluate(() => ({ text: document.getElementById('filter-count').textContent,
				rows: window.Sockscope.app.state().rows.length }));
			const median = ms.slice().sort((a, b) => a - b)[ms.length >> 1];
			console.log(`    1M: keys answered in ${ms.join(', ')} ms while the filter searched; "${after.text}" after ${Date.now() - t0} ms`);
			assert(ms.length > 0, 'a key pressed while the filter searched');
			assert(median <= scaled(INTERACT_MS, searching).budget, `keys while searching: median ${median} ms`);
			assert(after.rows > 0 && after.rows < 1000000 && /matching events/.test(after.text), 'matches: ' + after.text);
			assert(/explanations and payloads/.test(after.text), 'says what a file this big cannot search: ' + after.text);
			s.clean();
		} finally { await s.close(); }
	});
	return { timeline };
}
