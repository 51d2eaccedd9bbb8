/* act-run.c — run steps: fork/execve with a clean env, own process group, chroot, sudo, apt. */
#include "armpy.h"
#include "exec-int.h"
#include "journal.h"
#include "plan.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

int
apt_is_apt(char *const *argv)
{
	const char *b;

	if (argv == NULL || argv[0] == NULL)
		return 0;
	b = strrchr(argv[0], '/');
	b = b != NULL ? b + 1 : argv[0];
	return strcmp(b, "apt-get") == 0 || strcmp(b, "apt") == 0;
}

int
apt_is_lock_wait(const char *line)
{
	return strstr(line, "Waiting for cache lock") != NULL ||
	    strstr(line, "Could not get lock") != NULL ||
	    strstr(line, "Unable to acquire the dpkg frontend lock") != NULL ||
	    strstr(line, "Unable to lock the administration directory") != NULL;
}

int
apt_status_parse(const char *line, double *fraction, char **detail)
{
	int dl;
	const char *p, *f;

	if (str_startswith(line, "dlstatus:"))
		dl = 1;
	else if (str_startswith(line, "pmstatus:"))
		dl = 0;
	else
		return -1;
	p = strchr(line, ':') + 1;
	/* pkg[:arch]:percent:message — the percent is the first field that is a number */
	for (f = strchr(p, ':'); f != NULL; f = strchr(f + 1, ':')) {
		char *end;
		double v;
		if (f[1] == '\0')
			break;
		v = strtod(f + 1, &end);
		if (end != f + 1 && *end == ':') {
			if (v < 0)
				v = 0;
			if (v > 100)
				v = 100;
			*fraction = dl ? 0.4 * v / 100 : 0.4 + 0.6 * v / 100;
			*detail = xstrdup(end + 1);
			return 0;
		}
	}
	return -1;
}

/* Builds the environment: clean base, proxies, apt's, the step's. */
static char **
run_env(struct exec *e, const struct spawn *sp, int apt)
{
	char **env = strv_new();

	env = strv_push(env, "PATH=" EXEC_CLEAN_PATH);
	env = strv_pushf(env, "HOME=%s", e->home);
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
		char *v = exec_expand(e, sp->env[i]);
		env = strv_push(env, v);
		free(v);
	}
	return env;
}

