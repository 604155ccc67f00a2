/*
 * report_rows.c - a report's rows: the TCP packets of its timeline as plain
 * numbers, so the page does not have to find them in the text.
 *
 * The page keeps most TCP packets as rows of numbers (web/rows.js), found by
 * one regular expression that checks every byte of each line: for 100,000
 * events, about a third of the page's reading time.  A report's timeline is
 * read here once, with json-c, and the rows go into the page beside it
 * (docs/web.md, "The report's rows"); the page then takes those lines as they
 * are and keeps their text for when they are shown.
 *
 * A line is a row only when the page could not tell it from the same packet
 * read in full: a TCP packet with no analysis flag and no member the model
 * reads from events (the members web/rows.js accepts), its endpoints, flags
 * and states of the shapes the page's tables check.  Anything else is left to
 * the page's JSON.parse.
 */
#include "sockscope/report.h"
#include "sockscope/common.h"

#include <json-c/json.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ROWS_SCHEMA "sockscope.rows/1"
#define SAFE_INT 9007199254740992LL /* 2^53: a JavaScript number holds it exactly */

/* A table of distinct values: id by their text. */
struct table {
	json_object *ids;    /* text -> id */
	json_object *values; /* array, by id */
};

/* The rows' columns, in the order they are written. */
enum column { C_EVENT, C_FRAME, C_T, C_FLOW, C_DIR, C_SRC, C_DST, C_FLAGS, C_SEQ, C_LEN, C_PLEN,
              C_STATE, COLUMNS };
static const char *const column_names[COLUMNS] = {"event", "frame", "t",   "flow",
                                                  "dir",   "src",   "dst", "flags",
                                                  "seq",   "len",   "plen", "state"};

/* A column holds doubles (t) or integers; event and frame are written as the
 * difference from the row before (they grow by one or so: a few bytes each). */
union cell {
	int64_t n;
	double d;
};

struct rows {
	struct table endpoints, flag_sets, states;
	union cell *cells; /* row-major: row r's column c at r * COLUMNS + c */
	size_t count, capacity;
	json_tokener *tok;
};

static const char *const packet_members[] = {
    "kind",  "frame", "t",         "ts",              "flow", "dir",   "src",
    "dst",   "ip",    "tcp",       "handshake",       "state", "analysis", "analysis_detail",
    "sack",  "dsack", "rtt",       "payload",         "label", "explain", NULL};
static const char *const tcp_members[] = {"flags", "seq",  "ack",        "seq_rel", "ack_rel",
                                          "len",   "win",  "win_scaled", "options", NULL};

static bool listed(const char *const *names, const char *key)
{
	for (; *names; names++)
		if (strcmp(*names, key) == 0)
			return true;
	return false;
}

static bool only_members(json_object *obj, const char *const *names)
{
	json_object_object_foreach(obj, key, value)
	{
		(void)value;
		if (!listed(names, key))
			return false;
	}
	return true;
}

static json_object *member(json_object *obj, const char *key, json_type type)
{
	json_object *v = NULL;
	return json_object_object_get_ex(obj, key, &v) && json_object_is_type(v, type) ? v : NULL;
}

/* An integer member in [0, max], or -1. */
static int64_t whole(json_object *obj, const char *key, int64_t max)
{
	json_object *v = member(obj, key, json_type_int);
	int64_t n = v ? json_object_get_int64(v) : -1;
	return n >= 0 && n <= max ? n : -1;
}

static bool is_endpoint(json_object *v)
{
	json_object *port = NULL;
	return v && member(v, "addr", json_type_string) && json_object_object_get_ex(v, "port", &port) &&
	       (port == NULL || json_object_is_type(port, json_type_int) ||
	        json_object_is_type(port, json_type_double));
}

static bool is_flag_list(json_object *v)
{
	size_t n = v ? json_object_array_length(v) : 0;
	for (size_t i = 0; i < n; i++)
		if (!json_object_is_type(json_object_array_get_idx(v, i), json_type_string))
			return false;
	return v != NULL;
}

static bool is_state(json_object *v)
{
	return v && member(v, "client", json_type_string) && member(v, "server", json_type_string);
}

