/* exec.c — the executor: runs a plan's steps in order with checks, a journal, resume and signals. */
/* SPDX-License-Identifier: MIT */
#include "action.h"
#include "armpy.h"
#include "exec-int.h"
#include "journal.h"
#include "plan.h"
#include "rootdir.h"
#include "runs.h"
#include "sudo.h"
#include "validate.h"
#include "vis.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define EXEC_TAIL_LINES 20

struct exec {
	const struct plan *plan;
	struct exec_opts opts;
	struct exec_observer obs;
	char *root;                /* NULL or an absolute path without trailing slash */
	struct rootdir *rd;        /* the root (or /) every file path resolves in (rootdir.h) */
	char *run_dir;
	char *run_id;
	char *log_path;
	FILE *log;
	double log_flushed;        /* now_seconds() of the last fflush of the log */
	struct journal *journal;
	struct jstate *prior;      /* resume: the journal as the earlier runs left it */
	char plan_sha256[65];      /* the plan this run approved (in its begin record) */
	int lock_root, lock_run;   /* flock fds: the target root, the run directory; -1 none */
	int euid;
	char *home;                /* $HOME for ~/ (or /root with --root) */
	int proc_mounted;          /* we mounted ROOT/proc */
	/* the current step */
	const struct step *cur;
	char *tail[EXEC_TAIL_LINES];
	int tail_start, tail_n;
	/* the failure */
	const struct step *failed;
	char *failed_cause;
	int failed_status;
	int last_status;           /* exit status of the last child, or -1 */
	/* sudo, when armpy is not root (sudo.c) */
	int sudo;                  /* some step uses sudo */
	size_t sudo_last;          /* the index of the last step that does */
	pid_t keepalive;           /* the `sudo -n -v` refresher, 0 none */
	int sudo_lost;             /* the last step failed because sudo wanted a password */
	char *sudo_pw;             /* sudo_each_step: this step's password (sudo -S), or NULL */
};

void
exec_set_user(struct exec *e, int euid, const char *home)
{
	e->euid = euid;
	free(e->home);
	e->home = xstrdup(home);
}

int
exec_open_root(struct exec *e, const char *journal_path, char **cause)
{
	if ((e->rd = rootdir_open(e->root, cause)) == NULL)
		return -1;
	e->journal = journal_open(journal_path, cause);
	return e->journal != NULL ? 0 : -1;
}

_Static_assert(EXEC_FAILED == EXIT_FAILED && EXEC_INTERRUPTED == EXIT_INTERRUPTED,
    "exec_result values are the exit statuses");

volatile sig_atomic_t exec_signalled;

void
exec_interrupt(void)
{
	exec_signalled = 1;
}

static void
exec_on_signal(int sig)
{
	(void)sig;
	exec_signalled = 1;
}

const char *
step_result_name(enum step_result r)
{
	switch (r) {
	case STEP_OK:
		return "ok";
	case STEP_SATISFIED:
		return "satisfied";
	case STEP_FAILED:
		return "failed";
	case STEP_SKIPPED:
		return "skipped";
	case STEP_INTERRUPTED:
		return "interrupted";
	}
	return "unknown";
}

/* --root as an absolute path, as the journal keeps it: a relative one is taken from the
 * directory armpy runs in now, so that undo and resume from elsewhere act on the same tree. */
static char *
exec_root_absolute(const char *root)
{
	char *cwd;
	char *abs;

	if (*root == '/' || (cwd = getcwd(NULL, 0)) == NULL)
		return xstrdup(root);
	abs = xasprintf("%s/%s", cwd, root);
	free(cwd);
	return abs;
}

struct exec *
exec_new(const struct plan *plan, const struct exec_opts *o, const struct exec_observer *obs)
{
	struct exec *e = xcalloc(1, sizeof *e);
	const char *home;

	e->plan = plan;
	if (o != NULL)
		e->opts = *o;
	if (obs != NULL)
		e->obs = *obs;
	if (e->opts.root != NULL && *e->opts.root != '\0' && strcmp(e->opts.root, "/") != 0) {
		e->root = exec_root_absolute(e->opts.root);
		while (strlen(e->root) > 1 && e->root[strlen(e->root) - 1] == '/')
			e->root[strlen(e->root) - 1] = '\0';
	}
	e->euid = geteuid();
	if (e->root != NULL)
		e->home = xstrdup("/root");
	else if ((home = getenv("HOME")) != NULL && *home == '/')
		e->home = xstrdup(home);
	else {
		struct passwd *pw = getpwuid(getuid());
		e->home = xstrdup(pw != NULL ? pw->pw_dir : "/");
	}
	e->failed_status = -1;
	e->last_status = -1;
	e->lock_root = e->lock_run = -1;
	for (size_t i = 0; e->euid != 0 && i < plan->nsteps; i++)
		if (step_uses_sudo(&plan->steps[i])) {
			e->sudo = 1;
			e->sudo_last = i;
		}
	return e;
}

