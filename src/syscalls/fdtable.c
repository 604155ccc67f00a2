/*
 * fdtable.c - which fds of a traced process are sockets (see internal.h).
 *
 * One table per kernel file table: threads made with CLONE_FILES share it
 * (reference counted), fork() copies it, exec drops what CLOEXEC closed.
 * Entries are indexed by fd, since fds are small numbers handed out lowest
 * first; an fd beyond FD_LIMIT is simply not remembered (looked up again).
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#define FD_LIMIT (1 << 20) /* the kernel's default nr_open */

struct fd_entry {
	enum fd_kind kind;
	struct fd_socket sock; /* when kind == FD_SOCKET */
};

struct fd_table {
	int refs;
	struct fd_entry *entries;
	int size; /* entries[0 .. size) */
};

struct fd_table *syscalls_fd_create(void)
{
	struct fd_table *t = calloc(1, sizeof *t);
	if (t)
		t->refs = 1;
	return t;
}

struct fd_table *syscalls_fd_clone(const struct fd_table *table)
{
	struct fd_table *t = syscalls_fd_create();

	if (!t || !table->size)
		return t;
	t->entries = malloc((size_t)table->size * sizeof *t->entries);
	if (!t->entries) {
		free(t);
		return NULL;
	}
	memcpy(t->entries, table->entries, (size_t)table->size * sizeof *t->entries);
	t->size = table->size;
	return t;
}

struct fd_table *syscalls_fd_ref(struct fd_table *table)
{
	table->refs++;
	return table;
}

void syscalls_fd_unref(struct fd_table *table)
{
	if (!table || --table->refs > 0)
		return;
	free(table->entries);
	free(table);
}

/* The entry for fd, growing the table when asked; NULL when out of range. */
static struct fd_entry *entry(struct fd_table *t, int fd, bool grow)
{
	if (fd < 0 || fd >= FD_LIMIT)
		return NULL;
	if (fd >= t->size) {
		if (!grow)
			return NULL;
		int size = t->size ? t->size : 64;
		while (size <= fd)
			size *= 2;
		struct fd_entry *e = realloc(t->entries, (size_t)size * sizeof *e);
		if (!e)
			return NULL;
		memset(e + t->size, 0, (size_t)(size - t->size) * sizeof *e);
		t->entries = e;
		t->size = size;
	}
	return &t->entries[fd];
}

enum fd_kind syscalls_fd_kind(const struct fd_table *table, int fd)
{
	return fd >= 0 && fd < table->size ? table->entries[fd].kind : FD_UNKNOWN;
}

struct fd_socket *syscalls_fd_socket(struct fd_table *table, int fd)
{
	struct fd_entry *e = entry(table, fd, false);
	return e && e->kind == FD_SOCKET ? &e->sock : NULL;
}

struct fd_socket *syscalls_fd_add_socket(struct fd_table *table, int fd, int domain, int type)
{
	struct fd_entry *e = entry(table, fd, true);

	if (!e)
		return NULL;
	memset(e, 0, sizeof *e);
	e->kind = FD_SOCKET;
	e->sock.domain = domain;
	e->sock.type = type;
	return &e->sock;
}

void syscalls_fd_set_other(struct fd_table *table, int fd)
{
	struct fd_entry *e = entry(table, fd, true);
	if (e) {
		memset(e, 0, sizeof *e);
		e->kind = FD_OTHER;
	}
}

void syscalls_fd_remove(struct fd_table *table, int fd)
{
	struct fd_entry *e = entry(table, fd, false);
	if (e)
		memset(e, 0, sizeof *e);
}

void syscalls_fd_dup(struct fd_table *table, int oldfd, int newfd)
{
	struct fd_entry *to = entry(table, newfd, true);
	struct fd_entry *from = entry(table, oldfd, false); /* after the grow: no stale pointer */

	if (!to || oldfd == newfd)
		return;
	if (from)
		*to = *from;
	else
		memset(to, 0, sizeof *to);
}

void syscalls_fd_forget_others(struct fd_table *table)
{
	for (int fd = 0; fd < table->size; fd++)
		if (table->entries[fd].kind == FD_OTHER)
			table->entries[fd].kind = FD_UNKNOWN;
}

void syscalls_fd_keep_open(struct fd_table *table, bool (*is_open)(int fd, void *ctx), void *ctx)
{
	for (int fd = 0; fd < table->size; fd++)
		if (table->entries[fd].kind != FD_UNKNOWN && !is_open(fd, ctx))
			memset(&table->entries[fd], 0, sizeof table->entries[fd]);
}
