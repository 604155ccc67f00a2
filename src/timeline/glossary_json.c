/*
 * glossary_json.c - the timeline's `glossary`: every code the timeline uses
 * (analysis flags, resend causes, Zeek conn_state codes and history letters)
 * with its meaning, from the one table in src/annotate/names.c.  The page reads
 * it from here, so there is no second, hand-written copy to drift.
 */
#include "parts.h"

#include "sockscope/annotate.h"

static void emit_terms(struct emitter *e, const char *key, enum annotate_glossary which)
{
	size_t count;
	const struct annotate_term *terms = annotate_glossary(which, &count);

	emit_key(e, key);
	emit_begin_object(e);
	for (size_t i = 0; i < count; i++)
		emit_kv_string(e, terms[i].key, terms[i].words);
	emit_end_object(e);
}

void timeline_emit_glossary(struct emitter *e)
{
	emit_key(e, "glossary");
	emit_begin_object(e);
	emit_key(e, "analysis");
	emit_begin_object(e);
	for (unsigned bit = 0; bit < TA_COUNT_FLAGS; bit++) {
		enum track_analysis flag = (enum track_analysis)(1u << bit);
		emit_kv_string(e, track_analysis_name(flag), annotate_analysis_meaning(flag));
	}
	emit_end_object(e);
	emit_terms(e, "conn_state", ANNOTATE_GLOSSARY_CONN_STATE);
	emit_terms(e, "conn_state_udp", ANNOTATE_GLOSSARY_CONN_STATE_UDP);
	emit_terms(e, "history", ANNOTATE_GLOSSARY_HISTORY);
	emit_end_object(e);
}
