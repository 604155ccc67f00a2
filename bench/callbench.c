/*
 * callbench.c - the workloads behind bench/calls.sh: what tracing socket
 * calls costs a program.  Each run forks a receiver, moves data to it over
 * TCP on 127.0.0.1, and prints the seconds the transfer took (measured
 * inside, so sockscope's own start and end are not counted).
 *
 *   callbench bulk PORT MIB          MIB mebibytes in 256 KiB writes
 *   callbench small PORT COUNT       COUNT sends of 32 bytes each
 *   callbench datagrams PORT COUNT   COUNT sends of 32-byte UDP datagrams to a
 *                                    socket of its own that nobody reads (a
 *                                    metrics client's traffic: fire and forget;
 *                                    PORT is unused: the kernel picks the sink's)
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BULK_CHUNK (256 * 1024)

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static struct sockaddr_in loopback(int port)
{
	struct sockaddr_in in = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return in;
}

/* The receiver: accepts one connection and reads it to the end in large reads. */
static void receive_all(int listener)
{
	static char buf[BULK_CHUNK];
	int conn = accept(listener, NULL, NULL);
	if (conn < 0)
		die("accept");
	while (read(conn, buf, sizeof buf) > 0)
		;
	close(conn);
	_exit(0);
}

static int connect_to(int port)
{
	struct sockaddr_in to = loopback(port);
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	if (fd < 0 || connect(fd, (struct sockaddr *)&to, sizeof to) < 0)
		die("connect");
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return fd;
}

static void send_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);
		if (n <= 0)
			die("write");
		buf += n;
		len -= (size_t)n;
	}
}

/* COUNT datagrams to a socket bound here and never read: once its buffer is
 * full the kernel drops them, so each send costs the same whether or not
 * another process happens to be awake (see bench/calls.sh). */
static int datagrams(long count)
{
	/* the sink's port is the kernel's choice: a fixed one may be held by any
	 * program's UDP socket, as an ephemeral port of the same range */
	struct sockaddr_in at = loopback(0);
	socklen_t len = sizeof at;
	int sink = socket(AF_INET, SOCK_DGRAM, 0), fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (sink < 0 || fd < 0 || bind(sink, (struct sockaddr *)&at, sizeof at) < 0 ||
	    getsockname(sink, (struct sockaddr *)&at, &len) < 0 ||
	    connect(fd, (struct sockaddr *)&at, sizeof at) < 0)
		die("datagram socket");
	char msg[32];
	memset(msg, 'd', sizeof msg);
	double start = now();
	for (long i = 0; i < count; i++)
		if (send(fd, msg, sizeof msg, 0) != (ssize_t)sizeof msg)
			die("send");
	printf("%.3f\n", now() - start);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 4 ||
	    (strcmp(argv[1], "bulk") && strcmp(argv[1], "small") && strcmp(argv[1], "datagrams"))) {
		fprintf(stderr, "usage: callbench bulk|small|datagrams PORT AMOUNT\n");
		return 2;
	}
	int port = atoi(argv[2]), one = 1;
	long amount = atol(argv[3]);
	if (strcmp(argv[1], "datagrams") == 0)
		return datagrams(amount);
	struct sockaddr_in at = loopback(port);
	int listener = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(listener, (struct sockaddr *)&at, sizeof at) < 0 || listen(listener, 1) < 0)
		die("bind");
	pid_t pid = fork();
	if (pid == 0)
		receive_all(listener);
	close(listener);
	int fd = connect_to(port);
	double start = now();
	if (strcmp(argv[1], "bulk") == 0) {
		static char chunk[BULK_CHUNK];
		memset(chunk, 'b', sizeof chunk);
		for (long i = 0; i < amount * 4; i++)
			send_all(fd, chunk, sizeof chunk);
	} else {
		char msg[32];
		memset(msg, 's', sizeof msg);
		for (long i = 0; i < amount; i++)
			if (send(fd, msg, sizeof msg, 0) != (ssize_t)sizeof msg)
				die("send");
	}
	shutdown(fd, SHUT_WR);
	waitpid(pid, NULL, 0);
	printf("%.3f\n", now() - start);
	return 0;
}
