/* A program for tests/e2e/calls.sh whose vfork child makes socket calls through
 * the C library before it exits: a send on the parent's socket and a close.
 * The child runs in the parent's memory, so the preloaded shim must leave its
 * calls alone (they are traced by stops, under the child's pid) and its close
 * must not change what the shim knows of the parent's fds. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_in to = {.sin_family = AF_INET};
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (argc != 2 || fd < 0)
		return 1;
	to.sin_port = htons((unsigned short)atoi(argv[1]));
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&to, sizeof to) < 0 || send(fd, "before", 6, 0) != 6)
		return 1;
	pid_t child = vfork();
	if (child == 0) {
		send(fd, "child", 5, 0);
		close(fd);
		_exit(0);
	}
	if (child < 0 || waitpid(child, NULL, 0) != child || send(fd, "after", 5, 0) != 5)
		return 1;
	return close(fd);
}