/* The shortest text that reads back as the same double, as JavaScript writes numbers. */
static void put_double(FILE *out, double v)
{
	char text[32];
	for (int digits = 15; digits <= 17; digits++) {
		snprintf(text, sizeof text, "%.*g", digits, v);
		if (strtod(text, NULL) == v)
			break;
	}
	fputs(text, out);
}

static const char *text_of(json_object *v)
{
	return json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
	                                              JSON_C_TO_STRING_NOSLASHESCAPE);
}

/* The value's id in the table, added when new; -1 when out of memory. */
static int64_t table_id(struct table *t, json_object *v)
{
	const char *text = text_of(v);
	json_object *id = NULL;

	if (!text)
		return -1;
	if (json_object_object_get_ex(t->ids, text, &id))
		return json_object_get_int64(id);
	int64_t n = (int64_t)json_object_array_length(t->values);
	if (json_object_object_add(t->ids, text, json_object_new_int64(n)) != 0 ||
	    json_object_array_add(t->values, json_object_get(v)) != 0)
		return -1;
	return n;
}

/* Whether the packet's members are all ones a row may have, with their shapes. */
static bool row_shaped(json_object *ev, json_object **tcp)
{
	json_object *kind = member(ev, "kind", json_type_string);
	json_object *dir = member(ev, "dir", json_type_string);
	json_object *analysis = member(ev, "analysis", json_type_array);
	json_object *detail = member(ev, "analysis_detail", json_type_object);
	json_object *t = NULL;

	*tcp = member(ev, "tcp", json_type_object);
	if (!kind || strcmp(json_object_get_string(kind), "packet") != 0 || !*tcp || !dir ||
	    !only_members(ev, packet_members) || !only_members(*tcp, tcp_members))
		return false;
	if (strcmp(json_object_get_string(dir), "c2s") != 0 &&
	    strcmp(json_object_get_string(dir), "s2c") != 0)
		return false;
	if (!analysis || json_object_array_length(analysis) != 0 || !detail ||
	    json_object_object_length(detail) != 0)
		return false;
	if (!json_object_object_get_ex(ev, "t", &t) ||
	    !(json_object_is_type(t, json_type_int) || json_object_is_type(t, json_type_double)) ||
	    !isfinite(json_object_get_double(t)))
		return false;
	return member(ev, "ts", json_type_string) && member(ev, "ip", json_type_object) &&
	       member(ev, "label", json_type_string) &&
	       is_endpoint(member(ev, "src", json_type_object)) &&
	       is_endpoint(member(ev, "dst", json_type_object)) &&
	       is_flag_list(member(*tcp, "flags", json_type_array)) &&
	       member(*tcp, "ack", json_type_int) && member(*tcp, "win", json_type_int) &&
	       is_state(member(ev, "state", json_type_object));
}

/* Writes event `index` as a row when it is one: 1, 0 when it is not, -1 on failure. */
static int put_row(struct rows *rs, size_t index, json_object *ev)
{
	json_object *tcp, *payload, *t;
	if (!row_shaped(ev, &tcp))
		return 0;
	int64_t frame = whole(ev, "frame", SAFE_INT), flow = whole(ev, "flow", INT32_MAX);
	int64_t seq = whole(tcp, "seq", SAFE_INT), len = whole(tcp, "len", SAFE_INT), plen = len;
	if ((payload = member(ev, "payload", json_type_object)) != NULL)
		plen = whole(payload, "len", SAFE_INT);
	if (frame < 0 || flow < 0 || seq < 0 || len < 0 || plen < 0)
		return 0;
	int64_t src = table_id(&rs->endpoints, member(ev, "src", json_type_object));
	int64_t dst = table_id(&rs->endpoints, member(ev, "dst", json_type_object));
	int64_t flags = table_id(&rs->flag_sets, member(tcp, "flags", json_type_array));
	int64_t state = table_id(&rs->states, member(ev, "state", json_type_object));
	if (src < 0 || dst < 0 || flags < 0 || state < 0)
		return -1;
	if (rs->count == rs->capacity) {
		size_t cap = rs->capacity ? rs->capacity * 2 : 4096;
		union cell *grown = cap < SIZE_MAX / COLUMNS / sizeof *grown
		                        ? realloc(rs->cells, cap * COLUMNS * sizeof *grown)
		                        : NULL;
		if (!grown)
			return -1;
		rs->cells = grown;
		rs->capacity = cap;
	}
	union cell *c = &rs->cells[rs->count++ * COLUMNS];
	json_object_object_get_ex(ev, "t", &t);
	c[C_EVENT].n = (int64_t)index;
	c[C_FRAME].n = frame;
	c[C_T].d = json_object_get_double(t);
	c[C_FLOW].n = flow;
	c[C_DIR].n = strcmp(json_object_get_string(member(ev, "dir", json_type_string)), "s2c") == 0;
	c[C_SRC].n = src;
	c[C_DST].n = dst;
	c[C_FLAGS].n = flags;
	c[C_SEQ].n = seq;
	c[C_LEN].n = len;
	c[C_PLEN].n = plen;
	c[C_STATE].n = state;
	return 1;
}

