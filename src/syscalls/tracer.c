/*
 * tracer.c - the ptrace loop (see syscalls.h).
 *
 * One thread traces everything: the thread that forked the command (ptrace
 * requests must come from the tracer thread).  A started command stops at
 * PTRACE_EVENT_SECCOMP on each socket call; the tracer stamps the start,
 * resumes with PTRACE_SYSCALL to stop again at the call's exit, stamps the
 * return, decodes, and resumes with PTRACE_CONT, so calls between run at
 * full speed.  Without a filter (an attached process, or a kernel that
 * refused it) every call stops at entry and exit and the table decides.
 * PTRACE_GET_SYSCALL_INFO gives number, arguments and result portably.
 *
 * New processes and threads are followed through PTRACE_O_TRACEFORK,
 * TRACEVFORK and TRACECLONE; a new tracee's first stop may come before its
 * parent's event, so it is held until the event says which fd table it has.
 */
#include "access.h"
#include "preload.h"
#include "spawn.h"

#include <dirent.h>
#include <errno.h>
#include <linux/kcmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct tracee {
	pid_t tid, tgid;
	struct fd_table *fds; /* NULL while held for its parent's event */
	char comm[16];
	bool fresh;      /* auto-attached: its first stop is still to come */
	bool held;       /* stopped before its parent's event named its fd table */
	bool in_call;    /* between a traced call's entry and exit */
	bool restarting; /* the call was interrupted and will be restarted */
	bool preload;    /* the shim logs its calls: stop only at fork, clone, exec */
	struct syscall_event ev;
	int64_t start_sec;
	uint32_t start_nsec;
};

struct tracer {
	struct tracee *tracees;
	size_t count, capacity;
	struct demo_log *log;
	struct syscalls_result *result;
	bool filtered; /* a seccomp filter chooses the stops */
	struct preload *preload;           /* the shim's ring, or NULL */
	unsigned shim_programs, stopped_programs; /* programs started, by how they were traced */
	bool attached; /* -p: detach, never kill */
	pid_t main;
	bool detaching;
	void (*on_command)(pid_t pid); /* syscalls_options.on_command, or NULL */
};

static volatile sig_atomic_t interrupted;
static volatile pid_t signal_target; /* the command, or the attached process */
static volatile sig_atomic_t target_attached;

void syscalls_interrupt(void)
{
	pid_t target = signal_target;

	interrupted = 1;
	if (target > 0 && target_attached) /* wake the tracer: any stop will do; it detaches */
		kill(target, SIGURG);
}

/* ---- the tracee list ---- */

static struct tracee *find_tracee(struct tracer *t, pid_t tid)
{
	for (size_t i = 0; i < t->count; i++)
		if (t->tracees[i].tid == tid)
			return &t->tracees[i];
	return NULL;
}

/* A new entry; pointers to other entries are invalid afterwards. */
static struct tracee *add_tracee(struct tracer *t, pid_t tid)
{
	if (t->count == t->capacity) {
		size_t capacity = t->capacity ? t->capacity * 2 : 16;
		struct tracee *list = realloc(t->tracees, capacity * sizeof *list);
		if (!list)
			return NULL;
		t->tracees = list;
		t->capacity = capacity;
	}
	struct tracee *tr = &t->tracees[t->count++];
	memset(tr, 0, sizeof *tr);
	tr->tid = tr->tgid = tid;
	syscalls_read_comm(tid, tr->comm, sizeof tr->comm);
	return tr;
}

static void drop_tracee(struct tracer *t, pid_t tid)
{
	struct tracee *tr = find_tracee(t, tid);

	if (!tr)
		return;
	syscalls_fd_unref(tr->fds);
	*tr = t->tracees[--t->count];
}

static void stamp(int64_t *sec, uint32_t *nsec)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	*sec = now.tv_sec;
	*nsec = (uint32_t)now.tv_nsec;
}

static void resume(const struct tracer *t, const struct tracee *tr, int sig)
{
	int request = tr->in_call || (!t->filtered && !tr->preload) ? PTRACE_SYSCALL : PTRACE_CONT;
	ptrace(request, tr->tid, NULL, (void *)(long)sig);
}

