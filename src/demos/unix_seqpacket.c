/*
 * unix-seqpacket - a Unix-domain SOCK_SEQPACKET connection.
 *
 * SOCK_SEQPACKET is connection-oriented like TCP but keeps message
 * boundaries like UDP: each send() is delivered by exactly one recv().  A
 * Unix-domain socket never leaves the kernel: data is copied from one
 * socket's buffer to the other's, so no packet exists and the capture stays
 * empty.  Only the API calls tell this story.
 */
#include "calls.h"
#include "demos.h"

#include <stdio.h>
#include <sys/un.h>

struct sp_server {
	struct actor self;
	int listener;
};

static void *sp_server_run(void *arg)
{
	struct sp_server *server = arg;
	char buf[64];
	int conn = demo_accept(&server->self, server->listener);

	if (conn < 0)
		return NULL;
	demo_sleep_ms(100); /* both messages are waiting, yet they arrive one by one */
	while (demo_recv(&server->self, conn, buf, sizeof(buf), 0) > 0)
		;
	demo_close(&server->self, conn);
	return NULL;
}

/* An abstract socket name (Linux): no file in the file system to clean up. */
static struct sockaddr_storage abstract_address(uint16_t base_port)
{
	struct sockaddr_storage ss;
	struct sockaddr_un *un = (struct sockaddr_un *)&ss;

	memset(&ss, 0, sizeof(ss));
	un->sun_family = AF_UNIX;
	snprintf(un->sun_path + 1, sizeof(un->sun_path) - 1, "sockscope-%ld-%u", (long)getpid(),
	         base_port);
	return ss;
}

int demo_run_unix_seqpacket(struct demo_log *log, const struct demo_env *env)
{
	struct sp_server server = {.self = demo_actor(log, "server")};
	struct actor client = demo_actor(log, "client");
	struct sockaddr_storage addr = abstract_address(env->base_port);
	pthread_t thread;
	int fd;

	demo_note(&client, "Unix-domain sockets stay inside the kernel: nothing crosses a "
	                   "network, so the capture shows no packets");
	server.listener = demo_socket(&server.self, AF_UNIX, SOCK_SEQPACKET, 0);
	if (server.listener < 0 || demo_bind(&server.self, server.listener, &addr) < 0 ||
	    demo_listen(&server.self, server.listener, 4) < 0)
		return demo_fail(&server.self, "socket/bind/listen");
	pthread_create(&thread, NULL, sp_server_run, &server);
	fd = demo_socket(&client, AF_UNIX, SOCK_SEQPACKET, 0);
	if (demo_connect(&client, fd, &addr) == 0) {
		demo_send(&client, fd, "first record", 12, 0);
		demo_send(&client, fd, "second record", 13, 0);
	} else {
		shutdown(server.listener, SHUT_RDWR);
	}
	demo_close(&client, fd);
	pthread_join(thread, NULL);
	demo_close(&server.self, server.listener);
	return 0;
}
