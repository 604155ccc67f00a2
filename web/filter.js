/* sockscope viewer: the search box that narrows a trace.
 *
 * Sockscope.matchRows(model, query) -> Uint8Array (1 = the event matches), or null
 * for an empty query.  Sockscope.sliceMatch(model, query, done): the same for a big
 * timeline, in slices between which the page answers input and draws (the first
 * search of a million events makes a million texts: seconds); done() when all are
 * in, progress() after each slice.  Every word of the query must match.  A word in capitals that
 * names a TCP flag (SYN, ACK, FIN, RST, PSH, URG, ECE, CWR) matches packets with that
 * flag set; any other word matches, ignoring case, the addresses and ports, flags,
 * analysis flags, TCP states, the label, the socket call and its result, and the
 * explanation text.
 * Sockscope.createFilter(root, model, dispatch): the box, its match count, previous
 * and next match; "/" focuses it (main.js).
 */
Sockscope.module(function (S) {
	'use strict';

	var dom = S.dom, html = dom.html;
	var TCP_FLAGS = ['SYN', 'ACK', 'FIN', 'RST', 'PSH', 'URG', 'ECE', 'CWR'];
	var HAY_MAX = 4000;        /* characters of an event searched: hostile strings stay cheap */
	var SLICE_MS = 12, STRIDE = 500;     /* a slice: about 12 ms, the clock read every 500 events */

	function add(parts, v) {
		if (v === undefined || v === null) return;
		parts.push(typeof v === 'object' ? '' : String(v).slice(0, HAY_MAX));
	}

	function endpointText(ep) {
		return S.isObject(ep) ? S.formatEndpoint(ep) + ' port ' + ep.port : '';
	}

	/* The text an event is searched by, lower case. */
	function haystack(ev) {
		var parts = [];
		add(parts, S.describe(ev));
		add(parts, ev.label);
		add(parts, endpointText(ev.src));
		add(parts, endpointText(ev.dst));
		if (S.isObject(ev.tcp) && Array.isArray(ev.tcp.flags)) add(parts, ev.tcp.flags.join(' '));
		if (Array.isArray(ev.analysis)) add(parts, ev.analysis.join(' '));
		if (S.isObject(ev.state)) { add(parts, ev.state.client); add(parts, ev.state.server); }
		if (S.isObject(ev.explain)) { add(parts, ev.explain.summary); add(parts, ev.explain.detail); }
		add(parts, ev.text);
		add(parts, ev.call);
		add(parts, ev.args);
		add(parts, ev.errno);
		add(parts, ev.side);
		add(parts, ev.comm);
		return parts.join('\n').slice(0, HAY_MAX).toLowerCase();
	}

	function hasFlag(ev, flag) {
		return S.isObject(ev.tcp) && Array.isArray(ev.tcp.flags) && ev.tcp.flags.indexOf(flag) >= 0;
	}

	function wordsOf(query) { return String(query || '').trim().split(/\s+/).filter(Boolean); }

	function matchRows(model, query) {
		var words = wordsOf(query);
		if (!words.length) return null;
		var out = new Uint8Array(model.count);
		matchRange(model, words, out, 0, model.count);
		return out;
	}

	/* Event i as the search reads it.  A big file's rows not yet shown are read as
	 * stand-ins and not kept: kept, a million of them stayed in memory (0.36 GB) after
	 * one search, and the collector's pauses held up the keys while it ran. */
	function searched(model, lazy, i) {
		if (lazy && !lazy.rows.keepLines && typeof lazy.list[i] === 'number') return lazy.rows.standIn(lazy.list[i]);
		return model.events[i];
	}

	/* Events [from, to) into out (1 = matches every word). */
	function matchRange(model, words, out, from, to) {
		var hay = model.searchText || (model.searchText = new Array(model.count));
		var lazy = S.lazyInfo ? S.lazyInfo(model.events) : null;
		for (var i = from; i < to; i++) {
			var ev = searched(model, lazy, i), ok = true;
			for (var w = 0; ok && w < words.length; w++) {
				var word = words[w];
				if (TCP_FLAGS.indexOf(word) >= 0) { ok = hasFlag(ev, word); continue; }
				if (hay[i] === undefined) hay[i] = haystack(ev);
				ok = hay[i].indexOf(word.toLowerCase()) >= 0;
			}
			out[i] = ok ? 1 : 0;
		}
	}

	/*
	 * The matches of query once all are in, else undefined: the search goes on in slices
	 * and calls done() when it has finished (only for the latest query).  model.search
	 * says what it is doing: {query, done (events searched), hits}.
	 */
	function sliceMatch(model, query, done, progress) {
		var words = wordsOf(query), q = String(query || '');
		if (!words.length) { model.search = null; return null; }
		var job = model.search;
		if (job && job.query === q) return job.done >= model.count ? job.hits : undefined;
		job = model.search = { query: q, done: 0, hits: new Uint8Array(model.count), shown: performance.now() };
		(function next() {
			if (model.search !== job) return;                   /* a newer query took over */
			var until = performance.now() + SLICE_MS, to = job.done;
			while (to < model.count && performance.now() < until) {
				var from = to;
				to = Math.min(model.count, from + STRIDE);
				matchRange(model, words, job.hits, from, to);
			}
			job.done = to;
			if (to >= model.count) done();
			else {
				if (progress && performance.now() - job.shown > 250) {     /* a redraw costs a frame: not each slice */
					job.shown = performance.now();
					progress();
				}
				S.yieldToPage().then(next);
			}
		})();
		return undefined;
	}

	function createFilter(root, model, dispatch) {
		root.replaceChildren();
		root.classList.add('search-bar');
		var label = html('label', 'search-label', root);
		html('span', '', label, 'Filter');
		var box = html('input', 'search-box', label);
		box.type = 'search';
		box.id = 'filter-box';
		box.placeholder = 'address, port, RST, retransmission, TIME_WAIT…  (/)';
		box.setAttribute('aria-describedby', 'filter-count');
		box.spellcheck = false;
		box.autocomplete = 'off';
		var prev = dom.button(root, 'step', '▲', function () { dispatch({ type: 'step', delta: -1 }); });
		prev.title = 'Previous match (Shift+Enter)';
		prev.setAttribute('aria-label', prev.title);
		var next = dom.button(root, 'step', '▼', function () { dispatch({ type: 'step', delta: 1 }); });
		next.title = 'Next match (Enter)';
		next.setAttribute('aria-label', next.title);
		var count = html('span', 'search-count', root);
		count.id = 'filter-count';
		count.setAttribute('role', 'status');

		var pending = 0;
		box.addEventListener('input', function () {
			clearTimeout(pending);
			pending = setTimeout(function () { dispatch({ type: 'query', text: box.value }); }, model.count > 20000 ? 200 : 0);
		});
		box.addEventListener('keydown', function (e) {
			if (e.key === 'Enter') {
				e.preventDefault();
				clearTimeout(pending);
				dispatch({ type: 'query', text: box.value });
				dispatch({ type: 'step', delta: e.shiftKey ? -1 : 1 });
			} else if (e.key === 'Escape' && box.value) {
				e.preventDefault();
				e.stopPropagation();
				box.value = '';
				dispatch({ type: 'query', text: '' });
			}
		});

		function update(st) {
			if (document.activeElement !== box && box.value !== (st.query || '')) box.value = st.query || '';
			var active = !!(st.query && st.query.trim());
			prev.disabled = next.disabled = !active || !st.rows.length;
			var search = model.search, sliced = active && search && search.query === st.query && search.done < model.count;
			var searching = active && model.remote && model.remote.pending;   /* asked the worker (worker.js) */
			count.textContent = !active ? '' : sliced ? 'searching… ' + Math.floor(100 * search.done / model.count) + '%'
				: searching ? 'searching…' : (st.rows.length ? S.formatCount(st.rows.length) + ' matching events' : 'nothing matches') +
				(model.slim ? ' (not searched: explanations and payloads, which a file this big keeps on disk)' : '');
			root.classList.toggle('no-match', active && !st.rows.length);
		}

		return { update: update, focus: function () { box.focus(); box.select(); } };
	}

	S.matchRows = matchRows;
	S.sliceMatch = sliceMatch;
	S.createFilter = createFilter;
}, true);
