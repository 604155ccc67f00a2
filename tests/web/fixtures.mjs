// Timelines for the browser tests, made here so they need no capture or C build.
// Each follows "sockscope.timeline/1" as docs/timeline.md describes it: key order
// schema, demo, events, source, endpoints, flows.

import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const EVIL_IMG = '<img src=x onerror=alert(1)>';
const EVIL_SCRIPT = '<script>window.__pwned=1</script>';
export const EVIL = EVIL_IMG + EVIL_SCRIPT;
/* The hostile-string fixture's label: 100 MB, as in the report of the crash. */
export const HUGE_STRING = 100 * 1000 * 1000;

const BASE = Date.UTC(2026, 10, 27, 8, 0, 0);
function ts(t) {
	const us = Math.round(t * 1e6);
	const whole = new Date(BASE + Math.floor(us / 1e6) * 1000).toISOString().slice(0, 19);
	return whole + '.' + String(us % 1e6).padStart(6, '0') + 'Z';
}

function hex(text) {
	return Buffer.from(text, 'latin1').toString('hex');
}

function flagLetters(flags) {
	const map = { SYN: 'S', FIN: 'F', RST: 'R', PSH: 'P', ACK: '.', URG: 'U' };
	return flags.map((f) => map[f] || '').join('');
}

// One TCP connection: sequence numbers follow from what each side sent.
class TcpConversation {
	constructor(flow, client, server, isnC = 1000, isnS = 5000) {
		this.flow = flow;
		this.client = client;
		this.server = server;
		this.isn = { c2s: isnC, s2c: isnS };
		this.next = { c2s: 0, s2c: 0 };
		this.frame = 0;
	}

	packet(t, dir, flags, opts = {}) {
		const rev = dir === 'c2s' ? 's2c' : 'c2s';
		const text = opts.text || '';
		const len = opts.len === undefined ? text.length : opts.len;
		const seqRel = opts.seqRel === undefined ? this.next[dir] : opts.seqRel;
		const ackRel = flags.includes('ACK') ? this.next[rev] : 0;
		if (opts.seqRel === undefined)
			this.next[dir] += len + (flags.includes('SYN') ? 1 : 0) + (flags.includes('FIN') ? 1 : 0);
		const [src, dst] = dir === 'c2s' ? [this.client, this.server] : [this.server, this.client];
		const win = opts.win === undefined ? 65483 : opts.win;
		const label = opts.label || `[${flagLetters(flags)}] seq ${seqRel}` +
			(flags.includes('ACK') ? ` ack ${ackRel}` : '') + ` win ${win} len ${len}`;
		const ev = {
			kind: 'packet', frame: opts.frame || 0, t, ts: ts(t), flow: this.flow, dir,
			src, dst,
			ip: { version: 4, ttl: 64, len: 52 + len },
			tcp: {
				flags, seq: this.isn[dir] + seqRel, ack: flags.includes('ACK') ? this.isn[rev] + ackRel : 0,
				seq_rel: seqRel, ack_rel: ackRel, len, win, win_scaled: win,
				options: opts.options || [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'ts', value: 100 + Math.round(t * 1000), echo: 99 }],
			},
		};
		if (opts.handshake) ev.handshake = opts.handshake;
		if (opts.state) ev.state = opts.state;
		ev.analysis = opts.analysis || [];
		if (opts.rtt) ev.rtt = opts.rtt;
		if (len > 0 && opts.len === undefined) ev.payload = { len, text, hex: hex(text) };
		ev.label = label;
		ev.explain = opts.explain || { summary: `${flags.join('/')} from the ${dir === 'c2s' ? 'client' : 'server'}.`, detail: '' };
		return ev;
	}
}

function app(t, side, call, args, ret, errno = null, flow = null) {
	return { kind: 'app', t, ts: ts(t), side, call, args, ret, errno, flow };
}

function note(t, side, text) {
	return { kind: 'note', t, ts: ts(t), side, text, flow: null };
}

function numberFrames(events) {
	let frame = 0;
	for (const ev of events) if (ev.kind === 'packet') ev.frame = ++frame;
	return events;
}

