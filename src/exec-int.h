/* exec-int.h — what the executor shares with its parts; struct exec stays in exec.c. */
/* SPDX-License-Identifier: MIT */
#ifndef EXEC_INT_H
#define EXEC_INT_H

#include <signal.h>
#include <stdio.h>
#include <sys/types.h>

#include "exec.h"

#define EXEC_CLEAN_PATH "/usr/sbin:/usr/bin:/sbin:/bin"
#define EXEC_KILL_GRACE_MS 5000

struct journal;
struct rootdir;
struct step;

/* struct exec is exec.c's own (as tmux keeps struct job in job.c): the parts read what they
 * need through these. */
const struct plan *exec_plan(const struct exec *);
const struct exec_opts *exec_options(const struct exec *);
struct rootdir *exec_rootdir(const struct exec *);  /* the root every step path resolves in */
const char *exec_root(const struct exec *);         /* --root, or NULL */
const char *exec_home(const struct exec *);         /* $HOME for ~/ (or /root with --root) */
int exec_euid(const struct exec *);
struct journal *exec_journal(const struct exec *);  /* NULL before the run opens it */
const struct step *exec_current(const struct exec *);   /* the step running, or NULL */
/* sudo_each_step: this step's password for `sudo -S`, or NULL. */
const char *exec_sudo_password(const struct exec *);
void exec_set_status(struct exec *, int status);    /* the last child's exit status, or -1 */
/* A validate step's report (or NULL: no probe ran) to the observer (exec_observer.validated),
 * which owns it then. */
struct validate_report;
void exec_validated(struct exec *, struct validate_report *);
/* Tests: run as euid with home; open the root and a journal at path as a run would; make s
 * the current step, as the step loop does. */
void exec_set_user(struct exec *, int euid, const char *home);
int exec_open_root(struct exec *, const char *journal_path, char **cause);
void exec_set_current(struct exec *, const struct step *);

extern volatile sig_atomic_t exec_signalled;

/* exec.c */
char *exec_path(const struct exec *, const char *path);    /* ~/ and root expanded (new) */
char *exec_expand(const struct exec *, const char *s);     /* ~/ only, for argv (new) */
void exec_line(struct exec *, const char *line);           /* log + tail + observer */
void exec_logf(struct exec *, const char *fmt, ...) ARMPY_PRINTF(2, 3);
/* prefix and line into the log (when there is one), the line's controls and bad UTF-8 escaped
 * (vis.h): people read the log, and a plan's text must not hide anything there. */
void exec_log_line(struct exec *, const char *prefix, const char *line);
void exec_progress(struct exec *, double fraction, const char *detail);
void exec_log_tick(struct exec *);                         /* fflush if not done lately */

/* spawn.c: spawn a step's command (clean env, own group, chroot, sudo, timeout). Returns 0 with
 * *status = exit code (128+signal when killed), -1 with *cause on set-up failure or interrupt. */
struct spawn {
	char *const *argv;
	char *const *env;          /* extra NAME=value */
	const char *cwd;           /* inside the root; NULL = / (or $HOME when it exists) */
	int timeout;               /* seconds, 0 none */
	int privileged;
	int quiet;                 /* output to the log only, not to the observer/tail */
	const char *input;         /* its stdin (a memfd); NULL = /dev/null */
};
int spawn_step(struct exec *, const struct spawn *, int *status, char **cause);
/* The argv spawn_step runs for sp: `sudo -n /usr/bin/env CLEAN-ENV...` in front when sp is
 * privileged and armpy is not root, "~/" expanded, apt's options added. A new vector. */
char **spawn_argv(const struct exec *, const struct spawn *);
struct desc_entry;
void spawn_from_desc(const struct desc_entry *, struct spawn *);   /* a described command's spawn */
/* Runs the command d describes for the action (check 0) or the check (1), and nothing else:
 * 0 with *status, -1 with *cause (an action's command exiting non-zero is an error; a
 * check's is its answer). The kinds run only what their own describe gave (action.h). */
struct step_desc;
int spawn_described(struct exec *, const struct step_desc *, int check, int quiet, int *status,
    char **cause);
/* Tests: with a hook set, spawn_step and the validation probe call fn with what they would
 * start, start nothing, and take fn's return as the exit status. NULL: off. */
typedef int (*spawn_hook_fn)(void *arg, const struct spawn *);
void spawn_set_hook(spawn_hook_fn, void *arg);
int spawn_hooked(const struct spawn *, int *status);   /* 1 when the hook took it */
/* act-write.c: a privileged write when armpy is not root runs these through sudo, in order:
 * mkdir -p DIR; install -m MODE /dev/stdin PATH.armpy-new (the content on stdin);
 * sync PATH.armpy-new; mv -f -T PATH.armpy-new PATH. The i-th argv (new), NULL past the end. */
#define WRITE_SUDO_CMDS 4
char **write_sudo_argv(const char *path, int mode, int i);
/* The kinds' execute hooks that their files define above their ops (action.h). */
int act_download(struct exec *, const struct step *, char **cause);
int act_extract(struct exec *, const struct step *, char **cause);
/* act-run.c: before an apt step an earlier run left unfinished, `dpkg --configure -a` (apt's
 * own advice after an interrupted dpkg); a failure is logged, the step's apt-get says why. */
void run_apt_repair(struct exec *, const struct step *);

/* sha256.c: fd's sha256 from offset 0 in hex; -1 with *cause (shown names the file). */
struct evp_md_ctx_st;
int sha256_fd(int fd, const char *shown, char out[65], char **cause);
int sha256_update_fd(struct evp_md_ctx_st *, int fd, char **cause);   /* fd from 0 */
void sha256_hex(const unsigned char *md, unsigned int n, char out[65]);

/* apt.c, pure: apt's Status-Fd line -> fraction in [0,1] (download 0..0.4, install 0.4..1) and a detail;
 * returns 0 when the line carried progress, -1 otherwise. */
int apt_status_parse(const char *line, double *fraction, char **detail);
int apt_is_lock_wait(const char *line);
int apt_is_apt(char *const *argv);

/* act-download.c, pure helpers exposed for unit tests. */
/* 0 when the URL may be fetched (https; http only to loopback or a listed mirror). */
int download_url_allowed(const char *url, char *const *mirrors, char **cause);
/* 0 when redirecting from -> to is allowed (policy above, and never https -> http). */
int download_redirect_allowed(const char *from, const char *to, char *const *mirrors,
    char **cause);
/* Extraction of the archive open at fd (shown names it) into the directory open at dirfd.
 * Caps: ARMPY_EXTRACT_MAX_BYTES / ARMPY_EXTRACT_MAX_ENTRIES override. */
int extract_archive(int fd, const char *shown, int dirfd, int strip, char **cause);

/* check.c: 1 satisfied, 0 not, -1 could not tell (*cause). */
/* Before anything runs: every file path the plan's descriptions name is absolute after "~/"
 * and has no ".." (rootdir_path_check). -1 with *cause naming the step (action.c). */
int check_plan_paths(const struct exec *, char **cause);
int check_step(struct exec *, const struct step *, char **detail, char **cause);
/* 0 when the step has nothing check_step could find done (it always runs), else 1. */
int check_defined(const struct step *);
/* exec.c: a file inside the root exists (with sha: a regular file with that sha256); follow
 * 0: its last component is not followed (a download's DEST). */
int exec_check_file(struct exec *, const char *path, const char *sha, int follow, char **detail,
    char **cause);
/* check.c, pure: 1 when every package (name or name:arch) is "install ok installed" in status
 * text. */
int dpkg_status_installed(const char *status, char *const *packages, char **missing);

#endif
