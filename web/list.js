/* sockscope viewer: the event list.
 *
 * One fixed-height row per event of the current filter; only the rows near the
 * screen exist in the DOM (see hyper.js).  Rows are options of a listbox, so a
 * screen reader hears the selected event.
 */
(function (S) {
	'use strict';

	var dom = S.dom, html = dom.html;
	var ROW = 26;
	var KIND_TEXT = ['pkt', 'call', 'note'];

	function createList(root, model, dispatch) {
		var state = null, rows = new Int32Array(0), version = -1, drawnSelected = -2, drawnVersion = model.version, drawnReveal = -1;
		var refiltered = false;

		var bar = dom.panel(root, 'list-panel', 'Events');
		var count = html('span', 'panel-note', bar);
		var scroller = html('div', 'list-scroll', root);
		scroller.tabIndex = 0;
		scroller.setAttribute('role', 'listbox');
		scroller.setAttribute('aria-label', 'Events in time order');
		var body = html('div', 'list-body', scroller);
		var block = html('div', 'list-block', body);
		var vs = S.createVScroll(scroller, body, { render: draw, place: function (px) { block.style.top = px + 'px'; } });

		function dirText(i) {
			var ev = model.events[i];
			if (model.kind[i] !== S.KIND.packet) return ev.side ? String(ev.side) : '';
			return ev.dir === 'c2s' ? 'c → s' : ev.dir === 's2c' ? 's → c' : '';
		}

		function drawRow(i) {
			var ev = model.events[i], cls = S.CLASSES[model.cls[i]];
			var row = html('div', 'row k-' + cls + (model.flagged[i] ? ' flagged' : ''));
			row.id = 'event-row-' + i;
			row.dataset.row = i;
			row.setAttribute('role', 'option');
			row.setAttribute('aria-selected', String(state && state.selected === i));
			row.tabIndex = -1;
			html('span', 'c-num', row, String(i));
			html('span', 'c-time', row, S.formatTime(model.t[i]));
			html('span', 'c-kind', row, model.kind[i] === S.KIND.packet ? S.PROTO_NAMES[model.proto[i]] : KIND_TEXT[model.kind[i]]);
			html('span', 'c-flow', row, model.flow[i] >= 0 ? '#' + model.flow[i] : '');
			html('span', 'c-dir', row, dirText(i));
			var text = html('span', 'c-text', row, S.clip(S.describe(ev), 300));
			if (model.flagged[i])
				html('span', 'c-flag', text, ' ⚑ ' + S.clip(ev.analysis.join(', '), 200));
			row.setAttribute('aria-label', 'event ' + i + ', ' + row.textContent);
			return row;
		}

		function draw(top, bottom) {
			var a = Math.max(0, Math.floor(top / ROW)), b = Math.min(rows.length, Math.ceil(bottom / ROW));
			var nodes = [];
			for (var pos = a; pos < b; pos++) nodes.push(drawRow(rows[pos]));
			block.replaceChildren.apply(block, nodes);
			block.style.marginTop = (a * ROW - top) + 'px';   /* block top shows virtual `top` */
			activeRow();
		}

		function activeRow() {
			if (state && state.selected >= 0 && document.getElementById('event-row-' + state.selected))
				scroller.setAttribute('aria-activedescendant', 'event-row-' + state.selected);
			else
				scroller.removeAttribute('aria-activedescendant');
		}

		/* A new selection among the rows drawn: two rows change, not the block. */
		function reselect(before, now) {
			var a = document.getElementById('event-row-' + before), b = document.getElementById('event-row-' + now);
			if (a) a.setAttribute('aria-selected', 'false');
			if (b) b.setAttribute('aria-selected', 'true');
			activeRow();
		}

		block.addEventListener('click', function (e) {
			var row = e.target.closest('[data-row]');
			if (row) dispatch({ type: 'select', index: Number(row.dataset.row), reveal: false });
		});

		/* Height and scrolling before any view draws (see ladder.js). */
		function prepare(st) {
			state = st;
			if (st.filterVersion !== version) {
				version = st.filterVersion;
				rows = st.rows;
				vs.setHeight(rows.length * ROW);
				refiltered = true;
			}
			if (st.selected >= 0 && drawnReveal !== st.reveal) {
				var pos = S.lowerBound(rows, st.selected);
				if (pos < rows.length && rows[pos] === st.selected) vs.reveal(pos * ROW, pos * ROW + ROW, true);
			}
			drawnReveal = st.reveal;
		}

		/* main.js changes one state object in place: remember what was drawn. */
		function update(st) {
			prepare(st);
			/* version: events read since (worker.js) */
			var redraw = refiltered || drawnVersion !== model.version, before = drawnSelected;
			if (refiltered) {
				var all = model.count - model.hidden;      /* kernel samples are never rows */
				count.textContent = rows.length === all ? S.formatCount(all) + ' events'
					: S.formatCount(rows.length) + ' of ' + S.formatCount(all) + ' events';
			}
			refiltered = false;
			drawnSelected = st.selected;
			drawnVersion = model.version;
			if (!vs.refresh(redraw) && before !== st.selected) reselect(before, st.selected);
		}

		return { prepare: prepare, update: update };
	}

	S.createList = createList;
})(window.Sockscope = window.Sockscope || {});