/* ---- calls ---- */

static bool syscall_info(pid_t tid, struct __ptrace_syscall_info *info)
{
	return ptrace(PTRACE_GET_SYSCALL_INFO, tid, (void *)sizeof *info, info) > 0;
}

static void call_entry(struct tracee *tr, uint64_t nr, const uint64_t *args)
{
	const struct syscall_desc *desc = syscalls_lookup((long)nr);
	struct process_ref ref = {tr->tid, tr->tgid};
	struct tracee_access access = syscalls_access(&ref);

	if (!desc) {
		tr->in_call = false;
		return;
	}
	if (!tr->fds)
		tr->fds = syscalls_fd_create();
	if (!tr->fds)
		return;
	if (!(tr->restarting && tr->ev.desc == desc)) /* a restart keeps its first start */
		stamp(&tr->start_sec, &tr->start_nsec);
	tr->restarting = false;
	tr->ev.desc = desc;
	memcpy(tr->ev.args, args, sizeof tr->ev.args);
	tr->ev.fds = tr->fds;
	tr->in_call = syscalls_decode_entry(&tr->ev, &access); /* false: resume, no exit stop */
}

/* The kernel's "interrupted, will restart" codes, never seen by the program. */
static bool will_restart(int64_t ret)
{
	return ret <= -512 && ret >= -516;
}

static void call_exit(struct tracer *t, struct tracee *tr, int64_t ret)
{
	struct process_ref ref = {tr->tid, tr->tgid};
	struct tracee_access access = syscalls_access(&ref);
	struct demo_call call;

	if (!tr->in_call)
		return;
	tr->in_call = false;
	if (will_restart(ret)) {
		tr->restarting = true;
		return;
	}
	memset(&call, 0, sizeof call);
	stamp(&call.ts_sec, &call.ts_nsec); /* before decoding, which reads /proc */
	tr->ev.ret = ret;
	if (!syscalls_decode(&tr->ev, &access, &call))
		return;
	call.start_sec = tr->start_sec;
	call.start_nsec = tr->start_nsec;
	call.pid = tr->tgid;
	call.tid = tr->tid;
	snprintf(call.comm, sizeof call.comm, "%s", tr->comm);
	snprintf(call.side, sizeof call.side, "pid %d", (int)tr->tgid);
	demo_log_add(t->log, &call);
	t->result->calls++;
}

static void syscall_stop(struct tracer *t, struct tracee *tr)
{
	struct __ptrace_syscall_info info;

	if (!syscall_info(tr->tid, &info))
		return;
	if (info.op == PTRACE_SYSCALL_INFO_SECCOMP)
		call_entry(tr, info.seccomp.nr, info.seccomp.args);
	else if (info.op == PTRACE_SYSCALL_INFO_ENTRY)
		call_entry(tr, info.entry.nr, info.entry.args);
	else if (info.op == PTRACE_SYSCALL_INFO_EXIT)
		call_exit(t, tr, info.exit.rval);
}

/* ---- processes ---- */

/* Do the two share one fd table (threads, CLONE_FILES)? */
static bool share_files(const struct tracee *parent, pid_t child, pid_t child_tgid)
{
	long same = syscall(SYS_kcmp, parent->tid, child, KCMP_FILES, 0, 0);
	return same < 0 ? child_tgid == parent->tgid : same == 0;
}

/* A vfork child shares its parent's memory, shim state included, until it
 * execs: the shim leaves its calls alone, so it is stopped at each one. */
static void new_tracee(struct tracer *t, pid_t parent_tid, pid_t child, bool vforked)
{
	struct tracee *tr = find_tracee(t, child);
	bool held = tr && tr->held;

	if (!tr && !(tr = add_tracee(t, child)))
		return;
	struct tracee *parent = find_tracee(t, parent_tid); /* after the add: stable now */
	tr->tgid = syscalls_read_tgid(child);
	if (parent && parent->fds)
		tr->fds = share_files(parent, child, tr->tgid) ? syscalls_fd_ref(parent->fds)
		                                               : syscalls_fd_clone(parent->fds);
	if (!tr->fds)
		tr->fds = syscalls_fd_create();
	tr->preload = parent && parent->preload && !vforked; /* a copy of the parent's shim */
	tr->held = false;
	if (held)
		resume(t, tr, 0);
	else
		tr->fresh = true;
}

