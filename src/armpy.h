/* armpy.h — common helpers shared by every module: allocation, strings, string vectors, errors. */
/* SPDX-License-Identifier: MIT */
#ifndef ARMPY_H
#define ARMPY_H

#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifndef ARMPY_VERSION
#define ARMPY_VERSION "0.0.0"
#endif
#ifndef ARMPY_DATADIR
#define ARMPY_DATADIR "/usr/local/share/armpy"
#endif

#define ARMPY_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define nitems(a) (sizeof(a) / sizeof((a)[0]))

/* Exit codes, the CLI contract. */
#define EXIT_OK 0
#define EXIT_FAILED 1     /* a step or a validation check failed */
#define EXIT_USAGE 2      /* usage error or bad input (profile, plan, facts) */
#define EXIT_INTERRUPTED 130

/* Out of memory is fatal: these never return NULL. */
void *xmalloc(size_t);
void *xcalloc(size_t, size_t);
void *xrealloc(void *, size_t);
void *xreallocarray(void *, size_t, size_t);
char *xstrdup(const char *);          /* xstrdup(NULL) returns NULL */
char *xstrndup(const char *, size_t);
char *xasprintf(const char *, ...) ARMPY_PRINTF(1, 2);
char *xvasprintf(const char *, va_list);

/* Errors travel as -1/NULL plus a heap string in *cause that the caller frees (tmux style).
 * cause may be NULL, in which case the message is dropped. */
void cause_set(char **cause, const char *fmt, ...) ARMPY_PRINTF(2, 3);

/* What an error message quotes of a value (a path, a name, a value from a file): at most
 * QUOTE_MAX bytes. quote_short(s) is s itself when it is no longer; else its first bytes, cut
 * at a character boundary (never inside a UTF-8 sequence), then "…[N bytes]", N the length of
 * all of s. NULL gives "(null)". The result is s or one of this thread's QUOTE_SLOTS buffers,
 * which the calls after reuse: use it at once, in one message. */
#define QUOTE_MAX 200
#define QUOTE_SLOTS 8
const char *quote_short(const char *s);

/* NULL-terminated string vectors (argv, env, package lists). A NULL strv is an empty one. */
char **strv_new(void);
size_t strv_len(char *const *);
char **strv_push(char **, const char *);           /* appends a copy, returns the new vector */
char **strv_pushf(char **, const char *, ...) ARMPY_PRINTF(2, 3);
char **strv_pushl(char **, ...) __attribute__((sentinel)); /* appends each string up to NULL */
char **strv_append(char **, char *const *add);     /* appends copies of add's strings */
char **strv_append_new(char **, char *const *add); /* ... of those not in it already */
/* NAME=VALUE into an environment vector: replaces the entry of that NAME, else appends (copies);
 * text without '=' leaves the vector as it is. */
char **strv_setenv(char **, const char *kv);
/* 1 when kv is NAME=VALUE with NAME a portable environment name (letters, digits and _, not
 * starting with a digit; POSIX's rule, which the shell's export keeps too), else 0. */
#define ENV_ASSIGN_RULE "NAME=VALUE (NAME: letters, digits and _, not starting with a digit)"
int env_assign_ok(const char *kv);
char **strv_dup(char *const *);
int strv_contains(char *const *, const char *);
char *strv_join(char *const *, const char *sep);   /* always a new string */
void strv_free(char **);

/* A growable byte buffer, always NUL-terminated. */
struct buf {
	char *data;
	size_t len;
	size_t cap;
};
void buf_init(struct buf *);
void buf_add(struct buf *, const void *, size_t);
void buf_puts(struct buf *, const char *);
void buf_printf(struct buf *, const char *, ...) ARMPY_PRINTF(2, 3);
/* Reads fd to its end (retrying EINTR), keeping at most max bytes; does not close fd. */
void buf_read_fd(struct buf *, int fd, size_t max);
char *buf_steal(struct buf *);      /* returns data (never NULL) and resets the buffer */
void buf_free(struct buf *);

/* Whole files. file_read reads only regular files (a FIFO, directory or device is refused at
 * once, never waited on) and refuses files over max bytes (cause says so). */
char *file_read(const char *path, size_t max, size_t *len, char **cause);
/* write(2) of all len bytes, again after EINTR and short writes; 0, or -1 with errno (EIO
 * when write returned 0). */
int write_all(int fd, const void *data, size_t len);
/* Atomic write: temp file in the same directory, fsync, chmod, rename, fsync of the directory.
 * The file gets exactly `mode` (what a plan's write step asks for), whatever the umask. */
int file_write_atomic(const char *path, const void *data, size_t len, int mode, char **cause);
/* file_write_atomic for files armpy saves for the user (plans, profiles, state): created
 * 0666 less the umask, as a shell redirection or an editor would. A path that names a
 * character device or a FIFO (/dev/stdout, /dev/null) is written to as a stream, never
 * replaced; any other file that is not regular (a block device, a directory) is refused. */
