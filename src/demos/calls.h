/*
 * calls.h - the socket API with a log: private to the demos.
 *
 * Each wrapper makes exactly the call its name says, with the same arguments
 * and return value, and records it (start and return time, arguments, result,
 * errno, the socket's addresses) in the actor's log.  errno is preserved, so a
 * demo reads like the textbook program it imitates:
 *
 *	int fd = demo_socket(&client, AF_INET, SOCK_DGRAM, 0);
 *	demo_sendto(&client, fd, "hello", 5, &server_addr);
 *
 * An actor is one side of a conversation ("server", "client 2"); actors may be
 * used from different threads, one thread per actor.
 */
#ifndef SOCKSCOPE_DEMOS_CALLS_H
#define SOCKSCOPE_DEMOS_CALLS_H

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <string.h>
#include <unistd.h>

#include "sockscope/demo.h"

struct actor {
	struct demo_log *log;
	char side[16];
};

struct actor demo_actor(struct demo_log *log, const char *side);

/* Loopback addresses in the demo's port range: 127.0.0.1 and ::1. */
struct sockaddr_storage demo_loopback4(uint16_t port);
struct sockaddr_storage demo_loopback6(uint16_t port);
socklen_t demo_sockaddr_len(const struct sockaddr_storage *addr);

int demo_socket(const struct actor *a, int domain, int type, int protocol);
int demo_bind(const struct actor *a, int fd, const struct sockaddr_storage *addr);
int demo_listen(const struct actor *a, int fd, int backlog);
int demo_connect(const struct actor *a, int fd, const struct sockaddr_storage *addr);
int demo_accept(const struct actor *a, int fd);
ssize_t demo_send(const struct actor *a, int fd, const void *buf, size_t len, int flags);
ssize_t demo_recv(const struct actor *a, int fd, void *buf, size_t len, int flags);
ssize_t demo_sendto(const struct actor *a, int fd, const void *buf, size_t len,
                    const struct sockaddr_storage *to);
ssize_t demo_recvfrom(const struct actor *a, int fd, void *buf, size_t len,
                      struct sockaddr_storage *from);
int demo_setsockopt(const struct actor *a, int fd, int level, int name, const void *value,
                    socklen_t len, const char *description);
int demo_shutdown(const struct actor *a, int fd, int how);
int demo_close(const struct actor *a, int fd);
int demo_poll(const struct actor *a, struct pollfd *fds, nfds_t nfds, int timeout_ms);

/* SO_RCVTIMEO in milliseconds, logged as setsockopt. */
int demo_set_receive_timeout(const struct actor *a, int fd, int timeout_ms);

void demo_note(const struct actor *a, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

/* socket, SO_REUSEADDR, bind, listen: a server's welcoming socket.
 * Returns it, or a negative SS_E* code after demo_fail(). */
int demo_open_listener(const struct actor *server, const struct sockaddr_storage *addr,
                       int backlog);

/*
 * Records why the demo cannot go on ("server: bind 127.0.0.1:7000: Address
 * already in use") and returns -SS_EPERM for EPERM/EACCES, else -SS_EIO.
 * Call it right after the failed call, while errno still holds its reason.
 */
int demo_fail(const struct actor *a, const char *what);

/* Sleeps, so that the timeline shows a pause for a reason the demo notes. */
void demo_sleep_ms(int ms);

#endif
