/* sudo.c — sudo for a user who is not root: which steps use it, asking once, keeping it alive. */
/* SPDX-License-Identifier: MIT */
#include "action.h"
#include "armpy.h"
#include "exec-int.h"
#include "plan.h"
#include "sudo.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <termios.h>
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

/* Runs sudo quietly with line (when not NULL) and a newline on its stdin through a pipe, its
 * stdout and stderr into *out (new, at most 64 KiB). Its exit status (255 when it was killed),
 * or -1 with errno when it could not start (*out is "" then). */
static int
sudo_talk(char *const argv[], const char *line, char **out)
{
	int in[2] = { -1, -1 }, o[2] = { -1, -1 }, st, err;
	struct buf b;
	pid_t pid = -1;

	buf_init(&b);
	if ((line == NULL || pipe2(in, O_CLOEXEC) == 0) && pipe2(o, O_CLOEXEC) == 0)
		pid = sudo_start(argv, in[0], o[1], SUDO_QUIET_TIMEOUT);
	err = errno;
	if (in[0] >= 0)
		close(in[0]);
	if (o[1] >= 0)
		close(o[1]);
	/* the pipe holds 64 KiB: the line is written before sudo reads it, never blocking; a
	 * failed write means sudo went away, and its status says why */
	if (pid >= 0 && line != NULL && write_all(in[1], line, strlen(line)) == 0)
		(void)write_all(in[1], "\n", 1);
	if (in[1] >= 0)
		close(in[1]);
	if (pid >= 0)
		buf_read_fd(&b, o[0], 65536);
	if (o[0] >= 0)
		close(o[0]);
	*out = buf_steal(&b);
	if (pid < 0) {
		errno = err;
		return -1;
	}
	st = sudo_wait(pid, 0);
	return st < 0 ? 255 : st;
}

int
sudo_validate_password(const char *pw, char **cause)
{
	static char *const argv[] = { "sudo", "-S", "-v", "-p", "", NULL };
	char *out;
	int st;

	if (pw == NULL || strlen(pw) > SUDO_PASSWORD_MAX || strpbrk(pw, "\r\n") != NULL) {
		cause_set(cause, "a password is one line of at most %d bytes", SUDO_PASSWORD_MAX);
		return -1;
	}
	st = sudo_talk(argv, pw, &out);
	if (st < 0)
		cause_set(cause, "sudo: %s", strerror(errno));
	else if (st != 0)
		sudo_password_cause(cause, st, out);
	free(out);
	return st == 0 ? 0 : -1;
}

/* One Defaults entry: 1 with *minutes when it sets timestamp_timeout, 0 when it is another
 * setting, -1 when its value is not a decimal number ([+-]digits[.digits]). */
static int
sudo_timeout_entry(char *entry, double *minutes)
{
	static const char name[] = "timestamp_timeout";
	size_t n = strlen(name), len;
	char *v, *end;

	entry = str_trim(entry);
	if (*entry == '!' && strcmp(entry + 1, name) == 0) {
		*minutes = 0;                 /* negated: sudo asks every time */
		return 1;
	}
	if (strncmp(entry, name, n) != 0 || entry[n] != '=')
		return 0;
	v = entry + n + 1;
	len = strlen(v);
	if (len >= 2 && v[0] == '"' && v[len - 1] == '"') {
		v[len - 1] = '\0';
		v++;
	}
	if (v[strspn(v, "+-0123456789.")] != '\0' || strpbrk(v, "0123456789") == NULL ||
	    strpbrk(v + 1, "+-") != NULL)
		return -1;
	*minutes = strtod(v, &end);
	return *end == '\0' ? 1 : -1;
}

/* The text of the "Matching Defaults entries" block: its indented lines, joined by spaces;
 * NULL when the listing has none. */
static char *
sudo_defaults_block(const char *text)
{
	static const char head[] = "Matching Defaults entries for ";
	const char *p = text, *nl;
	struct buf b;

	while (strncmp(p, head, strlen(head)) != 0) {
		if ((p = strchr(p, '\n')) == NULL)
			return NULL;
		p++;
	}
	buf_init(&b);
	while ((p = strchr(p, '\n')) != NULL && (p[1] == ' ' || p[1] == '\t')) {
		nl = strchr(++p, '\n');
		buf_add(&b, p, nl != NULL ? (size_t)(nl - p) : strlen(p));
		buf_add(&b, " ", 1);
	}
	return buf_steal(&b);
}

int
sudo_timeout_parse(const char *text, double *minutes)
{
	char *block = sudo_defaults_block(text), *start, *p;
	int quoted = 0, rc = 0;

	*minutes = SUDO_TIMEOUT_DEFAULT;
	for (start = p = block; p != NULL; p++) {
		int end = *p == '\0';
		if (*p == '\\' && p[1] != '\0')
			p++;
		else if (*p == '"')
			quoted = !quoted;
		else if (end || (*p == ',' && !quoted)) {
			*p = '\0';
			if (sudo_timeout_entry(start, minutes) < 0)
				rc = -1;
			start = p + 1;
			if (end)
				break;
		}
	}
	free(block);
	return rc;
}

