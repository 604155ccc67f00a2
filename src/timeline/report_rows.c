/*
 * report_rows.c - a report's rows: the TCP packets of its timeline as plain
 * numbers, so the page does not have to find them in the text.
 *
 * The page keeps most TCP packets as rows of numbers (web/rows.js), found by
 * one regular expression that checks every byte of each line: for 100,000
 * events, about a third of the page's reading time.  A report's timeline is
 * read here once (json_scan.h: checked as JSON, taken apart in place; json-c
 * reads only the values its tables keep), and the rows go into the page beside it
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
#include "sockscope/json_scan.h"

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
	json_object *values; /* array of the texts, by id */
	bool (*check)(json_object *v); /* the shape the page's table checks */
};

/* The rows' columns, in the order they are written. */
enum column { C_EVENT, C_FRAME, C_T, C_FLOW, C_DIR, C_SRC, C_DST, C_FLAGS, C_SEQ, C_PLEN, C_STATE,
              C_SIZE, COLUMNS };
static const char *const column_names[COLUMNS] = {"event", "frame", "t",    "flow",  "dir",
                                                  "src",   "dst",   "flags", "seq", "plen",
                                                  "state", "size"};

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

/* The members a row's line may have, and those of its "tcp" (web/rows.js's
 * expression accepts these, no other). */
enum packet_member { P_KIND, P_FRAME, P_T, P_TS, P_FLOW, P_DIR, P_SRC, P_DST, P_IP, P_TCP,
                     P_HANDSHAKE, P_STATE, P_ANALYSIS, P_ANALYSIS_DETAIL, P_SACK, P_DSACK, P_RTT,
                     P_PAYLOAD, P_LABEL, P_EXPLAIN, PACKET_MEMBERS };
static const char *const packet_members[PACKET_MEMBERS] = {
    "kind",     "frame",           "t",    "ts",    "flow",  "dir",     "src",
    "dst",      "ip",              "tcp",  "handshake", "state", "analysis",
    "analysis_detail", "sack",     "dsack", "rtt",   "payload", "label", "explain"};
enum tcp_member { T_FLAGS, T_SEQ, T_ACK, T_SEQ_REL, T_ACK_REL, T_LEN, T_WIN, T_WIN_SCALED,
                  T_OPTIONS, TCP_MEMBERS };
static const char *const tcp_members[TCP_MEMBERS] = {
    "flags", "seq", "ack", "seq_rel", "ack_rel", "len", "win", "win_scaled", "options"};

static bool span_is(struct json_span s, const char *text)
{
	return s.n == strlen(text) && memcmp(s.p, text, s.n) == 0;
}

/*
 * An object's members by name: values[i] for names[i], or {NULL, 0} when it has
 * none.  False when a key is not one of the names, or comes twice (JSON.parse
 * keeps the last: such a line is left to it).  A key written with escapes is
 * not one of the names either: conservative, never wrong.
 */
static bool members_of(struct json_span obj, const char *const *names, int count,
                       struct json_span *values)
{
	struct json_span keys[PACKET_MEMBERS], vals[PACKET_MEMBERS];
	int n = json_scan_members(obj, keys, vals, count);

	memset(values, 0, (size_t)count * sizeof *values);
	for (int i = 0; i < n; i++) {
		int k = 0;
		while (k < count && !span_is(keys[i], names[k]))
			k++;
		if (k == count || values[k].p)
			return false;
		values[k] = vals[i];
	}
	return n >= 0;
}

/* A whole number written without sign, point or exponent, in [0, max]; else -1. */
static int64_t whole(struct json_span v, int64_t max)
{
	int64_t n = 0;

	if (v.n == 0 || v.n > 16 || (v.p[0] == '0' && v.n > 1))
		return -1;
	for (size_t i = 0; i < v.n; i++) {
		if (v.p[i] < '0' || v.p[i] > '9')
			return -1;
		n = n * 10 + (v.p[i] - '0');
	}
	return n <= max ? n : -1;
}

/* A JSON number (the scanner checked its form) as the double JSON.parse makes of it. */
static bool number(struct json_span v, double *out)
{
	char text[64];

	if (v.n == 0 || v.n >= sizeof text || !(v.p[0] == '-' || (v.p[0] >= '0' && v.p[0] <= '9')))
		return false;
	memcpy(text, v.p, v.n);
	text[v.n] = '\0';
	*out = strtod(text, NULL);
	return isfinite(*out);
}

