/*
 * read.c - a timeline file as the JSON document the page reads, from either
 * format: a document is copied as it is (the page checks it, and explains
 * what is wrong); JSON Lines are checked line by line (json-c's tokener) and
 * assembled into the document,
 * event lines verbatim, so nothing is re-encoded.  The flow lines come before
 * the end line that carries `source` and `endpoints`, which the document puts
 * first: they wait in a temporary file.
 */
#include "sockscope/report.h"
#include "sockscope/common.h"
#include "sockscope/timeline.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#define READ_MAX_LINE  (16u << 20) /* longer than any event sockscope writes */
#define FLOW_PREFIX    "{\"kind\":\"flow\","
#define JSONL_START    "{\"kind\":\"header\"" /* how JSON Lines begin; a document never does */
#define JSON_TO_STRING (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

struct reader {
	FILE *in, *out, *flows;
	char *line;
	size_t size, len;
	const char *peek; /* the first bytes, read to tell the format */
	size_t peek_len;
	unsigned long lineno;
	uint64_t events, flow_count;
	bool ended;
	char *errbuf;
	size_t errsize;
};

static int fail(struct reader *r, const char *fmt, const char *what)
{
	char why[160];

	snprintf(why, sizeof why, fmt, what);
	snprintf(r->errbuf, r->errsize, "line %lu: %s", r->lineno, why);
	return -SS_EMALFORMED;
}

/* The peeked bytes put back before the line just read; the line's new length. */
static ssize_t prepend_peek(struct reader *r, ssize_t n)
{
	size_t len = n < 0 ? 0 : (size_t)n, need = len + r->peek_len + 1;
	char *line = r->line;

	if (need > r->size) {
		line = realloc(r->line, need);
		if (!line)
			return -1;
		r->line = line;
		r->size = need;
	}
	memmove(line + r->peek_len, line, len);
	memcpy(line, r->peek, r->peek_len);
	line[len + r->peek_len] = '\0';
	n = (ssize_t)(len + r->peek_len);
	r->peek_len = 0;
	return n;
}

/* The next line, without its '\n'; 0 at the end, 1 with a line, <0 on error. */
static int next_line(struct reader *r)
{
	ssize_t n = getline(&r->line, &r->size, r->in);

	if (r->peek_len) /* the first line: its start was read to tell the format */
		n = prepend_peek(r, n);
	if (n < 0)
		return ferror(r->in) ? fail(r, "%s", "cannot read the file") : 0;
	r->lineno++;
	if ((size_t)n > READ_MAX_LINE)
		return fail(r, "%s", "longer than 16 MiB: not a timeline line");
	if (r->line[n - 1] != '\n')
		return fail(r, "%s", "cut short: the last line has no end");
	r->line[--n] = '\0';
	if (n > 0 && r->line[n - 1] == '\r')
		r->line[--n] = '\0'; /* CRLF, from another system's tools */
	r->len = (size_t)n;
	return 1;
}

/* The line as one JSON object, or NULL after fail(). */
static json_object *parse_line(struct reader *r)
{
	json_tokener *tok = json_tokener_new();
	json_object *obj;
	enum json_tokener_error err;

	if (!tok) {
		fail(r, "%s", "out of memory");
		return NULL;
	}
	obj = json_tokener_parse_ex(tok, r->line, (int)r->len);
	err = json_tokener_get_error(tok);

	if (obj && (err != json_tokener_success || json_tokener_get_parse_end(tok) != r->len ||
	            !json_object_is_type(obj, json_type_object))) {
		json_object_put(obj);
		obj = NULL;
	}
	if (!obj)
		fail(r, "not a JSON object (%s)",
		     err == json_tokener_success ? "something follows it" : json_tokener_error_desc(err));
	json_tokener_free(tok);
	return obj;
}

static const char *kind_of(json_object *obj)
{
	json_object *kind = json_object_object_get(obj, "kind");
	return json_object_is_type(kind, json_type_string) ? json_object_get_string(kind) : "";
}

static int check_schema(struct reader *r, const char *schema)
{
	if (schema && strcmp(schema, TIMELINE_SCHEMA) == 0)
		return 0;
	return fail(r, "unknown schema '%s' (this sockscope reads " TIMELINE_SCHEMA ")",
	            schema ? schema : "none");
}