int
sudo_refresh_for(double minutes)
{
	double s = minutes * 60 / 3;

	if (!(minutes > 0))
		return 0;
	if (s < SUDO_REFRESH_FLOOR)
		return SUDO_REFRESH_FLOOR;
	return s > 24 * 3600 ? 24 * 3600 : (int)s;
}

/* sudo's timestamp_timeout, from `sudo -n -l`: 0, or -1 when sudo would not list it. */
static int
sudo_policy_timeout(double *minutes)
{
	static char *const argv[] = { "sudo", "-n", "-l", NULL };
	char *out;
	int rc = sudo_talk(argv, NULL, &out) == 0 ? sudo_timeout_parse(out, minutes) : -1;

	free(out);
	return rc;
}

int
sudo_refresh_interval(char **why)
{
	const char *v = getenv("ARMPY_SUDO_REFRESH");
	double minutes;
	char *end;
	long n;

	if (v != NULL && *v != '\0') {
		errno = 0;
		n = strtol(v, &end, 10);
		if (errno == 0 && *end == '\0' && n >= 0 && n <= 24 * 3600) {
			cause_set(why, "ARMPY_SUDO_REFRESH");
			return (int)n;
		}
	}
	if (sudo_policy_timeout(&minutes) != 0) {
		cause_set(why, "sudo's timestamp_timeout unknown: `sudo -n -l` did not list it");
		return SUDO_REFRESH_DEFAULT;
	}
	cause_set(why, "sudo's timestamp_timeout is %g min%s", minutes, minutes < 0 ?
	    ": it never expires" : minutes == 0 ? ": it keeps no timestamp" : "");
	return sudo_refresh_for(minutes);
}

int
sudo_keeps_no_timestamp(void)
{
	return !sudo_ready();
}

/* Reads one line from fd into buf, up to SUDO_ASK_TIMEOUT: its length, or -1 (end of input
 * before a newline with nothing read, a signal, the time limit, a line too long). */
static ssize_t
sudo_read_line(int fd, char *buf, size_t size)
{
	struct pollfd pfd = { fd, POLLIN, 0 };
	size_t n = 0;
	char c;

	for (;;) {
		if (poll(&pfd, 1, SUDO_ASK_TIMEOUT * 1000) != 1 || read(fd, &c, 1) != 1)
			return n > 0 && !exec_signalled ? (ssize_t)n : -1;
		if (c == '\n' || c == '\r')
			return (ssize_t)n;
		if (n + 1 >= size)
			return -1;
		buf[n++] = c;
		buf[n] = '\0';
	}
}

int
sudo_read_password(const char *prompt, char *buf, size_t size, char **cause)
{
	struct termios old, quiet;
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC), echo_off;
	ssize_t n;

	if (fd < 0 || size < 2) {
		cause_set(cause, "no terminal to ask for the password on");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	buf[0] = '\0';
	(void)write_all(fd, prompt, strlen(prompt));
	echo_off = tcgetattr(fd, &old) == 0;
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	if (echo_off)
		tcsetattr(fd, TCSAFLUSH, &quiet);
	n = sudo_read_line(fd, buf, size);
	if (echo_off)
		tcsetattr(fd, TCSAFLUSH, &old);
	(void)write_all(fd, "\n", 1);
	close(fd);
	if (n < 0)
		explicit_bzero(buf, size);
	return n < 0 ? 0 : 1;
}

char *
sudo_step_password(const struct exec_observer *obs, const struct step *s, char **cause)
{
	char *pw = xmalloc(SUDO_PASSWORD_MAX + 1), *note = NULL, *why = NULL;
	int fails = 0, given = 0;

	while (fails < SUDO_TRIES && !exec_signalled &&
	    (given = obs->ask_sudo(obs->arg, s, note, pw, SUDO_PASSWORD_MAX + 1)) == 1) {
		if (sudo_validate_password(pw, &why) == 0) {
			free(note);
			return pw;
		}
		explicit_bzero(pw, SUDO_PASSWORD_MAX + 1);
		free(note);
		fails++;
		note = xasprintf("%s; %d tr%s left", why, SUDO_TRIES - fails,
		    SUDO_TRIES - fails == 1 ? "y" : "ies");
		free(why);
		why = NULL;
	}
	sudo_password_free(pw);
	if (given == 1)
		cause_set(cause, "sudo did not accept the password (%d tries); nothing of this step "
		    "ran", SUDO_TRIES);
	else
		cause_set(cause, "no password was given to sudo; nothing of this step ran");
	free(note);
	return NULL;
}

void
sudo_password_free(char *pw)
{
	if (pw == NULL)
		return;
	explicit_bzero(pw, SUDO_PASSWORD_MAX + 1);
	free(pw);
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
	    "timeout (armpy keeps sudo alive from then on; this does not help when sudo's "
	    "timestamp_timeout is 0, where sudo wants the password for every command); on a "
	    "terminal (ssh -t) armpy asks for the password itself;\n"
	    "  3. have an administrator add a NOPASSWD sudoers rule for exactly the commands the "
	    "plan runs through sudo: `armpy --profile FILE --dry-run` (or `armpy run PLAN.yaml "
	    "--dry-run`), run as this user, lists them with a ready rule.",
	    n, n == 1 ? "" : "s", n == 1 ? "s" : "", why);
}
