/* sockscope viewer: the ladder diagram.
 *
 * One vertical lane per endpoint, time flowing down, one arrow per packet, socket
 * calls as marks on their side's lane, TCP states written where they change.
 * Only the rows near the screen are drawn (see hyper.js).  Every colour is set as
 * a presentation attribute so that an exported SVG renders on its own.
 */
(function (S) {
	'use strict';

	var dom = S.dom, el = dom.el, html = dom.html;
	var ROW = 34, PAD = 26, GUTTER = 86, MIN_LANE = 190, HEAD = 52, CHAR = 6.3;
	var FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
	var MONO = 'ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace';
	var COLOURS = {
		handshake: '#2563eb', data: '#047857', ack: '#64748b', fin: '#7c3aed', rst: '#c2410c',
		udp: '#0e7490', icmp: '#be185d', other: '#475569', app: '#1e293b', note: '#92400e',
		flagged: '#dc2626'
	};
	var LEGEND = [
		['handshake', 'SYN / SYN-ACK'], ['data', 'data'], ['ack', 'ACK'], ['fin', 'FIN'],
		['rst', 'RST'], ['udp', 'UDP'], ['icmp', 'ICMP'], ['app', 'socket call'],
		['flagged', 'analysis flag']
	];

	function fit(text, width) {
		var max = Math.max(4, Math.floor(width / CHAR));
		return text.length <= max ? text : text.slice(0, max - 1) + '…';
	}

	function createLadder(root, model, dispatch) {
		var layout = { key: '', rows: new Int32Array(0), ys: new Float64Array(0), height: 0,
			laneX: [], laneW: MIN_LANE, width: 0, slots: [], shown: 0 };
		var state = null, drawnSelected = -2, drawnReveal = -1;

		var bar = dom.panel(root, 'ladder-panel', 'Ladder diagram');
		buildControls(bar);
		buildLegend(html('div', 'legend', root));

		var scroller = html('div', 'ladder-scroll', root);
		scroller.tabIndex = 0;
		scroller.setAttribute('role', 'region');
		scroller.setAttribute('aria-label', 'Ladder diagram: one lane per endpoint, time flows down. ' +
			'Use the arrow keys or j and k to move between events.');
		var head = html('div', 'ladder-head', scroller);
		var body = html('div', 'ladder-body', scroller);
		var svg = el('svg', { class: 'ladder-svg', 'font-family': FONT }, body);
		var vs = S.createVScroll(scroller, body, { render: draw, place: place, headHeight: HEAD,
			resized: function () { layoutLanes(); } });

		function buildControls(parent) {
			var group = html('div', 'controls', parent);
			var axis = dom.group(html('div', 'segmented', group), 'Time axis');
			[['even', 'Evenly spaced'], ['time', 'Proportional']].forEach(function (pair) {
				dom.button(axis, 'seg', pair[1], function () { dispatch({ type: 'axis', mode: pair[0] }); })
					.dataset.axis = pair[0];
			});
			[['−', 'Zoom out (-)', 0.8], ['+', 'Zoom in (+)', 1.25], ['1:1', 'Reset zoom (0)', 0]].forEach(function (z) {
				var b = dom.button(group, 'icon', z[0], function () { dispatch({ type: 'zoom', factor: z[2] }); });
				b.title = z[1];
				b.setAttribute('aria-label', z[1]);
			});
			var exp = dom.button(group, 'export', 'Export SVG', function () { dispatch({ type: 'export' }); });
			exp.id = 'export-svg';
			exp.title = 'Download the diagram as a standalone SVG file';
		}

		function buildLegend(parent) {
			parent.setAttribute('aria-label', 'Colour legend');
			LEGEND.forEach(function (pair) {
				var sw = dom.legendItem(parent, COLOURS[pair[0]], pair[1]);
				if (pair[0] === 'app') sw.classList.add('dot');
			});
		}

		/* ---- layout: lane x positions and the y of every row ---- */

		function relayout(st) {
			var anchor = anchorRow();
			var rows = st.rows, n = rows.length, ys = new Float64Array(n);
			var zoom = st.zoom || 1;
			if (st.axis === 'time' && n > 1 && model.t[rows[n - 1]] > model.t[rows[0]]) {
				var t0 = model.t[rows[0]], span = model.t[rows[n - 1]] - t0;
				var perSecond = (n * ROW / span) * zoom;
				for (var i = 0; i < n; i++) ys[i] = PAD + (model.t[rows[i]] - t0) * perSecond;
			} else {
				for (var j = 0; j < n; j++) ys[j] = PAD + j * ROW * zoom;
			}
			layout.rows = rows;
			layout.ys = ys;
			layout.height = (n ? ys[n - 1] : 0) + PAD + ROW;
			chooseLanes(rows);
			layoutLanes();
			vs.setHeight(layout.height);
			if (anchor) {
				var pos = S.lowerBound(rows, anchor.index);
				if (pos < n) vs.scrollToVirtual(ys[pos] - anchor.offset);
			}
		}

		/* The row at the top of the screen, to keep it in place across a relayout. */
		function anchorRow() {
			if (!layout.rows.length) return null;
			var top = vs.virtualTop(), pos = S.lowerBound(layout.ys, top);
			if (pos >= layout.rows.length) pos = layout.rows.length - 1;
			return { index: layout.rows[pos], offset: layout.ys[pos] - top };
		}

		/* Only the lanes the shown rows use, in the model's order: slots[lane] = column or -1. */
		function chooseLanes(rows) {
			var used = new Uint8Array(model.lanes.length);
			for (var k = 0; k < rows.length; k++) {
				if (model.src[rows[k]] >= 0) used[model.src[rows[k]]] = 1;
				if (model.dst[rows[k]] >= 0) used[model.dst[rows[k]]] = 1;
			}
			var order = model.lanes.slice().sort(function (a, b) { return a.position - b.position; });
			var any = used.indexOf(1) >= 0, column = 0;
			layout.slots = new Array(model.lanes.length).fill(-1);
			order.forEach(function (lane) {
				if (!any || used[lane.index]) layout.slots[lane.index] = column++;
			});
			layout.shown = column;
		}

		function layoutLanes() {
			var count = Math.max(1, layout.shown);
			var avail = Math.max(0, vs.viewWidth() - GUTTER - 16);
			layout.laneW = Math.max(MIN_LANE, Math.floor(avail / count));
			layout.width = GUTTER + layout.laneW * count + 16;
			layout.laneX = model.lanes.map(function (lane) {
				var slot = layout.slots[lane.index];
				return slot < 0 ? -1 : GUTTER + layout.laneW * (slot + 0.5);
			});
			body.style.width = layout.width + 'px';
			head.style.width = layout.width + 'px';
			svg.setAttribute('width', layout.width);
			drawHead();
		}

		function drawHead() {
			var cells = [];
			var t = html('div', 'lane-time');
			t.style.width = GUTTER + 'px';
			t.textContent = 'time (s)';
			cells.push(t);
			model.lanes.forEach(function (lane, i) {
				if (layout.laneX[i] < 0) return;
				var cell = html('div', 'lane-name role-' + (lane.role || 'host'));
				cell.style.left = (layout.laneX[i] - layout.laneW / 2) + 'px';
				cell.style.width = layout.laneW + 'px';
				html('strong', '', cell, lane.label);
				html('span', 'lane-addr', cell, lane.title);
				cell.title = lane.label + ' ' + lane.title;
				cells.push(cell);
			});
			head.replaceChildren.apply(head, cells);
		}

		/* ---- drawing one block of rows ---- */

		function place(px) { svg.style.top = px + 'px'; }

		function draw(top, bottom) {
			var blockH = Math.max(1, bottom - top);
			svg.setAttribute('height', blockH);
			svg.setAttribute('viewBox', '0 ' + top + ' ' + layout.width + ' ' + blockH);
			var frag = document.createDocumentFragment();
			drawLanes(frag, Math.max(0, top), Math.min(layout.height, bottom));
			var a = S.lowerBound(layout.ys, top - ROW), b = S.lowerBound(layout.ys, bottom + ROW);
			drawRows(frag, a, b, state ? state.selected : -1, false);
			svg.replaceChildren(frag);
		}

		function drawLanes(parent, y0, y1) {
			layout.laneX.forEach(function (x) {
				if (x >= 0) el('line', { x1: x, x2: x, y1: y0, y2: y1, stroke: '#cbd5e1', 'stroke-width': 2,
					class: 'lane-line' }, parent);
			});
		}

		function drawRows(parent, a, b, selected, exporting) {
			var step = Math.max(1, Math.ceil((b - a) / 4000)), lastTime = -1e9, lastLabel = -1e9;
			for (var pos = a; pos < b; pos += step) {
				var i = layout.rows[pos], y = layout.ys[pos];
				if (i === selected && !exporting)
					el('rect', { x: 0, y: y - ROW / 2 - 2, width: layout.width, height: ROW,
						fill: '#fef3c7', class: 'sel-bg' }, parent);
				if (y - lastTime >= 13) {
					el('text', { x: GUTTER - 10, y: y + 4, 'text-anchor': 'end', 'font-size': 10.5,
						'font-family': MONO, fill: '#64748b', class: 'time' }, parent).textContent = S.formatTime(model.t[i]);
					lastTime = y;
				}
				var showLabel = y - lastLabel >= 15;      /* proportional time can crowd rows */
				if (showLabel) lastLabel = y;
				var g = el('g', { 'data-event': i, class: 'ev' + (i === selected && !exporting ? ' sel' : '') }, parent);
				if (model.kind[i] === S.KIND.packet) drawPacket(g, i, y, showLabel);
				else drawAppOrNote(g, i, y, showLabel);
			}
		}

		function drawPacket(g, i, y, showLabel) {
			var ev = model.events[i], cls = S.CLASSES[model.cls[i]];
			var colour = model.flagged[i] ? COLOURS.flagged : COLOURS[cls];
			g.setAttribute('data-kind', 'packet');
			g.setAttribute('class', g.getAttribute('class') + ' pkt k-' + cls + (model.flagged[i] ? ' flagged' : ''));
			var xs = model.src[i] >= 0 && layout.laneX[model.src[i]] >= 0 ? layout.laneX[model.src[i]] : GUTTER + 8;
			var xd = model.dst[i] >= 0 && layout.laneX[model.dst[i]] >= 0 ? layout.laneX[model.dst[i]] : layout.width - 16;
			if (xs === xd) xd = xs + Math.min(60, layout.laneW / 3);       /* same lane: a short stub */
			var dirn = xd > xs ? 1 : -1, lo = Math.min(xs, xd), hi = Math.max(xs, xd);
			var label = S.describe(ev);
			var flags = Array.isArray(ev.analysis) ? ev.analysis.join(', ') : '';
			el('title', {}, g).textContent = label + (flags ? '  [' + flags + ']' : '');
			el('rect', { x: lo, y: y - ROW / 2, width: Math.max(1, hi - lo), height: ROW,
				fill: 'transparent', class: 'hit' }, g);
			el('line', { x1: xs, y1: y, x2: xd - dirn * 9, y2: y, stroke: colour,
				'stroke-width': model.flagged[i] ? 2.6 : 2, 'stroke-dasharray': model.proto[i] === S.PROTO.udp ? '6 3' : null,
				class: 'arrow' }, g);
			el('path', { d: 'M' + xd + ' ' + y + 'l' + (-dirn * 10) + ' -5v10z', fill: colour, class: 'head' }, g);
			if (!showLabel) return;
			/* An arrow across many lanes is wider than the screen: label it at its left end. */
			var room = Math.min(hi - lo - 16, 3 * layout.laneW), long = hi - lo > 2.5 * layout.laneW;
			var text = el('text', { x: long ? lo + 14 : (lo + hi) / 2, y: y - 6, 'text-anchor': long ? 'start' : 'middle', 'font-size': 11.5,
				fill: model.flagged[i] ? COLOURS.flagged : '#0f172a', class: 'label',
				'font-family': MONO, stroke: '#ffffff', 'stroke-width': 3, 'paint-order': 'stroke',
				'stroke-linejoin': 'round' }, g);
			var shown = fit(label, room);
			if (flags) {
				var flagText = '⚑ ' + flags;
				shown = fit(label, room - (flagText.length + 2) * CHAR);
				text.textContent = shown + '  ';
				el('tspan', { 'font-weight': 700, fill: COLOURS.flagged }, text).textContent = fit(flagText, room);
			} else {
				text.textContent = shown;
			}
			drawStates(g, i, y);
		}

		function drawStates(g, i, y) {
			var marks = model.states.get(i);
			if (!marks) return;
			marks.forEach(function (mark) {
				var x = layout.laneX[mark.lane], w = mark.text.length * 6 + 10;
				if (x < 0) return;
				var pill = el('g', { class: 'state' }, g);
				el('rect', { x: x - w / 2, y: y + 4, width: w, height: 13, rx: 6.5, fill: '#f1f5f9',
					stroke: '#94a3b8', 'stroke-width': 0.8 }, pill);
				el('text', { x: x, y: y + 13.5, 'text-anchor': 'middle', 'font-size': 9.5, 'font-weight': 600,
					'font-family': MONO, fill: '#334155' }, pill).textContent = mark.text;
			});
		}

		function drawAppOrNote(g, i, y, showLabel) {
			var ev = model.events[i], isApp = model.kind[i] === S.KIND.app;
			var lane = model.src[i], x = lane >= 0 ? layout.laneX[lane] : (GUTTER + layout.width) / 2;
			var failed = isApp && (ev.errno || (typeof ev.ret === 'number' && ev.ret < 0));
			var colour = failed ? COLOURS.flagged : COLOURS[isApp ? 'app' : 'note'];
			g.setAttribute('data-kind', isApp ? 'app' : 'note');
			g.setAttribute('class', g.getAttribute('class') + (isApp ? ' app' : ' note') + (failed ? ' failed' : ''));
			var text = S.describe(ev);
			el('title', {}, g).textContent = (isApp ? 'socket call: ' : 'note: ') + text;
			var toLeft = lane >= 0 && layout.slots[lane] === layout.shown - 1 && layout.shown > 1;
			var room = layout.laneW - 24;
			el('rect', { x: toLeft ? x - room - 12 : x - 8, y: y - ROW / 2, width: room + 20, height: ROW,
				fill: 'transparent', class: 'hit' }, g);
			if (isApp)
				el('rect', { x: x - 6, y: y - 6, width: 12, height: 12, rx: 3, fill: '#ffffff', stroke: colour,
					'stroke-width': 2, class: 'mark' }, g);
			else
				el('path', { d: 'M' + x + ' ' + (y - 7) + 'l7 7l-7 7l-7 -7z', fill: '#fde68a', stroke: colour,
					'stroke-width': 1.5, class: 'mark' }, g);
			if (!showLabel) return;
			el('text', { x: toLeft ? x - 12 : x + 12, y: y + 4, 'text-anchor': toLeft ? 'end' : 'start',
				'font-size': 11.5, 'font-family': isApp ? MONO : FONT, 'font-style': isApp ? null : 'italic',
				fill: colour, stroke: '#ffffff', 'stroke-width': 3, 'paint-order': 'stroke',
				class: 'label' }, g).textContent = fit(text, room);
		}

		/* ---- export: the rows from the top of the screen on, as one standalone SVG ---- */

		function exportSvg() {
			var rows = layout.rows, n = rows.length, LIMIT = 5000;
			var first = Math.min(S.lowerBound(layout.ys, vs.virtualTop()), Math.max(0, n - 1));
			var last = Math.min(n, first + LIMIT);
			var y0 = n ? layout.ys[first] - PAD : 0, y1 = n ? layout.ys[last - 1] + ROW : ROW;
			var h = y1 - y0 + HEAD;
			var out = el('svg', { width: layout.width, height: h,
				viewBox: '0 ' + (y0 - HEAD) + ' ' + layout.width + ' ' + h, 'font-family': FONT });
			var doc = model.doc, title = doc.demo && doc.demo.name ? 'sockscope: ' + doc.demo.name : 'sockscope ladder diagram';
			el('title', {}, out).textContent = title;
			el('rect', { x: 0, y: y0 - HEAD, width: layout.width, height: h, fill: '#ffffff' }, out);
			model.lanes.forEach(function (lane, i) {
				var x = layout.laneX[i];
				if (x < 0) return;
				el('text', { x: x, y: y0 - HEAD + 20, 'text-anchor': 'middle', 'font-size': 13, 'font-weight': 700,
					fill: '#0f172a' }, out).textContent = lane.label;
				el('text', { x: x, y: y0 - HEAD + 36, 'text-anchor': 'middle', 'font-size': 11,
					'font-family': MONO, fill: '#475569' }, out).textContent = lane.title;
			});
			el('text', { x: GUTTER - 10, y: y0 - HEAD + 36, 'text-anchor': 'end', 'font-size': 11,
				fill: '#475569' }, out).textContent = 'time (s)';
			drawLanes(out, y0 - 6, y1);
			drawRows(out, first, last, -1, true);
			return new XMLSerializer().serializeToString(out);
		}

		/* ---- interaction ---- */

		svg.addEventListener('click', function (e) {
			var g = e.target.closest ? e.target.closest('[data-event]') : null;
			if (g) dispatch({ type: 'select', index: Number(g.getAttribute('data-event')), reveal: false });
		});

		scroller.addEventListener('wheel', function (e) {
			if (!e.ctrlKey) return;
			e.preventDefault();
			dispatch({ type: 'zoom', factor: e.deltaY < 0 ? 1.15 : 1 / 1.15 });
		}, { passive: false });

		var drag = null;
		scroller.addEventListener('pointerdown', function (e) {
			if (e.button !== 0 || (e.target.closest && e.target.closest('[data-event]'))) return;
			drag = { x: e.clientX, y: e.clientY, left: scroller.scrollLeft, top: scroller.scrollTop, moved: false };
		});
		window.addEventListener('pointermove', function (e) {
			if (!drag) return;
			var dx = e.clientX - drag.x, dy = e.clientY - drag.y;
			if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
			drag.moved = true;
			scroller.classList.add('panning');
			scroller.scrollLeft = drag.left - dx;
			scroller.scrollTop = drag.top - dy;
		});
		window.addEventListener('pointerup', function () {
			drag = null;
			scroller.classList.remove('panning');
		});

		/* main.js changes one state object in place: remember what was drawn. */
		/* With many lanes, scroll sideways so the selected arrow or mark is in view. */
		function revealAcross(i) {
			var xs = [model.src[i], model.dst[i]].filter(function (l) { return l >= 0 && layout.laneX[l] >= 0; })
				.map(function (l) { return layout.laneX[l]; });
			if (!xs.length) return;
			var lo = Math.min.apply(null, xs) - layout.laneW / 2, hi = Math.max.apply(null, xs) + layout.laneW / 2;
			var left = scroller.scrollLeft, width = vs.viewWidth();
			if (lo >= left && hi <= left + width) return;
			scroller.scrollLeft = hi - lo <= width - GUTTER ? Math.max(0, lo - GUTTER) : Math.max(0, lo);
		}

		function update(st) {
			state = st;
			bar.querySelectorAll('[data-axis]').forEach(function (b) {
				b.setAttribute('aria-pressed', String(b.dataset.axis === st.axis));
			});
			var key = st.filterVersion + '/' + st.axis + '/' + st.zoom;
			if (key !== layout.key) {
				layout.key = key;
				relayout(st);
				vs.refresh(true);
			} else if (drawnSelected !== st.selected) {
				vs.refresh(true);
			}
			drawnSelected = st.selected;
			if (st.selected >= 0 && drawnReveal !== st.reveal) {
				var pos = S.lowerBound(layout.rows, st.selected);
				if (pos < layout.rows.length && layout.rows[pos] === st.selected) {
					vs.reveal(layout.ys[pos] - ROW, layout.ys[pos] + ROW);
					revealAcross(st.selected);
				}
			}
			drawnReveal = st.reveal;
		}

		return { update: update, exportSvg: exportSvg };
	}

	S.LADDER_COLOURS = COLOURS;
	S.createLadder = createLadder;
})(window.Sockscope = window.Sockscope || {});
