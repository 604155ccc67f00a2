/*
 * common.h - error codes and the address type shared by every module.
 *
 * Functions return 0 on success or a negative SS_E* code.  The layer that fails
 * records what and where; the caller that knows the file and packet number
 * writes the message.
 */
#ifndef SOCKSCOPE_COMMON_H
#define SOCKSCOPE_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ss_error {
	SS_OK = 0,
	SS_ETRUNC = 1,       /* input ends before a header or field it announces */
	SS_EMALFORMED = 2,   /* a field contradicts the rules of its protocol */
	SS_EUNSUPPORTED = 3, /* valid, but sockscope does not decode it */
	SS_ENOMEM = 4,
	SS_EIO = 5,   /* reading or writing a file failed */
	SS_EPERM = 6, /* not permitted (capture without privileges) */
	SS_EUSAGE = 7,
};

/* A short English name for an SS_E* code, positive or negative. */
const char *ss_strerror(int code);

/* An IPv4 or IPv6 address; IPv4 lives in the first four bytes. */
struct ss_addr {
	uint8_t family; /* 4 or 6; 0 when unset */
	uint8_t bytes[16];
};

/* Writes the textual form ("127.0.0.1", "::1") into buf; returns buf. */
#define SS_ADDR_STRLEN 46
char *ss_addr_format(const struct ss_addr *addr, char *buf, size_t size);

bool ss_addr_equal(const struct ss_addr *a, const struct ss_addr *b);
/* Total order: family first, then bytes; <0, 0 or >0 like memcmp. */
int ss_addr_compare(const struct ss_addr *a, const struct ss_addr *b);

#define SS_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
