/*
 * privs.c - capabilities with capget/capset, the sudo user, and file
 * operations made by a child that has become that user (see privs.h).
 */
#include "privs.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sockscope/common.h"

static bool parse_id(const char *text, unsigned long *id)
{
	char *end;

	if (!text || !*text)
		return false;
	errno = 0;
	*id = strtoul(text, &end, 10);
	return !errno && !*end && *id > 0 && *id < 0xffffffffUL;
}

bool priv_sudo_user(uid_t *uid, gid_t *gid)
{
	unsigned long u, g;

	if (geteuid() != 0)
		return false;
	if (getuid() != 0) { /* a set-user-ID root binary: the caller could set SUDO_UID */
		*uid = getuid();
		*gid = getgid();
		return true;
	}
	if (!parse_id(getenv("SUDO_UID"), &u) || !parse_id(getenv("SUDO_GID"), &g))
		return false;
	*uid = (uid_t)u;
	*gid = (gid_t)g;
	return true;
}

static int caps_get(struct __user_cap_data_struct data[2])
{
	struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};

	memset(data, 0, 2 * sizeof *data);
	return (int)syscall(SYS_capget, &header, data);
}

uint64_t priv_effective_caps(void)
{
	struct __user_cap_data_struct data[2];

	if (caps_get(data) < 0)
		return 0;
	return (uint64_t)data[1].effective << 32 | data[0].effective;
}

int priv_limit_caps(uint64_t keep)
{
	struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[2];

	if (caps_get(data) < 0)
		return -errno;
	for (int i = 0; i < 2; i++) {
		uint32_t mask = (uint32_t)(keep >> (32 * i));
		data[i].permitted &= mask;
		data[i].effective = data[i].permitted;
		data[i].inheritable = 0;
	}
	/* ambient capabilities would pass to a command; older kernels lack them */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return -errno;
	return syscall(SYS_capset, &header, data) < 0 ? -errno : 0;
}

/* setgroups, setgid, setuid; then root must be out of reach.  0 or -errno. */
static int become(uid_t uid, gid_t gid)
{
	if (setgroups(0, NULL) < 0 || setgid(gid) < 0 || setuid(uid) < 0)
		return -errno;
	if (setuid(0) == 0 || getuid() != uid || geteuid() != uid || getegid() != gid)
		return -EPERM;
	return 0;
}

int priv_drop(char *errbuf, size_t errsize)
{
	uid_t uid;
	gid_t gid;
	int rc = 0;

	if (priv_sudo_user(&uid, &gid) && (rc = become(uid, gid)) < 0) {
		snprintf(errbuf, errsize, "dropping privileges to uid %lu: %s", (unsigned long)uid,
		         strerror(-rc));
		return -SS_EPERM;
	}
	if ((rc = priv_limit_caps(0)) < 0) {
		snprintf(errbuf, errsize, "dropping capabilities: %s", strerror(-rc));
		return -SS_EPERM;
	}
	return 0;
}

/* One file operation, as the child makes it. */
struct file_op {
	enum { OP_OPEN, OP_RENAME, OP_UNLINK, OP_MKDIR } kind;
	const char *path, *to;
	int flags;
	mode_t mode;
};

/* fd (OP_OPEN), 0, or -errno: the call itself. */
static int do_op(const struct file_op *op)
{
	int rc;

	switch (op->kind) {
	case OP_OPEN:
		rc = open(op->path, op->flags | O_CLOEXEC, op->mode);
		break;
	case OP_RENAME:
		rc = rename(op->path, op->to);
		break;
	case OP_MKDIR:
		rc = mkdir(op->path, op->mode);
		break;
	default:
		rc = unlink(op->path);
		break;
	}
	return rc < 0 ? -errno : rc;
}

/* The child's answer: the result, and for an open the descriptor alongside. */
static void send_result(int sock, int result, bool pass_fd)
{
	char control[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {.iov_base = &result, .iov_len = sizeof result};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};

	if (pass_fd) {
		memset(control, 0, sizeof control);
		msg.msg_control = control;
		msg.msg_controllen = sizeof control;
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &result, sizeof(int));
	}
	if (sendmsg(sock, &msg, 0) < 0)
		_exit(1);
}

static int receive_result(int sock, bool expect_fd)
{
	char control[CMSG_SPACE(sizeof(int))];
	int result = -EIO, fd = -1;
	struct iovec iov = {.iov_base = &result, .iov_len = sizeof result};
	struct msghdr msg = {.msg_iov = &iov,
	                     .msg_iovlen = 1,
	                     .msg_control = control,
	                     .msg_controllen = sizeof control};
	ssize_t n;

	while ((n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof result)
		return -EIO;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
			memcpy(&fd, CMSG_DATA(c), sizeof fd);
	if (result < 0 || !expect_fd)
		return result;
	return fd >= 0 ? fd : -EIO; /* an open whose descriptor did not arrive */
}

/* Forks a child that becomes the user and makes the call (async-signal-safe only). */
static int as_user(const struct file_op *op, uid_t uid, gid_t gid)
{
	int sv[2], status, result;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		result = -errno;
		close(sv[0]);
		close(sv[1]);
		return result;
	}
	if (pid == 0) {
		close(sv[0]);
		result = become(uid, gid);
		if (result == 0)
			result = do_op(op);
		send_result(sv[1], result, op->kind == OP_OPEN && result >= 0);
		_exit(0);
	}
	close(sv[1]);
	result = receive_result(sv[0], op->kind == OP_OPEN);
	close(sv[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return result;
}

static int run_op(const struct file_op *op)
{
	uid_t uid;
	gid_t gid;

	return priv_sudo_user(&uid, &gid) ? as_user(op, uid, gid) : do_op(op);
}

int priv_open(const char *path, int flags, mode_t mode)
{
	struct file_op op = {.kind = OP_OPEN, .path = path, .flags = flags, .mode = mode};
	return run_op(&op);
}

int priv_rename(const char *from, const char *to)
{
	struct file_op op = {.kind = OP_RENAME, .path = from, .to = to};
	return run_op(&op);
}

int priv_unlink(const char *path)
{
	struct file_op op = {.kind = OP_UNLINK, .path = path};
	return run_op(&op);
}

int priv_mkdir(const char *path, mode_t mode)
{
	struct file_op op = {.kind = OP_MKDIR, .path = path, .mode = mode};
	return run_op(&op);
}
