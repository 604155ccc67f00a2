/* names.h - number-to-name tables for socket call arguments (private to syscalls). */
#ifndef SOCKSCOPE_SYSCALLS_NAMES_H
#define SOCKSCOPE_SYSCALLS_NAMES_H

#include <stddef.h>

struct syscalls_name {
	long value;
	const char *name; /* NULL ends a table */
};

extern const struct syscalls_name *const syscalls_families;
extern const struct syscalls_name *const syscalls_types;
extern const struct syscalls_name *const syscalls_levels;
extern const struct syscalls_name *const syscalls_msg_flags;
extern const struct syscalls_name *const syscalls_socket_flags;
extern const struct syscalls_name *const syscalls_file_flags;
extern const struct syscalls_name *const syscalls_poll_events;
extern const struct syscalls_name *const syscalls_shutdown_how;

/* The option names of a setsockopt level, or NULL when not known. */
const struct syscalls_name *syscalls_option_names(long level);
/* The name of value, or its number written into buf. */
const char *syscalls_name_of(const struct syscalls_name *table, long value, char *buf, size_t size);
/* "A | B", with any unnamed rest as a hex number; "0" for none. */
const char *syscalls_flags_of(const struct syscalls_name *table, unsigned long value, char *buf,
                              size_t size);

#endif
