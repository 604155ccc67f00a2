/* sockscope viewer: the time-sequence graph (Stevens / tcptrace style).
 *
 * For one TCP flow and one direction: each segment a vertical bar from its first to
 * its last relative sequence number at its time; the other side's ACK number and
 * ACK + receive window as step lines; retransmissions in red, each joined to the
 * lost copy it resends (hollow, crossed).  Ticks count from the flow's first
 * packet; the axes are padded so nothing sits on an edge; the selected event is
 * marked.  Ctrl + wheel or the buttons zoom the time axis, dragging pans.  Big
 * flows are reduced to one bar per pixel column (lowest and highest sequence
 * number there).  Below, throughput and RTT samples of the same flow.
 */
(function (S) {
	'use strict';

	var dom = S.dom, el = dom.el, html = dom.html;
	var W = 600, H = 340, L = 64, R = 16, T = 16, B = 42, PAD = 0.04, H2 = 150;
	var COLOUR = { seq: '#1d4ed8', ack: '#047857', win: '#b45309', retx: '#dc2626', grid: '#e2e8f0', rtt: '#7c3aed', now: '#0f172a' };

	/* Round tick steps: 1, 2 or 5 times a power of ten. */
	function ticks(lo, hi, count) {
		var span = hi - lo;
		if (!(span > 0)) return [lo];
		var step = Math.pow(10, Math.floor(Math.log10(span / count)));
		var err = span / count / step;
		step *= err >= 7.5 ? 10 : err >= 3.5 ? 5 : err >= 1.5 ? 2 : 1;
		var out = [];
		for (var v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
		return out;
	}

	/* Segments, ACKs and windows of one direction of one flow, in time order. */
	function collect(model, flowId, dir) {
		var segs = [], acks = [];
		for (var i = 0; i < model.count; i++) {
			if (model.flow[i] !== flowId || model.proto[i] !== S.PROTO.tcp) continue;
			var ev = model.events[i], tcp = ev.tcp;
			if (!S.isObject(tcp) || typeof tcp.seq_rel !== 'number') continue;   /* not read yet (worker.js) */
			var flags = Array.isArray(tcp.flags) ? tcp.flags : [];
			if (ev.dir === dir) {
				var len = typeof tcp.len === 'number' ? tcp.len : 0;
				segs.push({ t: model.t[i], lo: tcp.seq_rel, hi: tcp.seq_rel + len, i: i,
					syn: flags.indexOf('SYN') >= 0, fin: flags.indexOf('FIN') >= 0,
					retx: Array.isArray(ev.analysis) && ev.analysis.some(function (a) { return /retransmission/.test(a); }) });
			} else if (flags.indexOf('ACK') >= 0 && typeof tcp.ack_rel === 'number') {
				var win = typeof tcp.win_scaled === 'number' ? tcp.win_scaled : tcp.win;
				acks.push({ t: model.t[i], ack: tcp.ack_rel, win: typeof win === 'number' ? tcp.ack_rel + win : null });
			}
		}
		return { segs: segs, acks: acks };
	}

	function createStevens(root, model, dispatch) {
		var tcpFlows = model.flows.filter(function (f) { return String(f.proto).toLowerCase() === 'tcp'; });
		var drawnKey = '', drawnVersion, view = null, data = null, selected = -1, shownFlow = -1;   /* view: [from, to] as fractions of the flow's time */
		var nowAt = null;     /* where draw() put the line of the selected event */

		var bar = dom.panel(root, 'stevens-panel', 'Time-sequence graph');
		var dirs = dom.group(html('div', 'segmented', bar), 'Direction');
		[['c2s', 'client → server'], ['s2c', 'server → client']].forEach(function (p) {
			dom.button(dirs, 'seg', p[1], function () { dispatch({ type: 'graphDir', dir: p[0] }); })
				.dataset.dir = p[0];
		});
		var caption = html('p', 'graph-caption', root);
		var svg = el('svg', { viewBox: '0 0 ' + W + ' ' + H, class: 'stevens-svg', role: 'img',
			'font-family': 'system-ui, sans-serif' }, root);
		var zoomBar = dom.group(html('div', 'controls graph-zoom', bar), 'Zoom the time axis');
		[['−', 'Zoom out', 2], ['+', 'Zoom in', 0.5], ['1:1', 'Whole flow', 0]].forEach(function (z) {
			var b = dom.button(zoomBar, 'icon', z[0], function () { zoom(z[2], 0.5); });
			b.title = z[1];
			b.setAttribute('aria-label', z[1] + ' (time-sequence graph)');
		});
		var legend = html('div', 'legend graph-legend', root);
		[['seq', 'segment (sequence numbers sent)'], ['ack', 'ACK from the other side'],
			['win', 'ACK + receive window'], ['retx', 'R: retransmission, joined to the ✕ lost copy'], ['now', 'selected event']].forEach(function (p) {
			dom.legendItem(legend, COLOUR[p[0]], p[1]);
		});
		var perf = el('svg', { viewBox: '0 0 ' + W + ' ' + H2, class: 'stevens-svg perf-svg', role: 'img',
			'aria-label': 'Throughput and RTT of the flow', 'font-family': 'system-ui, sans-serif' }, root);

		function chooseFlow(st) {
			var f = st.flow !== null ? model.flowById[st.flow] : null;
			if (f && String(f.proto).toLowerCase() === 'tcp') return f;
			return tcpFlows[0] || null;
		}

		function chooseDir(st, f) {
			if (st.graphDir === 'c2s' || st.graphDir === 's2c') return st.graphDir;
			return (f.bytes_s2c || 0) > (f.bytes_c2s || 0) ? 's2c' : 'c2s';
		}

		function update(st) {
			var f = chooseFlow(st);
			var dir = f ? chooseDir(st, f) : 'c2s';
			dirs.querySelectorAll('[data-dir]').forEach(function (b) {
				b.setAttribute('aria-pressed', String(b.dataset.dir === dir));
			});
			var key = (f ? f.id : '-') + dir + '/' + (view ? view.join(',') : '');
			if (key === drawnKey && st.selected === selected && drawnVersion === model.version) return;
			if (key === drawnKey && drawnVersion === model.version) {
				/* the same graph: only the line of the selected event moves */
				selected = st.selected;
				if (nowAt) {
					svg.querySelectorAll('.now').forEach(function (n) { n.remove(); });
					drawNow(nowAt.g, nowAt.x, nowAt.y, nowAt.t0, nowAt.t1, nowAt.ph);
				}
				return;
			}
			drawnVersion = model.version;
			if (key.split('/')[0] !== drawnKey.split('/')[0]) view = null;
			drawnKey = (f ? f.id : '-') + dir + '/' + (view ? view.join(',') : '');
			selected = st.selected;
			if (!f) {
				caption.textContent = 'No TCP flow in this timeline.';
				svg.replaceChildren();
				nowAt = null;
				svg.style.display = 'none';
				perf.style.display = 'none';
				legend.style.display = 'none';
				return;
			}
			svg.style.display = '';
			perf.style.display = '';
			legend.style.display = '';
			caption.textContent = 'Flow ' + f.id + ', ' + (dir === 'c2s' ? 'client → server' : 'server → client') +
				' (' + S.formatEndpoint(dir === 'c2s' ? f.client : f.server) + ' → ' +
				S.formatEndpoint(dir === 'c2s' ? f.server : f.client) + ')' +
				(st.flow === null || st.flow !== f.id ? '. Choose a TCP flow in the table to graph another.' : '.');
			shownFlow = f.id;
			data = collect(model, f.id, dir);
			draw(data);
			drawPerf(data);
		}

		/* Zoom by factor around the fraction `at` of the shown span; 0 shows everything. */
		function zoom(factor, at) {
			if (!data) return;
			var v = view || [0, 1];
			if (!factor) view = null;
			else {
				var span = Math.min(1, Math.max(0.002, (v[1] - v[0]) * factor)), c = v[0] + (v[1] - v[0]) * at;
				var from = Math.max(0, Math.min(1 - span, c - span * at));
				view = span >= 1 ? null : [Number(from.toFixed(6)), Number((from + span).toFixed(6))];
			}
			drawnKey = drawnKey.split('/')[0] + '/' + (view ? view.join(',') : '');
			draw(data);
		}

		function pan(dxFraction) {
			if (!view || !data) return;
			var span = view[1] - view[0], from = Math.max(0, Math.min(1 - span, view[0] + dxFraction * span));
			view = [Number(from.toFixed(6)), Number((from + span).toFixed(6))];
			drawnKey = drawnKey.split('/')[0] + '/' + view.join(',');
			draw(data);
		}

		function draw(data) {
			var segs = data.segs, acks = data.acks, frag = document.createDocumentFragment();
			var pw = W - L - R, ph = H - T - B;
			var all = segs.concat(acks);
			if (!all.length) {
				el('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', fill: '#64748b', 'font-size': 14 }, frag)
					.textContent = 'No segments in this direction.';
				svg.replaceChildren(frag);
				nowAt = null;
				return;
			}
			var f0 = Infinity, f1 = -Infinity, top = 1;
			all.forEach(function (p) { f0 = Math.min(f0, p.t); f1 = Math.max(f1, p.t); });
			if (f1 <= f0) f1 = f0 + 1e-6;
			/* Padding either side, so the first and last segments are not on the frame. */
			var full = f1 - f0, v = view || [0, 1];
			var t0 = f0 - full * PAD + (full * (1 + 2 * PAD)) * v[0], t1 = f0 - full * PAD + (full * (1 + 2 * PAD)) * v[1];
			segs.forEach(function (s) { top = Math.max(top, s.hi + (s.fin ? 1 : 0)); });
			acks.forEach(function (a) { top = Math.max(top, a.ack); });
			var maxWin = 0;
			acks.forEach(function (a) { if (a.win !== null) maxWin = Math.max(maxWin, a.win); });
			/* A window far above the data would squash it flat: clip it and say so. */
			var yMax = maxWin > top * 3 ? top * 1.25 : Math.max(top, maxWin) * 1.1;
			var x = function (t) { return L + (t - t0) / (t1 - t0) * pw; };
			var y = function (val) { return T + ph - Math.min(val, yMax) / yMax * ph; };
			el('clipPath', { id: 'stevens-clip' }, frag).appendChild(el('rect', { x: L, y: T - 8, width: pw, height: ph + 8 }));
			drawAxes(frag, f0, t0, t1, yMax, x, y, pw, ph);
			var out = frag, plot = el('g', { 'clip-path': 'url(#stevens-clip)' }, out);
			frag = plot;
			drawSteps(frag, acks, 'ack', x, y, COLOUR.ack);
			drawSteps(frag, acks, 'win', x, y, COLOUR.win);
			if (maxWin > yMax)
				el('text', { x: L + pw - 4, y: T + 12, 'text-anchor': 'end', 'font-size': 11, fill: COLOUR.win }, frag)
					.textContent = 'window up to ' + Math.round(maxWin) + ' (above the graph)';
			var shown = segs.filter(function (sg) { return sg.t >= t0 && sg.t <= t1; });
			if (shown.length <= 160) { drawPairs(frag, segs, x, y); drawSegments(frag, shown, x, y); }
			else drawColumns(frag, shown, x, y, pw);
			nowAt = { g: frag, x: x, y: y, t0: t0, t1: t1, ph: ph };
			drawNow(frag, x, y, t0, t1, ph);
			svg.replaceChildren(out);
		}

		/* Each resend joined to the copy it replaces; that copy hollow and crossed. */
		function drawPairs(g, segs, x, y) {
			var at = new Map();
			segs.forEach(function (sg) { at.set(sg.i, sg); });
			segs.forEach(function (sg) {
				var orig = model.resend ? at.get(model.resend[sg.i]) : null;
				if (!orig) return;
				el('path', { d: 'M' + x(orig.t) + ' ' + y(orig.hi) + 'L' + x(sg.t) + ' ' + y(sg.hi), stroke: COLOUR.retx,
					'stroke-width': 1.2, 'stroke-dasharray': '4 3', fill: 'none', class: 'pair', 'data-pair': orig.i + '-' + sg.i }, g);
			});
		}

		/* The selected event, when it belongs to this flow: a line at its time. */
		function drawNow(g, x, y, t0, t1, ph) {
			if (selected < 0 || !data) return;
			var t = model.t[selected];
			if (model.flow[selected] !== shownFlow || t < t0 || t > t1) return;
			el('line', { x1: x(t), x2: x(t), y1: T, y2: T + ph, stroke: COLOUR.now, 'stroke-width': 1.5,
				'stroke-dasharray': '5 3', class: 'now', 'data-now': selected }, g);
		}

		/* Bytes per time slice (throughput) and the RTT samples the ACKs carry. */
		function drawPerf(d) {
			var frag = document.createDocumentFragment(), pw = W - L - R, ph = H2 - 16 - 34;
			var segs = d.segs, rtts = [];
			if (!segs.length) { perf.replaceChildren(); return; }
			var f0 = segs[0].t, f1 = segs[segs.length - 1].t;
			for (var i = 0, flow = model.flow[segs[0].i]; i < model.count; i++) {
				if (model.kind[i] !== S.KIND.packet || model.flow[i] !== flow) continue;
				var ev = model.events[i];
				if (S.isObject(ev.rtt) && typeof ev.rtt.ack_rtt === 'number' && isFinite(ev.rtt.ack_rtt)) rtts.push({ t: model.t[i], v: ev.rtt.ack_rtt });
			}
			rtts.forEach(function (r) { f0 = Math.min(f0, r.t); f1 = Math.max(f1, r.t); });
			if (f1 <= f0) f1 = f0 + 1e-6;
			var BINS = 40, bins = new Float64Array(BINS), width = (f1 - f0) / BINS, peak = 0, rttMax = 0;
			segs.forEach(function (sg) {
				var b = Math.min(BINS - 1, Math.floor((sg.t - f0) / width));
				bins[b] += sg.hi - sg.lo;
			});
			for (var k = 0; k < BINS; k++) peak = Math.max(peak, bins[k] / width);
			rtts.forEach(function (r) { rttMax = Math.max(rttMax, r.v); });
			var top = 16, x = function (t) { return L + (t - f0) / (f1 - f0) * pw; };
			el('rect', { x: L, y: top, width: pw, height: ph, fill: '#ffffff', stroke: '#94a3b8' }, frag);
			for (k = 0; k < BINS; k++) {
				if (!bins[k]) continue;
				var h = bins[k] / width / (peak || 1) * ph;
				el('rect', { x: L + k * pw / BINS + 1, y: top + ph - h, width: pw / BINS - 2, height: h, fill: '#93c5fd',
					class: 'tput' }, frag);
			}
			rtts.forEach(function (r) {
				el('circle', { cx: x(r.t), cy: top + ph - r.v / (rttMax || 1) * ph * 0.95, r: 3.5, fill: COLOUR.rtt, class: 'rtt' }, frag)
					.appendChild(el('title', {})).textContent = 'RTT ' + S.formatDuration(r.v);
			});
			el('text', { x: L, y: 11, 'font-size': 11.5, fill: '#1e3a8a' }, frag).textContent =
				'bars: bytes sent per ' + S.formatDuration(width) + ' (peak ' + formatRate(peak) + ')';
			el('text', { x: L + pw, y: 11, 'text-anchor': 'end', 'font-size': 11.5, fill: COLOUR.rtt }, frag).textContent =
				rtts.length ? '● RTT samples (max ' + S.formatDuration(rttMax) + ')' : 'no RTT samples';
			el('text', { x: L + pw / 2, y: H2 - 6, 'text-anchor': 'middle', 'font-size': 11.5, fill: '#334155' }, frag).textContent =
				'time since first packet: 0 to ' + S.formatDuration(f1 - f0);
			perf.replaceChildren(frag);
		}

		function formatRate(bytesPerSecond) {
			if (bytesPerSecond >= 1e6) return (bytesPerSecond / 1e6).toFixed(1) + ' MB/s';
			if (bytesPerSecond >= 1e3) return (bytesPerSecond / 1e3).toFixed(1) + ' kB/s';
			return bytesPerSecond.toFixed(0) + ' B/s';
		}

		/* Ticks on the time since the flow's first packet (f0), not on absolute time. */
		function drawAxes(g, f0, t0, t1, yMax, x, y, pw, ph) {
			el('rect', { x: L, y: T, width: pw, height: ph, fill: '#ffffff', stroke: '#94a3b8' }, g);
			var ms = t1 - t0 < 0.01;
			ticks(t0 - f0, t1 - f0, 6).forEach(function (r) {
				var px = x(f0 + r);
				if (px < L - 0.5 || px > L + pw + 0.5) return;
				el('line', { x1: px, x2: px, y1: T, y2: T + ph, stroke: COLOUR.grid }, g);
				el('text', { x: px, y: T + ph + 16, 'text-anchor': 'middle', 'font-size': 11, fill: '#475569', class: 'tick' }, g)
					.textContent = String(Number((ms ? r * 1000 : r).toPrecision(6)));
			});
			ticks(0, yMax, 5).forEach(function (v) {
				el('line', { x1: L, x2: L + pw, y1: y(v), y2: y(v), stroke: COLOUR.grid }, g);
				el('text', { x: L - 6, y: y(v) + 4, 'text-anchor': 'end', 'font-size': 11, fill: '#475569' }, g)
					.textContent = String(v);
			});
			el('text', { x: L + pw / 2, y: H - 6, 'text-anchor': 'middle', 'font-size': 12, fill: '#334155' }, g)
				.textContent = ms ? 'time since first packet (ms)' : 'time since first packet (s)';
			el('text', { x: 14, y: T + ph / 2, 'text-anchor': 'middle', 'font-size': 12, fill: '#334155',
				transform: 'rotate(-90 14 ' + (T + ph / 2) + ')' }, g).textContent = 'relative sequence number';
		}

		function drawSteps(g, acks, field, x, y, colour) {
			var pts = [], last = null, lastX = -1;
			acks.forEach(function (a) {
				var v = a[field];
				if (v === null) return;
				var px = x(a.t), py = y(v);
				if (last !== null) pts.push(px.toFixed(1) + ',' + last);
				if (Math.round(px) !== lastX || last !== py.toFixed(1)) pts.push(px.toFixed(1) + ',' + py.toFixed(1));
				last = py.toFixed(1);
				lastX = Math.round(px);
			});
			if (pts.length)
				el('polyline', { points: pts.join(' '), fill: 'none', stroke: colour, 'stroke-width': 1.6,
					class: 'line-' + field }, g);
		}

		function drawSegments(g, segs, x, y) {
			segs.forEach(function (s) {
				var px = x(s.t), lost = model.lost && model.lost[s.i] === 1, colour = s.retx || lost ? COLOUR.retx : COLOUR.seq;
				var y0 = y(s.lo), y1 = y(s.hi + (s.syn || s.fin ? 1 : 0));
				var seg = el('g', { class: 'seg' + (s.retx ? ' retx' : '') + (lost ? ' lost' : ''), 'data-seg-event': s.i }, g);
				el('title', {}, seg).textContent = 'seq ' + s.lo + '–' + s.hi + (s.retx ? ' (retransmission)' : '') +
					(lost ? ' (lost: sent again later)' : '');
				if (lost)
					el('text', { x: px + 4, y: y1 - 3, 'font-size': 12, 'font-weight': 700, fill: COLOUR.retx }, seg).textContent = '✕';
				el('line', { x1: px, x2: px, y1: y0, y2: Math.min(y1, y0 - 1), stroke: colour, 'stroke-width': 2 }, seg);
				el('line', { x1: px - 3, x2: px + 3, y1: y0, y2: y0, stroke: colour, 'stroke-width': 1.5 }, seg);
				el('line', { x1: px - 3, x2: px + 3, y1: Math.min(y1, y0 - 1), y2: Math.min(y1, y0 - 1), stroke: colour, 'stroke-width': 1.5 }, seg);
				if (s.retx)
					el('text', { x: px + 4, y: y1 - 3, 'font-size': 11, 'font-weight': 700, fill: COLOUR.retx }, seg).textContent = 'R';
				if (s.syn || s.fin)
					el('text', { x: px + 4, y: y0 + 12, 'font-size': 10, fill: '#475569' }, seg).textContent = s.syn ? 'SYN' : 'FIN';
			});
		}

		/* One bar per pixel column: lowest to highest sequence number sent there. */
		function drawColumns(g, segs, x, y, pw) {
			var lo = new Float64Array(pw + 1).fill(Infinity), hi = new Float64Array(pw + 1).fill(-Infinity);
			var retx = new Uint8Array(pw + 1);
			segs.forEach(function (s) {
				var c = Math.max(0, Math.min(pw, Math.round(x(s.t) - L)));
				if (s.lo < lo[c]) lo[c] = s.lo;
				if (s.hi > hi[c]) hi[c] = s.hi;
				if (s.retx) retx[c] = 1;
			});
			var normal = [], red = [];
			for (var c = 0; c <= pw; c++) {
				if (lo[c] === Infinity) continue;
				var px = (L + c).toFixed(1), y0 = y(lo[c]), y1 = Math.min(y(hi[c]), y0 - 1);
				(retx[c] ? red : normal).push('M' + px + ' ' + y0.toFixed(1) + 'V' + y1.toFixed(1));
			}
			el('path', { d: normal.join(''), stroke: COLOUR.seq, 'stroke-width': 1.2, fill: 'none' }, g);
			if (red.length) el('path', { d: red.join(''), stroke: COLOUR.retx, 'stroke-width': 1.6, fill: 'none' }, g);
		}

		svg.addEventListener('click', function (e) {
			if (drag && drag.moved) return;
			var g = e.target.closest('[data-seg-event]');
			if (g) dispatch({ type: 'select', index: Number(g.getAttribute('data-seg-event')), reveal: true });
		});
		svg.addEventListener('wheel', function (e) {
			if (!e.ctrlKey) return;
			e.preventDefault();
			var r = svg.getBoundingClientRect(), at = Math.max(0, Math.min(1, ((e.clientX - r.left) / r.width * W - L) / (W - L - R)));
			zoom(e.deltaY < 0 ? 0.7 : 1 / 0.7, at);
		}, { passive: false });
		var drag = null;
		svg.addEventListener('pointerdown', function (e) { drag = { x: e.clientX, moved: false }; });
		svg.addEventListener('pointermove', function (e) {
			if (!drag || !view) return;
			var r = svg.getBoundingClientRect(), dx = (drag.x - e.clientX) / r.width * W / (W - L - R);
			if (Math.abs(drag.x - e.clientX) < 3 && !drag.moved) return;
			drag.moved = true;
			drag.x = e.clientX;
			pan(dx);
		});
		svg.addEventListener('pointerup', function () { setTimeout(function () { drag = null; }, 0); });

		return { update: update };
	}

	S.createStevens = createStevens;
})(window.Sockscope = window.Sockscope || {});