/* After exec: the thread that called it now has the leader's id, files
 * are no longer shared, and close-on-exec fds are gone. */
static void exec_done(struct tracer *t, pid_t tid)
{
	unsigned long former = 0;

	ptrace(PTRACE_GETEVENTMSG, tid, NULL, &former);
	if ((pid_t)former != tid && find_tracee(t, (pid_t)former)) {
		drop_tracee(t, tid);
		find_tracee(t, (pid_t)former)->tid = tid;
	}
	struct tracee *tr = find_tracee(t, tid);
	if (!tr)
		return;
	struct process_ref ref = {tid, tr->tgid};
	struct fd_table *own = tr->fds ? syscalls_fd_clone(tr->fds) : syscalls_fd_create();
	syscalls_fd_unref(tr->fds);
	tr->fds = own;
	if (own)
		syscalls_fd_keep_open(own, syscalls_fd_is_open, &ref);
	syscalls_read_comm(tid, tr->comm, sizeof tr->comm);
	tr->in_call = tr->restarting = false;
	if (t->preload) { /* a new program: the shim is in it, or it is stopped at each call */
		tr->preload = preload_active_in(t->preload, tid);
		if (tr->preload)
			t->shim_programs++;
		else
			t->stopped_programs++;
	}
}

static void event_stop(struct tracer *t, struct tracee *tr, int event)
{
	unsigned long msg = 0;
	pid_t tid = tr->tid;

	switch (event) {
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		ptrace(PTRACE_GETEVENTMSG, tid, NULL, &msg);
		new_tracee(t, tid, (pid_t)msg, event == PTRACE_EVENT_VFORK);
		break;
	case PTRACE_EVENT_EXEC:
		exec_done(t, tid);
		break;
	case PTRACE_EVENT_SECCOMP:
		syscall_stop(t, tr);
		break;
	default: /* PTRACE_EVENT_STOP: a seized tracee's first stop or a group-stop */
		break;
	}
	tr = find_tracee(t, tid);
	if (tr) {
		tr->fresh = false;
		resume(t, tr, 0);
	}
}

/* A tracee this tracer has not met: a new child whose parent's event is still to come. */
static void unknown_stop(struct tracer *t, pid_t tid)
{
	struct tracee *tr = add_tracee(t, tid);

	if (tr)
		tr->held = true; /* resumed by new_tracee() */
	else
		ptrace(PTRACE_CONT, tid, NULL, NULL);
}

static void signal_stop(struct tracer *t, struct tracee *tr, int sig)
{
	if (tr->fresh && sig == SIGSTOP) { /* the first stop of an auto-attached child */
		tr->fresh = false;
		resume(t, tr, 0);
		return;
	}
	resume(t, tr, sig);
}

/* Ctrl-C on an attached process: each tracee is detached at its next stop. */
static void detach_stop(struct tracer *t, pid_t tid, int status)
{
	int sig = WSTOPSIG(status);

	if (!t->detaching) {
		t->detaching = true;
		for (size_t i = 0; i < t->count; i++)
			if (t->tracees[i].tid != tid)
				ptrace(PTRACE_INTERRUPT, t->tracees[i].tid, NULL, NULL);
	}
	bool pass = status >> 16 == 0 && sig != SIGURG && sig != (SIGTRAP | 0x80);
	ptrace(PTRACE_DETACH, tid, NULL, (void *)(long)(pass ? sig : 0));
	drop_tracee(t, tid);
}

static void ended(struct tracer *t, pid_t tid, int status)
{
	if (tid == t->main) {
		t->result->exited = WIFEXITED(status);
		t->result->signaled = WIFSIGNALED(status);
		t->result->status = WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status);
		t->main = -1;
		signal_target = 0;
		if (t->on_command)
			t->on_command(0);
	}
	drop_tracee(t, tid);
}

