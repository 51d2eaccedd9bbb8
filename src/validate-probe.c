/* validate-probe.c — the probe run inside the target Python (optionally chrooted), bounded in time, its output handed to the verdicts. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "facts.h"
#include "plan.h"
#include "validate.h"
#include "validate-int.h"
#include "cpuclock.h"
#include "ydoc.h"
#include "rootdir.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PROBE_TIMEOUT 300        /* seconds (ARMPY_PROBE_TIMEOUT); it sizes its work to ~0.3 s a call */
#define PROBE_GRACE_MS 500       /* after the probe exits: reading what its pipes still hold */
#define PROBE_MAX_OUT (1 << 20)

char *
validate_probe_text(char **cause)
{
	char exe[4096], *dir, *paths[3] = { NULL, NULL, NULL }, *text = NULL;
	ssize_t n;
	size_t i;
	const char *env = getenv("ARMPY_PROBE");

	if (env != NULL && *env != '\0')
		paths[0] = xstrdup(env);
	else {
		/* The source tree next to the binary wins over an installed copy, so a built
		 * but not installed armpy runs its own probe. */
		if ((n = readlink("/proc/self/exe", exe, sizeof exe - 1)) > 0) {
			exe[n] = '\0';
			if ((dir = strrchr(exe, '/')) != NULL)
				*dir = '\0';
			paths[0] = xasprintf("%s/scripts/armpy-probe.py", exe);
		}
		paths[1] = xstrdup(ARMPY_DATADIR "/armpy-probe.py");
	}
	for (i = 0; i < nitems(paths) && text == NULL; i++) {
		if (paths[i] != NULL && access(paths[i], R_OK) == 0)
			text = file_read(paths[i], 1 << 20, NULL, cause);
	}
	if (text == NULL && (cause == NULL || *cause == NULL))
		cause_set(cause, "armpy-probe.py not found (looked in %s%s%s)",
		    paths[0] ? paths[0] : "", paths[1] ? " and " : "", paths[1] ? paths[1] : "");
	for (i = 0; i < nitems(paths); i++)
		free(paths[i]);
	return text;
}

/* NAME=value of ours to pass on: everything that changes which BLAS or kernels load and how
 * they run. With a root, not the library paths: they name this machine's files. */
static char **
env_passed(int rooted)
{
	extern char **environ;
	char **v = strv_new(), **e, *name;
	for (e = environ; e != NULL && *e != NULL; e++) {
		const char *eq = strchr(*e, '=');
		if (eq == NULL)
			continue;
		name = xstrndup(*e, eq - *e);
		if (validate_env_effect(name) != NULL && !(rooted &&
		    (strcmp(name, "LD_PRELOAD") == 0 || strcmp(name, "LD_LIBRARY_PATH") == 0)))
			v = strv_push(v, *e);
		free(name);
	}
	return v;
}

