/*
 * netns.c - a private network namespace for demos that change the network.
 *
 * unshare(CLONE_NEWNET) moves only the calling thread; threads and processes
 * it creates afterwards inherit the namespace, and the namespace disappears
 * with the last of them.  So a demo that installs nftables rules can never
 * leave them behind on the host, even if it is killed: nothing to clean up.
 * A new namespace has only a loopback device, and it is down.
 *
 * Every demo runs in one when it can (the runner enters it), so the kernel
 * counters a timeline shows are the demo's own; the demos that change the
 * network (nftables drops, a shaped or resized loopback) need it.
 */
#include "sockscope/demo.h"

#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
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

extern char **environ;

int demo_netns_run(char *const argv[])
{
	pid_t pid;
	int status;

	if (posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ) != 0)
		return -1;
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

int demo_netns_loopback_mtu(int mtu)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM, 0), rc;

	if (fd < 0)
		return -SS_EIO;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	ifr.ifr_mtu = mtu;
	rc = ioctl(fd, SIOCSIFMTU, &ifr) < 0 ? -SS_EIO : 0;
	close(fd);
	return rc;
}