function timeline({ demo, events, source, endpoints, flows }) {
	const doc = { schema: 'sockscope.timeline/1' };
	if (demo) doc.demo = demo;
	// sockscope writes its glossary into every timeline; the page reads it from there
	doc.glossary = { analysis: { duplicate_ack: 'Duplicate ACK: the same acknowledgment again.' },
		conn_state: { SF: 'normal establishment and termination' }, history: { s: 'SYN' } };
	doc.events = numberFrames(events);
	doc.source = source;
	doc.endpoints = endpoints;
	doc.flows = flows;
	return doc;
}

const CLIENT = { addr: '127.0.0.1', port: 40312 };
const SERVER = { addr: '127.0.0.1', port: 7000 };

// A whole TCP conversation: socket calls, handshake, one request and reply, close.
export function tcpBasic() {
	const c = new TcpConversation(1, CLIENT, SERVER, 855560549, 3346701283);
	const mssOpts = [{ kind: 'mss', value: 65495 }, { kind: 'sack_perm' }, { kind: 'ts', value: 1, echo: 0 },
		{ kind: 'nop' }, { kind: 'wscale', value: 7 }];
	const events = [
		app(0.000010, 'server', 'socket', 'AF_INET, SOCK_STREAM, 0', 3),
		app(0.000012, 'server', 'bind', 'fd 3, 127.0.0.1:7000', 0),
		app(0.000015, 'server', 'listen', 'fd 3, backlog 5', 0),
		app(0.000040, 'client', 'socket', 'AF_INET, SOCK_STREAM, 0', 4),
		app(0.000050, 'client', 'connect', 'fd 4, 127.0.0.1:7000', 0, null, 1),
		c.packet(0.000100, 'c2s', ['SYN'], { options: mssOpts, handshake: 1, win: 65495,
			state: { client: 'SYN_SENT', server: 'LISTEN' },
			label: '[S] seq 0 win 65495 mss 65495,sackOK,TS,wscale 7',
			explain: { summary: 'SYN: the client asks to open a connection and proposes its initial sequence number 855560549.',
				detail: 'A SYN takes one sequence number. MSS 65495: the largest segment the client wants to receive.\nWindow scale 7: windows are multiplied by 128.' } }),
		c.packet(0.000120, 's2c', ['SYN', 'ACK'], { options: mssOpts, handshake: 2, win: 65483,
			state: { client: 'SYN_SENT', server: 'SYN_RECEIVED' },
			explain: { summary: 'SYN-ACK: the server agrees, acknowledges the client\'s SYN and proposes its own sequence number.', detail: 'ack 1 means "I have everything up to byte 0; send byte 1 next".' } }),
		c.packet(0.000140, 'c2s', ['ACK'], { handshake: 3, state: { client: 'ESTABLISHED', server: 'ESTABLISHED' },
			rtt: { ack_rtt: 0.00002, acks_frame: 2 },
			explain: { summary: 'ACK: the client acknowledges the server\'s SYN. The three-way handshake is complete.', detail: '' } }),
		app(0.000150, 'server', 'accept', 'fd 3', 5, null, 1),
		app(0.000200, 'client', 'write', 'fd 4, "hello", 5', 5, null, 1),
		c.packet(0.000210, 'c2s', ['PSH', 'ACK'], { text: 'hello', state: { client: 'ESTABLISHED', server: 'ESTABLISHED' },
			explain: { summary: 'Data: the client sends 5 bytes, "hello".', detail: 'PSH asks the receiver to hand the data to the application at once.' } }),
		c.packet(0.000230, 's2c', ['ACK'], { rtt: { ack_rtt: 0.00002, acks_frame: 4 },
			explain: { summary: 'ACK: the server has received the 5 bytes.', detail: '' } }),
		app(0.000240, 'server', 'read', 'fd 5, 1024', 5, null, 1),
		app(0.000260, 'server', 'write', 'fd 5, "HELLO", 5', 5, null, 1),
		c.packet(0.000270, 's2c', ['PSH', 'ACK'], { text: 'HELLO',
			explain: { summary: 'Data: the server answers with 5 bytes, "HELLO".', detail: '' } }),
		c.packet(0.000290, 'c2s', ['ACK'], { explain: { summary: 'ACK: the client has the answer.', detail: '' } }),
		app(0.000300, 'client', 'close', 'fd 4', 0, null, 1),
		c.packet(0.000310, 'c2s', ['FIN', 'ACK'], { state: { client: 'FIN_WAIT_1', server: 'ESTABLISHED' },
			explain: { summary: 'FIN: the client has nothing more to send and starts closing.', detail: 'A FIN takes one sequence number, like a SYN.' } }),
		c.packet(0.000330, 's2c', ['ACK'], { state: { client: 'FIN_WAIT_2', server: 'CLOSE_WAIT' },
			explain: { summary: 'ACK of the client\'s FIN.', detail: '' } }),
		note(0.000335, 'server', 'the server reads end-of-file and closes its socket'),
		app(0.000340, 'server', 'close', 'fd 5', 0, null, 1),
		c.packet(0.000350, 's2c', ['FIN', 'ACK'], { state: { client: 'FIN_WAIT_2', server: 'LAST_ACK' },
			explain: { summary: 'FIN: the server closes its side too.', detail: '' } }),
		c.packet(0.000370, 'c2s', ['ACK'], { state: { client: 'TIME_WAIT', server: 'CLOSED' },
			explain: { summary: 'The last ACK: the client waits in TIME_WAIT, the server is closed.', detail: 'TIME_WAIT lasts twice the maximum segment lifetime.' } }),
	];
	return timeline({
		demo: { name: 'tcp-upper', description: 'A client sends "hello", the server answers in upper case.',
			teaches: 'the three-way handshake, data and ACKs, and the four-way close' },
		events,
		source: { kind: 'file', path: 'captures/tcp-upper.pcap', linktype: 'EN10MB', snaplen: 262144, filter: null, packets: 10, dropped: null },
		endpoints: [{ ...CLIENT, role: 'client', label: 'client' }, { ...SERVER, role: 'server', label: 'server' }],
		flows: [{ id: 1, proto: 'tcp', client: CLIENT, server: SERVER, packets: 10, bytes: 10, packets_c2s: 5, packets_s2c: 5,
			bytes_c2s: 5, bytes_s2c: 5, first_t: 0.0001, last_t: 0.00037, handshake_rtt: 0.00004,
			states: { client: ['SYN_SENT', 'ESTABLISHED', 'FIN_WAIT_1', 'FIN_WAIT_2', 'TIME_WAIT'],
				server: ['LISTEN', 'SYN_RECEIVED', 'ESTABLISHED', 'CLOSE_WAIT', 'LAST_ACK', 'CLOSED'] },
			conn_state: 'SF', history: 'ShADadFf', analysis: {}, icmp_errors: 0,
			narrative: 'The client opened a connection, sent 5 bytes, got 5 bytes back, and both sides closed normally.' }],
	});
}