static char **
probe_env(const struct validate_opts *o, char *const *login)
{
	char **env = strv_new(), **mine, **e;
	const char *v;
	int rooted = o->root != NULL && *o->root != '\0';

	env = strv_push(env, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	env = strv_push(env, "LC_ALL=C.UTF-8");
	env = strv_push(env, "PYTHONDONTWRITEBYTECODE=1");
	if (rooted)
		env = strv_push(env, "HOME=/root");
	else if ((v = getenv("HOME")) != NULL)
		env = strv_pushf(env, "HOME=%s", v);
	/* What a login there gets first; our own variables (this machine's, e.g.
	 * OPENBLAS_CORETYPE set for every process) over it; --env over both. */
	for (e = (char **)login; e != NULL && *e != NULL; e++)
		env = strv_setenv(env, *e);
	mine = env_passed(rooted);
	for (e = mine; *e != NULL; e++)
		env = strv_setenv(env, *e);
	strv_free(mine);
	for (e = o->env; e != NULL && *e != NULL; e++)
		env = strv_setenv(env, *e);
	return env;
}

/* Seconds the probe may take: ARMPY_PROBE_TIMEOUT, else PROBE_TIMEOUT. */
static int
probe_timeout(void)
{
	const char *v = getenv("ARMPY_PROBE_TIMEOUT");

	return v != NULL && atoi(v) > 0 ? atoi(v) : PROBE_TIMEOUT;
}

/* The probe's output pipes (fd[0] stdout, fd[1] stderr; -1 once at their end). */
struct probe_io {
	int fd[2];
	struct buf *b[2];
};

/* Reads what poll found ready; a pipe at its end (or failing) is closed. Returns 1 while a
 * pipe is open. */
static int
probe_read(struct probe_io *io, int wait_ms)
{
	struct pollfd pfd[2] = { { io->fd[0], POLLIN, 0 }, { io->fd[1], POLLIN, 0 } };
	char chunk[8192];
	ssize_t n;

	if (poll(pfd, 2, wait_ms) < 0 && errno != EINTR)
		wait_ms = -1;      /* poll itself failed: give up on the pipes */
	for (int i = 0; i < 2; i++) {
		if (io->fd[i] < 0 || (wait_ms >= 0 &&
		    !(pfd[i].revents & (POLLIN | POLLHUP | POLLERR))))
			continue;
		n = wait_ms >= 0 ? read(io->fd[i], chunk, sizeof chunk) : -1;
		if (n > 0 && io->b[i]->len < PROBE_MAX_OUT)
			buf_add(io->b[i], chunk, n);
		else if (n == 0 || (n < 0 && errno != EINTR)) {
			close(io->fd[i]);
			io->fd[i] = -1;
		}
	}
	return io->fd[0] >= 0 || io->fd[1] >= 0;
}

/* 1 when the pipes are still held open by another process than the probe, which has exited:
 * its own ends closed before it became waitable, so only what it left behind holds them. */
static int
probe_pipes_held(const struct probe_io *io)
{
	struct pollfd pfd[2] = { { io->fd[0], 0, 0 }, { io->fd[1], 0, 0 } };

	if (poll(pfd, 2, 0) < 0)
		return 0;
	return (io->fd[0] >= 0 && !(pfd[0].revents & POLLHUP)) ||
	    (io->fd[1] >= 0 && !(pfd[1].revents & POLLHUP));
}

/* Reads until both pipes end, the probe times out, or it has exited: then its process group
 * is killed (what it left running goes with it) and what the pipes hold is read for
 * PROBE_GRACE_MS more. Returns 1 on a timeout; *held when something it left held its output. */
static int
probe_collect(pid_t pid, struct probe_io *io, int timeout, int *held)
{
	double deadline = now_seconds() + timeout, left;
	siginfo_t si;
	int exited = 0;

	*held = 0;
	while ((left = deadline - now_seconds()) > 0) {
		if (!probe_read(io, left < 0.2 ? (int)(left * 1000) + 1 : 200))
			return 0;
		memset(&si, 0, sizeof si);
		if (exited || waitid(P_PID, pid, &si, WEXITED | WNOHANG | WNOWAIT) != 0 ||
		    si.si_pid != pid)
			continue;
		exited = 1;
		*held = probe_pipes_held(io);
		kill(-pid, SIGKILL);
		deadline = now_seconds() + PROBE_GRACE_MS / 1000.0;
	}
	kill(-pid, SIGKILL);
	return !exited;
}

/* Run argv with the probe environment, collecting stdout and stderr; returns the exit status
 * or -1 (cause set) when it could not run or timed out. The probe runs in its own group, in
 * the root when there is one (with a /proc of its own: it reads /proc/self/maps). Once it has
 * exited, nothing it started is waited for: the group is killed, and a probe that left a
 * process holding its output fails. */
static int
probe_spawn(const struct validate_opts *o, char *const *login, char **argv, struct buf *out,
    struct buf *err, char **cause)
{
	static const char *const dirs[] = { "/usr/local/bin", "/usr/bin", "/bin", NULL };
	char **env = probe_env(o, login);
	struct proc_opts po = { .io = { PROC_NULL, PROC_PIPE, PROC_PIPE }, .env = env,
	    .path = o->python != NULL ? o->python : "python3", .dirs = dirs, .root = o->root,
	    .root_proc = 1, .new_group = 1 };
	struct probe_io io = { { -1, -1 }, { out, err } };
	int status = 0, timeout = probe_timeout(), timed_out, held;
	pid_t pid = proc_start(argv, &po);

	strv_free(env);
	if (pid < 0) {
		cause_set(cause, "cannot start the probe: %s", strerror(errno));
		return -1;
	}
	io.fd[0] = po.fd[1];
	io.fd[1] = po.fd[2];
	timed_out = probe_collect(pid, &io, timeout, &held);
	for (int i = 0; i < 2; i++)
		if (io.fd[i] >= 0)
			close(io.fd[i]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (timed_out) {
		cause_set(cause, "the probe took longer than %d seconds (ARMPY_PROBE_TIMEOUT)",
		    timeout);
		return -1;
	}
	if (held) {
		cause_set(cause, "%s exited but left a process holding its output (its process "
		    "group was killed)", po.path);
		return -1;
	}
	if (WIFSIGNALED(status)) {
		cause_set(cause, "the probe was killed by signal %d", WTERMSIG(status));
		return -1;
	}
	return WEXITSTATUS(status);
}

static const char *
last_line(struct buf *b)
{
	char *p;
	if (b->data == NULL)
		return "";
	while (b->len > 0 && (b->data[b->len - 1] == '\n' || b->data[b->len - 1] == ' '))
		b->data[--b->len] = '\0';
	p = strrchr(b->data, '\n');
	return p != NULL ? p + 1 : b->data;
}

static int
f_emulated(const struct facts *f)
{
	return f == NULL || f->emulated;
}

/* A regular file of at most 64 KiB under root, resolved inside it as the executor resolves
 * paths (rootdir.h: openat2, or the walk where openat2 is missing); NULL otherwise. */
static char *
root_file_read(const char *root, const char *path)
{
	struct rootdir *rd;
	struct stat st;
	struct buf b;
	int fd;

	if ((rd = rootdir_open(root, NULL)) == NULL)
		return NULL;
	fd = rootdir_openat(rd, path, O_RDONLY | O_NONBLOCK | O_NOCTTY, 0, NULL);
	rootdir_free(rd);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > 65536) {
		close(fd);
		return NULL;
	}
	buf_init(&b);
	buf_read_fd(&b, fd, 65536);
	close(fd);
	if (b.data == NULL || memchr(b.data, '\0', b.len) != NULL) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

/* With a root: the BLAS settings armpy wrote there for logins (profile.d, or the venv's
 * armpy-blas.sh next to the interpreter), as NAME=value; *from names the file. */
static char **
login_settings(const struct validate_opts *o, char **from)
{
	char *paths[2] = { xstrdup("/etc/profile.d/armpy-blas.sh"), NULL }, *text, *slash;
	char **env = NULL;
	size_t i;
	if (o->root == NULL || *o->root == '\0' || o->no_login_env) {
		free(paths[0]);
		return NULL;
	}
	if (o->python != NULL && (slash = strrchr(o->python, '/')) != NULL)
		paths[1] = xasprintf("%.*s/armpy-blas.sh", (int)(slash - o->python), o->python);
	for (i = nitems(paths); i-- > 0 && env == NULL; ) {
		if (paths[i] == NULL || (text = root_file_read(o->root, paths[i])) == NULL)
			continue;
		env = validate_login_env(text);
		*from = xasprintf("%s%s", o->root, paths[i]);
		free(text);
	}
	free(paths[0]);
	free(paths[1]);
	return env;
}

char **
validate_probe_environ(const struct validate_opts *o)
{
	char *from = NULL, **login = login_settings(o, &from), **env = probe_env(o, login);

	strv_free(login);
	free(from);
	return env;
}

struct validate_report *
validate_run(const struct validate_opts *o, char **cause)
{
	struct validate_report *r = NULL;
	struct validate_opts local = *o;
	struct facts *f = NULL;
	struct detect_opts dop = { 0 };
	struct buf out, err;
	char *text, **argv, *dcause = NULL, **login, *login_from = NULL, **tables;
	int rc;

	if (o->expect != NULL && validate_expect_parse(o->expect, &(const char *){ NULL },
	    &(const char *){ NULL }, cause) != 0)
		return NULL;
	if ((text = validate_probe_text(cause)) == NULL)
		return NULL;
	if (local.facts == NULL) {
		f = facts_new();
		dop.root = o->root;
		dop.cpuinfo = "/proc/cpuinfo";   /* the CPU is the host's, chroot or not */
		dop.no_probe = 1;
		if (facts_detect(f, &dop, &dcause) != 0) {
			facts_free(f);
			f = NULL;
		}
		free(dcause);
		local.facts = f;
	}
	argv = strv_new();
	argv = strv_push(argv, o->python != NULL ? o->python : "python3");
	argv = strv_push(argv, "-c");
	argv = strv_push(argv, text);
	if (o->quick)
		argv = strv_push(argv, "--quick");
	tables = blasid_probe_args();
	argv = strv_append(argv, tables);
	strv_free(tables);
	free(text);
	buf_init(&out);
	buf_init(&err);
	login = login_settings(o, &login_from);
	local.login_env = login;
	local.login_from = login_from;
	if (!f_emulated(local.facts))
		local.clock_mhz = cpuclock_measure_mhz(0.1);
	rc = probe_spawn(&local, login, argv, &out, &err, cause);
	strv_free(argv);
	if (rc > 0)
		cause_set(cause, "the probe failed under %s%s%s (exit %d): %s",
		    quote_short(o->python ? o->python : "python3"), o->root ? " in " : "",
		    o->root ? quote_short(o->root) : "", rc, last_line(&err));
	else if (rc == 0 && (r = validate_from_probe(out.data ? out.data : "", out.len, &local,
	    cause)) != NULL) {
		r->probe_yaml = buf_steal(&out);
	}
	strv_free(login);
	free(login_from);
	buf_free(&out);
	buf_free(&err);
	facts_free(f);
	return r;
}

int
validate_identify_file(const char *python, const char *path, struct validate_lib *l,
    char **cause)
{
	struct validate_opts o = { .python = python };
	struct buf out, err;
	struct ynode *doc;
	char *text, **argv, **tables;
	int rc;

	memset(l, 0, sizeof *l);
	if ((text = validate_probe_text(cause)) == NULL)
		return -1;
	argv = strv_pushl(strv_new(), python != NULL ? python : "python3", "-c", text,
	    "--identify", path, NULL);
	free(text);
	tables = blasid_probe_args();
	argv = strv_append(argv, tables);
	strv_free(tables);
	buf_init(&out);
	buf_init(&err);
	rc = probe_spawn(&o, NULL, argv, &out, &err, cause);
	strv_free(argv);
	if (rc > 0)
		cause_set(cause, "the probe failed (exit %d): %s", rc, last_line(&err));
	if (rc == 0 && (doc = ydoc_parse(out.data != NULL ? out.data : "", out.len, "probe",
	    cause)) != NULL) {
		vlib_parse(l, ynode_get(doc, "identify"));
		ynode_free(doc);
		if (l->kind == NULL)
			cause_set(cause, "probe: no identify: facts");
	}
	buf_free(&out);
	buf_free(&err);
	return rc == 0 && l->kind != NULL ? 0 : -1;
}

