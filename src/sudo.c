/* sudo.c — sudo for a user who is not root: which steps use it, asking once, keeping it alive. */
#include "armpy.h"
#include "exec-int.h"
#include "plan.h"
#include "sudo.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
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
	return s->privileged && (s->kind == ACTION_RUN || s->kind == ACTION_WRITE ||
	    s->kind == ACTION_ALTERNATIVE);
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

char *
sudoers_escape(const char *arg)
{
	struct buf b;

	if (arg == NULL || *arg == '\0')
		return NULL;
	buf_init(&b);
	for (const char *c = arg; *c != '\0'; c++) {
		if ((unsigned char)*c < 0x20 && *c != '\t') {
			buf_free(&b);
			return NULL;
		}
		if (*c == '\\')
			buf_puts(&b, "\\\\\\\\");      /* the lexer and fnmatch each take one */
		else if (strchr(",:=# \t*?[]", *c) != NULL) {
			buf_add(&b, "\\", 1);
			buf_add(&b, c, 1);
		} else
			buf_add(&b, c, 1);
	}
	return buf_steal(&b);
}

static int
shell_safe(const char *w)
{
	return *w != '\0' && strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-_./=:,+@%~") == strlen(w);
}

char *
sudo_shell_word(const char *w)
{
	struct buf b;
	int ctl = 0;

	if (shell_safe(w))
		return xstrdup(w);
	for (const char *c = w; *c != '\0'; c++)
		ctl |= (unsigned char)*c < 0x20 || *c == 0x7f;
	buf_init(&b);
	buf_puts(&b, ctl ? "$'" : "'");
	for (const char *c = w; *c != '\0'; c++) {
		if (*c == '\'')
			buf_puts(&b, ctl ? "\\'" : "'\\''");
		else if (ctl && *c == '\\')
			buf_puts(&b, "\\\\");
		else if (ctl && *c == '\n')
			buf_puts(&b, "\\n");
		else if (ctl && *c == '\t')
			buf_puts(&b, "\\t");
		else if ((unsigned char)*c < 0x20 || *c == 0x7f)
			buf_printf(&b, "\\x%02x", (unsigned char)*c);
		else
			buf_add(&b, c, 1);
	}
	buf_add(&b, "'", 1);
	return buf_steal(&b);
}

/* One command as a sudoers Cmnd: the absolute path after "sudo -n", then the escaped args. */
static char *
sudoers_cmnd(char **argv, char **cause)
{
	struct buf b;
	char *w;

	if (strv_len(argv) < 3 || strcmp(argv[0], "sudo") != 0 || strcmp(argv[1], "-n") != 0 ||
	    argv[2][0] != '/') {
		cause_set(cause, "not a `sudo -n /absolute/command` line");
		return NULL;
	}
	buf_init(&b);
	for (size_t i = 2; argv[i] != NULL; i++) {
		if ((w = sudoers_escape(argv[i])) == NULL) {
			cause_set(cause, "the argument %zu of `%s` (empty, or a line break) cannot be "
			    "matched by a sudoers rule", i - 2, argv[2]);
			buf_free(&b);
			return NULL;
		}
		if (i > 2)
			buf_add(&b, " ", 1);
		buf_puts(&b, w);
		free(w);
	}
	return buf_steal(&b);
}

static char *
sudoers_user(const char *user)
{
	if (user != NULL && *user != '\0' && strchr("0123456789-.", *user) == NULL &&
	    strspn(user, "abcdefghijklmnopqrstuvwxyz0123456789_.-") == strlen(user))
		return xstrdup(user);
	return xasprintf("#%ld", (long)getuid());
}

char *
sudoers_rule(const char *user, char ***cmds, char **cause)
{
	char **seen = strv_new(), *line, *u;
	struct buf b;

	buf_init(&b);
	buf_puts(&b, "Cmnd_Alias ARMPY_PLAN = ");
	for (size_t i = 0; cmds != NULL && cmds[i] != NULL; i++) {
		if ((line = sudoers_cmnd(cmds[i], cause)) == NULL) {
			strv_free(seen);
			buf_free(&b);
			return NULL;
		}
		if (!strv_contains(seen, line)) {
			buf_puts(&b, seen[0] != NULL ? ", \\\n    " : "");
			buf_puts(&b, line);
			seen = strv_push(seen, line);
		}
		free(line);
	}
	if (seen[0] == NULL) {
		strv_free(seen);
		buf_free(&b);
		return xstrdup("");
	}
	u = sudoers_user(user);
	buf_printf(&b, "\n%s ALL=(root) NOPASSWD: ARMPY_PLAN\n", u);
	free(u);
	strv_free(seen);
	return buf_steal(&b);
}

