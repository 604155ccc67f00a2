/*
 * report.c - the self-contained page: web/index.html with every
 * <link rel="stylesheet" href="F"> and <script src="F"></script> replaced by
 * the file's text, and the timeline placed in the page's data element.
 *
 * The timeline is compressed (raw DEFLATE, deflate.h) and written in base64
 * inside <script type="application/octet-stream"> elements, which the page
 * inflates as it reads them (web/preload.js): base64 holds no '<', so no
 * captured byte can end an element or start markup, and the page is about a
 * tenth of the timeline's size.  Chromium spends about 16 ns on each byte of
 * a page it parses: 1.6-1.9 s for a 100,000-event timeline written out whole,
 * which alone took most of the viewer's 2.5 s budget.
 *
 * The text is cut into pieces of REPORT_PIECE characters, one element each:
 * Chromium reads one big element much more slowly than many small ones (it
 * keeps growing the one text node).  Every piece holds whole groups of four
 * characters, so each decodes on its own.
 *
 * After them, when the timeline has any, its rows (report_rows.c), compressed
 * the same way in elements of class sockscope-rows.
 */
#include "sockscope/report.h"
#include "sockscope/common.h"
#include "sockscope/deflate.h"

#include <stdio.h>
#include <string.h>

static const char link_open[] = "<link rel=\"stylesheet\" href=\"";
static const char script_open[] = "<script src=\"";
static const char data_element[] =
    "<script type=\"application/json\" class=\"sockscope-timeline\"></script>";
static const char data_open[] = "<script type=\"application/octet-stream\" "
                                "class=\"sockscope-%s\" data-encoding=\"deflate-raw;base64\">";

enum { REPORT_PIECE = 64 * 1024 };

static const struct report_asset *find_asset(const char *name, size_t len)
{
	for (const struct report_asset *a = report_assets; a->name; a++)
		if (strlen(a->name) == len && memcmp(a->name, name, len) == 0)
			return a;
	return NULL;
}

/* Script text, with "</script" written as "<\/script" so it cannot end the element. */
static void write_script_text(FILE *out, const struct report_asset *asset)
{
	const char *p = asset->data, *end = asset->data + asset->size;
	const char *hit;

	while ((hit = memmem(p, (size_t)(end - p), "</script", 8)) != NULL) {
		fwrite(p, 1, (size_t)(hit - p), out);
		fputs("<\\/script", out);
		p = hit + 8;
	}
	fwrite(p, 1, (size_t)(end - p), out);
}

/* The page's side of the compressor: base64 text, cut into elements. */
struct pieces {
	FILE *out;
	const char *what; /* "timeline", "rows": the elements' class */
	unsigned char carry[3]; /* bytes waiting for a whole group of three */
	size_t ncarry;
	size_t piece; /* characters in the open element */
};

