/* sockscope viewer: the model.  No DOM here.
 *
 * Sockscope.createModel(doc) checks the schema of a parsed timeline, gives every
 * endpoint a lane, and keeps the per-event numbers the views need in typed arrays
 * (time, kind, colour class, lanes, flow).  The model is read-only once built;
 * views read it, main.js filters it into rows.
 */
Sockscope.module(function (S) {
	'use strict';

	var SCHEMA = 'sockscope.timeline/1';

	/* Colour classes of an event; index into CLASSES. */
	var CLASSES = ['handshake', 'data', 'ack', 'fin', 'rst', 'udp', 'icmp', 'other', 'app', 'note'];
	var C = {};
	CLASSES.forEach(function (name, i) { C[name] = i; });

	/* KIND_KERNEL: a kernel sample or a counters record (docs/timeline.md): it keeps its
	 * index, so event N stays the timeline's event N, but it is never a row: kernel.js
	 * draws what it says. */
	var KIND_PACKET = 0, KIND_APP = 1, KIND_NOTE = 2, KIND_KERNEL = 3;
	var PROTO_OTHER = 0, PROTO_TCP = 1, PROTO_UDP = 2, PROTO_ICMP = 3, PROTO_APP = 4;
	var PROTO_NAMES = ['other', 'tcp', 'udp', 'icmp', 'app'];

	/* The glossary (analysis flags, Zeek conn_state codes and history letters) is not
	 * kept here: the timeline carries it (`glossary`, written from sockscope's C tables),
	 * and createModel fills these from it, so the page never holds a second copy. */
	var ANALYSIS = {}, CONN_STATES = {}, HISTORY = {};

	function readGlossary(doc) {
		var g = isObject(doc.glossary) ? doc.glossary : {};
		[[ANALYSIS, g.analysis], [CONN_STATES, g.conn_state], [HISTORY, g.history]].forEach(function (p) {
			Object.keys(p[0]).forEach(function (k) { delete p[0][k]; });
			if (isObject(p[1]))
				Object.keys(p[1]).forEach(function (k) {
					if (typeof p[1][k] === 'string') p[0][k] = p[1][k];
				});
		});
	}

	function explainHistory(history) {
		var parts = [];
		for (var i = 0; i < history.length; i++) {
			var ch = history[i], low = ch.toLowerCase();
			if (!HISTORY[low])
				continue;
			var who = ch === '^' ? '' : (ch === low ? 'server: ' : 'client: ');
			parts.push(ch + ' = ' + who + HISTORY[low]);
		}
		return parts.join('\n');
	}

	function isObject(v) { return v !== null && typeof v === 'object' && !Array.isArray(v); }

	function num(v, fallback) { return typeof v === 'number' && isFinite(v) ? v : fallback; }

	/* Throws an Error whose message is shown to the reader as is. */
	function checkSchema(doc) {
		if (!isObject(doc))
			throw new Error('This file is not a sockscope timeline: it is JSON, but not an object.');
		var schema = doc.schema;
		if (typeof schema !== 'string')
			throw new Error('This file is not a sockscope timeline: it has no "schema" field ' +
				'(expected "' + SCHEMA + '").');
		if (schema !== SCHEMA) {
			var m = /^sockscope\.timeline\/(\d+)$/.exec(schema);
			if (m && Number(m[1]) > 1)
				throw new Error('This timeline uses schema "' + schema + '", which is newer than ' +
					'this viewer understands ("' + SCHEMA + '"). Open it with a newer sockscope.');
			throw new Error('Unknown schema "' + schema + '": this viewer reads "' + SCHEMA + '".');
		}
		if (!Array.isArray(doc.events))
			throw new Error('This timeline has no "events" array.');
		var lazy = S.lazyInfo(doc.events);
		checkEvents(lazy ? lazy.list : doc.events, !!lazy);
	}

	/* Every event must be an object: a null or a number where an event should be
	 * is a broken file, not something to draw around. */
	function checkEvents(events, rows) {
		for (var i = 0; i < events.length; i++)
			if (!(rows && typeof events[i] === 'number') && !isObject(events[i]))
				throw new Error('This timeline is broken: event ' + i + ' is ' +
					(events[i] === null ? 'null' : Array.isArray(events[i]) ? 'an array' : 'a ' + typeof events[i]) +
					', not an object. Write it again with sockscope trace.');
	}

	function endpointKey(ep) {
		if (!isObject(ep) || ep.addr === undefined || ep.addr === null)
			return null;
		return String(ep.addr) + '|' + (ep.port === undefined || ep.port === null ? '' : ep.port);
	}

	function formatEndpoint(ep) {
		if (!isObject(ep))
			return '';
		var addr = String(ep.addr === undefined || ep.addr === null ? '?' : ep.addr);
		if (ep.port === undefined || ep.port === null)
			return addr;
		return (addr.indexOf(':') >= 0 ? '[' + addr + ']' : addr) + ':' + ep.port;
	}

	function tcpFlagsOf(ev) {
		return ev.tcp && Array.isArray(ev.tcp.flags) ? ev.tcp.flags : [];
	}

	function packetProto(ev) {
		if (isObject(ev.tcp)) return PROTO_TCP;
		if (isObject(ev.udp)) return PROTO_UDP;
		if (isObject(ev.icmp)) return PROTO_ICMP;
		return PROTO_OTHER;
	}

	function payloadLength(ev) {
		if (isObject(ev.payload) && typeof ev.payload.len === 'number')
			return ev.payload.len;
		if (isObject(ev.tcp) && typeof ev.tcp.len === 'number')
			return ev.tcp.len;
		return 0;
	}

	function classify(ev, proto) {
		if (proto === PROTO_UDP) return C.udp;
		if (proto === PROTO_ICMP) return C.icmp;
		if (proto !== PROTO_TCP) return C.other;
		return tcpClass(tcpFlagsOf(ev), payloadLength(ev));
	}

	/* A TCP segment's colour class, from its flags and payload length. */
	function tcpClass(flags, len) {
		if (flags.indexOf('RST') >= 0) return C.rst;
		if (flags.indexOf('SYN') >= 0) return C.handshake;
		if (flags.indexOf('FIN') >= 0) return C.fin;
		return len > 0 ? C.data : C.ack;
	}

	/* A short line for an event when it has no label of its own. */
	function describe(ev) {
		if (!isObject(ev))
			return '';
		if (ev.kind === 'app') {
			var s = String(ev.call || '?') + '(' + (ev.args === undefined || ev.args === null ? '' : String(ev.args)) + ')';
			if (ev.ret !== undefined && ev.ret !== null)
				s += ' = ' + String(ev.ret);
			if (ev.errno)
				s += ' ' + String(ev.errno);
			return s;
		}
		if (ev.kind === 'note')
			return String(ev.text === undefined || ev.text === null ? '' : ev.text);
		if (typeof ev.label === 'string' && ev.label)
			return ev.label;
		if (isObject(ev.tcp)) {
			var t = ev.tcp;
			return '[' + tcpFlagsOf(ev).join(',') + '] seq ' + num(t.seq_rel, '?') + ' ack ' +
				num(t.ack_rel, '?') + ' len ' + num(t.len, 0);
		}
		if (isObject(ev.udp))
			return 'UDP len ' + num(ev.udp.len, '?');
		if (isObject(ev.icmp))
			return 'ICMP ' + String(ev.icmp.name || (ev.icmp.type + '/' + ev.icmp.code));
		return 'packet';
	}

	/* Lanes: one per endpoint (address and port), plus one per app side that has none. */
	function buildLanes(doc, events, rows) {
		var lanes = [], byKey = Object.create(null), byAddr = new Map(), byLabel = new Map(), byRole = new Map();

		function add(ep, role, label) {
			var key = endpointKey(ep);
			if (key === null)
				return -1;
			if (role === 'listener') key += '|listener';     /* the listening socket is its own lane */
			if (byKey[key] !== undefined) {
				var lane = lanes[byKey[key]];
				if (!lane.role && role) lane.role = role;
				if (!lane.label && label) lane.label = label;
				return byKey[key];
			}
			byKey[key] = lanes.length;
			lanes.push({ key: key, addr: String(ep.addr), port: ep.port === undefined ? null : ep.port,
				role: role || '', label: label || '', title: formatEndpoint(ep) });
			if (!byAddr.has(String(ep.addr))) byAddr.set(String(ep.addr), lanes.length - 1);
			return lanes.length - 1;
		}

		(Array.isArray(doc.endpoints) ? doc.endpoints : []).forEach(function (ep) {
			if (isObject(ep))
				add(ep, ep.side === 'listener' ? 'listener' : typeof ep.role === 'string' ? ep.role : '',
					typeof ep.label === 'string' ? ep.label : ep.side === 'listener' ? 'listener' : '');
		});
		var known = new Set();
		(Array.isArray(doc.flows) ? doc.flows : []).forEach(function (f) {
			if (!isObject(f)) return;
			add(f.client, 'client', '');
			add(f.server, 'server', '');
			known.add(f.id);
		});
		/* Endpoints of packets outside the flow summary (or with no summary at all). */
		for (var i = 0; i < events.length; i++) {
			var ev = events[i];
			if (rows && typeof ev === 'number') {
				var f = rows.flow[ev], c2s = rows.dir[ev] === 0;
				if (known.has(f)) continue;
				known.add(f);
				add(rows.endpoints.values[rows.src[ev]], c2s ? 'client' : 'server', '');
				add(rows.endpoints.values[rows.dst[ev]], c2s ? 'server' : 'client', '');
			} else if (isObject(ev) && ev.kind === 'packet' && !isObject(ev.icmp) && !known.has(ev.flow)) {
				if (typeof ev.flow === 'number') known.add(ev.flow);
				add(ev.src, ev.dir === 's2c' ? 'server' : (ev.dir === 'c2s' ? 'client' : ''), '');
				add(ev.dst, ev.dir === 's2c' ? 'client' : (ev.dir === 'c2s' ? 'server' : ''), '');
			}
		}
		return { lanes: lanes, byKey: byKey, byAddr: byAddr, byLabel: byLabel, byRole: byRole, add: add };
	}

	/* Clients to the left, servers to the right; one server between two or more clients.
	 * The kernel's lane (its counters, see kernel.js) is no party to the conversation:
	 * it goes last, so that it never parts a client from its server. */
	function orderLanes(lanes) {
		var clients = [], servers = [], others = [], kernel = [];
		lanes.forEach(function (lane, i) {
			(lane.role === 'client' ? clients : lane.role === 'server' ? servers :
				lane.role === 'kernel' ? kernel : others).push(i);
		});
		var order;
		if (servers.length === 1 && clients.length > 4) {
			order = servers.concat(clients, others);       /* a busy server: keep it in view */
		} else if (servers.length === 1 && clients.length >= 2) {
			var half = Math.ceil(clients.length / 2);
			order = clients.slice(0, half).concat(servers, clients.slice(half), others);
		} else {
			order = clients.concat(others, servers);
		}
		order = order.concat(kernel);
		var position = new Array(lanes.length);
		order.forEach(function (laneIndex, pos) { position[laneIndex] = pos; });
		return position;
	}

	function synthesizeFlows(events, rows) {
		var flows = Object.create(null), list = [];
		events.forEach(function (ev) {
			var bytes = -1;
			if (rows && typeof ev === 'number') {
				var c2s = rows.dir[ev] === 0, src = rows.endpoints.values[rows.src[ev]];
				var dst = rows.endpoints.values[rows.dst[ev]];
				bytes = rows.plen[ev];
				ev = { kind: 'packet', flow: rows.flow[ev], t: rows.t[ev], dir: c2s ? 'c2s' : 's2c', src: src, dst: dst, tcp: {} };
			}
			if (!isObject(ev) || ev.kind !== 'packet' || typeof ev.flow !== 'number')
				return;
			var f = flows[ev.flow];
			if (!f) {
				var c2s = ev.dir !== 's2c';
				f = flows[ev.flow] = { id: ev.flow, proto: PROTO_NAMES[packetProto(ev)],
					client: c2s ? ev.src : ev.dst, server: c2s ? ev.dst : ev.src,
					packets: 0, bytes: 0, first_t: ev.t, last_t: ev.t };
				list.push(f);
			}
			f.packets++;
			f.bytes += bytes >= 0 ? bytes : payloadLength(ev);
			f.last_t = ev.t;
		});
		return list;
	}

	function createModel(doc) {
		checkSchema(doc);
		readGlossary(doc);
		/* A reader's rows (rows.js) are read from their columns, not made into events. */
		var lazy = S.lazyInfo(doc.events), rows = lazy ? lazy.rows : null;
		var events = doc.events, list = lazy ? lazy.list : events, n = list.length;
		var lanesInfo = buildLanes(doc, list, rows);
		var flows = Array.isArray(doc.flows) ? doc.flows.filter(isObject) : synthesizeFlows(list, rows);
		var flowById = Object.create(null);
		flows.forEach(function (f) { flowById[f.id] = f; });

		var m = {
			doc: doc, events: events, flows: flows, flowById: flowById, count: n,
			t: new Float64Array(n), kind: new Uint8Array(n), cls: new Uint8Array(n),
			proto: new Uint8Array(n), flagged: new Uint8Array(n), flow: new Int32Array(n),
			src: new Int32Array(n), dst: new Int32Array(n),
			states: new Map(),     /* event index -> [{lane, text}] where a TCP state changes */
			hidden: 0,             /* events that are never rows (KIND_KERNEL) */
			list: list, rows: rows /* events not yet made from their rows: numbers in list */
		};
		var prevT = 0;
		lanesInfo.flowCache = new Map();
		lanesInfo.rowCache = new Map();
		for (var i = 0; i < n; i++) {
			var ev = list[i], t;
			if (rows && typeof ev === 'number') {
				t = rows.t[ev];
				indexRow(m, lanesInfo, i, rows, ev);
			} else {
				if (ev === null || typeof ev !== 'object') ev = {};
				t = typeof ev.t === 'number' && ev.t === ev.t ? ev.t : prevT;
				indexEvent(m, lanesInfo, i, ev);
			}
			m.t[i] = t < prevT ? prevT : t;      /* keep times monotonic for searching */
			prevT = m.t[i];
		}
		finishLanes(m, lanesInfo);
		indexStates(m);
		m.duration = n ? m.t[n - 1] - m.t[0] : 0;
		return m;
	}

	function flowLane(lanesInfo, flow, side) {
		if (!flow) return -1;
		var ep = /^client/.test(side) ? flow.client : side === 'server' ? flow.server : null;
		var key = endpointKey(ep);
		return key !== null && lanesInfo.byKey[key] !== undefined ? lanesInfo.byKey[key] : -1;
	}

	/* The first lane named side, else the first unnamed lane of that role, else the
	 * first of that role; the answers are kept, so each side costs one pass. */
	function sideLane(lanesInfo, side) {
		var lanes = lanesInfo.lanes, i;
		side = String(side);
		if (lanesInfo.byLabel.has(side)) return lanesInfo.byLabel.get(side);
		var found = -1;
		for (i = 0; i < lanes.length && found < 0; i++)
			if (lanes[i].label === side) found = i;
		for (i = 0; i < lanes.length && found < 0; i++)
			if (!lanes[i].label && lanes[i].role === side) found = i;
		for (i = 0; i < lanes.length && found < 0; i++)
			if (lanes[i].role === side) found = i;
		if (found < 0) {
			/* A side with no endpoint yet (a process before it has a socket). */
			found = lanesInfo.add({ addr: side, port: null }, /^client/.test(side) ? 'client' :
				side === 'server' ? 'server' : side === 'kernel' ? 'kernel' : '', side);
			lanes[found].title = 'no socket address yet';
		}
		lanesInfo.byLabel.set(side, found);
		return found;
	}

	function icmpLanes(m, lanesInfo, ev) {
		var q = isObject(ev.icmp) && isObject(ev.icmp.quoted) ? ev.icmp.quoted : null;
		var byKey = lanesInfo.byKey;
		/* The error travels back from the quoted datagram's destination to its source. */
		if (q && byKey[endpointKey(q.dst)] !== undefined && byKey[endpointKey(q.src)] !== undefined)
			return [byKey[endpointKey(q.dst)], byKey[endpointKey(q.src)]];
		return [laneByAddr(lanesInfo, ev.src), laneByAddr(lanesInfo, ev.dst)];
	}

	function laneByAddr(lanesInfo, ep) {
		var key = endpointKey(ep);
		if (key === null) return -1;
		if (lanesInfo.byKey[key] !== undefined) return lanesInfo.byKey[key];
		if (lanesInfo.byAddr.has(String(ep.addr))) return lanesInfo.byAddr.get(String(ep.addr));
		return lanesInfo.add(ep, '', '');
	}

	function indexEvent(m, lanesInfo, i, ev) {
		var flowId = typeof ev.flow === 'number' ? ev.flow : -1;
		m.src[i] = -1;
		m.dst[i] = -1;
		if (ev.kind === 'kernel' || ev.kind === 'counters') {
			m.kind[i] = KIND_KERNEL;
			m.cls[i] = C.note;
			m.proto[i] = PROTO_OTHER;
			m.hidden++;
			flowId = -1;
		} else if (ev.kind === 'app' || ev.kind === 'note') {
			m.kind[i] = ev.kind === 'app' ? KIND_APP : KIND_NOTE;
			m.cls[i] = ev.kind === 'app' ? C.app : C.note;
			m.proto[i] = PROTO_APP;
			if (ev.side !== undefined && ev.side !== null) {
				var lane = flowLane(lanesInfo, m.flowById[flowId], String(ev.side));
				m.src[i] = lane >= 0 ? lane : sideLane(lanesInfo, ev.side);
			}
		} else {
			var proto = packetProto(ev);
			m.kind[i] = KIND_PACKET;
			m.proto[i] = proto;
			m.cls[i] = classify(ev, proto);
			if (Array.isArray(ev.analysis) && ev.analysis.length) m.flagged[i] = 1;
			if (proto === PROTO_ICMP) {
				var pair = icmpLanes(m, lanesInfo, ev);
				m.src[i] = pair[0];
				m.dst[i] = pair[1];
				var q = ev.icmp.quoted;
				if (flowId < 0 && isObject(q) && typeof q.flow === 'number') flowId = q.flow;
			} else {
				packetLanes(m, lanesInfo, i, ev, flowId);
			}
		}
		m.flow[i] = flowId;
	}

	/* Every packet of a flow in one direction goes between the same two lanes:
	 * look the addresses up once per flow and direction, not once per packet. */
	function packetLanes(m, lanesInfo, i, ev, flowId) {
		var cacheKey = flowId >= 0 && (ev.dir === 'c2s' || ev.dir === 's2c') ? flowId * 2 + (ev.dir === 's2c' ? 1 : 0) : -1;
		var hit = cacheKey >= 0 ? lanesInfo.flowCache.get(cacheKey) : undefined;
		if (hit !== undefined && hit.srcPort === (ev.src && ev.src.port) && hit.srcAddr === (ev.src && ev.src.addr)) {
			m.src[i] = hit.src;
			m.dst[i] = hit.dst;
			return;
		}
		m.src[i] = laneByAddr(lanesInfo, ev.src);
		m.dst[i] = laneByAddr(lanesInfo, ev.dst);
		if (cacheKey >= 0 && isObject(ev.src))
			lanesInfo.flowCache.set(cacheKey, { src: m.src[i], dst: m.dst[i], srcAddr: ev.src.addr, srcPort: ev.src.port });
	}

	/* A TCP packet kept as row r (rows.js): as indexEvent, from its columns. */
	function indexRow(m, lanesInfo, i, rows, r) {
		var flowId = rows.flow[r];
		m.kind[i] = KIND_PACKET;
		m.proto[i] = PROTO_TCP;
		m.cls[i] = tcpClass(rows.flagSets.values[rows.flags[r]], rows.plen[r]);
		m.flow[i] = flowId;
		var key = flowId * 2 + rows.dir[r], hit = lanesInfo.rowCache.get(key);
		if (hit === undefined || hit.src !== rows.src[r] || hit.dst !== rows.dst[r]) {
			hit = { src: rows.src[r], dst: rows.dst[r],
				srcLane: laneByAddr(lanesInfo, rows.endpoints.values[rows.src[r]]),
				dstLane: laneByAddr(lanesInfo, rows.endpoints.values[rows.dst[r]]) };
			lanesInfo.rowCache.set(key, hit);
		}
		m.src[i] = hit.srcLane;
		m.dst[i] = hit.dstLane;
	}

	function finishLanes(m, lanesInfo) {
		var lanes = lanesInfo.lanes, position = orderLanes(lanes);
		m.lanes = lanes.map(function (lane, i) {
			lane.index = i;
			lane.position = position[i];
			if (!lane.label) lane.label = lane.role || 'host';
			return lane;
		});
		m.lanePosition = position;
		function laneOf(ep) {
			var key = endpointKey(ep);
			return key !== null && lanesInfo.byKey[key] !== undefined ? lanesInfo.byKey[key] : -1;
		}
		m.flows.forEach(function (f) {
			f._clientLane = laneOf(f.client);
			f._serverLane = laneOf(f.server);
		});
	}

	/* Where each side's TCP state changes, to write it on the lane. */
	function indexStates(m) {
		var last = [new Map(), new Map()], roles = ['client', 'server'];
		for (var i = 0; i < m.count; i++) {
			if (m.kind[i] !== KIND_PACKET || m.proto[i] !== PROTO_TCP) continue;
			var row = m.rows && typeof m.list[i] === 'number' ? m.list[i] : -1;
			var ev = row >= 0 ? null : m.events[i];
			var st = row >= 0 ? m.rows.states.values[m.rows.state[row]] : ev.state;
			var c2s = row >= 0 ? m.rows.dir[row] === 0 : ev.dir !== 's2c';
			if (!isObject(st)) continue;
			var marks = null;
			for (var r = 0; r < 2; r++) {
				var value = st[roles[r]];
				if (typeof value !== 'string' || last[r].get(m.flow[i]) === value) continue;
				last[r].set(m.flow[i], value);
				var f = m.flowById[m.flow[i]];
				var lane = f ? (r === 0 ? f._clientLane : f._serverLane) : -1;
				if (lane < 0) lane = (r === 0) === c2s ? m.src[i] : m.dst[i];
				if (lane >= 0) (marks = marks || []).push({ lane: lane, text: value });
			}
			if (marks) m.states.set(i, marks);
		}
	}

	/* The rows shown for a filter: indices into events, ascending. */
	function filterRows(m, filter) {
		var out = new Int32Array(m.count), k = 0;
		var protos = filter.protos || {};
		var allow = [protos.other !== false, protos.tcp !== false, protos.udp !== false,
			protos.icmp !== false, protos.app !== false];
		var flow = filter.flow === null || filter.flow === undefined ? null : m.flowById[filter.flow];
		var lanesOfFlow = flow ? [flow._clientLane, flow._serverLane] : null;
		for (var i = 0; i < m.count; i++) {
			if (m.kind[i] === KIND_KERNEL || !allow[m.proto[i]]) continue;
			if (filter.flaggedOnly && !m.flagged[i]) continue;
			if (flow && m.flow[i] !== flow.id) {
				/* Socket calls with no flow yet (socket, listen) stay, on the flow's lanes. */
				if (m.kind[i] === KIND_PACKET || m.flow[i] >= 0) continue;
				if (lanesOfFlow.indexOf(m.src[i]) < 0) continue;
			}
			out[k++] = i;
		}
		return out.slice(0, k);
	}

	/* First position p in sorted typed array a with a[p] >= value. */
	function lowerBound(a, value, length) {
		var lo = 0, hi = length === undefined ? a.length : length;
		while (lo < hi) {
			var mid = (lo + hi) >>> 1;
			if (a[mid] < value) lo = mid + 1; else hi = mid;
		}
		return lo;
	}

	function formatTime(t) {
		if (typeof t !== 'number' || !isFinite(t)) return '';
		return t.toFixed(6);
	}

	/* 100000 -> "100 000"; toLocaleString would load locale data on first use. */
	function formatCount(n) {
		return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '\u2009');
	}

	function formatDuration(s) {
		if (typeof s !== 'number' || !isFinite(s)) return '';
		if (s < 0.001) return (s * 1e6).toFixed(0) + ' µs';
		if (s < 1) return (s * 1e3).toFixed(s < 0.01 ? 2 : 1) + ' ms';
		return s.toFixed(3) + ' s';
	}

	function parseJson(text) {
		try {
			return JSON.parse(text);
		} catch (e) {
			throw new Error('This file is not a sockscope timeline: it is not valid JSON (' + e.message + ').');
		}
	}

	function parseTimeline(text) {
		return createModel(parseJson(text));
	}

	S.SCHEMA = SCHEMA;
	S.CLASSES = CLASSES;
	S.KIND = { packet: KIND_PACKET, app: KIND_APP, note: KIND_NOTE, kernel: KIND_KERNEL };
	S.PROTO = { other: PROTO_OTHER, tcp: PROTO_TCP, udp: PROTO_UDP, icmp: PROTO_ICMP, app: PROTO_APP };
	S.PROTO_NAMES = PROTO_NAMES;
	S.ANALYSIS = ANALYSIS;
	S.CONN_STATES = CONN_STATES;
	S.explainHistory = explainHistory;
	S.createModel = createModel;
	S.parseJson = parseJson;
	S.parseTimeline = parseTimeline;
	S.filterRows = filterRows;
	S.lowerBound = lowerBound;
	S.describe = describe;
	S.formatEndpoint = formatEndpoint;
	S.formatTime = formatTime;
	S.formatDuration = formatDuration;
	S.formatCount = formatCount;
	S.isObject = isObject;
}, true);