/* {"kind":"header","schema":..,"source":..,"demo":..,"glossary":..} opens the document. */
static int read_header(struct reader *r, json_object *head)
{
	json_object *schema = json_object_object_get(head, "schema");
	json_object *demo = json_object_object_get(head, "demo");
	json_object *glossary = json_object_object_get(head, "glossary");

	if (strcmp(kind_of(head), "header") != 0)
		return fail(r, "%s", "the first line is not the header ({\"kind\":\"header\",...})");
	if (check_schema(r, json_object_get_string(schema)) < 0)
		return -SS_EMALFORMED;
	fputs("{\"schema\":\"" TIMELINE_SCHEMA "\"", r->out);
	if (demo)
		fprintf(r->out, ",\"demo\":%s", json_object_to_json_string_ext(demo, JSON_TO_STRING));
	if (glossary)
		fprintf(r->out, ",\n\"glossary\":%s",
		        json_object_to_json_string_ext(glossary, JSON_TO_STRING));
	fputs(",\n\"events\":[", r->out);
	return 0;
}

/* The document's tail, from the end line: source, endpoints, then the flows. */
static void write_end(struct reader *r, json_object *end)
{
	json_object *cut = json_object_object_get(end, "endpoints_cut");
	char block[16384];
	size_t n;

	fprintf(r->out, "\n],\n\"source\":%s,\n\"endpoints\":%s",
	        json_object_to_json_string_ext(json_object_object_get(end, "source"), JSON_TO_STRING),
	        json_object_to_json_string_ext(json_object_object_get(end, "endpoints"),
	                                       JSON_TO_STRING));
	if (json_object_get_boolean(cut))
		fputs(",\n\"endpoints_cut\":true", r->out);
	fputs(",\n\"flows\":[", r->out);
	rewind(r->flows);
	while ((n = fread(block, 1, sizeof block, r->flows)) > 0)
		fwrite(block, 1, n, r->out);
	fputs("\n]}\n", r->out);
}

/* One line after the header: an event, a flow or the end. */
static int read_item(struct reader *r, json_object *obj)
{
	const char *kind = kind_of(obj);

	if (r->ended)
		return fail(r, "%s", "a line after the end line");
	if (!*kind)
		return fail(r, "%s", "an object without a \"kind\"");
	if (strcmp(kind, "header") == 0)
		return fail(r, "%s", "a second header");
	if (strcmp(kind, "flow") == 0) {
		if (strncmp(r->line, FLOW_PREFIX, strlen(FLOW_PREFIX)) != 0)
			return fail(r, "%s", "a flow line must start with " FLOW_PREFIX);
		fprintf(r->flows, "%s\n{%s", r->flow_count++ ? "," : "",
		        r->line + strlen(FLOW_PREFIX));
		return 0;
	}
	if (strcmp(kind, "end") == 0) {
		if (!json_object_object_get(obj, "source") || !json_object_object_get(obj, "endpoints"))
			return fail(r, "%s", "the end line lacks source or endpoints");
		write_end(r, obj);
		r->ended = true;
		return 0;
	}
	fprintf(r->out, "%s\n%s", r->events++ ? "," : "", r->line);
	return 0;
}

static int read_lines(struct reader *r)
{
	int rc;

	while ((rc = next_line(r)) > 0) {
		json_object *obj = parse_line(r);
		if (!obj)
			return -SS_EMALFORMED;
		rc = r->lineno == 1 ? read_header(r, obj) : read_item(r, obj);
		json_object_put(obj);
		if (rc < 0)
			return rc;
	}
	if (rc == 0 && !r->ended) {
		r->lineno++;
		return fail(r, "%s", "the timeline ends without its end line: cut short?");
	}
	return rc;
}

/* A document (or anything else) is copied as it is: the page checks it and
 * says what is wrong in words, as it does for a file it opens. */
static int copy_verbatim(struct reader *r, const char *peek, size_t n)
{
	char block[16384];

	fwrite(peek, 1, n, r->out);
	while ((n = fread(block, 1, sizeof block, r->in)) > 0)
		fwrite(block, 1, n, r->out);
	return ferror(r->in) ? fail(r, "%s", "cannot read the file") : 0;
}

int report_read_timeline(FILE *in, FILE *out, char *errbuf, size_t errsize)
{
	struct reader r = {.in = in, .out = out, .errbuf = errbuf, .errsize = errsize};
	char peek[sizeof JSONL_START - 1];
	size_t n = fread(peek, 1, sizeof peek, in);
	int rc;

	if (n < sizeof peek || memcmp(peek, JSONL_START, sizeof peek) != 0) {
		rc = copy_verbatim(&r, peek, n);
	} else {
		r.peek = peek;
		r.peek_len = n;
		r.flows = tmpfile();
		if (r.flows) {
			rc = read_lines(&r);
			fclose(r.flows);
		} else {
			snprintf(errbuf, errsize, "cannot make a temporary file");
			rc = -SS_ENOMEM;
		}
	}
	free(r.line);
	if (rc == 0 && ferror(out)) {
		snprintf(errbuf, errsize, "cannot write the timeline");
		rc = -SS_EIO;
	}
	return rc;
}
