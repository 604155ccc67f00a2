/* A statically linked program for tests/e2e/calls.sh: one datagram "static" to
 * 127.0.0.1:PORT.  It cannot load a preloaded library, so its calls are traced
 * by stops. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_in to = {.sin_family = AF_INET};
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (argc != 2 || fd < 0)
		return 1;
	to.sin_port = htons((unsigned short)atoi(argv[1]));
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (sendto(fd, "static", 6, 0, (struct sockaddr *)&to, sizeof to) != 6)
		return 1;
	return close(fd);
}