// A datagram to a closed port draws an ICMP port unreachable; another gets an answer.
export function udpIcmp() {
	const client = { addr: '127.0.0.1', port: 51000 };
	const closed = { addr: '127.0.0.1', port: 9999 };
	const echo = { addr: '127.0.0.1', port: 7001 };
	const udp = (t, flow, dir, src, dst, text, explain) => ({
		kind: 'packet', frame: 0, t, ts: ts(t), flow, dir, src, dst,
		ip: { version: 4, ttl: 64, len: 28 + text.length }, udp: { len: 8 + text.length }, analysis: [],
		payload: { len: text.length, text, hex: hex(text) }, label: `UDP, length ${text.length}`, explain,
	});
	const events = [
		app(0.000010, 'server', 'socket', 'AF_INET, SOCK_DGRAM, 0', 3),
		app(0.000012, 'server', 'bind', 'fd 3, 127.0.0.1:7001', 0),
		app(0.000020, 'client', 'socket', 'AF_INET, SOCK_DGRAM, 0', 4),
		app(0.000030, 'client', 'connect', 'fd 4, 127.0.0.1:9999', 0, null, 2),
		app(0.000040, 'client', 'send', 'fd 4, "ping", 4', 4, null, 2),
		udp(0.000050, 2, 'c2s', client, closed, 'ping', { summary: 'UDP: the client sends a 4-byte datagram to port 9999, where nothing listens.', detail: 'UDP has no handshake: the datagram just goes.' }),
		{ kind: 'packet', frame: 0, t: 0.000060, ts: ts(0.00006), flow: null, dir: 's2c',
			src: { addr: '127.0.0.1' }, dst: { addr: '127.0.0.1' }, ip: { version: 4, ttl: 64, len: 60 },
			icmp: { type: 3, code: 3, name: 'port unreachable', quoted: { proto: 'udp', src: client, dst: closed, flow: 2 } },
			analysis: [], label: 'ICMP 127.0.0.1 udp port 9999 unreachable',
			explain: { summary: 'ICMP port unreachable: no socket is bound to port 9999, so the kernel answers with an error.', detail: 'The error quotes the start of the datagram that caused it.' } },
		app(0.000070, 'client', 'recv', 'fd 4, 1024', -1, 'ECONNREFUSED', 2),
		note(0.000080, 'client', 'a connected UDP socket reports the ICMP error on its next call'),
		app(0.000100, 'client 2', 'sendto', 'fd 5, "ping", 127.0.0.1:7001', 4, null, 3),
		udp(0.000110, 3, 'c2s', { addr: '127.0.0.1', port: 51001 }, echo, 'ping', { summary: 'UDP: a datagram to the echo server.', detail: '' }),
		udp(0.000130, 3, 's2c', echo, { addr: '127.0.0.1', port: 51001 }, 'ping', { summary: 'UDP: the echo server sends it back.', detail: '' }),
		app(0.000140, 'client 2', 'recvfrom', 'fd 5, 1024', 4, null, 3),
	];
	return timeline({
		demo: { name: 'udp-unreachable', description: 'One datagram to a closed port, one to an echo server.', teaches: 'UDP has no connection; errors come back as ICMP' },
		events,
		source: { kind: 'live', interface: 'lo', linktype: 'EN10MB', snaplen: 262144, filter: 'udp or icmp', packets: 4, dropped: 0 },
		endpoints: [{ ...client, role: 'client', label: 'client' }, { addr: '127.0.0.1', port: 51001, role: 'client', label: 'client 2' },
			{ ...closed, role: 'server', label: 'closed port' }, { ...echo, role: 'server', label: 'server' }],
		flows: [
			{ id: 2, proto: 'udp', client, server: closed, packets: 1, bytes: 4, packets_c2s: 1, packets_s2c: 0, bytes_c2s: 4, bytes_s2c: 0,
				first_t: 0.00005, last_t: 0.00005, conn_state: 'S0', history: 'D', analysis: {}, icmp_errors: 1, narrative: 'One datagram, answered by an ICMP port unreachable.' },
			{ id: 3, proto: 'udp', client: { addr: '127.0.0.1', port: 51001 }, server: echo, packets: 2, bytes: 8, packets_c2s: 1, packets_s2c: 1,
				bytes_c2s: 4, bytes_s2c: 4, first_t: 0.00011, last_t: 0.00013, conn_state: 'SF', history: 'Dd', analysis: {}, icmp_errors: 0, narrative: 'A datagram and its echo.' },
		],
	});
}

