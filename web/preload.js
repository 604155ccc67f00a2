/* sockscope viewer: starts loading ?src= as early as the page can.
 *
 * Loaded from <head>, so the request goes out before the body and the other
 * scripts are parsed.  main.js takes Sockscope.preload.text (a promise of the
 * timeline's text) when its src is the page's.
 *
 * The body is taken as a Blob, then read as text: Chromium then keeps the
 * bytes out of the page while they arrive (the page goes on parsing its
 * scripts), and reads them in once; for a 60 MB timeline that is about 0.3 s
 * sooner than response.text() or arrayBuffer(), which copy each chunk in on
 * the page's main thread.
 */
(function (S) {
	'use strict';

	S.fetchText = function (src) {
		return fetch(src).then(function (r) {
			if (!r.ok) throw new Error('HTTP ' + r.status);
			return r.blob();
		}).then(function (blob) { return blob.text(); });
	};

	var src = new URLSearchParams(location.search).get('src');
	if (!src || location.protocol === 'file:' || typeof fetch !== 'function')
		return;
	var text = S.fetchText(src);
	text.catch(function () { /* main.js reports it */ });
	S.preload = { src: src, text: text };
})(window.Sockscope = window.Sockscope || {});