static const char base64_digits[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void put_group(struct pieces *p, const unsigned char *b, size_t n)
{
	char text[4];
	uint32_t v = (uint32_t)b[0] << 16 | (uint32_t)(n > 1 ? b[1] : 0) << 8 | (n > 2 ? b[2] : 0);

	if (p->piece >= REPORT_PIECE) {
		fputs("</script>\n", p->out);
		fprintf(p->out, data_open, p->what);
		p->piece = 0;
	}
	for (int i = 0; i < 4; i++)
		text[i] = (size_t)i <= n ? base64_digits[(v >> (18 - 6 * i)) & 63] : '=';
	fwrite(text, 1, 4, p->out);
	p->piece += 4;
}

static int pieces_sink(void *ctx, const unsigned char *data, size_t len)
{
	struct pieces *p = ctx;

	for (size_t i = 0; i < len; i++) {
		p->carry[p->ncarry++] = data[i];
		if (p->ncarry == 3) {
			put_group(p, p->carry, 3);
			p->ncarry = 0;
		}
	}
	return ferror(p->out) ? -SS_EIO : 0;
}

/* `in`, compressed, in elements of class sockscope-WHAT. */
static int write_pieces(FILE *out, FILE *in, const char *what)
{
	struct pieces p = {.out = out, .what = what};
	struct deflate *d = deflate_new(pieces_sink, &p);
	unsigned char buf[64 * 1024];
	size_t n;
	int rc = d ? 0 : -SS_ENOMEM;

	fprintf(out, data_open, what);
	while (rc == 0 && (n = fread(buf, 1, sizeof buf, in)) > 0)
		rc = deflate_write(d, buf, n);
	if (rc == 0)
		rc = deflate_finish(d);
	if (rc == 0 && p.ncarry)
		put_group(&p, p.carry, p.ncarry);
	fputs("</script>", out);
	deflate_free(d);
	return rc;
}

/* The timeline, then its rows: the page draws its first screen from the
 * timeline's first piece and reads the rows once the page is parsed.  Without
 * rows (another layout, no TCP packet) the page reads the timeline alone. */
static int write_timeline(FILE *out, FILE *timeline, char *errbuf, size_t errsize)
{
	FILE *rows = tmpfile();
	int n = rows ? report_rows_write(timeline, rows, errbuf, errsize) : -SS_EIO;
	int rc = n;

	if (!rows)
		snprintf(errbuf, errsize, "cannot make a temporary file for the report's rows");
	if (rc >= 0) {
		rewind(timeline);
		rc = write_pieces(out, timeline, "timeline");
	}
	if (rc == 0 && n > 0) {
		rewind(rows);
		fputc('\n', out);
		rc = write_pieces(out, rows, "rows");
	}
	if (rows)
		fclose(rows);
	if (rc < 0 && !errbuf[0])
		snprintf(errbuf, errsize, "cannot compress the timeline: %s", ss_strerror(rc));
	return rc < 0 ? rc : 0;
}

/* Inlines the asset named at `name` (up to the closing quote); returns the
 * position after the tag, or NULL when the tag or asset is bad. */
static const char *inline_asset(FILE *out, const char *name, const char *tag_end, bool style,
                                char *errbuf, size_t errsize)
{
	const char *quote = strchr(name, '"');
	const char *close = quote ? strstr(quote, tag_end) : NULL;
	const struct report_asset *asset = quote ? find_asset(name, (size_t)(quote - name)) : NULL;

	if (!close || !asset) {
		snprintf(errbuf, errsize, "web page: %.*s is missing from this build",
		         quote ? (int)(quote - name) : 40, name);
		return NULL;
	}
	fputs(style ? "<style>\n" : "<script>\n", out);
	if (style)
		fwrite(asset->data, 1, asset->size, out);
	else
		write_script_text(out, asset);
	fputs(style ? "\n</style>" : "\n</script>", out);
	return close + strlen(tag_end);
}

/* The first of the three tags at or after p, or NULL. */
static const char *next_tag(const char *p, int *kind)
{
	const char *hits[3] = {strstr(p, link_open), strstr(p, script_open),
	                       strstr(p, data_element)};
	const char *best = NULL;

	for (int i = 0; i < 3; i++)
		if (hits[i] && (!best || hits[i] < best)) {
			best = hits[i];
			*kind = i;
		}
	return best;
}

int report_write(FILE *out, FILE *timeline, char *errbuf, size_t errsize)
{
	const struct report_asset *page = find_asset("index.html", 10);
	const char *p, *tag;
	int kind = 0;

	if (!page) {
		snprintf(errbuf, errsize,
		         "the web page is not part of this build (web/index.html)");
		return -SS_EIO;
	}
	p = page->data; /* the generated array ends with a NUL byte */
	while ((tag = next_tag(p, &kind)) != NULL) {
		fwrite(p, 1, (size_t)(tag - p), out);
		if (kind == 2) {
			errbuf[0] = '\0';
			int rc = write_timeline(out, timeline, errbuf, errsize);

			if (rc < 0)
				return rc;
			p = tag + strlen(data_element);
			continue;
		}
		p = kind == 0
		        ? inline_asset(out, tag + strlen(link_open), ">", true, errbuf, errsize)
		        : inline_asset(out, tag + strlen(script_open), "</script>", false, errbuf,
		                       errsize);
		if (!p)
			return -SS_EIO;
	}
	fputs(p, out);
	if (ferror(out) || ferror(timeline)) {
		snprintf(errbuf, errsize, "cannot write the page");
		return -SS_EIO;
	}
	return 0;
}
