/* spawn.c — a step's command started: clone/execve with a clean env, own process group, chroot, sudo, apt's progress. */
/* SPDX-License-Identifier: MIT */
#include "action.h"
#include "armpy.h"
#include "exec-int.h"
#include "journal.h"
#include "plan.h"
#include "ydoc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RUN_LINE_MAX 4096
#define APT_STATUS_FD 3

static const char *const run_proxy_vars[] = {
	"http_proxy", "https_proxy", "ftp_proxy", "no_proxy", "all_proxy",
	"HTTP_PROXY", "HTTPS_PROXY", "FTP_PROXY", "NO_PROXY", "ALL_PROXY", NULL
};



/* NAME=VALUE with ~/ expanded where VALUE or one of its ':'-separated parts starts with it
 * (PKG_CONFIG_PATH=~/.cache/armpy/pkgconfig:/usr/lib/...): a program never expands ~. */
static char *
run_env_expand(const struct exec *e, const char *nv)
{
	const char *eq = strchr(nv, '='), *p;
	struct buf b;

	if (eq == NULL)
		return xstrdup(nv);
	buf_init(&b);
	buf_add(&b, nv, (size_t)(eq + 1 - nv));
	for (p = eq + 1;; p++) {
		const char *end = strchr(p, ':');
		size_t n = end != NULL ? (size_t)(end - p) : strlen(p);
		char *part = xstrndup(p, n), *x = exec_expand(e, part);

		buf_puts(&b, x);
		free(part);
		free(x);
		if (end == NULL)
			break;
		buf_puts(&b, ":");
		p = end;
	}
	return buf_steal(&b);
}
/* Builds the environment: clean base, proxies, apt's, then the step's, each replacing a base
 * entry of the same name (getenv would take the first of two). */
static char **
run_env(const struct exec *e, const struct spawn *sp, int apt)
{
	char **env = strv_new();

	env = strv_push(env, "PATH=" EXEC_CLEAN_PATH);
	env = strv_pushf(env, "HOME=%s", exec_home(e));
	env = strv_push(env, "LANG=C.UTF-8");
	for (int i = 0; run_proxy_vars[i] != NULL; i++) {
		const char *v = getenv(run_proxy_vars[i]);
		if (v != NULL)
			env = strv_pushf(env, "%s=%s", run_proxy_vars[i], v);
	}
	if (apt) {
		env = strv_push(env, "DEBIAN_FRONTEND=noninteractive");
		env = strv_push(env, "APT_LISTCHANGES_FRONTEND=none");
	}
	for (size_t i = 0; sp->env != NULL && sp->env[i] != NULL; i++) {
		char *v = run_env_expand(e, sp->env[i]);
		env = strv_setenv(env, v);    /* the step's value wins (a gcc-toolset's PATH) */
		free(v);
	}
	return env;
}

static char **
run_argv(const struct exec *e, const struct spawn *sp, char **env, int apt)
{
	char **argv = strv_new();
	const char *t;

	if (sp->privileged && exec_euid(e) != 0) {
		argv = strv_push(argv, "sudo");
		if (exec_sudo_password(e) != NULL)       /* sudo keeps no timestamp: the password on stdin */
			argv = strv_pushl(argv, "-S", "-p", "", NULL);
		else
			argv = strv_push(argv, "-n");
		argv = strv_push(argv, "/usr/bin/env");
		for (size_t i = 0; env[i] != NULL; i++)
			argv = strv_push(argv, env[i]);
	}
	for (size_t i = 0; sp->argv[i] != NULL; i++) {
		char *v = exec_expand(e, sp->argv[i]);
		argv = strv_push(argv, v);
		free(v);
		if (i == 0 && apt) {
			t = getenv("ARMPY_APT_LOCK_TIMEOUT");
			argv = strv_push(argv, "-o");
			argv = strv_pushf(argv, "APT::Status-Fd=%d", APT_STATUS_FD);
			argv = strv_push(argv, "-o");
			argv = strv_pushf(argv, "DPkg::Lock::Timeout=%d",
			    t != NULL && atoi(t) > 0 ? atoi(t) : 300);
		}
	}
	return argv;
}

