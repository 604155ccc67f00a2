/*
 * privs.h - the privileges a command holds, and files opened with the
 * user's rights: private to the cli module (docs/privileges.md).
 *
 * Under sudo (euid 0 with SUDO_UID naming another user) every file sockscope
 * writes is opened, created, renamed or removed by a child process that has
 * become that user first, and the descriptor is passed back over a socket:
 * the file belongs to the user and could only be one the user may write.
 * Nothing is ever chown'ed by path.  Without sudo the call is made directly.
 */
#ifndef SOCKSCOPE_CLI_PRIVS_H
#define SOCKSCOPE_CLI_PRIVS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Capability bits (linux/capability.h numbers) for priv_limit_caps. */
#define PRIV_CAP(n) (UINT64_C(1) << (n))
/* A capture: CAP_NET_RAW 13 (the packet socket), CAP_SETGID 6 and CAP_SETUID 7
 * (becoming the sudo user).  Demos also make a network namespace and its
 * nftables rules: CAP_SYS_ADMIN 21, CAP_NET_ADMIN 12. */
#define PRIV_CAPTURE_SET (PRIV_CAP(13) | PRIV_CAP(6) | PRIV_CAP(7))
/* capture -p PID also traces a process that is not its child: CAP_SYS_PTRACE */
#define PRIV_ATTACH_SET (PRIV_CAPTURE_SET | PRIV_CAP(19))
#define PRIV_DEMO_SET    (PRIV_CAPTURE_SET | PRIV_CAP(12) | PRIV_CAP(21))

/* The user a sudo run acts for: true when euid is 0 and SUDO_UID/SUDO_GID
 * name a valid non-root user (under sudo the real uid is 0).  A set-user-ID
 * root binary acts for its real uid and gid instead: its caller could set
 * SUDO_UID to anyone. */
bool priv_sudo_user(uid_t *uid, gid_t *gid);

/*
 * Keeps only the capabilities in `keep` (effective and permitted; none
 * inheritable or ambient), with capget/capset directly.  Bits the process
 * does not hold stay off.  Returns 0 or -errno.
 */
int priv_limit_caps(uint64_t keep);
/* The effective set now (for tests and messages); 0 when it cannot be read. */
uint64_t priv_effective_caps(void);

/*
 * Under sudo: becomes SUDO_UID/SUDO_GID for good (setgroups, setgid,
 * setuid, each checked, then proven irreversible); elsewhere nothing.  Then
 * drops every capability left.  Returns 0, or -SS_EPERM with a message.
 */
int priv_drop(char *errbuf, size_t errsize);

/* open(2) with the user's rights; always adds O_CLOEXEC.  fd or -errno. */
int priv_open(const char *path, int flags, mode_t mode);
/* rename(2) and unlink(2) with the user's rights: 0 or -errno. */
int priv_rename(const char *from, const char *to);
int priv_unlink(const char *path);
/* mkdir(2) with the user's rights: 0 or -errno. */
int priv_mkdir(const char *path, mode_t mode);

#endif
