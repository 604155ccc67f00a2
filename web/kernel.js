/* sockscope viewer: the kernel's view beside the wire.
 *
 * A timeline written while the kernel was sampled (docs/timeline.md, `kernel` and
 * `counters` events; docs/kernel.md) carries what sock_diag and /proc/net said.
 * Sockscope.kernelPrepare(doc), called before the model is built, collects the
 * `kernel` samples (they describe sockets, not things that crossed a lane: the
 * model keeps them out of the rows) and turns each `counters` delta into a note on a "kernel" lane
 * of the ladder, its counters named in the words of the timeline's own glossary
 * (source.counters_glossary, written by sockscope; this page has no copy).
 * Sockscope.createKernel draws the rest: per socket, the kernel's TCP state
 * beside the state inferred from the wire; each listener's accept queue as a
 * gauge; and cwnd, ssthresh, in-flight and RTT of one flow's sender on the time
 * axis of the time-sequence graph (the flow's first to last packet).
 * Everything from the timeline goes in as text or numbers, never markup.
 */
Sockscope.module(function (S) {
	'use strict';

	var dom = S.dom, el = dom.el, html = dom.html;
	var W = 600, H = 260, L = 52, R = 52, T = 14, B = 36;
	var SSTHRESH_UNSET = 1 << 30; /* the kernel's "infinite" ssthresh is 0x7fffffff */
	var NAMED = 3, LISTED = 6;      /* counters explained, then only named, per marker */
	var COLOUR = { cwnd: '#1d4ed8', ssthresh: '#dc2626', inflight: '#047857', rtt: '#d97706',
		grid: '#e2e8f0', cursor: '#0f172a', gauge: '#0e7490', full: '#dc2626' };
	var SERIES = [['cwnd', 'cwnd (segments)'], ['ssthresh', 'ssthresh (segments)'],
		['inflight', 'in flight (segments)'], ['rtt', 'smoothed RTT (ms, right axis)']];

	var samplesOf = new WeakMap(); /* doc -> its kernel samples */

	function isObject(x) { return x !== null && typeof x === 'object' && !Array.isArray(x); }
	function num(x) { return typeof x === 'number' && isFinite(x) ? x : null; }

	function signed(n) { return (n > 0 ? '+' : '') + n; }

	/* The text of a counters marker: explained counters first, then names, then a count. */
	/* Tallies that move with every packet (datagrams and bytes in and out, segments,
	 * the fast path): the wire shows the same.  A delta of these alone stays in the
	 * timeline but is no step on the ladder; next to other counters they are listed last. */
	var TALLY = /^(Ip|IpExt|Ip6|Tcp|Udp|Udp6|UdpLite|UdpLite6|Icmp|Icmp6|IcmpMsg)(In|Out)|^Tcp(ActiveOpens|PassiveOpens|CurrEstab)$|^TcpExt(TCPHPHits|TCPPureAcks|TCPHPAcks|TCPOrigDataSent|TCPDelivered|TCPRcvCoalesce|TCPAutoCorking|TCPBacklogCoalesce)$/;

	function isTally(name) { return TALLY.test(name); }

	function counterText(delta, glossary) {
		var names = Object.keys(delta).filter(function (k) { return num(delta[k]) !== null; });
		names = names.filter(function (k) { return !isTally(k); }).concat(names.filter(isTally));
		var known = names.filter(function (k) { return typeof glossary[k] === 'string'; });
		var rest = names.filter(function (k) { return typeof glossary[k] !== 'string'; });
		var parts = known.slice(0, NAMED).map(function (k) {
			return k + ' ' + signed(delta[k]) + ' (' + glossary[k] + ')';
		});
		var plain = known.slice(NAMED).concat(rest);
		parts = parts.concat(plain.slice(0, LISTED).map(function (k) { return k + ' ' + signed(delta[k]); }));
		if (plain.length > LISTED) parts.push('and ' + (plain.length - LISTED) + ' more');
		return 'the kernel counted: ' + parts.join('; ');
	}

	function prepare(doc) {
		if (!isObject(doc) || !Array.isArray(doc.events)) return doc;
		var glossary = isObject(doc.source) && isObject(doc.source.counters_glossary) ?
			doc.source.counters_glossary : {};
		var samples = [], events = [], changed = false, lazy = S.lazyInfo(doc.events);
		/* Every event keeps its place, so that event N is the timeline's event N: a
		 * kernel sample stays (the model keeps it out of the rows), a counters delta
		 * becomes a note. */
		/* a reader's rows (rows.js) are TCP packets: left as they are, not made into events */
		(lazy ? lazy.list : doc.events).forEach(function (ev, i) {
			var kind = isObject(ev) ? ev.kind : null, was = ev;
			if (kind === 'kernel' && num(ev.t) !== null) samples.push(ev);
			if (kind === 'counters' && isObject(ev.delta) &&
				!Object.keys(ev.delta).every(isTally)) {
				changed = true;
				ev = { kind: 'note', t: ev.t, ts: ev.ts, side: 'kernel', counters: ev.delta,
					text: counterText(ev.delta, glossary) };
			}
			if (!lazy) events.push(ev);
			else if (ev !== was) lazy.list[i] = ev;
		});
		if (changed && !lazy) doc.events = events;
		samplesOf.set(doc, samples);
		return doc;
	}

	function endpointText(ep) {
		return isObject(ep) ? String(ep.addr) + ':' + String(ep.port) : '?';
	}

	/* Samples grouped by socket (side, local and remote address), in time order. */
	function groupSockets(samples) {
		var byKey = new Map();
		samples.forEach(function (ev) {
			var key = String(ev.side) + ' ' + endpointText(ev.local) + ' ' + endpointText(ev.remote);
			if (!byKey.has(key)) byKey.set(key, { key: key, side: String(ev.side), flow: num(ev.flow),
				local: endpointText(ev.local), samples: [] });
			byKey.get(key).samples.push(ev);
		});
		return Array.from(byKey.values());
	}

	/* The last sample at or before t (the first one when t is before them all). */
	function sampleAt(sock, t) {
		var s = sock.samples, found = s[0];
		for (var i = 0; i < s.length && s[i].t <= t; i++) found = s[i];
		return found;
	}

	function info(ev, field) { return isObject(ev.tcp_info) ? num(ev.tcp_info[field]) : null; }

	/* The state the wire analysis gave this side of the flow at the last packet at or before t. */
	function wireState(model, flow, side, t) {
		var found = null;
		for (var i = 0; i < model.count && model.t[i] <= t + 1e-9; i++) {
			if (model.flow[i] !== flow) continue;
			var ev = model.events[i];
			if (isObject(ev.state) && typeof ev.state[side] === 'string') found = ev.state[side];
		}
		return found;
	}

	/* ---- the listener gauges ---- */

	function drawGauges(box, listeners) {
		return listeners.map(function (sock) {
			var row = html('div', 'kernel-gauge', box);
			row.dataset.port = sock.local.split(':').pop();
			html('span', 'kernel-gauge-label', row, 'listener ' + sock.local + ': accept queue ');
			var track = html('span', 'kernel-gauge-track', row);
			track.style.cssText = 'display:inline-block;width:120px;height:10px;border:1px solid #94a3b8;vertical-align:middle';
			var fill = html('span', 'kernel-gauge-fill', track);
			fill.style.cssText = 'display:block;height:100%;width:0';
			var text = html('span', 'kernel-gauge-text', row);
			var max = 0;
			sock.samples.forEach(function (ev) { if (isObject(ev.queue)) max = Math.max(max, num(ev.queue.accept) || 0); });
			return { sock: sock, fill: fill, text: text, row: row, max: max };
		});
	}

	function updateGauge(g, t) {
		var ev = sampleAt(g.sock, t), q = isObject(ev.queue) ? ev.queue : {};
		var accept = num(q.accept) || 0, backlog = num(q.backlog) || 0;
		/* Linux counts the queue full when it holds more than the backlog (sk_acceptq_is_full). */
		var full = accept > backlog;
		var scale = Math.max(backlog + 1, accept, 1);
		g.fill.style.width = (100 * accept / scale).toFixed(1) + '%';
		g.fill.style.background = full ? COLOUR.full : COLOUR.gauge;
		g.row.dataset.accept = String(accept);
		g.row.dataset.backlog = String(backlog);
		g.row.classList.toggle('full', full);
		g.text.textContent = ' ' + accept + ' of backlog ' + backlog + (full ? ' (full: new SYNs are dropped)' : '') +
			'; at most ' + g.max + ' during the run';
	}

	/* ---- kernel state beside the wire's, per socket ---- */

	function drawStates(box, model, sockets) {
		sockets.forEach(function (sock) {
			var row = html('div', 'kernel-lane', box);
			row.dataset.side = sock.side;
			row.dataset.local = sock.local;
			html('span', 'kernel-lane-label', row, sock.side + ' ' + sock.local + (sock.flow !== null ? ' (flow ' + sock.flow + ')' : '') + ': ');
			var last = null;
			sock.samples.forEach(function (ev) {
				var state = String(ev.state);
				if (state === last) return;
				last = state;
				var wire = sock.flow !== null && (sock.side === 'client' || sock.side === 'server') ?
					wireState(model, sock.flow, sock.side, ev.t) : null;
				var differs = wire !== null && String(wire) !== state; /* both use RFC 9293's names */
				var mark = html('span', 'kernel-state' + (differs ? ' disagree' : ''), row,
					state + (differs ? ' (wire: ' + wire + ')' : ''));
				mark.dataset.state = state;
				mark.dataset.t = String(ev.t);
				mark.style.cssText = 'display:inline-block;margin:0 4px;padding:0 4px;border:1px solid ' +
					(differs ? COLOUR.full : '#94a3b8') + ';border-radius:3px';
				mark.title = 't=' + Number(ev.t).toFixed(6) + ' s: the kernel says ' + state +
					(wire === null ? '' : differs ? '; the wire analysis inferred ' + wire + ': the kernel is right, the wire shows only what crossed it'
						: '; the wire analysis agrees');
			});
		});
	}

	/* ---- the congestion chart ---- */

	function seriesValue(ev, name) {
		if (name === 'cwnd') return info(ev, 'snd_cwnd');
		if (name === 'ssthresh') {
			var v = info(ev, 'snd_ssthresh');
			return v !== null && v < SSTHRESH_UNSET ? v : null;
		}
		if (name === 'rtt') { var r = info(ev, 'rtt'); return r === null ? null : r * 1000; }
		var u = info(ev, 'unacked'), s = info(ev, 'sacked'), l = info(ev, 'lost'), x = info(ev, 'retrans');
		/* the kernel's tcp_packets_in_flight(): unacked - sacked - lost + retransmitted */
		return u === null ? null : u - (s || 0) - (l || 0) + (x || 0);
	}

	/* The sender of a flow: its socket with the most unacknowledged segments at some time. */
	function chooseSender(sockets, flow) {
		var best = null, bestScore = -1;
		sockets.forEach(function (sock) {
			if (sock.flow !== flow || sock.side === 'listener') return;
			var score = 0;
			sock.samples.forEach(function (ev) { score = Math.max(score, info(ev, 'unacked') || 0); });
			score = score * 1000 + sock.samples.length;
			if (score > bestScore) { best = sock; bestScore = score; }
		});
		return best;
	}

	function packetRange(model, flow) {
		var t0 = Infinity, t1 = -Infinity;
		for (var i = 0; i < model.count; i++) {
			if (model.flow[i] === flow && model.kind[i] === S.KIND.packet) { t0 = Math.min(t0, model.t[i]); t1 = Math.max(t1, model.t[i]); }
		}
		return t0 <= t1 ? [t0, t1] : null;
	}

	function drawChart(svg, sock, range) {
		var frag = document.createDocumentFragment(), pw = W - L - R, ph = H - T - B;
		var t0 = range[0], t1 = range[1] > range[0] ? range[1] : range[0] + 1e-6;
		var shown = sock.samples.filter(function (ev) { return ev.t >= t0 && ev.t <= t1; });
		var top = 1, rttTop = 0.001;
		shown.forEach(function (ev) {
			['cwnd', 'ssthresh', 'inflight'].forEach(function (n) { var v = seriesValue(ev, n); if (v !== null) top = Math.max(top, v); });
			var r = seriesValue(ev, 'rtt'); if (r !== null) rttTop = Math.max(rttTop, r);
		});
		top *= 1.1;
		rttTop *= 1.1;
		var x = function (t) { return L + (t - t0) / (t1 - t0) * pw; };
		var y = function (v) { return T + ph - v / top * ph; };
		var yr = function (v) { return T + ph - v / rttTop * ph; };
		el('rect', { x: L, y: T, width: pw, height: ph, fill: '#ffffff', stroke: '#94a3b8' }, frag);
		for (var k = 0; k <= 5; k++) {
			var tx = t0 + (t1 - t0) * k / 5;
			el('line', { x1: x(tx), x2: x(tx), y1: T, y2: T + ph, stroke: COLOUR.grid }, frag);
			el('text', { x: x(tx), y: T + ph + 14, 'text-anchor': 'middle', 'font-size': 10, fill: '#475569' }, frag)
				.textContent = (tx - t0).toFixed(3);
			el('text', { x: L - 4, y: y(top * k / 5) + 3, 'text-anchor': 'end', 'font-size': 10, fill: '#475569' }, frag)
				.textContent = String(Math.round(top * k / 5));
			el('text', { x: L + pw + 4, y: yr(rttTop * k / 5) + 3, 'font-size': 10, fill: COLOUR.rtt }, frag)
				.textContent = String(Number((rttTop * k / 5).toPrecision(2)));
		}
		el('text', { x: L + pw / 2, y: H - 4, 'text-anchor': 'middle', 'font-size': 11, fill: '#475569' }, frag)
			.textContent = 'seconds since the flow\'s first packet (as in the time-sequence graph)';
		SERIES.forEach(function (p) {
			var name = p[0], pts = [], prev = null, n = 0;
			shown.forEach(function (ev) {
				var v = seriesValue(ev, name), px = x(ev.t).toFixed(1);
				/* a step: a value holds until the next sample (samples are kept only on change) */
				if (prev !== null) pts.push(px + ',' + prev);
				prev = v === null ? null : (name === 'rtt' ? yr(v) : y(v)).toFixed(1);
				if (v === null) return;
				pts.push(px + ',' + prev);
				n++;
			});
			if (prev !== null) pts.push(x(t1).toFixed(1) + ',' + prev); /* unchanged to the flow's end */
			var line = el('polyline', { points: pts.join(' '), fill: 'none', stroke: COLOUR[name], 'stroke-width': 1.5,
				'data-series': name, 'data-points': String(n) }, frag);
			el('title', {}, line).textContent = p[1];
		});
		var cursor = el('line', { class: 'kernel-cursor', y1: T, y2: T + ph, stroke: COLOUR.cursor, 'stroke-dasharray': '3 3' }, frag);
		cursor.style.display = 'none';
		svg.replaceChildren(frag);
		return { cursor: cursor, x: x, t0: t0, t1: t1 };
	}

	function createKernel(root, model, dispatch) {
		var samples = samplesOf.get(model.doc) || [];
		var source = isObject(model.doc.source) ? model.doc.source : {};
		var kernelSource = isObject(source.kernel) ? source.kernel : null;
		void dispatch;
		if (!samples.length && !kernelSource) {
			root.hidden = true;
			return { update: function () {} };
		}
		root.hidden = false;
		dom.panel(root, 'kernel-panel', 'The kernel\'s view');
		var status = html('p', 'kernel-status', root);
		var scope = typeof source.counters_scope === 'string' ? source.counters_scope : 'unknown';
		status.textContent = 'sock_diag and /proc/net sampled every ' +
			(kernelSource && num(kernelSource.interval) !== null ? (kernelSource.interval * 1000).toFixed(1) + ' ms' : '? ms') +
			' and after each socket call; counters: ' + scope + '.';
		if (kernelSource && kernelSource.sock_diag !== 'ok') {
			var warn = html('p', 'kernel-warning', root, 'No socket samples: ' + String(kernelSource.note || 'sock_diag was unavailable'));
			warn.setAttribute('role', 'status');
			warn.style.cssText = 'color:#b91c1c;font-weight:bold';
		}
		var sockets = groupSockets(samples);
		var gauges = drawGauges(html('div', 'kernel-gauges', root), sockets.filter(function (s) { return s.side === 'listener'; }));
		drawStates(html('div', 'kernel-lanes', root), model, sockets.filter(function (s) { return s.side !== 'listener'; }));
		var caption = html('p', 'graph-caption kernel-caption', root);
		var svg = el('svg', { viewBox: '0 0 ' + W + ' ' + H, class: 'kernel-chart', role: 'img',
			'font-family': 'system-ui, sans-serif' }, root);
		var legend = html('div', 'legend graph-legend', root);
		SERIES.forEach(function (p) { dom.legendItem(legend, COLOUR[p[0]], p[1]); });
		var flowsWithSamples = sockets.filter(function (s) { return s.flow !== null && s.side !== 'listener'; })
			.sort(function (a, b) { return b.samples.length - a.samples.length; });
		var drawnFlow, chart = null;

		function chooseFlow(st) {
			if (st.flow !== null && flowsWithSamples.some(function (s) { return s.flow === st.flow; })) return st.flow;
			return flowsWithSamples.length ? flowsWithSamples[0].flow : null;
		}

		function redraw(flow) {
			drawnFlow = flow;
			var sender = flow === null ? null : chooseSender(sockets, flow);
			var range = flow === null ? null : packetRange(model, flow);
			if (!sender || !range) {
				caption.textContent = 'No kernel samples of a TCP connection to chart.';
				svg.style.display = 'none';
				chart = null;
				return;
			}
			svg.style.display = '';
			caption.textContent = 'Flow ' + flow + ', the ' + sender.side + ' ' + sender.local +
				' as its kernel saw it: congestion window, slow-start threshold, segments in flight, RTT.';
			chart = drawChart(svg, sender, range);
		}

		function update(st) {
			var flow = chooseFlow(st);
			if (flow !== drawnFlow) redraw(flow);
			var t = st.selected >= 0 ? model.t[st.selected] : (samples.length ? samples[samples.length - 1].t : 0);
			gauges.forEach(function (g) { updateGauge(g, t); });
			if (chart) {
				var inside = st.selected >= 0 && t >= chart.t0 && t <= chart.t1;
				chart.cursor.style.display = inside ? '' : 'none';
				if (inside) { chart.cursor.setAttribute('x1', chart.x(t)); chart.cursor.setAttribute('x2', chart.x(t)); }
			}
		}

		return { update: update };
	}

	S.kernelPrepare = prepare;
	/* The samples prepare() kept, and a doc given those kept by a worker's prepare(). */
	S.kernelSamples = function (doc) { return samplesOf.get(doc) || []; };
	S.kernelAdopt = function (doc, samples) { samplesOf.set(doc, samples); };
	S.kernelIsTally = isTally;
	S.createKernel = createKernel;
}, true);