static void
exec_tail_clear(struct exec *e)
{
	for (int i = 0; i < EXEC_TAIL_LINES; i++) {
		free(e->tail[i]);
		e->tail[i] = NULL;
	}
	e->tail_start = e->tail_n = 0;
}

void
exec_free(struct exec *e)
{
	if (e == NULL)
		return;
	exec_tail_clear(e);
	if (e->log != NULL)
		fclose(e->log);
	journal_close(e->journal);
	rootdir_free(e->rd);
	jstate_free(e->prior);
	if (e->lock_run >= 0)
		close(e->lock_run);
	if (e->lock_root >= 0)
		close(e->lock_root);
	free(e->root);
	free(e->home);
	free(e->run_dir);
	free(e->run_id);
	free(e->log_path);
	free(e->failed_cause);
	free(e);
}

const char *exec_run_dir(const struct exec *e) { return e->run_dir; }
const struct plan *exec_plan(const struct exec *e) { return e->plan; }
const struct exec_opts *exec_options(const struct exec *e) { return &e->opts; }
struct rootdir *exec_rootdir(const struct exec *e) { return e->rd; }
const char *exec_root(const struct exec *e) { return e->root; }
const char *exec_home(const struct exec *e) { return e->home; }
int exec_euid(const struct exec *e) { return e->euid; }
struct journal *exec_journal(const struct exec *e) { return e->journal; }
const struct step *exec_current(const struct exec *e) { return e->cur; }
const char *exec_sudo_password(const struct exec *e) { return e->sudo_pw; }
void exec_set_status(struct exec *e, int status) { e->last_status = status; }
void exec_set_current(struct exec *e, const struct step *s) { e->cur = s; }

void
exec_validated(struct exec *e, struct validate_report *r)
{
	if (e->obs.validated != NULL)
		e->obs.validated(e->obs.arg, e->cur, r);
	else
		validate_report_free(r);
}
const char *exec_log_path(const struct exec *e) { return e->log_path; }
const char *exec_run_id(const struct exec *e) { return e->run_id; }
const struct step *exec_failed_step(const struct exec *e) { return e->failed; }
int exec_failed_sudo(const struct exec *e) { return e->failed != NULL && e->sudo_lost; }
const char *exec_failed_cause(const struct exec *e) { return e->failed_cause; }
int exec_failed_status(const struct exec *e) { return e->failed_status; }

char **
exec_tail(const struct exec *e)
{
	char **v = strv_new();

	for (int i = 0; i < e->tail_n; i++)
		v = strv_push(v, e->tail[(e->tail_start + i) % EXEC_TAIL_LINES]);
	return v;
}

char *
exec_expand(const struct exec *e, const char *s)
{
	if (s == NULL)
		return NULL;
	if (strcmp(s, "~") == 0)
		return xstrdup(e->home);
	if (str_startswith(s, "~/"))
		return xasprintf("%s/%s", strcmp(e->home, "/") == 0 ? "" : e->home, s + 2);
	return xstrdup(s);
}

char *
exec_path(const struct exec *e, const char *path)
{
	char *p = exec_expand(e, path), *r;

	if (p == NULL || e->root == NULL)
		return p;
	r = xasprintf("%s%s%s", e->root, *p == '/' ? "" : "/", p);
	free(p);
	return r;
}

void
exec_log_line(struct exec *e, const char *prefix, const char *line)
{
	char *v;

	if (e->log == NULL)
		return;
	v = vis_strf(line, VIS_TAB | VIS_KEEPBS);
	fprintf(e->log, "%s%s\n", prefix, v);
	free(v);
}

void
exec_line(struct exec *e, const char *line)
{
	int slot;

	exec_log_line(e, "", line);
	if (e->tail_n < EXEC_TAIL_LINES)
		slot = (e->tail_start + e->tail_n++) % EXEC_TAIL_LINES;
	else {
		slot = e->tail_start;
		e->tail_start = (e->tail_start + 1) % EXEC_TAIL_LINES;
	}
	free(e->tail[slot]);
	e->tail[slot] = xstrdup(line);
	if (e->obs.output != NULL && e->cur != NULL)
		e->obs.output(e->obs.arg, e->cur, line);
}

