/* sudo.c — sudo for a user who is not root: which steps use it, asking once, keeping it alive. */
/* SPDX-License-Identifier: MIT */
#include "action.h"
#include "armpy.h"
#include "exec-int.h"
#include "plan.h"
#include "sudo.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SUDO_QUIET_TIMEOUT 30        /* seconds: `sudo -n` never prompts, but NSS/PAM may stall */

static char *const sudo_env[] = { "PATH=" EXEC_CLEAN_PATH, "LANG=C", NULL };

int
step_uses_sudo(const struct step *s)
{
	const struct action_ops *ops = action_ops_of(s->kind);

	return s->privileged && ops != NULL && ops->uses_sudo;
}

size_t
sudo_steps(const struct plan *p)
{
	size_t n = 0;

	for (size_t i = 0; i < p->nsteps; i++)
		n += step_uses_sudo(&p->steps[i]);
	return n;
}

int
sudo_needed(const struct plan *p)
{
	return geteuid() != 0 && sudo_steps(p) > 0;
}

/* Starts sudo with its clean environment: stdin from in, stdout and stderr to out (-1:
 * /dev/null), killed after timeout seconds (0: never). Its pid, or -1 with errno. */
static pid_t
sudo_start(char *const argv[], int in, int out, int timeout)
{
	struct proc_opts o = { .io = { in >= 0 ? PROC_FD : PROC_NULL,
	    out >= 0 ? PROC_FD : PROC_NULL, PROC_STDOUT }, .fd = { in, out, -1 },
	    .env = sudo_env, .path = SUDO_PATH, .timeout = timeout };

	return proc_start(argv, &o);
}

/* Runs sudo quietly (stdio on /dev/null, in this session so that its terminal's timestamp
 * counts); its exit status, or -1. Only async-signal-safe calls: the keepalive child uses it. */