// A lost segment: duplicate ACKs, then a retransmission.
export function tcpRetransmission() {
	const c = new TcpConversation(1, CLIENT, SERVER);
	const est = { client: 'ESTABLISHED', server: 'ESTABLISHED' };
	const events = [
		c.packet(0.000, 'c2s', ['SYN'], { state: { client: 'SYN_SENT', server: 'LISTEN' }, handshake: 1 }),
		c.packet(0.001, 's2c', ['SYN', 'ACK'], { state: { client: 'SYN_SENT', server: 'SYN_RECEIVED' }, handshake: 2 }),
		c.packet(0.002, 'c2s', ['ACK'], { state: est, handshake: 3 }),
	];
	const parts = ['aaaa', 'bbbb', 'cccc', 'dddd'];
	let t = 0.010;
	for (const p of parts) { events.push(c.packet(t, 'c2s', ['PSH', 'ACK'], { text: p, state: est })); t += 0.001; }
	// the server got only the first part: three duplicate ACKs for byte 5
	c.next.c2s = 5;
	events.push(c.packet(0.0145, 's2c', ['ACK'], { state: est }));
	for (let k = 0; k < 3; k++)
		events.push(c.packet(0.015 + k * 0.0005, 's2c', ['ACK'], { state: est, analysis: ['duplicate_ack'],
			explain: { summary: 'Duplicate ACK: the server still waits for byte 5.', detail: 'A gap in the data makes the receiver repeat its last ACK.' } }));
	c.next.c2s = 17;
	events.push(c.packet(0.017, 'c2s', ['PSH', 'ACK'], { text: 'bbbb', seqRel: 5, state: est, analysis: ['fast_retransmission', 'retransmission'],
		explain: { summary: 'Fast retransmission: after three duplicate ACKs the client sends bytes 5–8 again.', detail: 'It does not wait for its retransmission timer.' } }));
	events.push(c.packet(0.018, 's2c', ['ACK'], { state: est, explain: { summary: 'The gap is filled: the server acknowledges everything.', detail: '' } }));
	events.push(c.packet(0.020, 'c2s', ['PSH', 'ACK'], { text: 'cccc', seqRel: 9, state: est, analysis: ['spurious_retransmission'],
		explain: { summary: 'Spurious retransmission: the server already had these bytes.', detail: '' } }));
	events.push(c.packet(0.021, 's2c', ['ACK'], { state: est, win: 0, analysis: ['zero_window'], explain: { summary: 'Zero window: the server\'s buffer is full.', detail: '' } }));
	return timeline({
		events,
		source: { kind: 'file', path: 'captures/tcp-retrans.pcap', linktype: 'EN10MB', snaplen: 262144, filter: null, packets: events.length, dropped: null },
		endpoints: [{ ...CLIENT, role: 'client', label: 'client' }, { ...SERVER, role: 'server', label: 'server' }],
		flows: [{ id: 1, proto: 'tcp', client: CLIENT, server: SERVER, packets: events.length, bytes: 24, packets_c2s: 9, packets_s2c: 7,
			bytes_c2s: 24, bytes_s2c: 0, first_t: 0, last_t: 0.021, handshake_rtt: 0.002, conn_state: 'S1', history: 'ShADadTw',
			analysis: { duplicate_ack: 3, fast_retransmission: 1, retransmission: 1, spurious_retransmission: 1, zero_window: 1 }, icmp_errors: 0,
			narrative: 'A segment was lost; the client noticed from duplicate ACKs and sent it again.' }],
	});
}

