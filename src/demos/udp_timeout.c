/*
 * udp-timeout - stop-and-wait over UDP (rdt 3.0, Kurose & Ross ch. 3.4).
 *
 * UDP does not resend anything: if a datagram is lost, only the application
 * can notice.  The client sends one numbered message at a time and waits for
 * its acknowledgement with a receive timeout (SO_RCVTIMEO); when recvfrom
 * fails with EAGAIN it sends the same message again.  To make the loss
 * certain, the server drops the first copy of message 1 on purpose.
 */
#include "calls.h"
#include "demos.h"

#include <stdio.h>

#define MESSAGES   3
#define TIMEOUT_MS 200
#define TRIES      4

struct sw_server {
	struct actor self;
	int fd;
};

static void *sw_server_loop(void *arg)
{
	struct sw_server *server = arg;
	struct sockaddr_storage client;
	char buf[64], ack[64];
	bool dropped = false;
	int acked = 0;

	while (acked < MESSAGES) {
		ssize_t n = demo_recvfrom(&server->self, server->fd, buf, sizeof(buf) - 1, &client);
		if (n < 0)
			break;
		buf[n] = '\0';
		int number = -1;
		sscanf(buf, "message %d", &number);
		if (number == 1 && !dropped) {
			dropped = true;
			demo_note(&server->self, "drops \"%s\" on purpose: no ACK will be sent",
			          buf);
			continue;
		}
		snprintf(ack, sizeof(ack), "ACK %d", number);
		demo_sendto(&server->self, server->fd, ack, strlen(ack), &client);
		acked = number + 1;
	}
	return NULL;
}

/* Sends one message until it is acknowledged; returns 0 or -1 after TRIES attempts. */
static int send_and_wait(const struct actor *client, int fd, const struct sockaddr_storage *to,
                         int number)
{
	struct sockaddr_storage from;
	char text[32], reply[64];

	snprintf(text, sizeof(text), "message %d", number);
	for (int attempt = 1; attempt <= TRIES; attempt++) {
		demo_sendto(client, fd, text, strlen(text), to);
		if (demo_recvfrom(client, fd, reply, sizeof(reply), &from) >= 0)
			return 0;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -1;
		demo_note(client, "timeout: no ACK for message %d within %d ms, sending it again",
		          number, TIMEOUT_MS);
	}
	return -1;
}

int demo_run_udp_timeout(struct demo_log *log, const struct demo_env *env)
{
	struct sw_server server = {.self = demo_actor(log, "server")};
	struct actor client = demo_actor(log, "client");
	struct sockaddr_storage addr = demo_loopback4(env->base_port);
	pthread_t thread;
	int fd, ret = 0;

	server.fd = demo_socket(&server.self, AF_INET, SOCK_DGRAM, 0);
	if (server.fd < 0 || demo_bind(&server.self, server.fd, &addr) < 0)
		return demo_fail(&server.self, "socket/bind");
	demo_set_receive_timeout(&server.self, server.fd, 2000);
	pthread_create(&thread, NULL, sw_server_loop, &server);

	fd = demo_socket(&client, AF_INET, SOCK_DGRAM, 0);
	demo_set_receive_timeout(&client, fd, TIMEOUT_MS);
	for (int number = 0; number < MESSAGES && ret == 0; number++)
		if (send_and_wait(&client, fd, &addr, number) < 0)
			ret = demo_fail(&client, "no acknowledgement");
	demo_close(&client, fd);
	pthread_join(thread, NULL);
	demo_close(&server.self, server.fd);
	return ret;
}
