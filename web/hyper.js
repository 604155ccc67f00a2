/* sockscope viewer: draw only what is on screen (the HyperList pattern).
 *
 * A body element inside a scroller is made as tall as the content (the spacer that
 * gives the scroll bar); the view draws one block covering the visible rows plus a
 * half a screen above and below (MARGIN), and is asked again only when the reader scrolls out of it.
 *
 * Browsers cap the height of an element (Chrome at about 33.5 million pixels).  We
 * measure the cap once; past it the body is given the capped height and a scroll
 * position is scaled to a "virtual" position, so every row stays reachable.
 */
(function (S) {
	'use strict';

	var measuredCap = 0;
	/* Content shorter than this (a hundred-odd rows, a small demo) is drawn whole, and
	 * every event of it stays findable in the page.  Not more: a thousand SVG rows took
	 * the browser a second to lay out and paint on each key. */
	var DRAW_ALL_BELOW = 4000;

	/* The tallest element this browser lays out, less a margin. */
	function maxElementHeight() {
		if (typeof window.SockscopeMaxHeight === 'number')   /* tests force a small cap */
			return window.SockscopeMaxHeight;
		if (measuredCap)
			return measuredCap;
		var probe = document.createElement('div');
		probe.style.cssText = 'position:absolute;top:0;left:-9999px;width:1px;visibility:hidden';
		document.body.appendChild(probe);
		var best = 1e6;
		[1e9, 1e8, 6e7, 3.3e7, 1.6e7, 8e6, 4e6].some(function (h) {
			probe.style.height = h + 'px';
			var got = probe.offsetHeight;
			if (got > best) best = got;
			return got === h;
		});
		probe.remove();
		measuredCap = Math.floor(best * 0.9);
		return measuredCap;
	}

	/* What is drawn beyond the screen, above and below, in screens: scrolling redraws
	 * after half a screen, and a redraw costs two screens of rows, not three. */
	var MARGIN = 0.5;

	/* opts.render(top, bottom): draw virtual pixels [top, bottom); returns nothing.
	 * opts.place(px): move the drawn block so virtual `top` shows at body offset px.
	 * opts.headHeight: pixels of sticky header inside the scroller (default 0).
	 * Geometry is read once (see measureScrollers) and then only on scroll and resize
	 * events, so that drawing never forces the browser to lay the page out again. */
	var unmeasured = [];

	/* Read the size of every new scroller in one go: one layout for all the views. */
	function measureScrollers() {
		var list = unmeasured;
		unmeasured = [];
		list.forEach(function (measure) { measure(); });
		/* The cap too, while the page is laid out: then only its probe is laid out again,
		 * not every view the first drawing has just changed. */
		maxElementHeight();
	}

	function createVScroll(scroller, body, opts) {
		var height = 0, physical = 0, drawnTop = -1, drawnBottom = -1, frame = 0;
		var headHeight = opts.headHeight || 0;
		var view = 0, width = 0, scrollTop = 0, measured = false;

		function measure() {
			if (measured) return;
			measured = true;
			view = Math.max(1, scroller.clientHeight - headHeight);
			width = scroller.clientWidth;
			scrollTop = scroller.scrollTop;
		}
		unmeasured.push(measure);

		function viewHeight() { measure(); return view; }
		function viewWidth() { measure(); return width; }

		/* virtual pixels per physical pixel of scroll */
		function ratio() {
			if (physical >= height || physical <= view) return 1;
			return (height - view) / (physical - view);
		}

		function virtualTop() { return scrollTop * ratio(); }

		function setHeight(h) {
			measure();
			height = Math.max(0, h);
			physical = Math.min(height, maxElementHeight());
			body.style.height = physical + 'px';
			scrollTop = Math.min(scrollTop, Math.max(0, physical - view));
			drawnTop = drawnBottom = -1;
		}

		/* Returns whether the block was drawn again (not only moved). */
		function refresh(force) {
			measure();
			frame = 0;
			var top = virtualTop(), drawn = false;
			var whole = height <= DRAW_ALL_BELOW;
			if (force || drawnTop < 0 || (!whole && (top < drawnTop || top + view > drawnBottom))) {
				drawnTop = whole ? 0 : Math.max(0, top - MARGIN * view);
				drawnBottom = whole ? height : Math.min(height, top + (1 + MARGIN) * view);
				opts.render(drawnTop, drawnBottom);
				drawn = true;
			}
			opts.place(scrollTop + (drawnTop - top));
			return drawn;
		}

		function onScroll() {
			scrollTop = scroller.scrollTop;
			if (!frame)
				frame = requestAnimationFrame(function () { refresh(false); });
		}
		scroller.addEventListener('scroll', onScroll, { passive: true });

		function resized() {
			if (!measured) return;
			var w = scroller.clientWidth, v = Math.max(1, scroller.clientHeight - headHeight);
			if (w === width && v === view) return;
			width = w;
			view = v;
			scrollTop = scroller.scrollTop;
			if (opts.resized) opts.resized(width);
			refresh(true);
		}
		if (window.ResizeObserver) new ResizeObserver(resized).observe(scroller);

		/* quiet: the caller draws (one drawing for a scroll and a change together). */
		function scrollToPhysical(px, quiet) {
			scrollTop = Math.max(0, Math.min(px, physical - view));
			scroller.scrollTop = scrollTop;
			if (!quiet) refresh(false);
		}

		/* Scroll so virtual rows [y0, y1) are on screen, centring when far away. */
		function reveal(y0, y1, quiet) {
			var top = virtualTop();
			if (y0 >= top + 4 && y1 <= top + view - 4) return;
			scrollToPhysical(Math.max(0, (y0 + y1) / 2 - view / 2) / ratio(), quiet);
		}

		function scrollToVirtual(y, quiet) { scrollToPhysical(Math.max(0, y) / ratio(), quiet); }

		return { setHeight: setHeight, refresh: refresh, reveal: reveal, virtualTop: virtualTop,
			viewHeight: viewHeight, viewWidth: viewWidth, scrollToVirtual: scrollToVirtual, ratio: ratio };
	}

	S.maxElementHeight = maxElementHeight;
	S.createVScroll = createVScroll;
	S.measureScrollers = measureScrollers;
})(window.Sockscope = window.Sockscope || {});