// Capture data that looks like markup, in every place a string can be.
export function injection() {
	const evilClient = { addr: EVIL, port: 1 };
	const evilServer = { addr: '10.0.0.2' + EVIL_IMG, port: 80 };
	const c = new TcpConversation(1, evilClient, evilServer);
	const evilExplain = { summary: 'summary ' + EVIL, detail: 'detail ' + EVIL };
	const events = [
		app(0.000001, EVIL, EVIL_IMG, EVIL_SCRIPT, 3, EVIL_IMG, null),
		note(0.000002, EVIL, 'note ' + EVIL),
		c.packet(0.00001, 'c2s', ['SYN'], { label: 'label ' + EVIL, explain: evilExplain, state: { client: EVIL_IMG, server: EVIL_SCRIPT } }),
		c.packet(0.00002, 's2c', ['SYN', 'ACK'], { label: EVIL, explain: evilExplain, analysis: [EVIL_IMG, 'retransmission'] }),
		c.packet(0.00003, 'c2s', ['PSH', 'ACK'], { text: EVIL + '</script><!--', label: EVIL_SCRIPT, explain: evilExplain }),
	];
	const doc = timeline({
		demo: { name: EVIL, description: 'description ' + EVIL, teaches: EVIL },
		events,
		source: { kind: 'file', path: EVIL, linktype: EVIL_IMG, snaplen: 65535, filter: EVIL_SCRIPT, packets: 3, dropped: null },
		endpoints: [{ ...evilClient, role: 'client', label: EVIL }, { ...evilServer, role: 'server', label: EVIL_SCRIPT }],
		flows: [{ id: 1, proto: 'tcp', client: evilClient, server: evilServer, packets: 3, bytes: 5, conn_state: EVIL_IMG,
			history: EVIL_SCRIPT, analysis: { [EVIL_IMG]: 1 }, narrative: EVIL }],
	});
	doc.events[2].tcp.options.push({ kind: EVIL_IMG, value: EVIL_SCRIPT });
	return doc;
}