/* Appends every line of text to b as a comment ("# " in front). */
static void
comment_lines(struct buf *b, const char *text)
{
	const char *p = text;

	while (*p != '\0') {
		size_t n = strcspn(p, "\n");
		buf_puts(b, "# ");
		buf_add(b, p, n);
		buf_add(b, "\n", 1);
		p += n + (p[n] == '\n');
	}
}

/* "#   STEP: sudo -n ..." for each of the step's commands (into all), or why it has none. */
static void
listing_step(struct buf *b, struct exec *e, const struct step *s, char ****all, size_t *n)
{
	char ***cmds;

	if (!s->privileged)
		return;
	if (!step_uses_sudo(s)) {
		buf_printf(b, "#   %s: marked privileged, but armpy runs %s steps as you, not "
		    "through sudo\n", s->id, action_kind_name(s->kind));
		return;
	}
	cmds = exec_sudo_commands(e, s);
	for (size_t i = 0; cmds[i] != NULL; i++) {
		buf_printf(b, "#   %s:", s->id);
		for (size_t k = 0; cmds[i][k] != NULL; k++) {
			char *w = sudo_shell_word(cmds[i][k]);
			buf_printf(b, " %s", w);
			free(w);
		}
		buf_add(b, "\n", 1);
		*all = xreallocarray(*all, *n + 2, sizeof **all);
		(*all)[(*n)++] = cmds[i];
		(*all)[*n] = NULL;
	}
	free(cmds);
}

static void
listing_rule(struct buf *b, const char *user, char ***all)
{
	char *cause = NULL, *rule = sudoers_rule(user, all, &cause);

	buf_puts(b, "# A sudoers rule that allows exactly these and nothing else, for `visudo -f "
	    "/etc/sudoers.d/armpy`\n# (the lines between the markers, without their \"# \"):\n");
	if (rule == NULL) {
		buf_printf(b, "# (none can be written: %s)\n", cause);
		free(cause);
		return;
	}
	buf_puts(b, "# --- sudoers ---\n");
	comment_lines(b, rule);
	buf_puts(b, "# --- end ---\n");
	buf_puts(b, "# armpy checks sudo with `sudo -n -v`: with such a rule it asks for no "
	    "password as long as\n# every sudoers entry of this user is NOPASSWD; otherwise it "
	    "asks once, on a terminal.\n");
	free(rule);
}

char *
sudo_listing(const struct plan *p, const struct exec_opts *o)
{
	struct passwd *pw = getpwuid(getuid());
	const char *user = pw != NULL ? pw->pw_name : NULL;
	char ***all = NULL, *u;
	struct buf b, steps;
	struct exec *e;
	size_t n = 0;

	if (!sudo_needed(p) || (o != NULL && o->root != NULL && *o->root != '\0' &&
	    strcmp(o->root, "/") != 0))
		return xstrdup("");
	e = exec_new(p, o, NULL);
	buf_init(&steps);
	for (size_t i = 0; i < p->nsteps; i++)
		listing_step(&steps, e, &p->steps[i], &all, &n);
	exec_free(e);
	buf_init(&b);
	u = sudoers_user(user);
	buf_printf(&b, "# sudo: armpy is not root here (user %s), so it runs these %zu commands "
	    "through `sudo -n`,\n# each exactly as written (a step found already done runs none; "
	    "proxy variables set in\n# the environment are part of them). By step:\n",
	    u, n);
	free(u);
	buf_puts(&b, steps.data);
	listing_rule(&b, user, all);
	for (size_t i = 0; i < n; i++)
		strv_free(all[i]);
	free(all);
	buf_free(&steps);
	return buf_steal(&b);
}
