// Browser tests for the kernel's view (web/kernel.js): the cwnd chart, the accept
// queue gauge, kernel states beside the wire's, and counter deltas as ladder markers
// explained by the timeline's own glossary.  Registered by run.mjs.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as fixtures from './fixtures.mjs';

const GLOSSARY = {
	TcpExtListenOverflows: 'SYNs or final ACKs dropped because a listener\'s accept queue was full',
	TcpExtTCPTimeouts: 'retransmission timer (RTO) expirations',
};

function sample(t, side, state, local, remote, flow, tcpInfo, queue) {
	return { kind: 'kernel', t, ts: '2026-11-27T08:00:00.000000Z', flow, side, state, local, remote,
		tcp_info: tcpInfo, queue };
}

function info(cwnd, ssthresh, unacked, rtt) {
	return { state: 'ESTABLISHED', ca_state: 'open', rto: 0.204, rtt, rttvar: rtt / 2, snd_cwnd: cwnd,
		snd_ssthresh: ssthresh, unacked, sacked: 0, lost: 0, retrans: 0, total_retrans: 0, snd_wnd: 65536,
		rcv_wnd: 65536, rcv_space: 14480, delivery_rate: 1e6, busy_time: 0.001, rwnd_limited: 0, sndbuf_limited: 0 };
}

/* tcp-basic with the kernel's samples and counters merged in by time. */
export function kernelTimeline() {
	const doc = fixtures.tcpBasic();
	const client = { addr: '127.0.0.1', port: 40312 }, server = { addr: '127.0.0.1', port: 7000 };
	const any = { addr: '0.0.0.0', port: 0 };
	const added = [
		sample(0.000016, 'listener', 'LISTEN', server, any, null, null, { accept: 0, backlog: 1 }),
		sample(0.000145, 'listener', 'LISTEN', server, any, null, null, { accept: 2, backlog: 1 }),
		{ kind: 'counters', t: 0.000146, ts: '2026-11-27T08:00:00.000146Z',
			delta: { TcpExtListenOverflows: 1, TcpExtListenDrops: 1, '<img src=x onerror=alert(1)>': 1 } },
		sample(0.000160, 'listener', 'LISTEN', server, any, null, null, { accept: 1, backlog: 1 }),
		sample(0.000142, 'client', 'ESTABLISHED', client, server, 1, info(10, 2147483647, 0, 0.00005), { recv: 0, send: 0 }),
		sample(0.000215, 'client', 'ESTABLISHED', client, server, 1, info(10, 2147483647, 1, 0.00005), { recv: 0, send: 5 }),
		sample(0.000235, 'client', 'ESTABLISHED', client, server, 1, info(12, 8, 0, 0.00004), { recv: 0, send: 0 }),
		sample(0.000280, 'client', 'ESTABLISHED', client, server, 1, info(14, 8, 0, 0.00004), { recv: 0, send: 0 }),
		sample(0.000215, 'server', 'CLOSE_WAIT', server, client, 1, info(10, 2147483647, 0, 0.00005), { recv: 5, send: 0 }),
		sample(0.000380, 'client', 'TIME_WAIT', client, server, 1, null, { recv: 0, send: 0 }),
	];
	doc.events = doc.events.concat(added).sort((a, b) => a.t - b.t);
	doc.events.forEach((e, i) => { if (e.kind === 'packet') e.frame = i + 1; });
	doc.source = { ...doc.source, counters_scope: 'demo namespace',
		kernel: { sock_diag: 'ok', interval: 0.001, samples: 40, sampling_time: 0.01, records: added.length },
		counters_glossary: GLOSSARY };
	return doc;
}

