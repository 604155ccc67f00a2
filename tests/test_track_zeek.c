/* test_track_zeek.c - Zeek conn_state codes: one packet sequence that gives each code and a
 * near miss that must give another (Zeek's conn_state() in base/protocols/conn/main.zeek;
 * docs/analysis.md, "Zeek summary"). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "packet_builder.h"

#define A TCP_ACK
#define S TCP_SYN
#define F TCP_FIN
#define R TCP_RST
#define P TCP_PSH

/* One packet: who sends it, flags, seq and ack relative to the sender's and peer's ISNs. */
struct zeek_step {
	enum track_dir dir;
	uint8_t flags;
	uint32_t seq, ack, len;
};

#define ZEEK_MAX_STEPS 8

struct zeek_case {
	const char *name;
	struct zeek_step steps[ZEEK_MAX_STEPS]; /* ends at the first step without flags */
	const char *conn_state, *history;
};

/* seq/ack 0 is the ISN; the SYN takes number 0, so the first byte is 1 (RFC 9293 §3.4). */
#define C2S(f, s, a, l) {TRACK_C2S, (f), (s), (a), (l)}
#define S2C(f, s, a, l) {TRACK_S2C, (f), (s), (a), (l)}
#define HANDSHAKE C2S(S, 0, 0, 0), S2C(S | A, 0, 1, 0), C2S(A, 1, 1, 0)

static const struct zeek_case cases[] = {
    /* S2: established, the originator closed, the responder did not */
    {"S2", {HANDSHAKE, C2S(P | A, 1, 1, 5), S2C(A, 1, 6, 0), C2S(F | A, 6, 1, 0)}, "S2",
     "ShADaF"},
    {"S2 near miss: the responder closes too",
     {HANDSHAKE, C2S(F | A, 1, 1, 0), S2C(F | A, 1, 2, 0), C2S(A, 2, 2, 0)}, "SF", "ShAFf"},
    /* S3: established, the responder closed, the originator did not */
    {"S3", {HANDSHAKE, S2C(P | A, 1, 1, 5), C2S(A, 1, 6, 0), S2C(F | A, 6, 1, 0)}, "S3",
     "ShAdf"},
    {"S3 near miss: the originator closes too",
     {HANDSHAKE, S2C(F | A, 1, 1, 0), C2S(F | A, 1, 2, 0), S2C(A, 2, 2, 0)}, "SF", "ShAfFa"},
    /* RSTR: the responder resets an established connection */
    {"RSTR", {HANDSHAKE, C2S(P | A, 1, 1, 5), S2C(R | A, 1, 6, 0)}, "RSTR", "ShADr"},
    {"RSTR near miss: a reset answering the SYN is a rejection",
     {C2S(S, 0, 0, 0), S2C(R | A, 0, 1, 0)}, "REJ", "Sr"},
    /* RSTRH: the capture starts at the responder's SYN-ACK, then the responder resets */
    {"RSTRH", {S2C(S | A, 0, 1, 0), S2C(R, 1, 0, 0)}, "RSTRH", "^hr"},
    {"RSTRH near miss: the originator's SYN was seen",
     {C2S(S, 0, 0, 0), S2C(S | A, 0, 1, 0), S2C(R, 1, 0, 0)}, "RSTR", "Shr"},
    /* RSTOS0: the originator sends a SYN, then a RST; nothing from the responder */
    {"RSTOS0", {C2S(S, 0, 0, 0), C2S(S, 0, 0, 0), C2S(R, 1, 0, 0)}, "RSTOS0", "SR"},
    {"RSTOS0 near miss: the responder answered", {C2S(S, 0, 0, 0), S2C(S | A, 0, 1, 0),
     C2S(R, 1, 0, 0)}, "RSTO", "ShR"},
    {"RSTOS0 near miss: no SYN, data then a reset", {C2S(P | A, 1, 1, 5), C2S(R | A, 6, 1, 0)},
     "OTH", "DR"},
    /* SH: the originator sends a SYN, then a FIN; no SYN-ACK */
    {"SH", {C2S(S, 0, 0, 0), C2S(F, 1, 0, 0)}, "SH", "SF"},
    {"SH near miss: the responder answered the SYN",
     {C2S(S, 0, 0, 0), S2C(S | A, 0, 1, 0), C2S(F | A, 1, 1, 0)}, "S2", "ShF"},
    /* SHR: the capture starts at the responder's SYN-ACK, then the responder closes */
    {"SHR", {S2C(S | A, 0, 1, 0), S2C(F | A, 1, 1, 0)}, "SHR", "^hf"},
    {"SHR near miss: the originator's SYN was seen",
     {C2S(S, 0, 0, 0), S2C(S | A, 0, 1, 0), S2C(F | A, 1, 1, 0)}, "S3", "Shf"},
};

static void run_case(const struct zeek_case *zc)
{
	struct pb_conv c;
	pb_conv_init(&c);
	for (size_t i = 0; i < ZEEK_MAX_STEPS && zc->steps[i].flags; i++) {
		const struct zeek_step *st = &zc->steps[i];
		bool c2s = st->dir == TRACK_C2S;
		uint32_t own = c2s ? PB_CISN : PB_SISN, peer = c2s ? PB_SISN : PB_CISN;
		uint32_t ack = (st->flags & A) ? peer + st->ack : 0;
		if (c2s)
			pb_c2s(&c, st->flags, own + st->seq, ack, 1000, st->len, 0.01);
		else
			pb_s2c(&c, st->flags, own + st->seq, ack, 1000, st->len, 0.01);
	}
	pb_conv_done(&c);
	if (c.sink.count != 1 || strcmp(c.sink.ended[0].conn_state, zc->conn_state) != 0 ||
	    strcmp(c.sink.ended[0].history, zc->history) != 0)
		fail_msg("%s: want %s %s, got %zu flows, first %s %s", zc->name, zc->conn_state,
		         zc->history, c.sink.count, c.sink.ended[0].conn_state,
		         c.sink.ended[0].history);
}

static void test_conn_state_codes(void **state)
{
	(void)state;
	for (size_t i = 0; i < SS_ARRAY_SIZE(cases); i++)
		run_case(&cases[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_conn_state_codes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
