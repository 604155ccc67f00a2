/*
 * report.c - the self-contained page: web/index.html with every
 * <link rel="stylesheet" href="F"> and <script src="F"></script> replaced by
 * the file's text, and the timeline placed in the page's data element.
 *
 * The timeline goes inside <script type="application/json"> elements, where
 * the HTML parser looks only for "</script" (and "<!--"): every '<' of the
 * JSON is written as \u003c, which JSON.parse reads back as '<', so no
 * captured byte can end an element or start markup.
 *
 * A big timeline is cut into pieces of about REPORT_PIECE bytes, one element
 * each, which the page joins again: Chromium reads a 67 MB timeline in one
 * element about 2 s slower than the same bytes in 64 KiB elements (it keeps
 * growing the one text node).  A cut falls only before an ASCII byte, never
 * inside a UTF-8 sequence or a \u003c escape.
 */
#include "sockscope/report.h"
#include "sockscope/common.h"

#include <stdio.h>
#include <string.h>

static const char link_open[] = "<link rel=\"stylesheet\" href=\"";
static const char script_open[] = "<script src=\"";
static const char data_element[] =
    "<script type=\"application/json\" class=\"sockscope-timeline\"></script>";
static const char data_open[] = "<script type=\"application/json\" class=\"sockscope-timeline\">";

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

static void write_timeline(FILE *out, FILE *timeline)
{
	size_t piece = 0;
	int ch;

	fputs(data_open, out);
	while ((ch = getc(timeline)) != EOF) {
		if (piece >= REPORT_PIECE && ch < 0x80) {
			fputs("</script>\n", out);
			fputs(data_open, out);
			piece = 0;
		}
		if (ch == '<') {
			fputs("\\u003c", out);
			piece += 6;
		} else {
			putc(ch, out);
			piece++;
		}
	}
	fputs("</script>", out);
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
			write_timeline(out, timeline);
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
