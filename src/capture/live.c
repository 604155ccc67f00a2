/*
 * live.c - opening a live capture.
 *
 * tcpdump's open_interface is the model: pcap_create, then every pcap_set_*
 * checked and named with the device in its message, then pcap_activate,
 * where a negative result is an error and a positive one a warning.  The
 * handle is set up so that loopback traffic is neither delayed nor dropped:
 * immediate mode (each packet is handed over as it arrives), a 32 MB buffer,
 * and a short read timeout so capture_next returns to check for a stop
 * request.  Reading, stopping and draining live in capture.c.
 *
 * The handle is non-blocking: libpcap's own read timeout does not end a read
 * in immediate mode on Linux (pcap_next_ex keeps waiting for a packet), so a
 * stop request could wait forever.  capture_live_wait polls the handle's
 * descriptor with our timeout instead.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "source.h"

#define LIVE_DEFAULT_SNAPLEN 262144
#define LIVE_DEFAULT_BUFFER  (32 * 1024 * 1024)

static const char permission_hint[] = "run as root, or: sudo setcap "
                                      "cap_net_raw+ep build/sockscope";

/* Applies snaplen, immediate mode, buffer and timeout; each failure names its step. */
static int configure(pcap_t *handle, const char *device, const struct capture_options *opts,
                     char *errbuf, size_t errsize)
{
	int snaplen = opts && opts->snaplen > 0 ? opts->snaplen : LIVE_DEFAULT_SNAPLEN;
	int buffer = opts && opts->buffer_size > 0 ? opts->buffer_size : LIVE_DEFAULT_BUFFER;
	int status;

	if ((status = pcap_set_snaplen(handle, snaplen)) != 0) {
		snprintf(errbuf, errsize, "%s: can't set snapshot length %d: %s", device, snaplen,
		         pcap_statustostr(status));
		return -SS_EIO;
	}
	if ((status = pcap_set_immediate_mode(handle, 1)) != 0) {
		snprintf(errbuf, errsize, "%s: can't set immediate mode: %s", device,
		         pcap_statustostr(status));
		return -SS_EIO;
	}
	if ((status = pcap_set_buffer_size(handle, buffer)) != 0) {
		snprintf(errbuf, errsize, "%s: can't set buffer size %d: %s", device, buffer,
		         pcap_statustostr(status));
		return -SS_EIO;
	}
	if ((status = pcap_set_timeout(handle, CAPTURE_LIVE_TIMEOUT_MS)) != 0) {
		snprintf(errbuf, errsize, "%s: can't set timeout: %s", device,
		         pcap_statustostr(status));
		return -SS_EIO;
	}
	/* nanoseconds where the platform has them; microseconds are no error */
	status = pcap_set_tstamp_precision(handle, PCAP_TSTAMP_PRECISION_NANO);
	if (status != 0 && status != PCAP_ERROR_TSTAMP_PRECISION_NOTSUP) {
		snprintf(errbuf, errsize, "%s: can't set time stamp precision: %s", device,
		         pcap_statustostr(status));
		return -SS_EIO;
	}
	return 0;
}

/* pcap_activate: < 0 fails (with the permission case spelled out), > 0 warns. */
static int activate(pcap_t *handle, const char *device, char *errbuf, size_t errsize)
{
	int status = pcap_activate(handle);

	if (status == PCAP_ERROR_PERM_DENIED) {
		snprintf(errbuf, errsize, "capture on %s not permitted: %s", device,
		         permission_hint);
		return -SS_EPERM;
	}
	if (status == PCAP_ERROR_NO_SUCH_DEVICE) {
		snprintf(errbuf, errsize, "%s: no such interface (%s)", device,
		         pcap_geterr(handle));
		return -SS_EIO;
	}
	if (status < 0) {
		snprintf(errbuf, errsize, "%s: %s (%s)", device, pcap_statustostr(status),
		         status == PCAP_ERROR ? pcap_geterr(handle) : "activate");
		return -SS_EIO;
	}
	if (status > 0)
		snprintf(errbuf, errsize, "%s: warning: %s (%s)", device, pcap_statustostr(status),
		         status == PCAP_WARNING ? pcap_geterr(handle) : "activate");
	return 0;
}

/*
 * The packet socket, and the eventfd libpcap opens beside it (1.10's
 * breakloop descriptor, not reachable by its API), are opened without
 * close-on-exec.  Every descriptor of this process must be close-on-exec,
 * so all from 3 up are marked (close_range's flag needs Linux 5.11; older
 * kernels get the packet socket marked by fcntl).
 */
static int set_cloexec(struct capture *cap, char *errbuf, size_t errsize)
{
	int fd = pcap_fileno(cap->handle);
	int flags = fd >= 0 ? fcntl(fd, F_GETFD) : -1;

	if (flags < 0 || fcntl(fd, F_SETFD, flags | FD_CLOEXEC) < 0) {
		snprintf(errbuf, errsize, "%s: cannot make the capture close-on-exec: %s",
		         cap->name, strerror(errno));
		return -SS_EIO;
	}
	close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
	return 0;
}

struct capture *capture_open_live(const char *iface, const struct capture_options *opts, int *error,
                                  char *errbuf, size_t errsize)
{
	char pcap_errbuf[PCAP_ERRBUF_SIZE] = "";
	const char *device = iface ? iface : "lo";
	struct capture *cap;

	errbuf[0] = '\0';
	*error = -SS_ENOMEM;
	cap = capture_alloc(device, errbuf, errsize);
	if (!cap)
		return NULL;
	cap->live = true;
	cap->handle = pcap_create(device, pcap_errbuf);
	if (!cap->handle) {
		snprintf(errbuf, errsize, "%s: %s", device, pcap_errbuf);
		*error = -SS_EIO;
		goto out_free;
	}
	if ((*error = configure(cap->handle, device, opts, errbuf, errsize)) < 0 ||
	    (*error = activate(cap->handle, device, errbuf, errsize)) < 0)
		goto out_close;
	cap->nanosecond = pcap_get_tstamp_precision(cap->handle) == PCAP_TSTAMP_PRECISION_NANO;
	if (pcap_setnonblock(cap->handle, 1, pcap_errbuf) < 0) {
		snprintf(errbuf, errsize, "%s: can't set non-blocking mode: %s", device,
		         pcap_errbuf);
		*error = -SS_EIO;
		goto out_close;
	}
	if (opts && opts->filter && opts->filter[0] &&
	    (*error = capture_apply_filter(cap, opts->filter, errbuf, errsize)) < 0)
		goto out_close;
	/* the packet socket (and libpcap's wake-up descriptor) must not reach a command */
	if (set_cloexec(cap, errbuf, errsize) < 0) {
		*error = -SS_EIO;
		goto out_close;
	}
	return cap;

out_close:
	pcap_close(cap->handle);
out_free:
	free(cap);
	return NULL;
}

int capture_live_wait(struct capture *cap)
{
	struct pollfd pfd = {.fd = pcap_get_selectable_fd(cap->handle), .events = POLLIN};

	if (pfd.fd < 0)
		return 1;
	return poll(&pfd, 1, CAPTURE_LIVE_TIMEOUT_MS) != 0; /* an error: let the read say */
}