static char **
run_argv(struct exec *e, const struct spawn *sp, char **env, int apt)
{
	char **argv = strv_new();
	const char *t;

	if (sp->privileged && e->euid != 0) {
		argv = strv_push(argv, "sudo");
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

/* In the child: search the clean PATH (inside the root) and execve. */
static void
run_child_exec(char **argv, char **env)
{
	char path[4096];
	const char *dirs[] = { "/usr/sbin", "/usr/bin", "/sbin", "/bin" };
	int err = ENOENT;

	if (strchr(argv[0], '/') != NULL)
		execve(argv[0], argv, env);
	else {
		for (size_t i = 0; i < nitems(dirs); i++) {
			snprintf(path, sizeof path, "%s/%s", dirs[i], argv[0]);
			execve(path, argv, env);
			if (errno != ENOENT)
				err = errno;
		}
		errno = err;
	}
	dprintf(1, "armpy: cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
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
		} else if (e->log != NULL)
			fprintf(e->log, "apt-status: %s\n", line);
		return;
	}
	if (sp->quiet) {
		if (e->log != NULL)
			fprintf(e->log, "%s\n", line);
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

int
act_spawn(struct exec *e, const struct spawn *sp, int *statusp, char **cause)
{
	int apt = apt_is_apt(sp->argv), out[2], st[2] = { -1, -1 }, go[2], status = 0;
	int exited = 0, timed_out = 0, interrupted = 0;
	char **env, **argv, *cwd = NULL;
	struct run_reader rd[2];
	double deadline, exit_time = 0;
	pid_t pid;

	if (sp->argv == NULL || sp->argv[0] == NULL) {
		cause_set(cause, "empty command");
		return -1;
	}
	env = run_env(e, sp, apt);
	argv = run_argv(e, sp, env, apt);
	if (sp->cwd != NULL)
		cwd = exec_expand(e, sp->cwd);
	if (e->log != NULL) {
		char *line = strv_join(argv, " ");
		fprintf(e->log, "$ %s\n", line);
		free(line);
	}
	if (pipe2(out, O_CLOEXEC) != 0 || pipe2(go, O_CLOEXEC) != 0 ||
	    (apt && pipe2(st, O_CLOEXEC) != 0)) {
		cause_set(cause, "pipe: %s", strerror(errno));
		strv_free(env);
		strv_free(argv);
		free(cwd);
		return -1;
	}
	if (e->log != NULL)
		fflush(e->log);
	pid = fork();
	if (pid < 0) {
		cause_set(cause, "fork: %s", strerror(errno));
		strv_free(env);
		strv_free(argv);
		free(cwd);
		return -1;
	}
	if (pid == 0) {
		char c;
		int nul;
		struct sigaction sa;

		memset(&sa, 0, sizeof sa);
		sa.sa_handler = SIG_DFL;
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGPIPE, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
		setpgid(0, 0);
		if (read(go[0], &c, 1) != 1)
			_exit(127);         /* the parent died before journaling us: do nothing */
		nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
		dup2(nul, 0);
		dup2(out[1], 1);
		dup2(out[1], 2);
		if (apt && st[1] == APT_STATUS_FD)
			fcntl(st[1], F_SETFD, 0);
		else if (apt)
			dup2(st[1], APT_STATUS_FD);
		if (e->root != NULL && (chroot(e->root) != 0 || chdir("/") != 0)) {
			dprintf(1, "armpy: chroot %s: %s\n", e->root, strerror(errno));
			_exit(127);
		}
		if (cwd != NULL) {
			if (chdir(cwd) != 0) {
				dprintf(1, "armpy: cd %s: %s\n", cwd, strerror(errno));
				_exit(127);
			}
		} else if (chdir(e->home) != 0 && chdir("/") != 0)
			_exit(127);
		run_child_exec(argv, env);
	}
	setpgid(pid, pid);
	close(out[1]);
	close(go[0]);
	if (apt)
		close(st[1]);
	if (!sp->quiet && e->cur != NULL && e->journal != NULL) {
		char *id = journal_escape(e->cur->id);
		journal_append(e->journal, 0, "child %s %ld", id, (long)pid);
		free(id);
	}
	if (write(go[1], "g", 1) != 1)
		exec_logf(e, "cannot start the child: %s", strerror(errno));
	close(go[1]);

	memset(rd, 0, sizeof rd);
	rd[0].fd = out[0];
	rd[1].fd = apt ? st[0] : -1;
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
	strv_free(env);
	strv_free(argv);
	free(cwd);
	if (WIFEXITED(status))
		*statusp = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		*statusp = 128 + WTERMSIG(status);
	else
		*statusp = 255;
	e->last_status = *statusp;
	if (interrupted) {
		cause_set(cause, "interrupted");
		return -1;
	}
	if (timed_out) {
		cause_set(cause, "timed out after %d s (process group killed)", sp->timeout);
		return -1;
	}
	return 0;
}

int
act_run(struct exec *e, const struct step *s, char **cause)
{
	struct spawn sp = {
		.argv = s->u.run.argv, .env = s->u.run.env, .cwd = s->u.run.cwd,
		.timeout = s->u.run.timeout, .privileged = s->privileged,
	};
	int status;

	if (act_spawn(e, &sp, &status, cause) != 0)
		return -1;
	if (status == 0)
		return 0;
	if (status > 128)
		cause_set(cause, "%s was killed by signal %d", s->u.run.argv[0], status - 128);
	else
		cause_set(cause, "%s exited with status %d", s->u.run.argv[0], status);
	return -1;
}