static bool is_kind(struct json_span v, char open)
{
	return v.n > 0 && v.p[0] == open;
}

/* The shapes the page's tables check (web/rows.js): json-c reads the small value. */
static bool has_string(json_object *v, const char *key)
{
	json_object *m = NULL;
	return json_object_object_get_ex(v, key, &m) && json_object_is_type(m, json_type_string);
}

static bool is_endpoint(json_object *v)
{
	json_object *port = NULL;
	return json_object_is_type(v, json_type_object) && has_string(v, "addr") &&
	       json_object_object_get_ex(v, "port", &port) &&
	       (port == NULL || json_object_is_type(port, json_type_int) ||
	        json_object_is_type(port, json_type_double));
}

static bool is_flag_list(json_object *v)
{
	size_t n = json_object_is_type(v, json_type_array) ? json_object_array_length(v) : 0;
	for (size_t i = 0; i < n; i++)
		if (!json_object_is_type(json_object_array_get_idx(v, i), json_type_string))
			return false;
	return json_object_is_type(v, json_type_array);
}

static bool is_state(json_object *v)
{
	return json_object_is_type(v, json_type_object) && has_string(v, "client") &&
	       has_string(v, "server");
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

/* The id of a value (by the text it is written as) in the table, added when new
 * and of the table's shape; -2 when it is not, -1 when out of memory.  The table
 * keeps the text as written, which the page reads with JSON.parse as it reads the
 * line: json-c's own writing could differ (it holds 1e20 written as an integer
 * as 18446744073709551615). */
static int64_t table_id(struct rows *rs, struct table *t, struct json_span v)
{
	json_object *id = NULL, *value;
	char *key = strndup(v.p, v.n);

	if (!key)
		return -1;
	if (json_object_object_get_ex(t->ids, key, &id)) {
		free(key);
		return json_object_get_int64(id);
	}
	json_tokener_reset(rs->tok);
	value = json_tokener_parse_ex(rs->tok, v.p, (int)v.n);
	int64_t n = (int64_t)json_object_array_length(t->values);
	if (!value || !t->check(value)) {
		n = -2;
	} else if (json_object_object_add(t->ids, key, json_object_new_int64(n)) != 0 ||
	           json_object_array_add(t->values, json_object_new_string_len(v.p, (int)v.n)) != 0) {
		n = -1;
	}
	json_object_put(value);
	free(key);
	return n;
}

/* Room for one more row: its cells, or NULL when out of memory. */
static union cell *new_row(struct rows *rs)
{
	if (rs->count == rs->capacity) {
		size_t cap = rs->capacity ? rs->capacity * 2 : 4096;
		union cell *grown = cap < SIZE_MAX / COLUMNS / sizeof *grown
		                        ? realloc(rs->cells, cap * COLUMNS * sizeof *grown)
		                        : NULL;
		if (!grown)
			return NULL;
		rs->cells = grown;
		rs->capacity = cap;
	}
	return &rs->cells[rs->count++ * COLUMNS];
}

/* Whether the packet's members are all ones a row may have, with their forms:
 * then its number columns are in c (event, ids and the rest are filled later). */
static bool row_values(const struct json_span *m, const struct json_span *tcp, union cell *c)
{
	static const char *const payload_members[] = {"len", "text", "hex", "cut"};
	struct json_span payload[4];
	double t;

	if (!span_is(m[P_KIND], "\"packet\"") || !span_is(m[P_ANALYSIS], "[]") ||
	    !span_is(m[P_ANALYSIS_DETAIL], "{}") || !is_kind(m[P_TS], '"') ||
	    !is_kind(m[P_LABEL], '"') || !is_kind(m[P_IP], '{') || !number(m[P_T], &t) ||
	    !(span_is(m[P_DIR], "\"c2s\"") || span_is(m[P_DIR], "\"s2c\"")) ||
	    whole(tcp[T_ACK], INT64_MAX / 10) < 0 || whole(tcp[T_WIN], INT64_MAX / 10) < 0)
		return false;
	c[C_FRAME].n = whole(m[P_FRAME], SAFE_INT);
	c[C_T].d = t;
	c[C_FLOW].n = whole(m[P_FLOW], INT32_MAX);
	c[C_DIR].n = m[P_DIR].p[1] == 's';
	c[C_SEQ].n = whole(tcp[T_SEQ], SAFE_INT);
	/* the payload's length, else the segment's (what the page's rows keep) */
	c[C_PLEN].n = whole(tcp[T_LEN], SAFE_INT);
	if (c[C_PLEN].n >= 0 && m[P_PAYLOAD].p)
		c[C_PLEN].n = is_kind(m[P_PAYLOAD], '{') &&
		                      members_of(m[P_PAYLOAD], payload_members, 4, payload)
		                  ? whole(payload[0], SAFE_INT)
		                  : -1;
	return c[C_FRAME].n >= 0 && c[C_FLOW].n >= 0 && c[C_SEQ].n >= 0 && c[C_PLEN].n >= 0;
}

/* Writes event `index` of this line as a row when it is one: 1, 0 when it is
 * not, -1 on failure. */
static int put_row(struct rows *rs, size_t index, const char *line, size_t len)
{
	struct json_span m[PACKET_MEMBERS], tcp[TCP_MEMBERS];
	union cell c[COLUMNS];

	if (!members_of((struct json_span){line, len}, packet_members, PACKET_MEMBERS, m) ||
	    !is_kind(m[P_TCP], '{') ||
	    !members_of(m[P_TCP], tcp_members, TCP_MEMBERS, tcp) || !row_values(m, tcp, c))
		return 0;
	int64_t ids[4] = {table_id(rs, &rs->endpoints, m[P_SRC]),
	                  table_id(rs, &rs->endpoints, m[P_DST]),
	                  table_id(rs, &rs->flag_sets, tcp[T_FLAGS]),
	                  table_id(rs, &rs->states, m[P_STATE])};
	for (int i = 0; i < 4; i++)
		if (ids[i] < 0)
			return ids[i] == -1 ? -1 : 0;
	union cell *row = new_row(rs);
	if (!row)
		return -1;
	memcpy(row, c, sizeof c);
	row[C_EVENT].n = (int64_t)index;
	row[C_SIZE].n = (int64_t)len; /* the page finds the line's end without looking */
	row[C_SRC].n = ids[0];
	row[C_DST].n = ids[1];
	row[C_FLAGS].n = ids[2];
	row[C_STATE].n = ids[3];
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

/* One event line of the document (its comma already cut). */
static int take_event(struct rows *rs, size_t index, const char *line, size_t len)
{
	/* only packets can be rows; what is not JSON the page's JSON.parse says */
	if (len < 16 || memcmp(line, "{\"kind\":\"packet\"", 16) != 0 || !json_scan_valid(line, len))
		return 0;
	return put_row(rs, index, line, len);
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

/* A table as a JSON array of its values' texts. */
static void put_table(FILE *out, const char *name, const struct table *t)
{
	size_t n = json_object_array_length(t->values);

	fprintf(out, ",\n\"%s\":[", name);
	for (size_t i = 0; i < n; i++) {
		json_object *text = json_object_array_get_idx(t->values, i);
		if (i)
			fputc(',', out);
		fwrite(json_object_get_string(text), 1, (size_t)json_object_get_string_len(text), out);
	}
	fputc(']', out);
}

static bool table_init(struct table *t, bool (*check)(json_object *v))
{
	t->check = check;
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

	if (rs.tok && table_init(&rs.endpoints, is_endpoint) &&
	    table_init(&rs.flag_sets, is_flag_list) && table_init(&rs.states, is_state)) {
		json_tokener_set_flags(rs.tok, JSON_TOKENER_STRICT);
		events = read_events(&rs, doc);
	}
	if (events >= 0 && rs.count > 0) {
		fprintf(out, "{\"schema\":\"" ROWS_SCHEMA "\",\"events\":%ld,\"rows\":%zu", events,
		        rs.count);
		for (int col = 0; col < COLUMNS; col++)
			put_column(out, &rs, (enum column)col);
		put_table(out, "endpoints", &rs.endpoints);
		put_table(out, "flag_sets", &rs.flag_sets);
		put_table(out, "states", &rs.states);
		fputs("}\n", out);
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