/* One column as a JSON array (event and frame as differences). */
static void put_column(FILE *out, const struct rows *rs, enum column col)
{
	int64_t before = 0;

	fprintf(out, ",\n\"%s\":[", column_names[col]);
	for (size_t r = 0; r < rs->count; r++) {
		const union cell *c = &rs->cells[r * COLUMNS + col];
		if (r)
			fputc(',', out);
		if (col == C_T) {
			put_double(out, c->d);
		} else if (col == C_EVENT || col == C_FRAME) {
			fprintf(out, "%lld", (long long)(c->n - before));
			before = c->n;
		} else {
			fprintf(out, "%lld", (long long)c->n);
		}
	}
	fputc(']', out);
}

/*
 * Whether text is one JSON value exactly as RFC 8259 (and so JSON.parse) has it:
 * json-c, even strict, also takes raw control characters in strings, single
 * quotes and "1.", which the page's JSON.parse would refuse when the row's event
 * is read.  No allocation; nesting deeper than JSON_DEPTH is refused.
 */
enum { JSON_DEPTH = 32 };

struct scan {
	const unsigned char *p, *end;
	int depth;
};

static void skip_space(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

static bool take(struct scan *s, unsigned char c)
{
	if (s->p < s->end && *s->p == c) {
		s->p++;
		return true;
	}
	return false;
}

static bool digits(struct scan *s)
{
	const unsigned char *from = s->p;
	while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
		s->p++;
	return s->p > from;
}

static bool scan_number(struct scan *s)
{
	take(s, '-');
	if (!take(s, '0') && !(s->p < s->end && *s->p >= '1' && *s->p <= '9' && digits(s)))
		return false;
	if (take(s, '.') && !digits(s))
		return false;
	if (take(s, 'e') || take(s, 'E')) {
		if (!take(s, '+'))
			take(s, '-');
		return digits(s);
	}
	return true;
}

static bool scan_string(struct scan *s)
{
	if (!take(s, '"'))
		return false;
	while (s->p < s->end) {
		unsigned char c = *s->p++;
		if (c == '"')
			return true;
		if (c < 0x20)
			return false;
		if (c != '\\')
			continue;
		if (s->p >= s->end)
			return false;
		c = *s->p++;
		if (c == 'u') {
			for (int i = 0; i < 4; i++, s->p++)
				if (s->p >= s->end || !strchr("0123456789abcdefABCDEF", *s->p) || !*s->p)
					return false;
		} else if (!c || !strchr("\"\\/bfnrt", c)) {
			return false;
		}
	}
	return false;
}

static bool scan_value(struct scan *s);

/* The members of an object or the items of an array, up to and with `close`. */
static bool scan_items(struct scan *s, unsigned char close, bool object)
{
	if (++s->depth > JSON_DEPTH)
		return false;
	skip_space(s);
	if (take(s, close)) {
		s->depth--;
		return true;
	}
	do {
		skip_space(s);
		if (object && !(scan_string(s) && (skip_space(s), take(s, ':'))))
			return false;
		if (!scan_value(s))
			return false;
		skip_space(s);
	} while (take(s, ','));
	s->depth--;
	return take(s, close);
}

static bool scan_literal(struct scan *s, const char *word)
{
	size_t n = strlen(word);
	if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0)
		return false;
	s->p += n;
	return true;
}