// Many events over many flows, for the 2-second budget.  Written as text directly.
export function bigTimelineText(total = 100000, flowsCount = 200) {
	const per = Math.floor(total / flowsCount);
	const out = ['{"schema":"sockscope.timeline/1","events":['];
	const flows = [];
	const endpoints = [{ addr: '10.0.0.1', port: 80, role: 'server', label: 'server' }];
	let first = true;
	let frame = 0;
	for (let f = 0; f < flowsCount; f++) {
		const client = { addr: '10.0.1.' + (1 + (f % 3)), port: 20000 + f };
		const server = { addr: '10.0.0.1', port: 80 };
		const conv = new TcpConversation(f + 1, client, server, 1000 + f, 9000 + f);
		const t0 = f * per * 0.0001;
		for (let k = 0; k < per; k++) {
			const t = t0 + k * 0.0001;
			let ev;
			if (k === 0) ev = conv.packet(t, 'c2s', ['SYN'], { state: { client: 'SYN_SENT', server: 'LISTEN' } });
			else if (k === 1) ev = conv.packet(t, 's2c', ['SYN', 'ACK'], { state: { client: 'SYN_SENT', server: 'SYN_RECEIVED' } });
			else if (k % 2 === 0) ev = conv.packet(t, 'c2s', ['ACK'], { text: 'x'.repeat(100), state: { client: 'ESTABLISHED', server: 'ESTABLISHED' },
				analysis: k % 97 === 0 ? ['retransmission'] : [] });
			else ev = conv.packet(t, 's2c', ['ACK'], { state: { client: 'ESTABLISHED', server: 'ESTABLISHED' } });
			ev.frame = ++frame;
			delete ev.tcp.options;
			out.push((first ? '' : ',') + JSON.stringify(ev));
			first = false;
		}
		flows.push({ id: f + 1, proto: 'tcp', client, server, packets: per, bytes: per * 50, packets_c2s: per / 2, packets_s2c: per / 2,
			bytes_c2s: per * 50, bytes_s2c: 0, first_t: t0, last_t: t0 + per * 0.0001, handshake_rtt: 0.0001,
			conn_state: 'S1', history: 'ShAD', analysis: {}, icmp_errors: 0 });
		if (f < 3) endpoints.push({ ...client, role: 'client', label: 'client ' + (f + 1) });
	}
	out.push('],"source":' + JSON.stringify({ kind: 'file', path: 'big.pcap', linktype: 'EN10MB', snaplen: 262144, filter: null, packets: frame, dropped: null }));
	out.push(',"endpoints":' + JSON.stringify(endpoints) + ',"flows":' + JSON.stringify(flows) + '}');
	return out.join('');
}

// One server and n - 1 clients, one SYN from each: n endpoints, each its own lane.
export function manyEndpointsText(n = 100000) {
	const server = { addr: '10.9.0.1', port: 80 };
	const out = ['{"schema":"sockscope.timeline/1","events":['];
	const endpoints = [{ ...server, role: 'server', label: 'server' }], flows = [];
	for (let k = 1; k < n; k++) {
		const client = { addr: '10.' + (10 + (k >> 16)) + '.' + ((k >> 8) & 255) + '.' + (k & 255), port: 1024 + (k % 60000) };
		const t = k * 0.00001;
		out.push((k > 1 ? ',' : '') + JSON.stringify({ kind: 'packet', frame: k, t, flow: k, dir: 'c2s', src: client, dst: server,
			tcp: { flags: ['SYN'], seq: k, ack: 0, seq_rel: 0, ack_rel: 0, len: 0, win: 64240 }, analysis: [], label: '[S] seq 0' }));
		endpoints.push({ ...client, role: 'client', label: 'client' });
		flows.push({ id: k, proto: 'tcp', client, server, packets: 1, first_t: t, last_t: t, conn_state: 'S0', history: 'S' });
	}
	out.push('],"source":{"kind":"file","path":"many-endpoints.pcap"},"endpoints":' + JSON.stringify(endpoints) +
		',"flows":' + JSON.stringify(flows) + '}');
	return out.join('');
}

