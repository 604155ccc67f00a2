/* sockscope viewer: the time-sequence graph (Stevens / tcptrace style).
 *
 * For one TCP flow and one direction: each segment a vertical bar from its first to
 * its last relative sequence number at its time; the other side's ACK number and
 * ACK + receive window as step lines; retransmissions in red.  Big flows are
 * reduced to one bar per pixel column (lowest and highest sequence number there).
 */
(function (S) {
	'use strict';

	var dom = S.dom, el = dom.el, html = dom.html;
	var W = 600, H = 340, L = 64, R = 16, T = 16, B = 42;
	var COLOUR = { seq: '#1d4ed8', ack: '#047857', win: '#d97706', retx: '#dc2626', grid: '#e2e8f0' };

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
			if (typeof tcp.seq_rel !== 'number') continue;
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
		var drawnKey = '';

		var bar = dom.panel(root, 'stevens-panel', 'Time-sequence graph');
		var dirs = dom.group(html('div', 'segmented', bar), 'Direction');
		[['c2s', 'client → server'], ['s2c', 'server → client']].forEach(function (p) {
			dom.button(dirs, 'seg', p[1], function () { dispatch({ type: 'graphDir', dir: p[0] }); })
				.dataset.dir = p[0];
		});
		var caption = html('p', 'graph-caption', root);
		var svg = el('svg', { viewBox: '0 0 ' + W + ' ' + H, class: 'stevens-svg', role: 'img',
			'font-family': 'system-ui, sans-serif' }, root);
		var legend = html('div', 'legend graph-legend', root);
		[['seq', 'segment (sequence numbers sent)'], ['ack', 'ACK from the other side'],
			['win', 'ACK + receive window'], ['retx', 'retransmission']].forEach(function (p) {
			dom.legendItem(legend, COLOUR[p[0]], p[1]);
		});

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
			var key = (f ? f.id : '-') + dir;
			if (key === drawnKey) return;
			drawnKey = key;
			if (!f) {
				caption.textContent = 'No TCP flow in this timeline.';
				svg.replaceChildren();
				svg.style.display = 'none';
				legend.style.display = 'none';
				return;
			}
			svg.style.display = '';
			legend.style.display = '';
			caption.textContent = 'Flow ' + f.id + ', ' + (dir === 'c2s' ? 'client → server' : 'server → client') +
				' (' + S.formatEndpoint(dir === 'c2s' ? f.client : f.server) + ' → ' +
				S.formatEndpoint(dir === 'c2s' ? f.server : f.client) + ')' +
				(st.flow === null || st.flow !== f.id ? '. Choose a TCP flow in the table to graph another.' : '.');
			draw(collect(model, f.id, dir));
		}

		function draw(data) {
			var segs = data.segs, acks = data.acks, frag = document.createDocumentFragment();
			var pw = W - L - R, ph = H - T - B;
			var all = segs.concat(acks);
			if (!all.length) {
				el('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', fill: '#64748b', 'font-size': 14 }, frag)
					.textContent = 'No segments in this direction.';
				svg.replaceChildren(frag);
				return;
			}
			var t0 = Infinity, t1 = -Infinity, top = 1;
			all.forEach(function (p) { t0 = Math.min(t0, p.t); t1 = Math.max(t1, p.t); });
			segs.forEach(function (s) { top = Math.max(top, s.hi + (s.fin ? 1 : 0)); });
			acks.forEach(function (a) { top = Math.max(top, a.ack); });
			var maxWin = 0;
			acks.forEach(function (a) { if (a.win !== null) maxWin = Math.max(maxWin, a.win); });
			/* A window far above the data would squash it flat: clip it and say so. */
			var yMax = maxWin > top * 3 ? top * 1.25 : Math.max(top, maxWin) * 1.08;
			if (t1 <= t0) t1 = t0 + 1e-6;
			var x = function (t) { return L + (t - t0) / (t1 - t0) * pw; };
			var y = function (v) { return T + ph - Math.min(v, yMax) / yMax * ph; };
			drawAxes(frag, t0, t1, yMax, x, y, pw, ph);
			drawSteps(frag, acks, 'ack', x, y, COLOUR.ack);
			drawSteps(frag, acks, 'win', x, y, COLOUR.win);
			if (maxWin > yMax)
				el('text', { x: L + pw - 4, y: T + 12, 'text-anchor': 'end', 'font-size': 11, fill: COLOUR.win }, frag)
					.textContent = 'window up to ' + Math.round(maxWin) + ' (above the graph)';
			if (segs.length <= 160) drawSegments(frag, segs, x, y);
			else drawColumns(frag, segs, x, y, pw);
			svg.replaceChildren(frag);
		}

		function drawAxes(g, t0, t1, yMax, x, y, pw, ph) {
			el('rect', { x: L, y: T, width: pw, height: ph, fill: '#ffffff', stroke: '#94a3b8' }, g);
			ticks(t0, t1, 6).forEach(function (t) {
				el('line', { x1: x(t), x2: x(t), y1: T, y2: T + ph, stroke: COLOUR.grid }, g);
				el('text', { x: x(t), y: T + ph + 16, 'text-anchor': 'middle', 'font-size': 11, fill: '#475569' }, g)
					.textContent = (t - t0 < 0.01 && t1 - t0 < 0.01 ? ((t - t0) * 1000).toFixed(2) : (t - t0).toFixed(3));
			});
			ticks(0, yMax, 5).forEach(function (v) {
				el('line', { x1: L, x2: L + pw, y1: y(v), y2: y(v), stroke: COLOUR.grid }, g);
				el('text', { x: L - 6, y: y(v) + 4, 'text-anchor': 'end', 'font-size': 11, fill: '#475569' }, g)
					.textContent = String(v);
			});
			el('text', { x: L + pw / 2, y: H - 6, 'text-anchor': 'middle', 'font-size': 12, fill: '#334155' }, g)
				.textContent = t1 - t0 < 0.01 ? 'time since first packet (ms)' : 'time since first packet (s)';
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
				var px = x(s.t), colour = s.retx ? COLOUR.retx : COLOUR.seq;
				var y0 = y(s.lo), y1 = y(s.hi + (s.syn || s.fin ? 1 : 0));
				var seg = el('g', { class: 'seg' + (s.retx ? ' retx' : ''), 'data-seg-event': s.i }, g);
				el('title', {}, seg).textContent = 'seq ' + s.lo + '–' + s.hi + (s.retx ? ' (retransmission)' : '');
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
			var g = e.target.closest('[data-seg-event]');
			if (g) dispatch({ type: 'select', index: Number(g.getAttribute('data-seg-event')), reveal: true });
		});

		return { update: update };
	}

	S.createStevens = createStevens;
})(window.Sockscope = window.Sockscope || {});
