/*
 * netns.c - a private network namespace for demos that change the network.
 *
 * unshare(CLONE_NEWNET) moves only the calling thread; threads and processes
 * it creates afterwards inherit the namespace, and the namespace disappears
 * with the last of them.  So a demo that installs nftables rules can never
 * leave them behind on the host, even if it is killed: nothing to clean up.
 * A new namespace has only a loopback device, and it is down.
 */
#include "sockscope/demo.h"

#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int bring_loopback_up(char *errbuf, size_t errsize)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0) {
		snprintf(errbuf, errsize, "socket in the new namespace: %s", strerror(errno));
		return -SS_EIO;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0 ||
	    (ifr.ifr_flags |= IFF_UP, ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)) {
		snprintf(errbuf, errsize, "bringing up lo in the new namespace: %s",
		         strerror(errno));
		close(fd);
		return errno == EPERM ? -SS_EPERM : -SS_EIO;
	}
	close(fd);
	return 0;
}

int demo_enter_private_netns(char *errbuf, size_t errsize)
{
	if (unshare(CLONE_NEWNET) < 0) {
		int err = errno;
		snprintf(errbuf, errsize,
		         "cannot create a network namespace (%s): this demo needs root "
		         "(CAP_SYS_ADMIN)",
		         strerror(err));
		return err == EPERM ? -SS_EPERM : -SS_EIO;
	}
	return bring_loopback_up(errbuf, errsize);
}