// A timeline with one label of `size` characters, a flag named `constructor`.
export function hugeStringText(size) {
	const doc = tcpBasic();
	doc.events[4].analysis = ['constructor', '__proto__', 'toString'];
	doc.events[5].label = 'HUGE';
	const text = JSON.stringify(doc), marker = '"label":"HUGE"', at = text.indexOf(marker);
	return text.slice(0, at) + '"label":"' + 'x'.repeat(size) + '"' + text.slice(at + marker.length);
}

// Hostile shapes: events that are not objects, flags that are Object.prototype's names.
export function eventsNull() {
	return { schema: 'sockscope.timeline/1', events: null, source: {}, endpoints: [], flows: [] };
}

export function eventsNullItem() {
	return { schema: 'sockscope.timeline/1', events: [null], source: {}, endpoints: [], flows: [] };
}

export function constructorFlag() {
	const doc = tcpBasic();
	doc.events[4].analysis = ['constructor', 'hasOwnProperty'];
	doc.flows[0].conn_state = 'constructor';
	return doc;
}

// Only what the schema requires; optional parts missing or odd.
export function minimal() {
	return { schema: 'sockscope.timeline/1', events: [
		{ kind: 'app', t: 0, side: 'client', call: 'socket', args: null, ret: 3 },
		{ kind: 'packet', t: 0.001, flow: 7, dir: 'c2s', src: { addr: '::1', port: 5000 }, dst: { addr: '::1', port: 80 },
			tcp: { flags: ['SYN'], seq_rel: 0, ack_rel: 0, len: 0 } },
		{ kind: 'packet', t: 0.002, flow: null },
		{ kind: 'note', t: 0.003, side: null, text: 'a note on no lane' },
		{ kind: 'packet', t: 0.004, flow: 7, dir: 's2c', src: { addr: '::1', port: 80 }, dst: { addr: '::1', port: 5000 },
			tcp: { flags: ['RST', 'ACK'], seq_rel: 0, ack_rel: 1, len: 0 }, analysis: ['some_future_flag'] },
	] };
}

export function wrongSchema() {
	return { schema: 'sockscope.timeline/2', events: [], source: {}, endpoints: [], flows: [] };
}

export function notATimeline() {
	return { hello: 'world', events: 'no' };
}

// Writes every fixture into dir; returns { name: path }.
export function writeFixtures(dir) {
	mkdirSync(dir, { recursive: true });
	const docs = {
		'tcp-basic': tcpBasic(), 'udp-icmp': udpIcmp(), 'tcp-retransmission': tcpRetransmission(),
		injection: injection(), minimal: minimal(), 'wrong-schema': wrongSchema(), 'not-a-timeline': notATimeline(),
		'events-null': eventsNull(), 'events-null-item': eventsNullItem(), 'constructor-flag': constructorFlag(),
	};
	const paths = {};
	for (const [name, doc] of Object.entries(docs)) {
		paths[name] = join(dir, name + '.json');
		writeFileSync(paths[name], JSON.stringify(doc, null, 1));
	}
	paths['big-100k'] = join(dir, 'big-100k.json');
	writeFileSync(paths['big-100k'], bigTimelineText());
	paths['many-endpoints'] = join(dir, 'many-endpoints.json');
	writeFileSync(paths['many-endpoints'], manyEndpointsText());
	paths['huge-string'] = join(dir, 'huge-string.json');
	writeFileSync(paths['huge-string'], hugeStringText(HUGE_STRING));
	return paths;
}