int file_save(const char *path, const void *data, size_t len, char **cause);
/* mkdir -p with mode for the created components. */
int mkdir_p(const char *path, int mode, char **cause);

/* Child processes: every fork of armpy is here. (The executor starts a step with a clone of
 * its own in act-run.c: that child journals itself before it execs.) The child is set up in
 * this order: its own process group (new_group), stdin/stdout/stderr (io), chroot into root
 * (with root_proc: in a private mount namespace, /proc mounted there when the root has none),
 * chdir to cwd, alarm (timeout); then proc_start execs argv and proc_call calls fn(arg) and
 * exits 0. Signal dispositions and the mask are inherited (execve resets caught ones). A
 * set-up or exec failure is "armpy: WHAT: error" on the child's stderr and exit status 127, as
 * a shell reports it. Both return the child's pid, or -1 with errno (no pipe is left open). */
enum proc_io {
	PROC_NULL,           /* /dev/null (the zero default) */
	PROC_INHERIT,        /* armpy's own fd */
	PROC_PIPE,           /* a pipe; its other end is returned in fd[i] (O_CLOEXEC) */
	PROC_STDOUT,         /* stderr only: wherever stdout goes */
	PROC_FD,             /* the caller's fd[i] */
};
struct proc_opts {
	enum proc_io io[3];          /* stdin, stdout, stderr */
	int fd[3];                   /* PROC_FD: given; PROC_PIPE: set to the parent's end */
	char *const *env;            /* the whole environment; NULL: armpy's own */
	const char *path;            /* the file to exec; NULL: argv[0] */
	const char *const *dirs;     /* NULL-terminated: a file without '/' is tried in each */
	const char *root;            /* NULL or "": no chroot */
	int root_proc;
	const char *cwd;             /* inside root; NULL: unchanged */
	int new_group;               /* setpgid(0, 0), so kill(-pid) reaches its children */
	int timeout;                 /* seconds until SIGALRM kills it (survives execve); 0 none */
};
pid_t proc_start(char *const argv[], struct proc_opts *);
/* stdio is flushed first, so the child cannot write armpy's buffered output again. */
pid_t proc_call(void (*fn)(void *), void *arg, struct proc_opts *);
/* The child's set-up both front doors share (the one above and the step spawn's clone in
 * spawn.c); system calls only, no malloc and no stdio, so they also run in a CLONE_VM child.
 * A failure is "armpy: WHATARG: error" on fd 2 and exit status 127. */
void proc_child_fail(const char *what, const char *arg, int err);
/* chroot to root (and chdir /) unless NULL or ""; then chdir to cwd unless NULL. */
void proc_child_enter(const char *root, const char *cwd);
/* execve file (a name without '/' tried in each of dirs; dirs NULL: as it is), or fail. */
void proc_child_exec(const char *file, char *const argv[], char *const env[],
    const char *const dirs[]);

/* Shorthands: stdin /dev/null, stdout a pipe whose read end is returned (-1 on failure, with
 * *pid set on success), armpy's environment. */
#define PROC_MERGE_STDERR 0x1    /* stderr into the same pipe (else /dev/null) */
#define PROC_NEW_GROUP 0x2       /* its own process group, so kill(-pid) reaches its children */
int proc_spawn(char *const argv[], int flags, int timeout, pid_t *pid);
/* timeout: seconds until SIGALRM kills it (it survives execve), 0 for none. */
/* The same, with stderr on a pipe of its own whose read end goes to *errfd (flags'
 * PROC_MERGE_STDERR is then ignored). */
int proc_spawn_err(char *const argv[], int flags, int timeout, pid_t *pid, int *errfd);
/* Runs argv as proc_spawn does (its flags and timeout), reads what it writes to its end, keeps
 * the last max bytes of it (where a failure's reason is), and reaps it (again after EINTR).
 * With PROC_ECHO the output is also copied to armpy's stderr as it comes (progress). Returns
 * its wait status (WIFEXITED...) with the kept text in *out (new; out may be NULL), or -1
 * with errno when it could not be started (*out then NULL). */
#define PROC_ECHO 0x4
int proc_capture(char *const argv[], int flags, int timeout, size_t max, char **out);
/* The command runs in its own process group. proc_interrupt(sig), async-signal-safe, is for a
 * caller's SIGINT/SIGTERM/SIGHUP handler: it TERMs the group proc_capture waits for, and from
 * then on proc_capture starts nothing (-1, EINTR); proc_interrupted holds the signal. A caller
 * that catches no signal leaves the command running when armpy alone is killed. */
extern volatile sig_atomic_t proc_interrupted;
void proc_interrupt(int sig);

/* The monotonic clock, in seconds. */
double now_seconds(void);

/* Small string helpers. */
int str_startswith(const char *, const char *);
int str_endswith(const char *, const char *);
char *str_trim(char *);             /* in place, returns the argument moved past leading space */
/* Compare dotted versions numerically ("0.3.21" vs "0.3.17"); non-digit suffixes are ignored. */
int version_cmp(const char *, const char *);

#endif