static void handle_status(struct tracer *t, pid_t tid, int status)
{
	struct tracee *tr = find_tracee(t, tid);

	if (WIFEXITED(status) || WIFSIGNALED(status)) {
		ended(t, tid, status);
		return;
	}
	if (!WIFSTOPPED(status))
		return;
	if (t->attached && interrupted && tr) {
		detach_stop(t, tid, status);
		return;
	}
	if (!tr) {
		unknown_stop(t, tid);
		return;
	}
	int sig = WSTOPSIG(status);
	if (sig == (SIGTRAP | 0x80)) {
		syscall_stop(t, tr);
		resume(t, tr, 0);
	} else if (sig == SIGTRAP && status >> 16) {
		event_stop(t, tr, status >> 16);
	} else if (status >> 16 == PTRACE_EVENT_STOP) {
		event_stop(t, tr, PTRACE_EVENT_STOP);
	} else {
		signal_stop(t, tr, sig);
	}
}

/* The command ended but left processes behind: with the filter in them,
 * their socket calls cannot run untraced, so they end with the capture. */
static void end_leftovers(struct tracer *t)
{
	struct syscalls_result *r = t->result;
	size_t used = 0, size = sizeof r->left_list;

	for (size_t i = 0; i < t->count; i++) {
		const struct tracee *tr = &t->tracees[i];
		if (tr->tid != tr->tgid)
			continue;
		r->left++;
		used +=
		    (size_t)snprintf(r->left_list + used, used < size ? size - used : 0, "%s%d %s",
		                     r->left == 1 ? "" : ", ", (int)tr->tid, tr->comm);
	}
	for (size_t i = 0; i < t->count; i++)
		kill(t->tracees[i].tid, SIGKILL);
}

static void trace_loop(struct tracer *t)
{
	int status;
	bool leftovers_ended = false;

	while (t->count > 0) {
		pid_t tid = waitpid(-1, &status, __WALL);
		if (tid < 0) {
			if (errno == EINTR)
				continue;
			break; /* ECHILD: nothing left to wait for */
		}
		handle_status(t, tid, status);
		if (t->main < 0 && t->count > 0 && !t->attached && !leftovers_ended) {
			leftovers_ended = true;
			end_leftovers(t);
		}
	}
}

/* ---- starting, attaching, reporting ---- */

static long trace_options(bool filtered, bool started)
{
	long options = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK |
	               PTRACE_O_TRACEVFORK | PTRACE_O_TRACEEXEC;
	/* a filtered program cannot make socket calls without its tracer, nor can
	 * the shim's once its ring fills: a started command ends with its tracer */
	if (filtered)
		options |= PTRACE_O_TRACESECCOMP;
	return started ? options | PTRACE_O_EXITKILL : options;
}

static void say_refused(struct syscalls_result *r, const char *what, int err)
{
	const char *hint = err == EPERM
	                       ? ": this needs ptrace (CAP_SYS_PTRACE, or Yama "
	                         "ptrace_scope below 3, and no seccomp policy forbidding it)"
	                       : "";
	snprintf(r->why, sizeof r->why, "%s refused (%s)%s", what, strerror(err), hint);
}

static pid_t wait_child(pid_t pid, int *status)
{
	pid_t got;
	do
		got = waitpid(pid, status, __WALL);
	while (got < 0 && errno == EINTR);
	return got;
}

/* The child stopped itself after its filter went on: set options, let it run. */
static void trace_child(struct tracer *t, pid_t pid, bool filtered)
{
	int status;
	struct tracee *tr;

	if (wait_child(pid, &status) != pid || !WIFSTOPPED(status)) {
		if (WIFEXITED(status) || WIFSIGNALED(status))
			ended(t, pid, status);
		return;
	}
	if (ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)trace_options(filtered, true)) < 0 ||
	    !(tr = add_tracee(t, pid)) || !(tr->fds = syscalls_fd_create())) {
		say_refused(t->result, "PTRACE_SETOPTIONS", errno ? errno : ENOMEM);
		ptrace(PTRACE_DETACH, pid, NULL, NULL);
		t->count = 0;
		return;
	}
	t->filtered = filtered;
	tr->preload = t->preload != NULL; /* until its exec says which program it runs */
	t->result->traced = true;
	resume(t, tr, 0);
	trace_loop(t);
}

