/*
 * report.h - the self-contained HTML report: web/index.html with its style
 * sheet and scripts inlined and a timeline placed in its data elements.
 *
 * The web page's files are compiled into the program (report_assets, made
 * from web/ at build time), so a report can be written from anywhere.
 */
#ifndef SOCKSCOPE_REPORT_H
#define SOCKSCOPE_REPORT_H

#include <stddef.h>
#include <stdio.h>

struct report_asset {
	const char *name; /* "index.html", "style.css", "ladder.js" */
	const char *data;
	size_t size;
};

/* Terminated by an entry whose name is NULL. */
extern const struct report_asset report_assets[];

/*
 * Writes the page to `out`, with the timeline read from `timeline` (a JSON
 * document) inlined.  Returns 0, or -SS_EIO with a message in errbuf.
 */
int report_write(FILE *out, FILE *timeline, char *errbuf, size_t errsize);

/*
 * Reads a timeline document in sockscope's layout (one event a line, as
 * report_read_timeline writes it) from `doc` and writes its rows to `out`,
 * a column each: {"schema":"sockscope.rows/1", "events": N, "rows": R,
 * "event":[...], "frame":[...] (both as differences from the row before), "t",
 * "flow", "dir", "src", "dst", "flags", "seq", "plen", "state", "size"
 * (the line's length in bytes, without its comma), then the
 * tables "endpoints", "flag_sets", "states"} (docs/web.md).  An
 * event is a row only when it is a TCP packet the page would read the same
 * from these numbers (web/rows.js).  Returns the number of rows (0: none, or
 * the document has another layout; `out` then holds nothing the page should
 * read), or -SS_EIO with a message in errbuf.
 */
int report_rows_write(FILE *doc, FILE *out, char *errbuf, size_t errsize);

/*
 * Reads a timeline in either format (docs/timeline.md) from `in` and writes
 * it to `out` as the JSON document report_write inlines.  A document is
 * checked for its schema and copied; JSON Lines are checked line by line
 * (each a JSON object; a header with a known schema first; the end line
 * last; every line whole) and assembled, event lines unchanged.  Returns 0,
 * or -SS_EMALFORMED with "line N: why" in errbuf (-SS_EIO when writing failed).
 */
int report_read_timeline(FILE *in, FILE *out, char *errbuf, size_t errsize);

#endif
