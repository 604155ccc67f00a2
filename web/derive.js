/* sockscope viewer: what the views work out from the model once it is built.
 *
 * Sockscope.derive(model) adds, without changing what the timeline says:
 *   lost[i]      1 when packet i was later sent again, not as a spurious resend
 *                (the sender took this copy for lost);
 *   resend[i]    for a retransmission, the index of the copy it resends (else -1);
 *   resentBy[i]  for a lost packet, the index of its first resend (else -1);
 *   start[i]     when a socket call began (t - duration), else t;
 *   callFd[i]    the descriptor a socket call acts on (-1 when not known);
 * and puts every socket call and note on the lane of the socket it acts on:
 * matched by side and descriptor (from `fd`, or "fd N" in `args`, or the
 * descriptor socket() and accept() return), not by the order of the lanes.
 * When the timeline has a listening socket (an endpoint whose role or side is
 * "listener"), the calls on the descriptor that listen() was called on go on its
 * lane.  A lane whose calls name their process (pid, comm) says so in its title.
 * Lanes that share a name are numbered ("client 1", "client 2", …).
 * Nothing here touches the DOM.
 */
Sockscope.module(function (S) {
	'use strict';

	var RESEND_FLAGS = ['retransmission', 'fast_retransmission'];

	function own(obj, key) { return obj !== null && typeof obj === 'object' && Object.prototype.hasOwnProperty.call(obj, key); }

	/* The descriptor a call acts on, or -1; for accept(), the one it returns. */
	function fdOf(ev) {
		if (/^accept/.test(ev.call) && typeof ev.ret === 'number' && ev.ret >= 0) return ev.ret;
		if (typeof ev.fd === 'number' && ev.fd >= 0) return ev.fd;
		var m = typeof ev.args === 'string' ? /^fd (\d{1,9})\b/.exec(ev.args) : null;
		return m ? Number(m[1]) : -1;
	}

	/* The descriptor a call creates (socket, accept), or -1. */
	function newFd(ev) {
		return (ev.call === 'socket' || ev.call === 'accept' || ev.call === 'accept4') &&
			typeof ev.ret === 'number' && ev.ret >= 0 ? ev.ret : -1;
	}

	/* Who owns a descriptor: the process when the timeline names it, else the side. */
	function owner(ev) {
		return (typeof ev.pid === 'number' ? 'pid ' + ev.pid : 'side ' + String(ev.side)) + '|';
	}

	/* Flow of every socket call and note: its own, else the one its descriptor
	 * belongs to (later in the same descriptor's life, or earlier), else for a note
	 * the one of the call it follows on the same side. */
	function callFlows(m) {
		var n = m.count, flowOf = new Int32Array(n).fill(-1), fds = new Int32Array(n).fill(-1);
		var live = new Map(), i, ev, key;
		for (i = 0; i < n; i++) {            /* forward: a descriptor keeps the flow it had */
			if (m.kind[i] !== S.KIND.app) continue;
			ev = m.events[i];
			fds[i] = fdOf(ev);
			var made = newFd(ev);
			if (made >= 0) live.delete(owner(ev) + made);
			key = owner(ev) + fds[i];
			if (m.flow[i] >= 0) {
				flowOf[i] = m.flow[i];
				if (fds[i] >= 0) live.set(key, m.flow[i]);
			} else if (fds[i] >= 0 && live.has(key)) {
				flowOf[i] = live.get(key);
			}
		}
		var next = new Map();
		for (i = n - 1; i >= 0; i--) {       /* backward: socket() belongs to what it connects */
			if (m.kind[i] !== S.KIND.app) continue;
			ev = m.events[i];
			var fd = fds[i] >= 0 ? fds[i] : newFd(ev);
			key = owner(ev) + fd;
			if (flowOf[i] < 0 && fd >= 0 && next.has(key)) flowOf[i] = next.get(key);
			if (flowOf[i] >= 0 && fd >= 0) next.set(key, flowOf[i]);
			if (ev.call === 'socket') next.delete(owner(ev) + newFd(ev));
		}
		var lastBySide = new Map();
		for (i = 0; i < n; i++) {            /* notes: the flow of the call just before */
			if (m.kind[i] !== S.KIND.app && m.kind[i] !== S.KIND.note) continue;
			ev = m.events[i];
			if (m.kind[i] === S.KIND.app) lastBySide.set(String(ev.side), flowOf[i]);
			else
				flowOf[i] = m.flow[i] >= 0 ? m.flow[i] : (lastBySide.has(String(ev.side)) ? lastBySide.get(String(ev.side)) : -1);
		}
		m.callFd = fds;
		return flowOf;
	}

	function laneOfKey(m) {
		var map = new Map();
		m.lanes.forEach(function (lane, i) { if (!map.has(lane.key)) map.set(lane.key, i); });
		return function (ep) {
			if (!S.isObject(ep) || ep.addr === undefined || ep.addr === null) return -1;
			var key = String(ep.addr) + '|' + (ep.port === undefined || ep.port === null ? '' : ep.port);
			return map.has(key) ? map.get(key) : -1;
		};
	}

	/* Listening descriptors: every call in the life (socket() to close()) of a
	 * descriptor that listen() was called on.  Returns a Uint8Array. */
	function listenerCalls(m) {
		var marks = new Uint8Array(m.count), life = new Map(), i;
		function finish(key) {
			var l = life.get(key);
			if (l && l.listens) l.calls.forEach(function (j) { marks[j] = 1; });
			life.delete(key);
		}
		for (i = 0; i < m.count; i++) {
			if (m.kind[i] !== S.KIND.app) continue;
			var ev = m.events[i], made = ev.call === 'socket' ? newFd(ev) : -1;
			if (made >= 0) {
				finish(owner(ev) + made);
				life.set(owner(ev) + made, { calls: [i], listens: false });
				continue;
			}
			var fd = /^accept/.test(ev.call) ? -1 : m.callFd[i], key = owner(ev) + fd;
			if (fd < 0) continue;
			if (!life.has(key)) life.set(key, { calls: [], listens: false });
			var l = life.get(key);
			l.calls.push(i);
			if (ev.call === 'listen') l.listens = true;
			if (ev.call === 'close') finish(key);
		}
		life.forEach(function (l, key) { finish(key); });
		return marks;
	}

	function listenerLane(m) {
		for (var i = 0; i < m.lanes.length; i++) if (m.lanes[i].role === 'listener') return i;
		return -1;
	}

	/* "curl (pid 4242)" on the lane head, from the first call on the lane that names it. */
	function nameProcesses(m) {
		for (var i = 0; i < m.count; i++) {
			var lane = m.src[i];
			if (m.kind[i] !== S.KIND.app || lane < 0 || m.lanes[lane].process) continue;
			var ev = m.events[i];
			if (typeof ev.pid !== 'number') continue;
			m.lanes[lane].process = (ev.comm ? clip(ev.comm, 32) + ' ' : '') + '(pid ' + ev.pid + (typeof ev.tid === 'number' && ev.tid !== ev.pid ? ', tid ' + ev.tid : '') + ')';
			m.lanes[lane].title += ' · ' + m.lanes[lane].process;
		}
	}

	/* Calls and notes onto the lane of their flow's socket on their side. */
	function placeCalls(m) {
		var flowOf = callFlows(m), lookup = laneOfKey(m);
		var listener = listenerLane(m), listening = listener >= 0 ? listenerCalls(m) : null;
		for (var i = 0; i < m.count; i++) {
			if (listening && listening[i]) { m.src[i] = listener; continue; }
			if (m.kind[i] === S.KIND.packet || flowOf[i] < 0) continue;
			var f = m.flowById[flowOf[i]], side = String(m.events[i].side);
			if (!f || side === 'listener') continue;
			var lane = /^client/.test(side) ? lookup(f.client) : /^server/.test(side) ? lookup(f.server) : -1;
			if (lane >= 0) m.src[i] = lane;
			m.flow[i] = flowOf[i];
		}
	}

	/* "client", "client", "client" -> "client 1", "client 2", "client 3". */
	function numberLanes(m) {
		var count = new Map(), seen = new Map();
		m.lanes.forEach(function (l) { count.set(l.label, (count.get(l.label) || 0) + 1); });
		m.lanes.slice().sort(function (a, b) { return a.position - b.position; }).forEach(function (l) {
			if (count.get(l.label) < 2 || l.label === 'host') return;
			var k = (seen.get(l.label) || 0) + 1;
			seen.set(l.label, k);
			l.label = l.label + ' ' + k;
		});
	}

	/* The earlier copy a retransmission resends: the frame the timeline names in
	 * analysis_detail, else the last earlier segment of the flow and direction
	 * that starts at the same sequence number. */
	function findOriginal(m, i, ev, byFrame, lastAt) {
		var detail = ev.analysis_detail;
		for (var k = 0; k < RESEND_FLAGS.length; k++) {
			var d = own(detail, RESEND_FLAGS[k]) ? detail[RESEND_FLAGS[k]] : null;
			if (own(d, 'frame') && byFrame.has(d.frame)) return byFrame.get(d.frame);
		}
		var seq = S.isObject(ev.tcp) && typeof ev.tcp.seq === 'number' ? ev.tcp.seq : null;
		return seq === null ? -1 : lastAt.bySeq(m.flow[i], ev.dir, false).get(seq);
	}

	/* The last segment of each flow, direction and sequence number: a map of numbers per
	 * flow and direction, not a string key made and hashed for every packet. */
	function segmentIndex() {
		var flows = new Map(), none = new Map();
		return {
			bySeq: function (flow, dir, make) {
				var byDir = flows.get(flow), key = '' + dir;
				if (!byDir) {
					if (!make) return none;
					flows.set(flow, byDir = new Map());
				}
				var seqs = byDir.get(key);
				if (!seqs) {
					if (!make) return none;
					byDir.set(key, seqs = new Map());
				}
				return seqs;
			}
		};
	}

	/* A resend later proved unneeded (D-SACK): its first copy arrived. */
	function spurious(ev) {
		if (Array.isArray(ev.analysis) && ev.analysis.indexOf('spurious_retransmission') >= 0) return true;
		var d = ev.analysis_detail;
		return RESEND_FLAGS.some(function (f) { return own(d, f) && own(d[f], 'cause') && d[f].cause === 'spurious'; });
	}

	function markLoss(m) {
		var n = m.count, byFrame = new Map(), lastAt = segmentIndex();
		m.lost = new Uint8Array(n);
		m.resend = new Int32Array(n).fill(-1);
		m.resentBy = new Int32Array(n).fill(-1);
		for (var i = 0; i < n; i++) {
			if (m.kind[i] !== S.KIND.packet || m.proto[i] !== S.PROTO.tcp) continue;
			var row = m.rows && typeof m.list[i] === 'number' ? m.list[i] : -1;
			if (row >= 0) {                  /* a row has no analysis flag: only remembered */
				byFrame.set(m.rows.frame[row], i);
				lastAt.bySeq(m.flow[i], m.rows.dir[row] ? 's2c' : 'c2s', true).set(m.rows.seq[row], i);
				continue;
			}
			var ev = m.events[i];
			var flags = Array.isArray(ev.analysis) ? ev.analysis : [];
			if (flags.indexOf('retransmission') >= 0 || flags.indexOf('fast_retransmission') >= 0) {
				var orig = findOriginal(m, i, ev, byFrame, lastAt);
				if (orig !== undefined && orig >= 0 && orig < i) {
					m.resend[i] = orig;
					if (!spurious(ev)) m.lost[orig] = 1;
					if (m.resentBy[orig] < 0) m.resentBy[orig] = i;
				}
			}
			if (typeof ev.frame === 'number') byFrame.set(ev.frame, i);
			if (S.isObject(ev.tcp) && typeof ev.tcp.seq === 'number')
				lastAt.bySeq(m.flow[i], ev.dir, true).set(ev.tcp.seq, i);
		}
	}

	function callStarts(m) {
		m.start = new Float64Array(m.count);
		for (var i = 0; i < m.count; i++) {
			var d = m.kind[i] === S.KIND.app ? m.events[i].duration : 0;
			m.start[i] = typeof d === 'number' && d > 0 && isFinite(d) ? m.t[i] - d : m.t[i];
		}
	}

	function derive(m) {
		if (m.derived) return m;
		numberLanes(m);
		placeCalls(m);
		nameProcesses(m);
		markLoss(m);
		callStarts(m);
		m.derived = true;
		return m;
	}

	/* Text from a timeline cut to a length a page can show. */
	function clip(text, max) {
		var s = typeof text === 'string' ? text : String(text);
		max = max || 2000;
		return s.length <= max ? s : s.slice(0, max) + '… (' + S.formatCount(s.length - max) + ' more characters)';
	}

	S.derive = derive;
	/* The typed arrays of a derived model, one a event (worker.js hands them over). */
	S.COLUMNS = ['t', 'kind', 'cls', 'proto', 'flagged', 'flow', 'src', 'dst',
		'lost', 'resend', 'resentBy', 'start', 'callFd'];
	S.own = own;
	S.clip = clip;
}, true);
