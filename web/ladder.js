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
	var BASE_ROW = 34, PAD = 26, GUTTER = 86, BASE_LANE = 190, HEAD = 52, BASE_CHAR = 6.3, BASE_FONT = 11.5;
	/* Presentation mode: arrow labels at 18 px or more, for a projector. */
	var PRESENT_SCALE = 18.5 / BASE_FONT;
	/* A quiet gap longer than this (seconds) gets a break row saying how long it was. */
	var BREAK_GAP = 0.01;
	/* More sockets than this: one column per host (address and role) until expanded. */
	var GROUP_ABOVE = 6;
	/* Past this many lanes only the lanes near the screen are drawn. */
	var WINDOW_LANES = 200;
	/* Sizes of the current drawing: set by relayout from the zoom and presentation mode. */
	var ROW = BASE_ROW, MIN_LANE = BASE_LANE, CHAR = BASE_CHAR, FS = BASE_FONT, SC = 1;
	var FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
	var MONO = 'ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace';
	var COLOURS = {
		handshake: '#2563eb', data: '#047857', ack: '#64748b', fin: '#7c3aed', rst: '#c2410c',
		udp: '#0e7490', icmp: '#be185d', other: '#475569', app: '#1e293b', note: '#92400e',
		flagged: '#dc2626', lost: '#b91c1c'
	};
	/* Lane lines and pill outlines: 4.5:1 against white in presentation mode. */
	var LANE_STROKE = { normal: '#cbd5e1', present: '#64748b' };
	var LEGEND = [
		['handshake', 'SYN / SYN-ACK'], ['data', 'data'], ['ack', 'ACK'], ['fin', 'FIN'],
		['rst', 'RST'], ['udp', 'UDP'], ['icmp', 'ICMP'], ['app', 'socket call'],
		['flagged', '⚑ analysis flag'], ['lost', '✕ later resent (dashed)']
	];

	function fit(text, width) {
		var max = Math.max(4, Math.floor(width / CHAR));
		return text.length <= max ? text : text.slice(0, max - 1) + '…';
	}

	function createLadder(root, model, dispatch) {
		var layout = { key: '', columns: [], rows: new Int32Array(0), ys: new Float64Array(0), height: 0,
			laneX: [], laneW: MIN_LANE, width: 0, slots: [], shown: 0 };
		var state = null, drawnSelected = -2, drawnVersion = model.version, drawnReveal = -1, perSocketButton = null, relaid = false;
		var left = 0;     /* the scroller's scrollLeft, kept from its scroll events: reading it lays the page out */

		var bar = dom.panel(root, 'ladder-panel', 'Ladder diagram');
		buildControls(bar);
		buildLegend(html('div', 'legend', root));

		var scroller = html('div', 'ladder-scroll', root);
		scroller.tabIndex = 0;
		scroller.setAttribute('role', 'region');
		scroller.setAttribute('aria-label', 'Ladder diagram: one lane per endpoint, time flows down. ' +
			'Use the arrow keys or j and k to move between events.');
		var head = html('div', 'ladder-head', scroller);
		var empty = html('p', 'nothing', root, 'Nothing matches: no event passes the filters. Clear the search box or the filters to see events again.');
		empty.setAttribute('role', 'status');
		empty.hidden = true;
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
			perSocketButton = dom.button(group, 'export per-socket', 'A lane per socket', function () {
				perSocket = !perSocket;
				if (!perSocket) expanded.clear();
				regroup();
			});
			perSocketButton.title = 'One lane per socket, or one per host when there are many sockets';
			perSocketButton.hidden = true;
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

		/* Text follows the zoom (and presentation mode); rows spread with it. */
		function setScale(st) {
			var zoom = st.zoom || 1;
			SC = (st.present ? PRESENT_SCALE : 1) * Math.max(st.present ? 1 : 0.85, Math.min(zoom, 3));
			FS = BASE_FONT * SC;
			CHAR = BASE_CHAR * SC;
			ROW = BASE_ROW * (st.present ? PRESENT_SCALE : 1) * zoom;
			MIN_LANE = BASE_LANE * SC;
			layout.laneStroke = st.present ? LANE_STROKE.present : LANE_STROKE.normal;
		}

		/* Where each shown row sits in rows of height one (y = PAD + unit * ROW).  It changes
		 * with the filter and the axis, not with the zoom: zooming a million rows is then
		 * one multiplication each. */
		var units = { key: '', of: null, breaks: null };
		function unitRows(st) {
			var key = st.filterVersion + '/' + st.axis;
			if (units.key === key) return units;
			var rows = st.rows, n = rows.length, of = new Float64Array(n), breaks = new Map();
			if (st.axis === 'time' && n > 1 && model.t[rows[n - 1]] > model.t[rows[0]]) {
				var t0 = model.t[rows[0]], perSecond = n / (model.t[rows[n - 1]] - t0);
				for (var i = 0; i < n; i++) of[i] = (model.t[rows[i]] - t0) * perSecond;
			} else {
				/* Evenly spaced, but a long quiet gap gets a row of its own. */
				for (var j = 0, u = 0; j < n; j++, u++) {
					if (j && model.t[rows[j]] - model.t[rows[j - 1]] > BREAK_GAP) {
						breaks.set(j, model.t[rows[j]] - model.t[rows[j - 1]]);
						u++;
					}
					of[j] = u;
				}
			}
			units = { key: key, of: of, breaks: breaks };
			return units;
		}

		function relayout(st) {
			var anchor = anchorRow();
			var rows = st.rows, n = rows.length, ys = new Float64Array(n), un = unitRows(st);
			setScale(st);
			for (var i = 0; i < n; i++) ys[i] = PAD + un.of[i] * ROW;
			layout.breaks = un.breaks;
			layout.rows = rows;
			layout.ys = ys;
			layout.height = (n ? ys[n - 1] : 0) + PAD + ROW;
			var lanesKey = st.filterVersion + '/' + grouping;
			if (layout.lanesKey !== lanesKey) {
				layout.lanesKey = lanesKey;
				chooseLanes(rows);
			}
			layoutLanes();
			vs.setHeight(layout.height);
			if (anchor) {
				var pos = S.lowerBound(rows, anchor.index);
				if (pos < n) vs.scrollToVirtual(ys[pos] - anchor.offset, true);
			}
		}

		/* The row at the top of the screen, to keep it in place across a relayout. */
		function anchorRow() {
			if (!layout.rows.length) return null;
			var top = vs.virtualTop(), pos = S.lowerBound(layout.ys, top);
			if (pos >= layout.rows.length) pos = layout.rows.length - 1;
			return { index: layout.rows[pos], offset: layout.ys[pos] - top };
		}

		/* Lanes per host: the sockets of one address and role share a column, until the
		 * reader expands it (a click on its head) or asks for a column per socket. */
		var expanded = new Set(), perSocket = false, grouping = 0;     /* grouping: counts changes to either */
		function hostKey(lane) { return (lane.role || 'host') + ' ' + lane.addr; }

		/* Only the lanes the shown rows use, in the model's order: slots[lane] = column or -1;
		 * columns[c] = { key, lanes, group }. */
		function chooseLanes(rows) {
			var used = new Uint8Array(model.lanes.length), count = 0;
			for (var k = 0; k < rows.length; k++) {
				var a = model.src[rows[k]], b = model.dst[rows[k]];
				if (a >= 0 && !used[a]) { used[a] = 1; count++; }
				if (b >= 0 && !used[b]) { used[b] = 1; count++; }
			}
			var order = model.lanes.slice().sort(function (x, y) { return x.position - y.position; });
			var any = count > 0, columnOf = new Map(), columns = [];
			var shownLanes = any ? count : model.lanes.length;
			var grouped = !perSocket && shownLanes > GROUP_ABOVE;
			layout.slots = new Array(model.lanes.length).fill(-1);
			order.forEach(function (lane) {
				if (any && !used[lane.index]) return;
				var key = grouped && !expanded.has(hostKey(lane)) ? hostKey(lane) : '#' + lane.index;
				if (!columnOf.has(key)) {
					columnOf.set(key, columns.length);
					columns.push({ key: key, lanes: [], group: key.charAt(0) !== '#' });
				}
				var c = columnOf.get(key);
				columns[c].lanes.push(lane.index);
				layout.slots[lane.index] = c;
			});
			layout.columns = columns;
			layout.grouped = grouped;
			layout.shown = columns.length;
			perSocketButton.hidden = shownLanes <= GROUP_ABOVE;
			perSocketButton.setAttribute('aria-pressed', String(perSocket));
		}

		/* What a column's head says: its lane, or its host and how many sockets it holds. */
		function columnHead(col) {
			var lane = model.lanes[col.lanes[0]];
			if (!col.group || col.lanes.length < 2)
				return { label: lane.label, title: lane.title, role: lane.role, tip: lane.label + ' ' + lane.title };
			return { label: (lane.role || 'host') + 's on ' + lane.addr, title: col.lanes.length + ' sockets ▸ show each',
				role: lane.role, tip: col.lanes.length + ' sockets of ' + lane.addr + ' share this lane: click to give each its own', expand: col.key };
		}

		function regroup() {
			layout.key = '';
			grouping++;
			if (state) update(state);
		}

		function layoutLanes() {
			var count = Math.max(1, layout.shown);
			var avail = Math.max(0, vs.viewWidth() - GUTTER - 16);
			layout.laneW = Math.max(MIN_LANE, Math.floor(avail / count));
			layout.width = GUTTER + layout.laneW * count + 16;
			layout.laneX = new Float64Array(model.lanes.length);
			for (var i = 0; i < model.lanes.length; i++) {
				var slot = layout.slots[i];
				layout.laneX[i] = slot < 0 ? -1 : GUTTER + layout.laneW * (slot + 0.5);
			}
			body.style.width = layout.width + 'px';
			head.style.width = layout.width + 'px';
			drawHead();
		}

		/* With many lanes, the x range worth drawing: the screen and one either side. */
		function laneWindow() {
			if (layout.shown <= WINDOW_LANES) return [-Infinity, Infinity];
			var w = vs.viewWidth();
			return [left - w - layout.laneW, left + 2 * w + layout.laneW];
		}

		function drawHead() {
			var cells = [], win = laneWindow();
			layout.window = win;
			var t = html('div', 'lane-time');
			t.style.width = GUTTER + 'px';
			t.textContent = 'time (s)';
			cells.push(t);
			layout.columns.forEach(function (col, c) {
				var x = GUTTER + layout.laneW * (c + 0.5);
				if (x < win[0] || x > win[1]) return;
				var h = columnHead(col);
				var cell = h.expand ? dom.button(null, 'lane-name lane-group role-' + (h.role || 'host'), null, function () {
					expanded.add(h.expand);
					regroup();
				}) : html('div', 'lane-name role-' + (h.role || 'host'));
				cell.style.left = (x - layout.laneW / 2) + 'px';
				cell.style.width = layout.laneW + 'px';
				html('strong', '', cell, h.label);
				html('span', 'lane-addr', cell, h.title);
				cell.title = h.tip;
				cells.push(cell);
			});
			head.replaceChildren.apply(head, cells);
		}

		/* ---- drawing one block of rows ---- */

		function place(px) { svg.style.top = px + 'px'; }

		function draw(top, bottom) {
			var blockH = Math.max(1, bottom - top);
			svg.setAttribute('width', layout.width);     /* here, not in layoutLanes: see prepare() */
			svg.setAttribute('height', blockH);
			svg.setAttribute('viewBox', '0 ' + top + ' ' + layout.width + ' ' + blockH);
			var frag = document.createDocumentFragment();
			drawLanes(frag, Math.max(0, top), Math.min(layout.height, bottom), laneWindow());
			var a = S.lowerBound(layout.ys, top - ROW), b = S.lowerBound(layout.ys, bottom + ROW);
			drawRows(frag, a, b, state ? state.selected : -1, false);
			svg.replaceChildren(frag);
			empty.hidden = layout.rows.length > 0;
		}

		function drawLanes(parent, y0, y1, win) {
			win = win || [-Infinity, Infinity];
			for (var i = 0; i < layout.laneX.length; i++) {
				var x = layout.laneX[i];
				if (x >= 0 && x >= win[0] && x <= win[1])
					el('line', { x1: x, x2: x, y1: y0, y2: y1, stroke: layout.laneStroke, 'stroke-width': 2 * Math.min(SC, 1.5),
						class: 'lane-line' }, parent);
			}
		}

		/* A call selected on the ladder: the packets of its flow sent while it ran. */
		function linkedPackets(selected) {
			var set = new Set();
			if (selected < 0 || model.kind[selected] !== S.KIND.app || model.flow[selected] < 0) return set;
			var from = S.lowerBound(model.t, model.start[selected]);
			for (var i = from; i < model.count && model.t[i] <= model.t[selected]; i++)
				if (model.kind[i] === S.KIND.packet && model.flow[i] === model.flow[selected]) set.add(i);
			return set;
		}

		function drawBreak(parent, pos, y) {
			var gap = layout.breaks && layout.breaks.get(pos);
			if (!gap) return;
			var yb = y - ROW;
			var g = el('g', { class: 'break', 'data-gap': gap.toFixed(6) }, parent);
			el('line', { x1: GUTTER, x2: layout.width - 16, y1: yb, y2: yb, stroke: '#94a3b8', 'stroke-width': 1,
				'stroke-dasharray': '2 6' }, g);
			/* in the middle of what the reader sees, scrolled sideways or not */
			var mid = Math.min(layout.width - 60, left + Math.max(GUTTER + 60, vs.viewWidth() / 2));
			el('text', { x: mid, y: yb + FS * 0.35, 'text-anchor': 'middle',
				'font-size': FS, fill: '#334155', stroke: '#ffffff', 'stroke-width': 6, 'paint-order': 'stroke',
				class: 'break-label' }, g).textContent = '⋯ ' + S.formatDuration(gap) + ' ⋯';
		}

		function drawRows(parent, a, b, selected, exporting) {
			var step = Math.max(1, Math.ceil((b - a) / 4000)), lastTime = -1e9, lastLabel = -1e9;
			var linked = exporting ? new Set() : linkedPackets(selected);
			var selLayer = el('g', { class: 'selection' }, parent);   /* behind the rows and spans */
			spanLayer = el('g', { class: 'spans' }, parent);      /* behind the rows */
			for (var pos = a; pos < b; pos += step) {
				var i = layout.rows[pos], y = layout.ys[pos];
				drawBreak(parent, pos, y);
				if (i === selected && !exporting) selBackground(selLayer, y);
				if (y - lastTime >= 13 * SC) {
					el('text', { x: GUTTER - 10, y: y + 4, 'text-anchor': 'end', 'font-size': Math.min(10.5 * SC, 15),
						'font-family': MONO, fill: '#475569', class: 'time' }, parent).textContent = S.formatTime(model.t[i]);
					lastTime = y;
				}
				var showLabel = y - lastLabel >= 15 * SC;      /* proportional time can crowd rows */
				if (showLabel) lastLabel = y;
				var current = i === selected && !exporting;
				var future = !exporting && isFuture(i, selected);
				var g = el('g', { 'data-event': i, class: 'ev' + (current ? ' sel' : '') + (linked.has(i) ? ' linked' : '') + (future ? ' future' : ''),
					'aria-current': current ? 'true' : null }, parent);
				if (model.kind[i] === S.KIND.packet) drawPacket(g, i, y, showLabel);
				else drawAppOrNote(g, i, y, showLabel, pos);
			}
		}

		function selBackground(parent, y) {
			el('rect', { x: 0, y: y - ROW / 2 - 2, width: layout.width, height: ROW, fill: '#fef3c7', class: 'sel-bg' }, parent);
		}

		/* x where a packet's arrow leaves (xs), would arrive (xd) and stops (xe: two thirds
		 * along for one that was lost). */
		function arrowEnds(i) {
			var xs = model.src[i] >= 0 && layout.laneX[model.src[i]] >= 0 ? layout.laneX[model.src[i]] : GUTTER + 8;
			var xd = model.dst[i] >= 0 && layout.laneX[model.dst[i]] >= 0 ? layout.laneX[model.dst[i]] : layout.width - 16;
			if (xs === xd) xd = xs + Math.min(60, layout.laneW / 3);       /* same lane: a short stub */
			var lost = model.lost && model.lost[i] === 1;
			return { xs: xs, xd: xd, xe: lost ? xs + (xd - xs) * 0.66 : xd };
		}

		/* Teaching: what has not happened yet is dimmed. */
		function isFuture(i, selected) { return !!(state && state.teaching && selected >= 0 && i > selected); }

		function drawPacket(g, i, y, showLabel) {
			var ev = model.events[i], cls = S.CLASSES[model.cls[i]];
			var lost = model.lost && model.lost[i] === 1, resend = model.resend ? model.resend[i] : -1;
			var colour = lost ? COLOURS.lost : model.flagged[i] ? COLOURS.flagged : COLOURS[cls];
			g.setAttribute('data-kind', 'packet');
			g.setAttribute('data-src-lane', model.src[i]);
			g.setAttribute('data-dst-lane', model.dst[i]);
			if (lost) g.setAttribute('data-lost', 'true');
			if (resend >= 0) g.setAttribute('data-resend-of', resend);
			g.setAttribute('class', g.getAttribute('class') + ' pkt k-' + cls + (model.flagged[i] ? ' flagged' : ''));
			var ends = arrowEnds(i), xs = ends.xs, xd = ends.xd, xe = ends.xe;
			var dirn = xd > xs ? 1 : -1, lo = Math.min(xs, xd), hi = Math.max(xs, xd);
			var label = S.clip(S.describe(ev), 400);
			if (resend >= 0) label = '↻ #' + resend + ' again: ' + label;
			var flags = Array.isArray(ev.analysis) ? S.clip(ev.analysis.map(String).join(', '), 200) : '';
			el('title', {}, g).textContent = label + (flags ? '  [' + flags + ']' : '') +
				(lost ? '  (not acknowledged: the sender sent it again' + (model.resentBy[i] >= 0 ? ' as #' + model.resentBy[i] : '') + ')' : '');
			el('rect', { x: lo, y: y - ROW / 2, width: Math.max(1, hi - lo), height: ROW,
				fill: 'transparent', class: 'hit' }, g);
			if (lost) {
				/* It died on the way: dashed, stopping at a cross two thirds along. */
				var r = 5 * Math.min(SC, 1.6);
				el('line', { x1: xs, y1: y, x2: xe, y2: y, stroke: colour, 'stroke-width': 2.6, 'stroke-dasharray': '7 5',
					class: 'arrow' }, g);
				el('path', { d: 'M' + (xe - r) + ' ' + (y - r) + 'l' + 2 * r + ' ' + 2 * r + 'm0 ' + (-2 * r) + 'l' + (-2 * r) + ' ' + 2 * r,
					stroke: colour, 'stroke-width': 3, class: 'lost-mark' }, g);
			} else {
				el('line', { x1: xs, y1: y, x2: xd - dirn * 9, y2: y, stroke: colour,
					'stroke-width': model.flagged[i] ? 2.6 : 2, 'stroke-dasharray': model.proto[i] === S.PROTO.udp ? '6 3' : null,
					class: 'arrow' }, g);
				el('path', { d: 'M' + xd + ' ' + y + 'l' + (-dirn * 10) + ' -5v10z', fill: colour, class: 'head' }, g);
			}
			if (state && state.teaching && g.getAttribute('class').indexOf(' sel') >= 0) travel(g, xs, xe, y);
			if (!showLabel) return;
			if (lost) label = '✕ resent' + (model.resentBy[i] >= 0 ? ' as #' + model.resentBy[i] : '') + ': ' + label;
			/* An arrow across many lanes is wider than the screen: label it at its left end. */
			var room = Math.min(hi - lo - 16, 3 * layout.laneW), long = hi - lo > 2.5 * layout.laneW;
			var text = el('text', { x: long ? lo + 14 : (lo + hi) / 2, y: y - 6, 'text-anchor': long ? 'start' : 'middle', 'font-size': FS,
				fill: model.flagged[i] ? COLOURS.flagged : '#0f172a', class: 'label',
				'font-family': MONO, stroke: '#ffffff', 'stroke-width': 3, 'paint-order': 'stroke',
				'stroke-linejoin': 'round' }, g);
			var shown = fit(label, room);
			if (flags) {
				var flagText = '⚑ ' + flags;
				if ((label.length + flagText.length + 2) * CHAR <= room) {
					text.textContent = label + '  ';
					el('tspan', { 'font-weight': 700, fill: COLOURS.flagged }, text).textContent = flagText;
				} else {
					/* No room on one line: the flags go on a second line, under the arrow. */
					text.textContent = shown;
					el('text', { x: long ? lo + 14 : (lo + hi) / 2, y: y + FS + 2, 'text-anchor': long ? 'start' : 'middle',
						'font-size': FS * 0.9, 'font-weight': 700, fill: COLOURS.flagged, 'font-family': MONO, stroke: '#ffffff',
						'stroke-width': 3, 'paint-order': 'stroke', class: 'label flags' }, g).textContent = fit(flagText, room);
				}
			} else {
				text.textContent = shown;
			}
			drawStates(g, i, y);
		}

		/* Teaching: the packet travels along its arrow (not when the reader asks for less motion). */
		function travel(g, x0, x1, y) {
			if (window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches) return;
			var dot = el('circle', { cx: x0, cy: y, r: 6 * Math.min(SC, 1.6), fill: '#f59e0b', stroke: '#0f172a',
				'stroke-width': 1.5, class: 'travel' }, g);
			el('animate', { attributeName: 'cx', from: x0, to: x1, dur: Math.min(900, (state.speed || 1500) * 0.6) + 'ms',
				fill: 'freeze', begin: 'indefinite' }, dot);
			requestAnimationFrame(function () {
				var anim = dot.firstChild;
				if (anim && anim.beginElement) anim.beginElement();
			});
		}

		function drawStates(g, i, y) {
			var marks = model.states.get(i);
			if (!marks) return;
			var ps = state && state.present ? SC * 0.8 : SC;     /* pills: 14 px and up when presenting */
			marks.forEach(function (mark) {
				var text = S.clip(mark.text, 24), x = layout.laneX[mark.lane], w = (text.length * 6 + 10) * ps;
				if (x < 0) return;
				var pill = el('g', { class: 'state' }, g);
				el('rect', { x: x - w / 2, y: y + 4, width: w, height: 13 * ps, rx: 6.5 * ps, fill: '#f1f5f9',
					stroke: layout.laneStroke === LANE_STROKE.present ? '#475569' : '#94a3b8', 'stroke-width': 0.8 * ps }, pill);
				el('text', { x: x, y: y + 4 + 9.5 * ps, 'text-anchor': 'middle', 'font-size': 9.5 * ps, 'font-weight': 600,
					'font-family': MONO, fill: '#1e293b' }, pill).textContent = text;
			});
		}

		/* y where a call that began at time `start` starts: just above the first row at or after it. */
		function spanTop(start, pos) {
			var lo = 0, hi = pos;
			while (lo < hi) {
				var mid = (lo + hi) >>> 1;
				if (model.t[layout.rows[mid]] < start) lo = mid + 1; else hi = mid;
			}
			return lo < pos ? layout.ys[lo] - ROW * 0.45 : layout.ys[pos] - 6 * SC;
		}

		var spanLayer = null;

		function drawAppOrNote(g, i, y, showLabel, pos) {
			var ev = model.events[i], isApp = model.kind[i] === S.KIND.app;
			var lane = model.src[i], x = lane >= 0 ? layout.laneX[lane] : (GUTTER + layout.width) / 2;
			var failed = isApp && (ev.errno || (typeof ev.ret === 'number' && ev.ret < 0));
			var colour = failed ? COLOURS.flagged : COLOURS[isApp ? 'app' : 'note'];
			g.setAttribute('data-kind', isApp ? 'app' : 'note');
			g.setAttribute('data-src-lane', lane);
			g.setAttribute('class', g.getAttribute('class') + (isApp ? ' app' : ' note') + (failed ? ' failed' : ''));
			var text = isApp ? callLabel(ev) : S.clip(S.describe(ev), 400);
			el('title', {}, g).textContent = (isApp ? 'socket call: ' : 'note: ') + text;
			/* The label goes towards the other end of its flow, where the conversation is drawn. */
			var f = model.flow[i] >= 0 ? model.flowById[model.flow[i]] : null;
			var peer = f ? (f._clientLane === lane ? f._serverLane : f._clientLane) : -1;
			var toLeft = peer >= 0 && layout.laneX[peer] >= 0 && lane >= 0 ? layout.laneX[peer] < x
				: lane >= 0 && layout.slots[lane] === layout.shown - 1 && layout.shown > 1;
			var room = layout.laneW - 24 * SC;
			el('rect', { x: toLeft ? x - room - 12 : x - 8, y: y - ROW / 2, width: room + 20, height: ROW,
				fill: 'transparent', class: 'hit' }, g);
			if (isApp) {
				/* The call as a span from its start to its return: it encloses what it caused. */
				var top = spanTop(model.start[i], pos), w = 6 * Math.min(SC, 1.5);
				if (y - top > 8) {
					/* Its own element, behind the rows: the event's box stays its mark and label. */
					g.setAttribute('data-span', (model.t[i] - model.start[i]).toFixed(6));
					var span = el('rect', { x: x - w / 2, y: top, width: w, height: y - top, rx: w / 2, fill: colour,
						'fill-opacity': 0.35, stroke: colour, 'stroke-width': 1, 'data-span-of': i,
						class: 'span' + (g.getAttribute('class').indexOf(' sel') >= 0 ? ' sel' : '') }, spanLayer);
					el('title', {}, span).textContent = S.clip(ev.call, 60) + '() ran ' + S.formatDuration(model.t[i] - model.start[i]);
				}
				el('rect', { x: x - 6 * SC, y: y - 6 * SC, width: 12 * SC, height: 12 * SC, rx: 3, fill: '#ffffff', stroke: colour,
					'stroke-width': 2, class: 'mark' }, g);
			}
			else
				el('path', { d: 'M' + x + ' ' + (y - 7) + 'l7 7l-7 7l-7 -7z', fill: '#fde68a', stroke: colour,
					'stroke-width': 1.5, class: 'mark' }, g);
			if (!showLabel) return;
			el('text', { x: toLeft ? x - 12 * SC : x + 12 * SC, y: y + FS * 0.35, 'text-anchor': toLeft ? 'end' : 'start',
				'font-size': FS, 'font-family': isApp ? MONO : FONT, 'font-style': isApp ? null : 'italic',
				fill: colour, stroke: '#ffffff', 'stroke-width': 3, 'paint-order': 'stroke',
				class: 'label' }, g).textContent = fit(text, room);
		}

		/* The result (and errno) first, so that a cut keeps what the call returned. */
		function callLabel(ev) {
			var head = '';
			if (ev.ret !== undefined && ev.ret !== null) head = '= ' + S.clip(ev.ret, 40);
			if (ev.errno) head += ' ' + S.clip(ev.errno, 40);
			var call = S.clip(String(ev.call || '?'), 60) + '(' + (ev.args === undefined || ev.args === null ? '' : S.clip(ev.args, 300)) + ')';
			return head ? head.trim() + ' ← ' + call : call;
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
			layout.columns.forEach(function (col, c) {
				var x = GUTTER + layout.laneW * (c + 0.5), h = columnHead(col);
				el('text', { x: x, y: y0 - HEAD + 20, 'text-anchor': 'middle', 'font-size': 13, 'font-weight': 700,
					fill: '#0f172a' }, out).textContent = h.label;
				el('text', { x: x, y: y0 - HEAD + 36, 'text-anchor': 'middle', 'font-size': 11,
					'font-family': MONO, fill: '#475569' }, out).textContent = h.expand ? col.lanes.length + ' sockets' : h.title;
			});
			el('text', { x: GUTTER - 10, y: y0 - HEAD + 36, 'text-anchor': 'end', 'font-size': 11,
				fill: '#475569' }, out).textContent = 'time (s)';
			drawLanes(out, y0 - 6, y1);
			drawRows(out, first, last, -1, true);
			return new XMLSerializer().serializeToString(out);
		}

		/* ---- interaction ---- */

		svg.addEventListener('click', function (e) {
			var g = e.target.closest ? e.target.closest('[data-event], [data-span-of]') : null;
			if (g) dispatch({ type: 'select', index: Number(g.getAttribute(g.hasAttribute('data-span-of') ? 'data-span-of' : 'data-event')), reveal: false });
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
			/* A call or note: its flow's two lanes, so that the conversation stays in view. */
			var f = model.kind[i] !== S.KIND.packet && model.flow[i] >= 0 ? model.flowById[model.flow[i]] : null;
			var xs = [model.src[i], model.dst[i]].concat(f ? [f._clientLane, f._serverLane] : [])
				.filter(function (l) { return l >= 0 && layout.laneX[l] >= 0; })
				.map(function (l) { return layout.laneX[l]; });
			if (!xs.length) return;
			var lo = Math.min.apply(null, xs) - layout.laneW / 2, hi = Math.max.apply(null, xs) + layout.laneW / 2;
			var width = vs.viewWidth();
			if (lo >= left && hi <= left + width) return;
			var want = hi - lo <= width - GUTTER ? Math.max(0, lo - GUTTER) : Math.max(0, lo);
			scroller.scrollLeft = left = Math.min(want, Math.max(0, layout.width - width));
		}

		/* Layout and scrolling for a new state, before any view draws (main.js): a scroll
		 * position set after a drawing makes the browser lay that drawing out at once. */
		function prepare(st) {
			state = st;
			var key = st.filterVersion + '/' + st.axis + '/' + st.zoom + '/' + !!st.present + '/' + !!st.teaching;
			if (key !== layout.key) {
				layout.key = key;
				relayout(st);
				relaid = true;
			}
			if (st.selected >= 0 && drawnReveal !== st.reveal) {
				var pos = S.lowerBound(layout.rows, st.selected);
				if (pos < layout.rows.length && layout.rows[pos] === st.selected) {
					vs.reveal(layout.ys[pos] - ROW, layout.ys[pos] + ROW, true);
					revealAcross(st.selected);
				}
			}
			drawnReveal = st.reveal;
		}

		/* Draw once, after scrolling.  A new selection on rows already drawn only moves the
		 * highlight: drawing a thousand rows again cost a second a key. */
		function update(st) {
			prepare(st);
			bar.querySelectorAll('[data-axis]').forEach(function (b) {
				b.setAttribute('aria-pressed', String(b.dataset.axis === st.axis));
			});
			/* version: events read since (worker.js) */
			var redraw = relaid || drawnVersion !== model.version, moved = drawnSelected !== st.selected;
			relaid = false;
			/* scrolled sideways past the lanes drawn (revealAcross): draw here, not again on the scroll event */
			if (laneWindowPassed()) {
				drawHead();
				redraw = true;
			}
			drawnSelected = st.selected;
			drawnVersion = model.version;
			if (!vs.refresh(redraw) && moved) restyleSelection(st.selected);
		}

		/* The marks of the selection on the rows drawn: its highlight, the packets a selected
		 * call was running for, and in teaching mode the travel and the dimmed rows to come. */
		function restyleSelection(selected) {
			svg.querySelectorAll('.sel-bg, .travel').forEach(function (n) { n.remove(); });
			svg.querySelectorAll('.sel').forEach(function (n) {
				n.classList.remove('sel');
				n.removeAttribute('aria-current');
			});
			svg.querySelectorAll('.ev.linked').forEach(function (n) { n.classList.remove('linked'); });
			linkedPackets(selected).forEach(function (i) {
				var g = rowElement(i);
				if (g) g.classList.add('linked');
			});
			if (state.teaching)
				svg.querySelectorAll('.ev').forEach(function (g) {
					g.classList.toggle('future', isFuture(Number(g.getAttribute('data-event')), selected));
				});
			var g = selected >= 0 ? rowElement(selected) : null;
			if (!g) return;
			g.classList.add('sel');
			g.setAttribute('aria-current', 'true');
			svg.querySelectorAll('[data-span-of="' + selected + '"]').forEach(function (n) { n.classList.add('sel'); });
			var y = layout.ys[S.lowerBound(layout.rows, selected)];
			selBackground(svg.querySelector('.selection') || svg, y);
			if (state.teaching && model.kind[selected] === S.KIND.packet) {
				var ends = arrowEnds(selected);
				travel(g, ends.xs, ends.xe, y);
			}
		}

		function rowElement(i) { return svg.querySelector('[data-event="' + i + '"]'); }

		/* With many lanes only those near the screen are drawn: redraw when scrolled past them. */
		scroller.addEventListener('scroll', function () {
			left = scroller.scrollLeft;
			if (laneWindowPassed()) {
				drawHead();
				vs.refresh(true);
			}
		}, { passive: true });

		function laneWindowPassed() {
			var win = layout.window;
			if (!win || win[0] === -Infinity) return false;
			return left - layout.laneW < win[0] || left + vs.viewWidth() + layout.laneW > win[1];
		}

		return { prepare: prepare, update: update, exportSvg: exportSvg, laneX: function (lane) { return lane >= 0 && lane < layout.laneX.length ? layout.laneX[lane] : -1; } };
	}

	S.LADDER_COLOURS = COLOURS;
	S.createLadder = createLadder;
})(window.Sockscope = window.Sockscope || {});