static void run_untraced(struct tracer *t, pid_t pid)
{
	int status;
	if (wait_child(pid, &status) == pid)
		ended(t, pid, status);
}

/* The shim for this command, unless asked for stops only or its program cannot load it. */
static bool open_shim(const struct syscalls_options *opts, struct tracer *t, struct preload *pre,
                      struct demo_log *log)
{
	if (!opts->trace || opts->via == SYSCALLS_VIA_PTRACE ||
	    (opts->via == SYSCALLS_VIA_AUTO && !preload_fits_command(opts->command)))
		return false;
	int err = preload_open(pre, log);
	if (err) {
		snprintf(t->result->why, sizeof t->result->why,
		         "the shim could not be prepared (%s): every socket call stops", strerror(err));
		return false;
	}
	return true;
}

static void say_via(const struct tracer *t, struct syscalls_result *r)
{
	if (!r->traced)
		return;
	if (!t->preload)
		snprintf(r->via, sizeof r->via, "ptrace");
	else if (!t->stopped_programs)
		snprintf(r->via, sizeof r->via, "preload");
	else
		snprintf(r->via, sizeof r->via,
		         "preload (%u program%s), ptrace at every call (%u program%s)",
		         t->shim_programs, t->shim_programs == 1 ? "" : "s", t->stopped_programs,
		         t->stopped_programs == 1 ? "" : "s");
}

static int run_command(const struct syscalls_options *opts, struct tracer *t)
{
	struct syscalls_result *r = t->result;
	struct spawn_report first, late;
	struct preload pre;
	int report_fd;
	bool shim = open_shim(opts, t, &pre, t->log);
	struct spawn_preload spawn_pre = {shim ? pre.fd : -1, shim ? pre.child_fd : -1,
	                                  shim ? pre.environ : NULL};
	pid_t pid = syscalls_spawn(opts->command, opts->trace, opts->stdout_to_stderr,
	                           shim ? &spawn_pre : NULL, &first, &report_fd);

	if (pid < 0) {
		snprintf(r->ended, sizeof r->ended, "could not be started: %s", strerror(errno));
		if (shim)
			preload_close(&pre);
		return -SS_EIO;
	}
	t->main = pid;
	target_attached = 0;
	signal_target = pid;
	if (t->on_command)
		t->on_command(pid);
	if (opts->trace && first.stage == SPAWN_NO_PTRACE)
		say_refused(r, "ptrace", first.err);
	if (opts->trace && first.stage == SPAWN_NO_FILTER)
		snprintf(r->why, sizeof r->why,
		         "the seccomp filter was refused (%s): every system call stops, so the "
		         "program runs slower",
		         strerror(first.err));
	/* the shim logs without ptrace: with ptrace refused, its calls are still seen */
	if (shim && preload_start(&pre) == 0)
		t->preload = &pre;
	if (opts->trace && first.stage != SPAWN_NO_PTRACE)
		trace_child(t, pid, first.stage == SPAWN_READY && !shim);
	else
		run_untraced(t, pid);
	if (shim) {
		preload_finish(&pre);
		r->calls += pre.calls;
		r->lost = pre.lost;
		if (first.stage == SPAWN_NO_PTRACE && t->preload) {
			r->traced = true;
			size_t used = strlen(r->why);
			snprintf(r->why + used, sizeof r->why - used,
			         "; calls are seen only through the preloaded shim, in programs that "
			         "load it");
		}
		say_via(t, r);
		preload_close(&pre);
		t->preload = NULL;
	} else {
		say_via(t, r);
	}
	if (syscalls_read_report(report_fd, &late) == 1 && late.stage == SPAWN_EXEC_FAILED)
		r->exec_errno = late.err;
	close(report_fd);
	r->started = r->exec_errno == 0;
	return 0;
}

/* Seizes one thread of the attached process; false when refused. */
static bool seize_thread(struct tracer *t, pid_t tid, struct fd_table *fds)
{
	struct tracee *tr;

	if (find_tracee(t, tid))
		return true;
	if (ptrace(PTRACE_SEIZE, tid, NULL, (void *)trace_options(false, false)) < 0)
		return false;
	if (!(tr = add_tracee(t, tid))) {
		ptrace(PTRACE_DETACH, tid, NULL, NULL);
		return false;
	}
	tr->tgid = t->main;
	tr->fds = syscalls_fd_ref(fds);
	tr->fresh = true;
	ptrace(PTRACE_INTERRUPT, tid, NULL, NULL);
	return true;
}