static int
sudo_quiet(char *const argv[])
{
	int status;
	pid_t pid = sudo_start(argv, -1, -1, SUDO_QUIET_TIMEOUT);

	if (pid < 0)
		return -1;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int
sudo_ready(void)
{
	static char *const validate[] = { "sudo", "-n", "-v", NULL };
	static char *const run_true[] = { "sudo", "-n", "true", NULL };

	return sudo_quiet(validate) == 0 || sudo_quiet(run_true) == 0;
}

int
sudo_has_terminal(void)
{
	int fd;

	if (!isatty(STDIN_FILENO))
		return 0;
	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

/* Waits for pid up to timeout seconds (0: no limit), then TERM (sudo restores the terminal),
 * then KILL. Its exit status, or -1 when it had to be stopped. */
static int
sudo_wait(pid_t pid, int timeout)
{
	double deadline = now_seconds() + timeout;
	int status;
	pid_t r;

	for (;;) {
		r = waitpid(pid, &status, timeout > 0 ? WNOHANG : 0);
		if (r == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		if (r < 0 && errno != EINTR)
			return -1;
		if (timeout > 0 && now_seconds() > deadline)
			break;
		if (r == 0)
			usleep(100 * 1000);
	}
	kill(pid, SIGTERM);
	for (int i = 0; i < 20 && waitpid(pid, &status, WNOHANG) == 0; i++)
		usleep(100 * 1000);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

int
sudo_validate_tty(char **cause)
{
	static char *const argv[] = { "sudo", "-v", NULL };
	int st;
	pid_t pid;

	if (!sudo_has_terminal()) {
		cause_set(cause, "sudo needs a terminal to ask for the password, and there is none");
		return -1;
	}
	pid = proc_start(argv, &(struct proc_opts){ .io = { PROC_INHERIT, PROC_INHERIT,
	    PROC_INHERIT }, .env = sudo_env, .path = SUDO_PATH });
	if (pid < 0) {
		cause_set(cause, "fork: %s", strerror(errno));
		return -1;
	}
	st = sudo_wait(pid, SUDO_ASK_TIMEOUT);
	if (st == 0)
		return 0;
	if (st == 127)
		cause_set(cause, "sudo is not installed (%s)", SUDO_PATH);
	else if (st < 0)
		cause_set(cause, "no password was given to sudo within %d s", SUDO_ASK_TIMEOUT);
	else
		cause_set(cause, "sudo did not accept the password, or does not allow you to run "
		    "commands as root (`sudo -v` exited with status %d)", st);
	return -1;
}

/* sudo's own last line ("sudo: 1 incorrect password attempt"), as the cause. */
static void
sudo_password_cause(char **cause, int st, char *out)
{
	char *last = NULL, *line, *save = NULL;

	if (strstr(out, "incorrect password") != NULL || strstr(out, "try again") != NULL) {
		cause_set(cause, "sudo did not accept the password");
		return;
	}
	for (line = strtok_r(out, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save))
		if (*str_trim(line) != '\0')
			last = str_trim(line);
	if (st == 127)
		cause_set(cause, "sudo is not installed (%s)", SUDO_PATH);
	else
		cause_set(cause, "sudo refused (status %d)%s%s", st, last != NULL ? ": " : "",
		    last != NULL ? last : "");
}

int
sudo_validate_password(const char *pw, char **cause)
{
	static char *const argv[] = { "sudo", "-S", "-v", "-p", "", NULL };
	int in[2], out[2], st;
	struct buf b;
	pid_t pid;

	if (pw == NULL || strlen(pw) > SUDO_PASSWORD_MAX || strpbrk(pw, "\r\n") != NULL) {
		cause_set(cause, "a password is one line of at most %d bytes", SUDO_PASSWORD_MAX);
		return -1;
	}
	if (pipe2(in, O_CLOEXEC) != 0)
		goto fail;
	if (pipe2(out, O_CLOEXEC) != 0) {
		close(in[0]);
		close(in[1]);
		goto fail;
	}
	pid = sudo_start(argv, in[0], out[1], SUDO_QUIET_TIMEOUT);
	close(in[0]);
	close(out[1]);
	if (pid < 0) {
		close(in[1]);
		close(out[0]);
		goto fail;
	}
	/* the pipe holds 64 KiB: the line is written before sudo reads it, never blocking */
	if (write_all(in[1], pw, strlen(pw)) != 0 || write_all(in[1], "\n", 1) != 0) {
		/* sudo went away: its status says why */
	}
	close(in[1]);
	buf_init(&b);
	buf_read_fd(&b, out[0], 8192);
	close(out[0]);
	st = sudo_wait(pid, 0);
	if (st != 0)
		sudo_password_cause(cause, st, b.data);
	buf_free(&b);
	return st == 0 ? 0 : -1;
fail:
	cause_set(cause, "sudo: %s", strerror(errno));
	return -1;
}

int
sudo_refresh_interval(void)
{
	const char *v = getenv("ARMPY_SUDO_REFRESH");
	char *end;
	long n;

	if (v == NULL || *v == '\0')
		return SUDO_REFRESH_DEFAULT;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < 0 || n > 24 * 3600)
		return SUDO_REFRESH_DEFAULT;
	return (int)n;
}

struct keepalive {
	pid_t parent;
	int interval;
};

/* The keepalive child: `sudo -n -v` every interval seconds until armpy is gone. */
static void
sudo_keepalive_loop(void *arg)
{
	static char *const refresh[] = { "sudo", "-n", "-v", NULL };
	const struct keepalive *k = arg;
	pid_t parent = k->parent;
	int interval = k->interval;
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	for (;;) {
		struct timespec ts = { interval, 0 };
		if (getppid() != parent)
			_exit(0);
		while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
			;
		if (getppid() != parent)
			_exit(0);
		sudo_quiet(refresh);
	}
}

pid_t
sudo_keepalive_start(int interval)
{
	struct keepalive k = { getpid(), interval };

	if (interval <= 0)
		return 0;
	return proc_call(sudo_keepalive_loop, &k, &(struct proc_opts){ .io = { PROC_INHERIT,
	    PROC_INHERIT, PROC_INHERIT } });
}

void
sudo_keepalive_stop(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

char *
sudo_refusal(const struct plan *p)
{
	size_t n = sudo_steps(p);
	const char *why;

	if (access(SUDO_PATH, X_OK) != 0)
		why = "is not installed (" SUDO_PATH ")";
	else if (!sudo_has_terminal())
		why = "wants a password, which it can ask only on a terminal (stdin is not one)";
	else
		why = "wants a password that was not given (`sudo -n -v` failed)";
	return xasprintf("%zu step%s of this plan run%s as root, armpy is not root, and sudo %s. "
	    "Nothing was run. Three ways forward:\n"
	    "  1. run armpy as root;\n"
	    "  2. run `sudo -v` in the same terminal session first, then armpy within sudo's "
	    "timeout (armpy keeps sudo alive from then on); on a terminal (ssh -t) armpy asks "
	    "for the password itself;\n"
	    "  3. have an administrator add a NOPASSWD sudoers rule for exactly the commands the "
	    "plan runs through sudo: `armpy --profile FILE --dry-run` (or `armpy run PLAN.yaml "
	    "--dry-run`), run as this user, lists them with a ready rule.",
	    n, n == 1 ? "" : "s", n == 1 ? "s" : "", why);
}
