/*
 * nonblocking - connect and recv that never wait (Stevens, UNP ch. 16).
 *
 * A socket opened with SOCK_NONBLOCK returns at once from every call.
 * connect() sends the SYN and fails with EINPROGRESS; poll() for POLLOUT
 * says when the handshake is done, and SO_ERROR says whether it worked.
 * recv() with nothing to read fails with EAGAIN instead of waiting; poll()
 * for POLLIN waits until the server's data has arrived.
 */
#include "calls.h"
#include "demos.h"

struct nb_server {
	struct actor self;
	int listener;
};

static void *nb_server_run(void *arg)
{
	struct nb_server *server = arg;
	char buf[64];
	int conn = demo_accept(&server->self, server->listener);

	if (conn < 0)
		return NULL;
	demo_note(&server->self, "waits 150 ms before answering, so the client finds nothing "
	                         "to read");
	demo_sleep_ms(150);
	demo_send(&server->self, conn, "late reply", 10, 0);
	while (demo_recv(&server->self, conn, buf, sizeof(buf), 0) > 0)
		;
	demo_close(&server->self, conn);
	return NULL;
}

/* Non-blocking connect: EINPROGRESS, poll for writability, then SO_ERROR. */
static int connect_without_waiting(const struct actor *client, int fd,
                                   const struct sockaddr_storage *addr)
{
	struct pollfd pfd = {.fd = fd, .events = POLLOUT};
	int error = 0;
	socklen_t len = sizeof(error);

	if (demo_connect(client, fd, addr) == 0)
		return 0; /* the handshake finished inside the call: allowed, rare */
	if (errno != EINPROGRESS)
		return demo_fail(client, "connect");
	demo_note(client, "EINPROGRESS: connect() did not wait for the handshake (on loopback it "
	                  "may be done already: see the packets before this call returned)");
	demo_poll(client, &pfd, 1, 1000);
	int ret = getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len);
	demo_log_call(client->log, client->side, "getsockopt", fd, ret, ret < 0 ? errno : 0,
	              "fd %d, SO_ERROR -> %d", fd, error);
	return error == 0 ? 0 : -SS_EIO;
}

static void read_without_waiting(const struct actor *client, int fd)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	char buf[64];

	if (demo_recv(client, fd, buf, sizeof(buf), 0) < 0 && errno == EAGAIN)
		demo_note(client, "EAGAIN: no data yet, and recv() did not wait for any");
	demo_poll(client, &pfd, 1, 1000);
	demo_recv(client, fd, buf, sizeof(buf), 0);
}

int demo_run_nonblocking(struct demo_log *log, const struct demo_env *env)
{
	struct nb_server server = {.self = demo_actor(log, "server")};
	struct actor client = demo_actor(log, "client");
	struct sockaddr_storage addr = demo_loopback4(env->base_port);
	pthread_t thread;
	int fd, ret;

	server.listener = demo_open_listener(&server.self, &addr, 4);
	if (server.listener < 0)
		return server.listener;
	pthread_create(&thread, NULL, nb_server_run, &server);
	fd = demo_socket(&client, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	ret = fd < 0 ? demo_fail(&client, "socket") : connect_without_waiting(&client, fd, &addr);
	if (ret == 0)
		read_without_waiting(&client, fd);
	else
		shutdown(server.listener, SHUT_RDWR);
	if (fd >= 0)
		demo_close(&client, fd);
	pthread_join(thread, NULL);
	demo_close(&server.self, server.listener);
	return ret;
}