export function register({ test, assert, equal, open, ORIGIN, TMP }) {
	const doc = kernelTimeline();
	writeFileSync(join(TMP, 'fixtures', 'kernel.json'), JSON.stringify(doc));
	const nodiag = fixtures.tcpBasic();
	nodiag.source = { ...nodiag.source, counters_scope: 'demo namespace',
		kernel: { sock_diag: 'unavailable', note: 'sock_diag is unavailable (socket: Permission denied): no kernel socket records',
			interval: 0.001, samples: 3, records: 0 } };
	writeFileSync(join(TMP, 'fixtures', 'kernel-nodiag.json'), JSON.stringify(nodiag));
	const url = (name) => `${ORIGIN}/web/index.html?src=${encodeURIComponent('/__fixtures__/' + name + '.json')}`;
	const client = doc.events.filter((e) => e.kind === 'kernel' && e.side === 'client');
	/* the rows: kernel samples are never rows (each event keeps its index), counters are markers */
	const shown = doc.events.filter((e) => e.kind !== 'kernel');

	test('kernel: cwnd, ssthresh, in-flight and RTT chart on the flow\'s time axis', async () => {
		const s = await open(url('kernel'));
		try {
			equal(await s.waitState(), 'ready', 'state');
			const { page } = s;
			assert(await page.locator('#kernel').isVisible(), 'the kernel panel is shown');
			const points = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('.kernel-chart [data-series]')]
				.map((p) => [p.dataset.series, { n: Number(p.dataset.points), xs: p.getAttribute('points').split(' ').map((q) => Number(q.split(',')[0])) }])));
			/* samples inside the flow's first to last packet (0.0001 .. 0.00037): TIME_WAIT at 0.00038 is outside */
			const inside = client.filter((e) => e.t <= 0.00037 && e.tcp_info);
			equal(points.cwnd.n, inside.length, 'cwnd points');
			equal(points.ssthresh.n, 2, 'ssthresh only where the kernel set it');
			equal(points.inflight.n, inside.length, 'in-flight points');
			equal(points.rtt.n, inside.length, 'RTT points');
			for (const k of Object.keys(points))
				assert(points[k].xs.every((x, i) => i === 0 || x >= points[k].xs[i - 1]), k + ': time runs left to right');
			/* the chart's axis spans the flow's packets, as the time-sequence graph does */
			const first = points.cwnd.xs[0], last = points.cwnd.xs[points.cwnd.xs.length - 1];
			assert(first > 52 && first < last, `points inside the plot: ${first}..${last}`);
			equal(last, 600 - 52, 'the last value holds to the flow\'s last packet, the plot\'s right edge');
			/* selecting an event moves the cursor to its time */
			equal(await page.locator('.kernel-cursor').evaluate((c) => c.style.display), 'none', 'no cursor before a selection');
			await page.keyboard.press('End');
			await page.keyboard.press('Home');
			const data = doc.events.findIndex((e) => e.kind === 'packet' && e.t === 0.00021);   /* data-event: its index in the timeline */
			await page.locator(`.ladder-svg [data-event="${data}"]`).first().click();
			const x = Number(await page.locator('.kernel-cursor').getAttribute('x1'));
			assert(x > first && x < last, `cursor at the packet's time: ${x}`);
			s.clean();
		} finally { await s.close(); }
	});

	test('kernel: accept queue gauge, states beside the wire, counter markers on the ladder', async () => {
		const s = await open(url('kernel'));
		try {
			equal(await s.waitState(), 'ready', 'state');
			const { page } = s;
			/* kernel samples leave the ladder; counters become markers on a kernel lane */
			const drawn = await page.locator('.ladder-svg [data-event]').count();
			equal(drawn, shown.length, 'events on the ladder');
			const marker = await page.evaluate(() => [...document.querySelectorAll('.ladder-svg [data-kind="note"] title')]
				.map((t) => t.textContent).find((t) => t.includes('ListenOverflows')));
			assert(marker, 'a ladder marker for the counters');
			assert(marker.includes('TcpExtListenOverflows +1 (SYNs or final ACKs dropped because a listener\'s accept queue was full)'),
				'the counter is explained by the glossary: ' + marker);
			equal(await page.locator('.ladder-svg img').count(), 0, 'a counter name is text, never markup');
			/* the gauge at the last event: the queue's last sample */
			const gauge = page.locator('.kernel-gauge[data-port="7000"]');
			equal(await gauge.getAttribute('data-accept'), '1', 'accept queue now');
			assert((await gauge.textContent()).includes('at most 2 during the run'), 'the most it held');
			/* select the event right after the overflow: the queue was full */
			const at = doc.events.findIndex((e) => e.kind === 'counters');
			await page.locator(`.ladder-svg [data-event="${at}"]`).first().click();
			equal(await gauge.getAttribute('data-accept'), '2', 'accept queue at the overflow');
			assert((await gauge.textContent()).includes('2 of backlog 1 (full'), 'full when above the backlog');
			/* states: the server's CLOSE_WAIT disagrees with the wire (ESTABLISHED there) */
			const states = await page.evaluate(() => [...document.querySelectorAll('.kernel-lane')].map((r) => ({
				side: r.dataset.side, marks: [...r.querySelectorAll('.kernel-state')].map((m) => [m.dataset.state, m.classList.contains('disagree')]) })));
			const cl = states.find((r) => r.side === 'client'), sv = states.find((r) => r.side === 'server');
			equal(JSON.stringify(cl.marks), JSON.stringify([['ESTABLISHED', false], ['TIME_WAIT', false]]), 'client states');
			equal(JSON.stringify(sv.marks), JSON.stringify([['CLOSE_WAIT', true]]), 'server state against the wire');
			s.clean();
		} finally { await s.close(); }
	});

	test('kernel: without sock_diag the panel says so; without kernel data it stays hidden', async () => {
		let s = await open(url('kernel-nodiag'));
		try {
			equal(await s.waitState(), 'ready', 'state');
			assert((await s.page.locator('.kernel-warning').textContent()).includes('sock_diag is unavailable'), 'a loud note');
			equal(await s.page.locator('.kernel-chart').evaluate((c) => c.style.display), 'none', 'no chart');
			s.clean();
		} finally { await s.close(); }
		s = await open(url('tcp-basic'));
		try {
			equal(await s.waitState(), 'ready', 'state');
			assert(!(await s.page.locator('#kernel').isVisible()), 'no kernel panel without kernel data');
			s.clean();
		} finally { await s.close(); }
	});
}