static bool scan_value(struct scan *s)
{
	skip_space(s);
	if (s->p >= s->end)
		return false;
	switch (*s->p) {
	case '{':
		s->p++;
		return scan_items(s, '}', true);
	case '[':
		s->p++;
		return scan_items(s, ']', false);
	case '"':
		return scan_string(s);
	case 't':
		return scan_literal(s, "true");
	case 'f':
		return scan_literal(s, "false");
	case 'n':
		return scan_literal(s, "null");
	default:
		return scan_number(s);
	}
}

static bool json_valid(const char *text, size_t len)
{
	struct scan s = {(const unsigned char *)text, (const unsigned char *)text + len, 0};
	if (!scan_value(&s))
		return false;
	skip_space(&s);
	return s.p == s.end;
}

/* One event line of the document (its comma already cut). */
static int take_event(struct rows *rs, size_t index, const char *line, size_t len)
{
	if (len < 16 || memcmp(line, "{\"kind\":\"packet\"", 16) != 0 || !json_valid(line, len))
		return 0; /* only packets can be rows; the page's JSON.parse says what is wrong */
	json_tokener_reset(rs->tok);
	json_object *ev = json_tokener_parse_ex(rs->tok, line, (int)len);
	int rc = 0;

	if (ev && json_tokener_get_error(rs->tok) == json_tokener_success &&
	    json_tokener_get_parse_end(rs->tok) == len && json_object_is_type(ev, json_type_object))
		rc = put_row(rs, index, ev);
	json_object_put(ev);
	return rc;
}

/* The event lines of a document in sockscope's layout: `"events":[` on a line
 * of its own, one event a line, `]` opening the line after the last.  Returns
 * the number of events, or -1 when the layout is another one or on failure. */
static long read_events(struct rows *rs, FILE *doc)
{
	char *line = NULL;
	size_t cap = 0, index = 0;
	ssize_t n;
	bool in_events = false;
	long result = -1;

	while ((n = getline(&line, &cap, doc)) > 0) {
		size_t len = (size_t)n;
		if (line[len - 1] == '\n')
			len--;
		if (!in_events) {
			in_events = len == 10 && memcmp(line, "\"events\":[", 10) == 0;
			continue;
		}
		if (len > 0 && line[0] == ']') {
			result = (long)index;
			break;
		}
		if (len > 0 && line[len - 1] == ',')
			len--;
		if (len > INT32_MAX || take_event(rs, index++, line, len) < 0)
			break;
	}
	free(line);
	return result;
}

static bool table_init(struct table *t)
{
	t->ids = json_object_new_object();
	t->values = json_object_new_array();
	return t->ids && t->values;
}

static void table_free(struct table *t)
{
	json_object_put(t->ids);
	json_object_put(t->values);
}

int report_rows_write(FILE *doc, FILE *out, char *errbuf, size_t errsize)
{
	struct rows rs = {.tok = json_tokener_new()};
	long events = -1;

	if (rs.tok && table_init(&rs.endpoints) && table_init(&rs.flag_sets) &&
	    table_init(&rs.states)) {
		json_tokener_set_flags(rs.tok, JSON_TOKENER_STRICT);
		events = read_events(&rs, doc);
	}
	if (events >= 0 && rs.count > 0) {
		fprintf(out, "{\"schema\":\"" ROWS_SCHEMA "\",\"events\":%ld,\"rows\":%zu", events,
		        rs.count);
		for (int col = 0; col < COLUMNS; col++)
			put_column(out, &rs, (enum column)col);
		fprintf(out, ",\n\"endpoints\":%s,\n\"flag_sets\":%s,\n\"states\":%s}\n",
		        text_of(rs.endpoints.values), text_of(rs.flag_sets.values),
		        text_of(rs.states.values));
	}
	free(rs.cells);
	table_free(&rs.endpoints);
	table_free(&rs.flag_sets);
	table_free(&rs.states);
	if (rs.tok)
		json_tokener_free(rs.tok);
	if (ferror(doc) || ferror(out)) {
		snprintf(errbuf, errsize, "cannot write the report's rows");
		return -SS_EIO;
	}
	return events < 0 || rs.count == 0 ? 0 : (int)(rs.count > INT32_MAX ? INT32_MAX : rs.count);
}