void
exec_logf(struct exec *e, const char *fmt, ...)
{
	va_list ap;
	char *line;

	if (e->log == NULL)
		return;
	va_start(ap, fmt);
	line = xvasprintf(fmt, ap);
	va_end(ap);
	exec_log_line(e, "armpy: ", line);
	free(line);
}

/* Flushes the log when it was last flushed long enough ago (or never): quick steps share one
 * write, a long step's output reaches the file while it runs (spawn_step ticks when idle). */
void
exec_log_tick(struct exec *e)
{
	double now;

	if (e->log == NULL)
		return;
	now = now_seconds();
	if (now - e->log_flushed >= 0.1) {
		fflush(e->log);
		e->log_flushed = now;
	}
}

void
exec_progress(struct exec *e, double fraction, const char *detail)
{
	if (e->obs.progress != NULL && e->cur != NULL)
		e->obs.progress(e->obs.arg, e->cur, fraction, detail);
}

/* Mount proc at ROOT/proc for the run unless something is mounted there already. ROOT/proc
 * must be a directory of the root's own (not a symlink): it is mounted through its fd. */
static int
exec_mount_proc(struct exec *e, char **cause)
{
	char *dir, fdpath[64];
	struct stat st, pst;
	int fd;

	if (e->root == NULL)
		return 0;
	if ((fd = rootdir_mkdirs(e->rd, "/proc", 0555, cause)) < 0)
		return -1;
	close(fd);
	if ((fd = rootdir_openat(e->rd, "/proc", O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0,
	    cause)) < 0)
		return -1;
	dir = xasprintf("%s/proc", e->root);
	snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d", fd);
	if (fstat(fd, &st) == 0 && stat(e->root, &pst) == 0 && st.st_dev != pst.st_dev) {
		close(fd);                  /* already a mount point */
		free(dir);
		return 0;
	}
	if (mount("proc", fdpath, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0) {
		cause_set(cause, "mount proc on %s: %s", quote_short(dir), strerror(errno));
		close(fd);
		free(dir);
		return -1;
	}
	close(fd);
	exec_logf(e, "mounted proc on %s", dir);
	e->proc_mounted = 1;
	free(dir);
	return 0;
}

static void
exec_umount_proc(struct exec *e)
{
	char *dir;

	if (!e->proc_mounted)
		return;
	dir = xasprintf("%s/proc", e->root);
	if (umount2(dir, UMOUNT_NOFOLLOW) != 0 && umount2(dir, MNT_DETACH | UMOUNT_NOFOLLOW) != 0)
		exec_logf(e, "umount %s: %s", dir, strerror(errno));
	e->proc_mounted = 0;
	free(dir);
}

/* Not root with steps that use sudo: sudo must work now without asking (a face asks first). */
static int
exec_check_sudo(struct exec *e, char **cause)
{
	char *why;

	if (!e->sudo || e->root != NULL || sudo_ready() ||
	    (e->opts.sudo_each_step && e->obs.ask_sudo != NULL))
		return 0;                     /* (--root needs root: exec_setup says so) */
	why = sudo_refusal(e->plan);
	cause_set(cause, "%s", why);
	free(why);
	return -1;
}

/* The step's sudo password, wiped. */
static void
exec_sudo_forget(struct exec *e)
{
	sudo_password_free(e->sudo_pw);
	e->sudo_pw = NULL;
}

/* Before each step that uses sudo: sudo must still work without a password (a refresh may
 * have failed, or the timestamp was revoked). Nothing of the step runs otherwise. */
static int
exec_sudo_gate(struct exec *e, const struct step *s, char **cause)
{
	if (!e->sudo || !step_uses_sudo(s))
		return 0;
	e->sudo_lost = !sudo_ready();
	if (!e->sudo_lost)
		return 0;
	if (e->opts.sudo_each_step && e->obs.ask_sudo != NULL) {
		exec_sudo_forget(e);
		e->sudo_pw = sudo_step_password(&e->obs, s, cause);
		return (e->sudo_lost = e->sudo_pw == NULL) ? -1 : 0;
	}
	cause_set(cause, "sudo wants the password again (its timestamp expired or was revoked); "
	    "nothing of this step ran");
	return -1;
}

static char ***
commands_push(char ***v, size_t *n, char **argv)
{
	v = xreallocarray(v, *n + 2, sizeof *v);
	v[(*n)++] = argv;
	v[*n] = NULL;
	return v;
}

/* From the step's description: its privileged commands, and a write's four. */
char ***
exec_sudo_commands(struct exec *e, const struct step *s)
{
	char ***v = xcalloc(1, sizeof *v), **w, *path;
	struct step_desc d;
	struct spawn sp;
	size_t n = 0;

	if (e->euid == 0 || !step_uses_sudo(s))
		return v;
	step_describe(s, &d);
	for (size_t j = 0; j < d.n; j++) {
		const struct desc_entry *x = &d.v[j];

		if (x->check || (x->kind != DESC_COMMAND && x->kind != DESC_WRITE))
			continue;
		if (x->kind == DESC_COMMAND && x->privileged) {
			spawn_from_desc(x, &sp);
			v = commands_push(v, &n, spawn_argv(e, &sp));
		}
		if (x->kind != DESC_WRITE || x->path == NULL)
			continue;
		path = exec_path(e, x->path);
		memset(&sp, 0, sizeof sp);
		sp.privileged = 1;
		for (int i = 0; (w = write_sudo_argv(path, x->mode, i)) != NULL; i++) {
			sp.argv = w;
			v = commands_push(v, &n, spawn_argv(e, &sp));
			strv_free(w);
		}
		free(path);
	}
	step_desc_free(&d);
	return v;
}

void
exec_commands_free(char ***v)
{
	for (size_t i = 0; v != NULL && v[i] != NULL; i++)
		strv_free(v[i]);
	free(v);
}

static void
exec_keepalive_stop(struct exec *e)
{
	if (e->keepalive > 0)
		sudo_keepalive_stop(e->keepalive);
	e->keepalive = 0;
}

/* One run at a time on the run directory (the target root's lock is taken before it). */
static int
exec_lock_run(struct exec *e, char **cause)
{
	char *path = xasprintf("%s/lock", e->run_dir), *what = xasprintf("run %s", e->run_id);

	e->lock_run = runs_lock(path, what, cause);
	free(path);
	free(what);
	return e->lock_run < 0 ? -1 : 0;
}

/* The run directory: new, or (resume) the given one, which must be the user's. */
static int
exec_run_dir_open(struct exec *e, char **cause)
{
	const char *slash;

	if (e->opts.run_dir == NULL) {
		e->run_dir = runs_create(&e->run_id, cause);
		return e->run_dir != NULL ? 0 : -1;
	}
	e->run_dir = xstrdup(e->opts.run_dir);
	slash = strrchr(e->run_dir, '/');
	e->run_id = xstrdup(slash != NULL ? slash + 1 : e->run_dir);
	if (mkdir_p(e->run_dir, 0700, cause) != 0 || runs_check_dir(e->run_dir, cause) != 0)
		return -1;
	return 0;
}

/* Resume: the journal must be there and sound, or resume would repeat finished steps. */
static int
exec_load_prior(struct exec *e, const char *path, char **cause)
{
	if (access(path, F_OK) != 0) {
		cause_set(cause, "%s: %s: without its journal armpy cannot tell which steps ran, "
		    "and will not repeat them", quote_short(path), strerror(errno));
		return -1;
	}
	if ((e->prior = journal_load(path, cause)) == NULL)
		return -1;
	if (e->prior->nbegin == 0) {
		cause_set(cause, "%s: no record of a run: armpy cannot tell which steps ran, and "
		    "will not repeat them", quote_short(path));
		return -1;
	}
	return 0;
}

/* Saves the plan (a new run) and sets the sha256 its begin record carries. */
static int
exec_save_plan(struct exec *e, char **cause)
{
	char *yaml = plan_to_yaml(e->plan), *path;
	int rc = 0;

	if (e->opts.plan_sha256 != NULL)
		snprintf(e->plan_sha256, sizeof e->plan_sha256, "%s", e->opts.plan_sha256);
	else
		rc = runs_sha256(yaml, strlen(yaml), e->plan_sha256, cause);
	if (rc == 0 && !e->opts.resume) {
		/* plan_save writes these same bytes, or refuses what resume could not load back
		 * (too large for the reader, not UTF-8) before any step runs */
		path = xasprintf("%s/plan.yaml", e->run_dir);
		rc = plan_save(e->plan, path, cause);
		free(path);
	}
	free(yaml);
	return rc;
}

/* A log file, appended to: never through a symlink (O_NOFOLLOW), never a terminal (O_NOCTTY),
 * only a regular file with one link; made 0600 when new. -1 with *cause. */
static int
exec_log_open(const char *path, char **cause)
{
	struct stat st;
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK |
	    O_CLOEXEC, 0600);

	if (fd < 0) {
		cause_set(cause, "%s: %s", quote_short(path), errno == ELOOP ? "refused: a symbolic link" :
		    errno == ENXIO ? "refused: not a regular file" : strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1 ||
	    fcntl(fd, F_SETFL, O_APPEND) != 0) {
		cause_set(cause, "%s: refused: a log is written only to a regular file with one "
		    "link", quote_short(path));
		close(fd);
		return -1;
	}
	return fd;
}

/* The run log is the run directory's log, and --log FILE also: one stream writing each
 * flushed buffer to both (a failed write to either is the stream's error). */
struct exec_log_tee {
	int fd[2];                 /* the run directory's log, --log FILE (-1 none) */
};

static ssize_t
exec_log_tee_write(void *arg, const char *buf, size_t len)
{
	struct exec_log_tee *t = arg;

	for (int i = 0; i < 2; i++)
		if (t->fd[i] >= 0 && write_all(t->fd[i], buf, len) != 0)
			return -1;
	return (ssize_t)len;
}

static int
exec_log_tee_close(void *arg)
{
	struct exec_log_tee *t = arg;
	int rc = 0;

	for (int i = 0; i < 2; i++)
		if (t->fd[i] >= 0 && close(t->fd[i]) != 0)
			rc = -1;
	free(t);
	return rc;
}

static int
exec_log_setup(struct exec *e, char **cause)
{
	cookie_io_functions_t io = { .write = exec_log_tee_write, .close = exec_log_tee_close };
	struct exec_log_tee *t = xcalloc(1, sizeof *t);
	char *own = xasprintf("%s/log", e->run_dir);

	t->fd[0] = exec_log_open(own, cause);
	t->fd[1] = -1;
	if (t->fd[0] >= 0 && e->opts.log_path != NULL)
		t->fd[1] = exec_log_open(e->opts.log_path, cause);
	e->log_path = e->opts.log_path != NULL ? xstrdup(e->opts.log_path) : xstrdup(own);
	free(own);
	if (t->fd[0] >= 0 && (e->opts.log_path == NULL || t->fd[1] >= 0) &&
	    (e->log = fopencookie(t, "a", io)) == NULL)
		cause_set(cause, "%s: %s", quote_short(e->log_path), strerror(errno));
	if (e->log == NULL) {
		exec_log_tee_close(t);
		return -1;
	}
	setvbuf(e->log, NULL, _IOFBF, 64 * 1024);
	return 0;
}

static int
exec_setup(struct exec *e, char **cause)
{
	char *path, *base;
	int rc;

	if (e->root != NULL && e->euid != 0) {
		cause_set(cause, "--root %s needs root (chroot and mount)", quote_short(e->root));
		return -1;
	}
	if ((e->rd = rootdir_open(e->root, cause)) == NULL || check_plan_paths(e, cause) != 0)
		return -1;
	if ((base = runs_base_safe(cause)) == NULL)
		return -1;
	free(base);
	/* the root's lock is the root directory's own: every state dir and user shares it */
	if ((e->lock_root = runs_lock_root(e->root, cause)) < 0 ||
	    exec_run_dir_open(e, cause) != 0 || exec_lock_run(e, cause) != 0)
		return -1;
	runs_lock_note(e->lock_run, e->run_id);
	path = xasprintf("%s/journal", e->run_dir);
	rc = e->opts.resume ? exec_load_prior(e, path, cause) : 0;
	free(path);
	if (rc != 0 || exec_save_plan(e, cause) != 0)
		return -1;
	if (!e->opts.resume) {
		if (e->opts.profile_yaml != NULL) {
			path = xasprintf("%s/profile.yaml", e->run_dir);
			file_save(path, e->opts.profile_yaml, strlen(e->opts.profile_yaml), NULL);
			free(path);
		}
		if (e->opts.facts_yaml != NULL) {
			path = xasprintf("%s/facts.yaml", e->run_dir);
			file_save(path, e->opts.facts_yaml, strlen(e->opts.facts_yaml), NULL);
			free(path);
		}
	}
	if (exec_log_setup(e, cause) != 0)
		return -1;
	path = xasprintf("%s/journal", e->run_dir);
	e->journal = journal_open(path, cause);
	free(path);
	if (e->journal == NULL)
		return -1;
	return 0;
}

/* The journal could not be written: which file, and why (new string). */
static char *
exec_journal_cause(const struct exec *e)
{
	return xasprintf("%s: %s (the journal could not be written; armpy runs nothing it "
	    "cannot record)", journal_path(e->journal), strerror(journal_error(e->journal)));
}

/* The state dir filled up (or failed) under the journal or the log: the run fails, and the
 * cause names the file and the errno. 0 when both are fine. */
static int
exec_log_failed(struct exec *e)
{
	int err = journal_error(e->journal);
	char *why;

	if (err == 0 && e->log != NULL && (fflush(e->log) != 0 || ferror(e->log)))
		err = errno != 0 ? errno : EIO;
	if (err == 0)
		return 0;
	why = journal_error(e->journal) != 0 ? exec_journal_cause(e) :
	    xasprintf("%s: %s (the log could not be written)", e->log_path, strerror(err));
	if (e->failed == NULL)
		e->failed = e->cur;
	free(e->failed_cause);
	e->failed_cause = why;
	e->failed_status = -1;
	return 1;
}

/* Wait for a process group left running by a killed earlier run (resume): its step may still
 * be finishing, and re-checking before it ends would run the step twice. */
static void
exec_wait_orphan(struct exec *e, const struct step *s, pid_t pgid)
{
	double start = now_seconds(), limit = 3600;
	int told = 0;

	if (s->kind == ACTION_RUN && s->u.run.timeout > 0)
		limit = s->u.run.timeout;
	while (kill(-pgid, 0) == 0 && !exec_signalled) {
		if (!told) {
			char *d = xasprintf("waiting for process group %ld left by the interrupted run",
			    (long)pgid);
			exec_logf(e, "%s", d);
			exec_progress(e, -1, d);
			free(d);
			told = 1;
		}
		if (now_seconds() - start > limit) {
			kill(-pgid, SIGKILL);
			break;
		}
		usleep(50 * 1000);
	}
}

/* path exists inside the root (with sha: a regular file with that sha256). A download's
 * DEST is never followed: the download renames over it, so a symlink there is not its file. */
int
exec_check_file(struct exec *e, const char *path, const char *sha, int follow, char **detail,
    char **cause)
{
	char *p = exec_expand(e, path), hex[65];
	int nofollow = follow ? 0 : O_NOFOLLOW, r = 0, fd;
	struct stat st;

	fd = rootdir_openat(e->rd, p, (sha == NULL ? O_PATH : O_RDONLY | O_NONBLOCK) | nofollow,
	    0, NULL);
	if (fd < 0 || fstat(fd, &st) != 0)
		r = 0;
	else if (sha == NULL)
		r = 1;
	else if (!S_ISREG(st.st_mode))
		r = 0;
	else if (sha256_fd(fd, p, hex, cause) != 0)
		r = -1;
	else
		r = strcasecmp(hex, sha) == 0;
	if (fd >= 0)
		close(fd);
	if (r == 1)
		*detail = xstrdup(sha != NULL ? "already satisfied (file present, sha256 matches)" :
		    "already satisfied (file present)");
	else if (r == 0 && sha != NULL && fd >= 0)
		exec_logf(e, "check: %s does not have sha256 %s: fetching it again", p, sha);
	free(p);
	return r;
}

static int
exec_action(struct exec *e, const struct step *s, char **cause)
{
	const struct action_ops *ops = action_ops_of(s->kind);

	if (ops != NULL)
		return ops->execute(e, s, cause);
	cause_set(cause, "unknown action");
	return -1;
}

/* Undo (undo.h): what the step replaces, recorded before its action (after 0: nothing of the
 * step runs unrecorded); after 1: what it changed (a failure is logged, the step stands). */
static int
exec_record(struct exec *e, const struct step *s, int after, char **cause)
{
	const struct action_ops *ops = action_ops_of(s->kind);
	char *why = NULL;

	if (ops == NULL || ops->record == NULL || ops->record(e, s, after, after ? &why : cause) == 0)
		return 0;
	if (!after)
		return -1;
	exec_logf(e, "step %s: could not record what it changed: %s", s->id, why);
	free(why);
	return 0;
}

static void
exec_end(struct exec *e, const struct step *s, enum step_result r, const char *cause)
{
	char *id = journal_escape(s->id);

	/* group commit: synced now only when the step ran long (journal.c) */
	journal_append(e->journal, r == STEP_INTERRUPTED, "end %s %s %ld", id,
	    step_result_name(r), (long)time(NULL));
	free(id);
	exec_logf(e, "step %s: %s%s%s", s->id, step_result_name(r), cause != NULL ? ": " : "",
	    cause != NULL ? cause : "");
	exec_log_tick(e);
	if (e->obs.step_end != NULL)
		e->obs.step_end(e->obs.arg, s, r, cause);
}

/* One step: journal start, action, journal end. Returns the result. */
static enum step_result
exec_step(struct exec *e, const struct step *s, const struct jstep *prev)
{
	char *cause = NULL, *detail = NULL, *id;
	int c;

	for (;;) {
		e->last_status = -1;
		c = check_step(e, s, &detail, &cause);
		if (c < 0) {
			exec_logf(e, "step %s: check failed: %s", s->id, cause);
			free(cause);
			cause = NULL;
		}
		if (c == 1) {
			if (prev == NULL || !prev->ended) {
				id = journal_escape(s->id);
				journal_append(e->journal, 0, "start %s %ld", id, (long)time(NULL));
				free(id);
			}
			exec_end(e, s, STEP_SATISFIED, detail != NULL ? detail : "already satisfied");
			free(detail);
			return STEP_SATISFIED;
		}
		free(detail);
		detail = NULL;
		/* privileged steps and the other action kinds are few and slow: their start (and
		 * everything before it) is made durable first; quick run steps group-commit */
		id = journal_escape(s->id);
		c = journal_append(e->journal, s->privileged || s->kind != ACTION_RUN,
		    "start %s %ld", id, (long)time(NULL));
		free(id);
		exec_tail_clear(e);
		if (c != 0)
			cause = exec_journal_cause(e);     /* nothing of the step runs unjournaled */
		else if (exec_sudo_gate(e, s, &cause) == 0 && exec_record(e, s, 0, &cause) == 0 &&
		    exec_action(e, s, &cause) == 0) {
			exec_sudo_forget(e);
			exec_record(e, s, 1, NULL);
			exec_end(e, s, STEP_OK, NULL);
			return STEP_OK;
		}
		exec_sudo_forget(e);
		if (exec_signalled) {
			exec_end(e, s, STEP_INTERRUPTED, cause != NULL ? cause : "interrupted");
			free(cause);
			return STEP_INTERRUPTED;
		}
		if (cause == NULL)
			cause = xstrdup("failed");
		if (e->obs.ask_failure != NULL && journal_error(e->journal) == 0) {
			int a;
			exec_logf(e, "step %s: failed: %s", s->id, cause);
			a = e->obs.ask_failure(e->obs.arg, s, cause);
			if (a == 'r') {
				free(cause);
				cause = NULL;
				continue;
			}
			if (a == 's' && s->skippable) {
				exec_end(e, s, STEP_SKIPPED, cause);
				free(cause);
				return STEP_SKIPPED;
			}
		}
		e->failed = s;
		free(e->failed_cause);
		e->failed_cause = cause;
		e->failed_status = e->last_status;
		exec_end(e, s, STEP_FAILED, cause);
		return STEP_FAILED;
	}
}

/* Why step s would run or not, from what its check said (c, as check_step returns). */
static char *
exec_check_why(const struct step *s, int c, const char *err)
{
	if (!check_defined(s))
		return xstrdup(s->kind == ACTION_VALIDATE ? "validation: always runs, changes nothing" :
		    "no check: always runs");
	if (c == 1)
		return xstrdup("already satisfied");
	if (c == 0)
		return xstrdup("check not satisfied");
	return xasprintf("check could not tell (%s): it would run", err != NULL ? err : "?");
}

int
exec_check(struct exec *e, int *would_run, char ***why, char **cause)
{
	char *detail, *err;
	int c;

	*why = NULL;
	if ((e->rd = rootdir_open(e->root, cause)) == NULL || check_plan_paths(e, cause) != 0)
		return -1;
	*why = strv_new();
	for (size_t i = 0; i < e->plan->nsteps; i++) {
		const struct step *s = &e->plan->steps[i];
		detail = err = NULL;
		c = check_defined(s) ? check_step(e, s, &detail, &err) : 0;
		would_run[i] = c != 1;
		free(detail);
		detail = exec_check_why(s, c, err);
		*why = strv_push(*why, detail);
		free(detail);
		free(err);
	}
	return 0;
}

enum exec_result
exec_run(struct exec *e, char **cause)
{
	struct sigaction sa, old_int, old_term, old_hup, old_pipe;
	const struct jstate *js;
	char *root, *prof;
	enum exec_result rc = EXEC_OK;
	int c;

	if (exec_check_sudo(e, cause) != 0 || exec_setup(e, cause) != 0)
		return EXEC_NOT_STARTED;
	js = e->prior;
	root = journal_escape(e->root);
	prof = journal_escape(e->plan->profile_name);
	c = journal_append(e->journal, 1, "begin %ld %ld %s %s %s", (long)time(NULL),
	    (long)getpid(), root, prof, e->plan_sha256);
	free(root);
	free(prof);
	if (c != 0) {
		char *why = exec_journal_cause(e);
		cause_set(cause, "%s", why);
		free(why);
		return EXEC_NOT_STARTED;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = exec_on_signal;      /* no SA_RESTART: poll/read return EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, &old_pipe);
	sigaction(SIGHUP, e->opts.headless ? &sa : NULL, &old_hup);

	exec_logf(e, "run %s: %zu steps%s%s", e->run_id, e->plan->nsteps,
	    e->root != NULL ? ", root " : "", e->root != NULL ? e->root : "");

	if (exec_mount_proc(e, cause) != 0) {
		rc = EXEC_NOT_STARTED;
		goto out;
	}
	if (e->sudo && !e->opts.sudo_each_step) {
		char *why = NULL;
		int every = sudo_refresh_interval(&why);
		e->keepalive = sudo_keepalive_start(every);
		exec_logf(e, "sudo: `sudo -n -v` every %d s (0: never) until the last step that uses "
		    "sudo (%s)", every, why);
		free(why);
	}
	for (size_t i = 0; i < e->plan->nsteps && rc == EXEC_OK &&
	    journal_error(e->journal) == 0; i++) {
		const struct step *s = &e->plan->steps[i];
		const struct jstep *prev = js != NULL ? jstate_find(js, s->id) : NULL;

		if (exec_signalled) {
			rc = EXEC_INTERRUPTED;
			break;
		}
		if (i > e->sudo_last)
			exec_keepalive_stop(e);      /* no step left that uses sudo */
		e->cur = s;
		if (e->obs.step_start != NULL)
			e->obs.step_start(e->obs.arg, s, (int)i + 1, (int)e->plan->nsteps);
		exec_logf(e, "step %s (%zu/%zu): %s", s->id, i + 1, e->plan->nsteps,
		    s->title != NULL ? s->title : "");
		/* Resume rule: a step journaled as ended ok/satisfied/skipped is done and never
		 * re-run. A started-but-not-ended step waits for any process it left, then goes
		 * through its check like any other step. Downloads always go through their check:
		 * they are not fsync'd, and their sha256 is what says they are done. */
		if (prev != NULL && prev->ended && prev->result != NULL &&
		    s->kind != ACTION_DOWNLOAD &&
		    (strcmp(prev->result, "ok") == 0 || strcmp(prev->result, "satisfied") == 0 ||
		    strcmp(prev->result, "skipped") == 0)) {
			exec_logf(e, "step %s: done in an earlier run (%s)", s->id, prev->result);
			if (e->obs.step_end != NULL)
				e->obs.step_end(e->obs.arg, s, strcmp(prev->result, "skipped") == 0 ?
				    STEP_SKIPPED : STEP_SATISFIED, "done in an earlier run");
			continue;
		}
		if (prev != NULL && prev->child > 0)
			exec_wait_orphan(e, s, prev->child);
		if (prev != NULL && prev->started && s->kind == ACTION_RUN &&
		    apt_is_apt(s->u.run.argv))
			run_apt_repair(e, s);
		switch (exec_step(e, s, prev)) {
		case STEP_FAILED:
			rc = EXEC_FAILED;
			break;
		case STEP_INTERRUPTED:
			rc = EXEC_INTERRUPTED;
			break;
		default:
			break;
		}
	}
	if (rc == EXEC_OK && exec_signalled)
		rc = EXEC_INTERRUPTED;
	if (rc == EXEC_OK && exec_log_failed(e))
		rc = EXEC_FAILED;
out:
	e->cur = NULL;
	exec_keepalive_stop(e);
	exec_umount_proc(e);
	if (rc == EXEC_INTERRUPTED)
		journal_append(e->journal, 1, "interrupted %ld", (long)time(NULL));
	if (rc != EXEC_NOT_STARTED)
		journal_append(e->journal, 1, "finish %s %ld", rc == EXEC_OK ? "ok" :
		    rc == EXEC_INTERRUPTED ? "interrupted" : "failed", (long)time(NULL));
	else
		journal_append(e->journal, 1, "finish failed %ld", (long)time(NULL));
	if (e->log != NULL)
		fflush(e->log);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGPIPE, &old_pipe, NULL);
	if (e->opts.headless)
		sigaction(SIGHUP, &old_hup, NULL);
	return rc;
}