char **
spawn_argv(const struct exec *e, const struct spawn *sp)
{
	int apt = apt_is_apt(sp->argv);
	char **env = run_env(e, sp, apt), **argv = run_argv(e, sp, env, apt);

	strv_free(env);
	return argv;
}

/* A memfd holding text, positioned at its start: a child's stdin. -1 with *cause. */
static int
run_input(const char *text, char **cause)
{
	int fd = memfd_create("armpy-input", MFD_CLOEXEC);
	size_t len = strlen(text);

	if (fd < 0) {
		cause_set(cause, "memfd_create: %s", strerror(errno));
		return -1;
	}
	while (len > 0) {
		ssize_t n = write(fd, text, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || lseek(fd, 0, SEEK_SET) < 0) {
			cause_set(cause, "memfd: %s", strerror(errno));
			close(fd);
			return -1;
		}
		text += n;
		len -= (size_t)n;
	}
	lseek(fd, 0, SEEK_SET);
	return fd;
}

/* A pipe holding text, its write end closed: a child's stdin for `sudo -S`. A pipe, not a
 * memfd: /dev/stdin reopened (install's) is then the same stream, past the password line
 * sudo read, where a memfd would be read again from its start. -1 with *cause. */
static int
run_input_pipe(const char *text, char **cause)
{
	size_t len = strlen(text);
	int p[2];

	if (pipe2(p, O_CLOEXEC) != 0) {
		cause_set(cause, "pipe: %s", strerror(errno));
		return -1;
	}
	if ((len >= 65536 && fcntl(p[1], F_SETPIPE_SZ, (int)len + 1) < 0) ||
	    write_all(p[1], text, len) != 0) {
		cause_set(cause, "%zu bytes do not fit a pipe to sudo -S (%s)", len, strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	close(p[1]);
	return p[0];
}

/*
 * The child is started with clone(CLONE_VM | CLONE_VFORK), as posix_spawn does: no copy of
 * armpy's page tables (libcurl, OpenSSL and the plan are mapped), and armpy sleeps until the
 * child has exec'd. The child runs on its own small stack, shares armpy's memory and so only
 * makes system calls: no malloc, no stdio. It journals its own `child` record (its pid is its
 * process group) before it execs, so a step can never run unjournaled even if armpy is killed
 * at that very moment. Everything it needs is prepared by the parent in struct run_child.
 */
struct run_child {
	char **argv, **env;
	const char *cwd, *root, *home;
	int out, status, apt;      /* pipe write ends; status is -1 without apt */
	int in;                    /* stdin, -1 for /dev/null */
	int journal;               /* fd for the child record, -1 for none */
	char *record;              /* "child <id> " and room for "<pid>" and its frame */
	size_t record_len;
	int *journal_err;          /* set by the child when it could not journal (shared memory) */
	sigset_t mask;             /* the signal mask to exec with */
};

/* Completes "child <id> " (the parent left room) with "<pid>" and frames it; one write(2). */
static void
run_child_record(const struct run_child *c)
{
	char digits[24], *rec = c->record;
	size_t len = c->record_len, nd = 0;
	long pid = (long)getpid();

	if (c->journal < 0)
		return;
	do
		digits[nd++] = '0' + pid % 10;
	while ((pid /= 10) > 0);
	while (nd > 0)
		rec[len++] = digits[--nd];
	len = journal_frame(rec, len);
	for (size_t off = 0; off < len;) {
		ssize_t n = write(c->journal, rec + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			*c->journal_err = n < 0 ? errno : EIO;   /* the parent says why */
			_exit(127);             /* not journaled: do not run */
		}
		off += n;
	}
}

static int
run_child(void *arg)
{
	const struct run_child *c = arg;
	static const int sigs[] = { SIGINT, SIGTERM, SIGPIPE, SIGHUP };
	static const char *const dirs[] = { "/usr/sbin", "/usr/bin", "/sbin", "/bin", NULL };
	struct sigaction sa;
	int nul;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	for (size_t i = 0; i < nitems(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
	sigprocmask(SIG_SETMASK, &c->mask, NULL);
	setpgid(0, 0);
	run_child_record(c);
	nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
	dup2(c->in >= 0 ? c->in : nul, 0);
	dup2(c->out, 1);
	dup2(c->out, 2);
	if (c->apt && c->status == APT_STATUS_FD)
		fcntl(c->status, F_SETFD, 0);
	else if (c->apt)
		dup2(c->status, APT_STATUS_FD);
	proc_child_enter(c->root, c->cwd);
	if (c->cwd == NULL && chdir(c->home) != 0 && chdir("/") != 0)
		_exit(127);
	proc_child_exec(c->argv[0], c->argv, c->env, dirs);   /* the clean PATH, in the root */
	return 127;
}

/* Starts the child (see above); returns its pid, or -1 with errno. */
static pid_t
run_clone(struct run_child *c)
{
	static char *stack;
	const size_t size = 256 * 1024;
	sigset_t all;
	pid_t pid;

	if (stack == NULL) {
		stack = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS |
		    MAP_STACK, -1, 0);
		if (stack == MAP_FAILED) {
			stack = NULL;
			return -1;
		}
	}
	/* no handler of armpy's may run in the child, which shares its memory */
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &c->mask);
	pid = clone(run_child, stack + size, CLONE_VM | CLONE_VFORK | SIGCHLD, c);
	sigprocmask(SIG_SETMASK, &c->mask, NULL);
	return pid;
}

struct run_reader {
	char buf[RUN_LINE_MAX];
	size_t len;
	int fd;
	int status;        /* the apt status stream */
};

static void
run_emit(struct exec *e, const struct spawn *sp, struct run_reader *r, const char *line)
{
	double fr;
	char *detail;

	if (r->status) {
		if (apt_status_parse(line, &fr, &detail) == 0) {
			exec_progress(e, fr, detail);
			free(detail);
		} else
			exec_log_line(e, "apt-status: ", line);
		return;
	}
	if (sp->quiet) {
		exec_log_line(e, "", line);
		return;
	}
	exec_line(e, line);
	if (apt_is_lock_wait(line))
		exec_progress(e, -1, "waiting for another package manager");
}

/* Reads what is available; returns 0 at EOF, 1 otherwise. */
static int
run_read(struct exec *e, const struct spawn *sp, struct run_reader *r)
{
	ssize_t n;
	size_t start = 0;

	n = read(r->fd, r->buf + r->len, sizeof r->buf - 1 - r->len);
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 1 : 0;
	if (n == 0) {
		if (r->len > 0) {
			r->buf[r->len] = '\0';
			run_emit(e, sp, r, r->buf);
			r->len = 0;
		}
		return 0;
	}
	r->len += n;
	for (size_t i = 0; i < r->len; i++) {
		if (r->buf[i] == '\n' || r->buf[i] == '\r') {
			r->buf[i] = '\0';
			if (i > start)
				run_emit(e, sp, r, r->buf + start);
			start = i + 1;
		}
	}
	if (start == 0 && r->len == sizeof r->buf - 1) {   /* an overlong line */
		r->buf[r->len] = '\0';
		run_emit(e, sp, r, r->buf);
		r->len = 0;
	} else if (start > 0) {
		memmove(r->buf, r->buf + start, r->len - start);
		r->len -= start;
	}
	return 1;
}

/* TERM the group, KILL it after the grace period; reaps the child. */
static int
run_stop(pid_t pid)
{
	int status = 0, grace = EXEC_KILL_GRACE_MS;
	const char *g = getenv("ARMPY_KILL_GRACE_MS");

	if (g != NULL && atoi(g) > 0)
		grace = atoi(g);
	kill(-pid, SIGTERM);
	kill(-pid, SIGCONT);
	for (int waited = 0; waited < grace; waited += 20) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			kill(-pid, SIGKILL);      /* stragglers in the group */
			return status;
		}
		usleep(20 * 1000);
	}
	kill(-pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

static spawn_hook_fn spawn_hook;
static void *spawn_hook_arg;

void
spawn_set_hook(spawn_hook_fn fn, void *arg)
{
	spawn_hook = fn;
	spawn_hook_arg = arg;
}

int
spawn_hooked(const struct spawn *sp, int *status)
{
	if (spawn_hook == NULL)
		return 0;
	*status = spawn_hook(spawn_hook_arg, sp);
	return 1;
}

/* The child's stdin into *fd: the sudo password line then the input when sudo -S asks for
 * it, the input alone, or -1 (/dev/null). 0, or -1 with *cause. */
static int
run_stdin(struct exec *e, const struct spawn *sp, int *fd, char **cause)
{
	char *text;

	*fd = -1;
	if (sp->privileged && exec_euid(e) != 0 && exec_sudo_password(e) != NULL) {
		/* sudo -S reads the password line byte by byte: the rest is the command's stdin */
		text = xasprintf("%s\n%s", exec_sudo_password(e), sp->input != NULL ? sp->input : "");
		*fd = run_input_pipe(text, cause);
		explicit_bzero(text, strlen(text));
		free(text);
		return *fd < 0 ? -1 : 0;
	}
	if (sp->input != NULL && (*fd = run_input(sp->input, cause)) < 0)
		return -1;
	return 0;
}

/* The child's journal record, "child <id> " with room for its pid and frame, for a step's
 * own command (not a quiet one, not outside a step): the record to free after the clone, or
 * NULL (child->journal -1). */
static char *
run_child_journal(struct exec *e, const struct spawn *sp, struct run_child *child, int *err)
{
	char *id, *record;

	child->journal = -1;
	if (sp->quiet || exec_current(e) == NULL || exec_journal(e) == NULL)
		return NULL;
	id = journal_escape(exec_current(e)->id);
	child->record_len = strlen(id) + 7;
	record = xmalloc(child->record_len + 24 + JOURNAL_FRAME);
	snprintf(record, child->record_len + 32, "child %s ", id);
	free(id);
	child->journal = journal_fd(exec_journal(e));
	child->record = record;
	child->journal_err = err;
	return record;
}

enum run_end { RUN_DONE, RUN_INTERRUPTED, RUN_TIMED_OUT };

/* Reads the child's output (out) and apt's status pipe (st, -1 none) until the child exited
 * and they closed, the run is interrupted or the timeout passed; then reaps it: *statusp is
 * its wait status. */
static enum run_end
run_wait(struct exec *e, const struct spawn *sp, pid_t pid, int out, int st, int *statusp)
{
	struct run_reader rd[2];
	int exited = 0, timed_out = 0, interrupted = 0, status = 0;
	double deadline, exit_time = 0;

	memset(rd, 0, sizeof rd);
	rd[0].fd = out;
	rd[1].fd = st;
	rd[1].status = 1;
	deadline = sp->timeout > 0 ? now_seconds() + sp->timeout : 0;
	while (rd[0].fd >= 0 || rd[1].fd >= 0) {
		struct pollfd pfd[2];
		int n = 0, idx[2], r;

		for (int i = 0; i < 2; i++)
			if (rd[i].fd >= 0) {
				pfd[n].fd = rd[i].fd;
				pfd[n].events = POLLIN;
				idx[n++] = i;
			}
		r = poll(pfd, n, exited ? 100 : 250);
		journal_tick(exec_journal(e));       /* the group commit and the log catch up */
		exec_log_tick(e);
		if (exec_signalled) {
			interrupted = 1;
			break;
		}
		if (deadline > 0 && now_seconds() > deadline) {
			timed_out = 1;
			break;
		}
		if (r > 0) {
			for (int i = 0; i < n; i++)
				if (pfd[i].revents != 0 && !run_read(e, sp, &rd[idx[i]])) {
					close(rd[idx[i]].fd);
					rd[idx[i]].fd = -1;
				}
		}
		if (!exited && waitpid(pid, &status, WNOHANG) == pid) {
			exited = 1;
			exit_time = now_seconds();
		}
		/* a daemon left behind holds the pipe: stop reading a second after the exit */
		if (exited && r == 0 && now_seconds() - exit_time > 1.0)
			break;
	}
	for (int i = 0; i < 2; i++)
		if (rd[i].fd >= 0)
			close(rd[i].fd);
	if (interrupted || timed_out) {
		if (!exited)
			status = run_stop(pid);
		else
			kill(-pid, SIGKILL);
	} else if (!exited) {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
			if (exec_signalled) {
				interrupted = 1;
				status = run_stop(pid);
				break;
			}
		}
	}
	*statusp = status;
	return interrupted ? RUN_INTERRUPTED : timed_out ? RUN_TIMED_OUT : RUN_DONE;
}

/* The command into the log as a "$ " line (nothing without a log). */
static void
run_log_argv(struct exec *e, char **argv)
{
	char *line = strv_join(argv, " ");

	exec_log_line(e, "$ ", line);
	free(line);
}

int
spawn_step(struct exec *e, const struct spawn *sp, int *statusp, char **cause)
{
	int apt = apt_is_apt(sp->argv), out[2], st[2] = { -1, -1 }, status = 0;
	char **env, **argv, *cwd = NULL, *record = NULL;
	struct run_child child = { .in = -1 };
	int journal_err = 0;
	enum run_end end;
	pid_t pid;

	if (sp->argv == NULL || sp->argv[0] == NULL) {
		cause_set(cause, "empty command");
		return -1;
	}
	if (spawn_hooked(sp, statusp)) {
		exec_set_status(e, *statusp);
		return 0;
	}
	if (run_stdin(e, sp, &child.in, cause) != 0)
		return -1;
	env = run_env(e, sp, apt);
	argv = run_argv(e, sp, env, apt);
	if (sp->cwd != NULL)
		cwd = exec_expand(e, sp->cwd);
	run_log_argv(e, argv);
	if (pipe2(out, O_CLOEXEC) != 0 || (apt && pipe2(st, O_CLOEXEC) != 0)) {
		cause_set(cause, "pipe: %s", strerror(errno));
		if (child.in >= 0)
			close(child.in);
		strv_free(env);
		strv_free(argv);
		free(cwd);
		return -1;
	}
	exec_log_tick(e);
	child.argv = argv;
	child.env = env;
	child.cwd = cwd;
	child.root = exec_root(e);
	child.home = exec_home(e);
	child.out = out[1];
	child.status = st[1];
	child.apt = apt;
	record = run_child_journal(e, sp, &child, &journal_err);
	pid = run_clone(&child);
	free(record);
	if (child.in >= 0)
		close(child.in);
	if (pid < 0) {
		cause_set(cause, "clone: %s", strerror(errno));
		close(out[0]);
		close(out[1]);
		if (apt) {
			close(st[0]);
			close(st[1]);
		}
		strv_free(env);
		strv_free(argv);
		free(cwd);
		return -1;
	}
	if (child.journal >= 0)
		journal_written(exec_journal(e));
	close(out[1]);
	if (apt)
		close(st[1]);

	end = run_wait(e, sp, pid, out[0], st[0], &status);
	strv_free(env);
	strv_free(argv);
	free(cwd);
	if (WIFEXITED(status))
		*statusp = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		*statusp = 128 + WTERMSIG(status);
	else
		*statusp = 255;
	exec_set_status(e, *statusp);
	if (journal_err != 0) {           /* the child did not run the command */
		journal_fail(exec_journal(e), journal_err);
		exec_set_status(e, -1);
		cause_set(cause, "%s: %s (the step did not run)", journal_path(exec_journal(e)),
		    strerror(journal_err));
		return -1;
	}
	if (end == RUN_INTERRUPTED) {
		cause_set(cause, "interrupted");
		return -1;
	}
	if (end == RUN_TIMED_OUT) {
		cause_set(cause, "timed out after %d s (process group killed)", sp->timeout);
		return -1;
	}
	return 0;
}

void
spawn_from_desc(const struct desc_entry *x, struct spawn *sp)
{
	memset(sp, 0, sizeof *sp);
	sp->argv = x->argv;
	sp->env = x->env;
	sp->cwd = x->cwd;
	sp->timeout = x->timeout;
	sp->privileged = x->privileged;
}

int
spawn_described(struct exec *e, const struct step_desc *d, int check, int quiet, int *status,
    char **cause)
{
	const struct desc_entry *x = step_desc_find(d, DESC_COMMAND, check);
	struct spawn sp;

	if (x == NULL) {
		cause_set(cause, "no command described");
		return -1;
	}
	spawn_from_desc(x, &sp);
	sp.quiet = quiet;
	if (spawn_step(e, &sp, status, cause) != 0)
		return -1;
	if (*status == 0 || check)
		return 0;
	if (*status > 128)
		cause_set(cause, "%s was killed by signal %d", quote_short(x->argv[0]),
		    *status - 128);
	else
		cause_set(cause, "%s exited with status %d", quote_short(x->argv[0]), *status);
	return -1;
}
