/* sockscope viewer: draw only what is on screen (the HyperList pattern).
 *
 * A body element inside a scroller is made as tall as the content (the spacer that
 * gives the scroll bar); the view draws one block covering the visible rows plus a
 * screen above and below, and is asked again only when the reader scrolls out of it.
 *
 * Browsers cap the height of an element (Chrome at about 33.5 million pixels).  We
 * measure the cap once; past it the body is given the capped height and a scroll
 * position is scaled to a "virtual" position, so every row stays reachable.
 */
(function (S) {
	'use strict';

	var measuredCap = 0;

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

	/* opts.render(top, bottom): draw virtual pixels [top, bottom); returns nothing.
	 * opts.place(px): move the drawn block so virtual `top` shows at body offset px.
	 * opts.headHeight(): pixels of sticky header inside the scroller (default 0). */
	function createVScroll(scroller, body, opts) {
		var height = 0, physical = 0, drawnTop = -1, drawnBottom = -1, frame = 0;
		var headHeight = opts.headHeight || function () { return 0; };

		function viewHeight() { return Math.max(1, scroller.clientHeight - headHeight()); }

		/* virtual pixels per physical pixel of scroll */
		function ratio() {
			var view = viewHeight();
			if (physical >= height || physical <= view) return 1;
			return (height - view) / (physical - view);
		}

		function virtualTop() { return scroller.scrollTop * ratio(); }

		function setHeight(h) {
			height = Math.max(0, h);
			physical = Math.min(height, maxElementHeight());
			body.style.height = physical + 'px';
			drawnTop = drawnBottom = -1;
		}

		function refresh(force) {
			frame = 0;
			var view = viewHeight(), top = virtualTop();
			if (force || drawnTop < 0 || top < drawnTop || top + view > drawnBottom) {
				drawnTop = Math.max(0, top - view);
				drawnBottom = Math.min(height, top + 2 * view);
				opts.render(drawnTop, drawnBottom);
			}
			opts.place(scroller.scrollTop + (drawnTop - top));
		}

		function onScroll() {
			if (!frame)
				frame = requestAnimationFrame(function () { refresh(false); });
		}
		scroller.addEventListener('scroll', onScroll, { passive: true });

		/* Scroll so virtual rows [y0, y1) are on screen, centring when far away. */
		function reveal(y0, y1) {
			var view = viewHeight(), top = virtualTop();
			if (y0 >= top + 4 && y1 <= top + view - 4) return;
			var target = Math.max(0, (y0 + y1) / 2 - view / 2);
			scroller.scrollTop = target / ratio();
			refresh(false);
		}

		function scrollToVirtual(y) {
			scroller.scrollTop = Math.max(0, y) / ratio();
			refresh(false);
		}

		return { setHeight: setHeight, refresh: refresh, reveal: reveal, virtualTop: virtualTop,
			viewHeight: viewHeight, scrollToVirtual: scrollToVirtual, ratio: ratio };
	}

	S.maxElementHeight = maxElementHeight;
	S.createVScroll = createVScroll;
})(window.Sockscope = window.Sockscope || {});