/* Every thread in /proc/PID/task; twice, for threads started meanwhile. */
static int seize_process(struct tracer *t, struct fd_table *fds)
{
	char path[64];
	int err = ESRCH;

	snprintf(path, sizeof path, "/proc/%d/task", (int)t->main);
	for (int pass = 0; pass < 2; pass++) {
		DIR *dir = opendir(path);
		struct dirent *ent;
		if (!dir)
			return errno;
		while ((ent = readdir(dir)))
			if (ent->d_name[0] != '.' && !seize_thread(t, atoi(ent->d_name), fds))
				err = errno;
		closedir(dir);
	}
	return t->count ? 0 : err;
}

static int attach(const struct syscalls_options *opts, struct tracer *t)
{
	struct syscalls_result *r = t->result;
	struct fd_table *fds = syscalls_fd_create();
	int err;

	t->main = opts->attach;
	t->attached = true;
	if (!fds)
		return -SS_ENOMEM;
	err = seize_process(t, fds);
	syscalls_fd_unref(fds);
	if (err) {
		say_refused(r, "ptrace", err);
		snprintf(r->ended, sizeof r->ended, "could not be attached to: %s", strerror(err));
		return 0;
	}
	r->traced = r->started = true;
	target_attached = 1;
	signal_target = t->main;
	trace_loop(t);
	say_via(t, r);
	return 0;
}

static void describe_end(const struct tracer *t, struct syscalls_result *r)
{
	size_t used;

	if (r->ended[0])
		return;
	if (r->exec_errno == ENOENT)
		snprintf(r->ended, sizeof r->ended, "could not be started: not found");
	else if (r->exec_errno == EACCES)
		snprintf(r->ended, sizeof r->ended, "could not be started: not executable (%s)",
		         strerror(EACCES));
	else if (r->exec_errno)
		snprintf(r->ended, sizeof r->ended, "could not be started: %s",
		         strerror(r->exec_errno));
	else if (r->signaled)
		snprintf(r->ended, sizeof r->ended, "was killed by signal %d (SIG%s)", r->status,
		         sigabbrev_np(r->status) ? sigabbrev_np(r->status) : "?");
	else if (r->exited)
		snprintf(r->ended, sizeof r->ended, "exited with status %d", r->status);
	else if (t->attached)
		snprintf(r->ended, sizeof r->ended, "was detached from and keeps running");
	else
		snprintf(r->ended, sizeof r->ended, "ended in an unknown way");
	used = strlen(r->ended);
	if (r->left)
		snprintf(r->ended + used, sizeof r->ended - used,
		         "; it left %d process%s running (%s), ended with the capture", r->left,
		         r->left == 1 ? "" : "es", r->left_list);
}

int syscalls_run(const struct syscalls_options *opts, struct demo_log *log,
                 struct syscalls_result *result)
{
	struct tracer t = {.log = log, .result = result, .main = -1, .on_command = opts->on_command};
	int rc;

	memset(result, 0, sizeof *result);
	interrupted = 0;
	if (opts->trace && !syscalls_native_arch()) {
		snprintf(result->why, sizeof result->why,
		         "tracing socket calls is supported on x86_64 and aarch64 only");
		if (!opts->command) {
			snprintf(result->ended, sizeof result->ended, "was not attached to");
			return 0;
		}
		opts = &(struct syscalls_options){.command = opts->command,
		                                  .via = opts->via,
		                                  .trace = false,
		                                  .stdout_to_stderr = opts->stdout_to_stderr,
		                                  .on_command = opts->on_command};
	}
	rc = opts->command ? run_command(opts, &t) : attach(opts, &t);
	signal_target = 0;
	if (t.on_command)
		t.on_command(0);
	for (size_t i = 0; i < t.count; i++)
		syscalls_fd_unref(t.tracees[i].fds);
	free(t.tracees);
	describe_end(&t, result);
	return rc;
}
