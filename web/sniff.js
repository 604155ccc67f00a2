/* sockscope viewer: what a file is, when it is not a timeline.
 *
 * Sockscope.sniffBytes(bytes, name) looks at a file's first bytes and
 * Sockscope.sniffText(text, name) at its first characters (a file fetched as text
 * has lost its bytes to UTF-8 decoding); each returns a message saying what the
 * file is and what to run, or null when it may well be a timeline.
 */
(function (S) {
	'use strict';

	function captureMessage(kind, name) {
		var file = name || 'FILE';
		return 'This is a capture (' + kind + '), not a timeline: run `sockscope trace -r ' + file + ' -o ' +
			file.replace(/\.(pcapng|pcap|cap)$/i, '') + '.json` and open the .json file, or `sockscope report -r ' +
			file + ' -o report.html` for a page with the timeline inside.';
	}

	var NOT_JSON = ' Open a .json timeline written by `sockscope trace -o FILE.json` or `sockscope demo`.';

	/* Magic numbers, first bytes as written. */
	var MAGIC = [
		[[0xd4, 0xc3, 0xb2, 0xa1], 'pcap'], [[0xa1, 0xb2, 0xc3, 0xd4], 'pcap'],
		[[0x4d, 0x3c, 0xb2, 0xa1], 'pcap, nanosecond'], [[0xa1, 0xb2, 0x3c, 0x4d], 'pcap, nanosecond'],
		[[0x0a, 0x0d, 0x0d, 0x0a], 'pcapng'],
		[[0x1f, 0x8b], 'gzip'], [[0x28, 0xb5, 0x2f, 0xfd], 'zstd'], [[0x50, 0x4b, 0x03, 0x04], 'zip'],
		[[0x89, 0x50, 0x4e, 0x47], 'PNG image'], [[0x25, 0x50, 0x44, 0x46], 'PDF'], [[0x7f, 0x45, 0x4c, 0x46], 'ELF program']
	];

	function kindMessage(kind, name) {
		if (/^pcap/.test(kind)) return captureMessage(kind, name);
		if (kind === 'gzip' || kind === 'zstd' || kind === 'zip')
			return 'This is a ' + kind + ' archive, not a timeline: unpack it first, then open the .json timeline inside.';
		return 'This is a ' + kind + ' file, not a sockscope timeline.' + NOT_JSON;
	}

	function sniffBytes(bytes, name) {
		if (!bytes || !bytes.length) return 'This file is empty: it is not a sockscope timeline.' + NOT_JSON;
		for (var k = 0; k < MAGIC.length; k++) {
			var magic = MAGIC[k][0], hit = bytes.length >= magic.length;
			for (var j = 0; hit && j < magic.length; j++) hit = bytes[j] === magic[j];
			if (hit) return kindMessage(MAGIC[k][1], name);
		}
		return null;
	}

	/* After UTF-8 decoding: pcapng keeps its 0a 0d 0d 0a; a pcap header keeps its
	 * version 2.4 (02 00 04 00 or 00 02 00 04) among the first characters. */
	function sniffText(text, name) {
		if (typeof text !== 'string' || !text.trim()) return 'This file is empty: it is not a sockscope timeline.' + NOT_JSON;
		var head = text.slice(0, 32);
		if (head.slice(0, 4) === '\n\r\r\n') return kindMessage('pcapng', name);
		if (/\u0002\u0000\u0004\u0000|\u0000\u0002\u0000\u0004/.test(head)) return kindMessage('pcap', name);
		if (/^\u001f\ufffd/.test(head)) return kindMessage('gzip', name);
		if (/^\ufffdPNG/.test(head)) return kindMessage('PNG image', name);
		if (/^%PDF/.test(head)) return kindMessage('PDF', name);
		var start = text.slice(0, 512).replace(/^\ufeff?\s+/, '').toLowerCase();
		if (/^<(!doctype|html|\?xml|svg)/.test(start))
			return 'This is a web page or markup, not a timeline: a sockscope report opens on its own in the browser.' + NOT_JSON;
		if (/[\u0000-\u0008\u000e-\u001f]/.test(head))
			return 'This is a binary file, not a sockscope timeline.' + NOT_JSON;
		return null;
	}

	S.sniffBytes = sniffBytes;
	S.sniffText = sniffText;
})(window.Sockscope = window.Sockscope || {});
