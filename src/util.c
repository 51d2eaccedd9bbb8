/* util.c — allocation wrappers, string vectors, buffers, atomic file writes. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void
oom(void)
{
	fputs("armpy: out of memory\n", stderr);
	abort();
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p == NULL)
		oom();
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (p == NULL)
		oom();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		oom();
	return p;
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		oom();
	return xrealloc(p, n * size);
}

char *
xstrdup(const char *s)
{
	if (s == NULL)
		return NULL;
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	char *s;
	if (vasprintf(&s, fmt, ap) < 0)
		oom();
	return s;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

/* How many of the len (> QUOTE_MAX) bytes of s a quotation keeps: back to the start of a
 * character, at most 3 bytes back (bad UTF-8 is cut anywhere). Async-signal-safe. */
static size_t
quote_cut(const char *s)
{
	size_t cut = QUOTE_MAX;

	while (cut > QUOTE_MAX - 3 && ((unsigned char)s[cut] & 0xc0) == 0x80)
		cut--;
	return ((unsigned char)s[cut] & 0xc0) == 0x80 ? QUOTE_MAX : cut;
}

const char *
quote_short(const char *s)
{
	static _Thread_local char slot[QUOTE_SLOTS][QUOTE_MAX + 32];
	static _Thread_local unsigned int next;
	size_t len;
	char *out;

	if (s == NULL)
		return "(null)";
	if ((len = strlen(s)) <= QUOTE_MAX)
		return s;
	out = slot[next++ % QUOTE_SLOTS];
	snprintf(out, sizeof slot[0], "%.*s\u2026[%zu bytes]", (int)quote_cut(s), s, len);
	return out;
}

void
cause_set(char **cause, const char *fmt, ...)
{
	va_list ap;
	if (cause == NULL)
		return;
	va_start(ap, fmt);
	free(*cause);
	*cause = xvasprintf(fmt, ap);
	va_end(ap);
}

char **
strv_new(void)
{
	return xcalloc(1, sizeof(char *));
}

size_t
strv_len(char *const *v)
{
	size_t n = 0;
	if (v != NULL)
		while (v[n] != NULL)
			n++;
	return n;
}

char **
strv_push(char **v, const char *s)
{
	size_t n = strv_len(v);
	v = xreallocarray(v, n + 2, sizeof *v);
	v[n] = xstrdup(s);
	v[n + 1] = NULL;
	return v;
}

char **
strv_pushf(char **v, const char *fmt, ...)
{
	va_list ap;
	char *s;
	size_t n = strv_len(v);
	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	v = xreallocarray(v, n + 2, sizeof *v);
	v[n] = s;
	v[n + 1] = NULL;
	return v;
}

char **
strv_pushl(char **v, ...)
{
	va_list ap;
	const char *s;

	va_start(ap, v);
	while ((s = va_arg(ap, const char *)) != NULL)
		v = strv_push(v, s);
	va_end(ap);
	return v;
}

char **
strv_append(char **v, char *const *add)
{
	for (size_t i = 0; add != NULL && add[i] != NULL; i++)
		v = strv_push(v, add[i]);
	return v;
}

char **
strv_append_new(char **v, char *const *add)
{
	for (size_t i = 0; add != NULL && add[i] != NULL; i++)
		if (!strv_contains(v, add[i]))
			v = strv_push(v, add[i]);
	return v;
}

char **
strv_setenv(char **env, const char *kv)
{
	const char *eq = strchr(kv, '=');
	size_t k;

	if (eq == NULL)
		return env;
	k = (size_t)(eq - kv) + 1;
	for (size_t i = 0; env != NULL && env[i] != NULL; i++)
		if (strncmp(env[i], kv, k) == 0) {
			free(env[i]);
			env[i] = xstrdup(kv);
			return env;
		}
	return strv_push(env, kv);
}

int
env_assign_ok(const char *kv)
{
	size_t n = strspn(kv, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");

	return n > 0 && kv[n] == '=' && !(kv[0] >= '0' && kv[0] <= '9');
}

char **
strv_dup(char *const *v)
{
	return strv_append(strv_new(), v);
}

int
strv_contains(char *const *v, const char *s)
{
	for (size_t i = 0; v != NULL && v[i] != NULL; i++)
		if (strcmp(v[i], s) == 0)
			return 1;
	return 0;
}

char *
strv_join(char *const *v, const char *sep)
{
	struct buf b;
	buf_init(&b);
	for (size_t i = 0; v != NULL && v[i] != NULL; i++) {
		if (i > 0)
			buf_puts(&b, sep);
		buf_puts(&b, v[i]);
	}
	return buf_steal(&b);
}

void
strv_free(char **v)
{
	if (v == NULL)
		return;
	for (size_t i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

void
buf_init(struct buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void
buf_add(struct buf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->len + n + 1)
			cap *= 2;
		b->data = xrealloc(b->data, cap);
		b->cap = cap;
	}
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_puts(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	char *s;
	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	buf_puts(b, s);
	free(s);
}

void
buf_read_fd(struct buf *b, int fd, size_t max)
{
	char chunk[4096];
	ssize_t n;

	while ((n = read(fd, chunk, sizeof chunk)) > 0 || (n < 0 && errno == EINTR))
		if (n > 0 && b->len < max)
			buf_add(b, chunk, (size_t)n);
}

char *
buf_steal(struct buf *b)
{
	char *s = b->data;
	if (s == NULL)
		s = xstrdup("");
	buf_init(b);
	return s;
}

void
buf_free(struct buf *b)
{
	free(b->data);
	buf_init(b);
}

char *
file_read(const char *path, size_t max, size_t *lenp, char **cause)
{
	struct buf b;
	char chunk[8192];
	ssize_t n;
	struct stat st;
	/* O_NONBLOCK: opening a FIFO must not wait for a writer; only regular files are read. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);

	if (fd < 0) {
		cause_set(cause, "%s: %s", quote_short(path), strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		cause_set(cause, "%s: not a regular file (%s)", quote_short(path),
		    S_ISDIR(st.st_mode) ? "a directory" : S_ISFIFO(st.st_mode) ? "a FIFO" :
		    S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device" :
		    S_ISSOCK(st.st_mode) ? "a socket" : "not readable as a file");
		close(fd);
		return NULL;
	}
	buf_init(&b);
	buf_add(&b, "", 0);
	while ((n = read(fd, chunk, sizeof chunk)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			cause_set(cause, "%s: %s", quote_short(path), strerror(errno));
			goto fail;
		}
		if (b.len + (size_t)n > max) {
			cause_set(cause, "%s: larger than %zu bytes", quote_short(path), max);
			goto fail;
		}
		buf_add(&b, chunk, (size_t)n);
	}
	close(fd);
	if (lenp != NULL)
		*lenp = b.len;
	return buf_steal(&b);
fail:
	close(fd);
	buf_free(&b);
	return NULL;
}

/* Creates PATH.tmp.XXXXXXXX exclusively with `mode` (less the umask); -1 with errno. */
static int
file_tmp_open(const char *path, int mode, char **tmpp)
{
	for (unsigned i = 0; i < 100; i++) {
		unsigned r;
		char *tmp;
		int fd;

		if (getrandom(&r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r)
			r = (unsigned)getpid() * 2654435761u + i;
		tmp = xasprintf("%s.tmp.%08x", path, r);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, (mode_t)mode);
		if (fd >= 0) {
			*tmpp = tmp;
			return fd;
		}
		free(tmp);
		if (errno != EEXIST)
			return -1;
	}
	errno = EEXIST;
	return -1;
}

/* Temp file, write, fsync, rename, fsync the directory. exact: the file gets `mode` whatever
 * the umask; else it is created with `mode` and the umask applies, as for any saved file. */
static int
file_commit(const char *path, const void *data, size_t len, int mode, int exact, char **cause)
{
	char *tmp = NULL, *dircopy;
	const char *p = data;
	int fd, dfd;

	fd = file_tmp_open(path, exact ? 0600 : mode, &tmp);
	if (fd < 0) {
		cause_set(cause, "%s: %s", quote_short(path), strerror(errno));
		return -1;
	}
	if (write_all(fd, p, len) != 0)
		goto fail;
	if ((exact && fchmod(fd, (mode_t)mode) != 0) || fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto fail;
	dircopy = xstrdup(path);
	dfd = open(dirname(dircopy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	free(dircopy);
	free(tmp);
	return 0;
fail:
	cause_set(cause, "%s: %s", quote_short(path), strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	return -1;
}

int
write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
file_write_atomic(const char *path, const void *data, size_t len, int mode, char **cause)
{
	return file_commit(path, data, len, mode, 1, cause);
}

/* A saved file onto a character device or a FIFO (/dev/stdout, /dev/null, a pipe a reader
 * holds): written to it as a stream, never replaced. O_NONBLOCK: a FIFO without a reader is
 * ENXIO at once, not a hang; the flag is cleared for the write. */
static int
file_stream(const char *path, const void *data, size_t len, char **cause)
{
	int fd = open(path, O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC), rc;
	struct stat st;

	if (fd < 0 || fstat(fd, &st) != 0 || !(S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) ||
	    fcntl(fd, F_SETFL, 0) != 0) {
		cause_set(cause, "%s: %s", path, fd < 0 ? strerror(errno) : "not a stream to write to");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	rc = write_all(fd, data, len);
	if (close(fd) != 0 && rc == 0)
		rc = -1;
	if (rc != 0)
		cause_set(cause, "%s: %s", path, strerror(errno));
	return rc;
}

int
file_save(const char *path, const void *data, size_t len, char **cause)
{
	struct stat st;

	/* what the path names in the end: a device or a FIFO is written to, not replaced (as
	 * root, a rename onto /dev/null would put a file in its place); a block device, a
	 * directory or a socket is not somewhere to save a file */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode))
			return file_stream(path, data, len, cause);
		cause_set(cause, "%s: not a regular file", path);
		return -1;
	}
	return file_commit(path, data, len, 0666, 0, cause);
}

int
mkdir_p(const char *path, int mode, char **cause)
{
	char *p = xstrdup(path);
	struct stat st;

	for (char *s = p + 1; ; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;
			*s = '\0';
			if (mkdir(p, (mode_t)mode) != 0 && errno != EEXIST) {
				cause_set(cause, "%s: %s", quote_short(p), strerror(errno));
				free(p);
				return -1;
			}
			*s = c;
			if (c == '\0')
				break;
		}
	}
	if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode)) {
		cause_set(cause, "%s: not a directory", quote_short(p));
		free(p);
		return -1;
	}
	free(p);
	return 0;
}

/* ---- child processes: the one place armpy forks ----
 * In the child only async-signal-safe calls: the sudo keepalive starts children from a forked
 * child, and a library's thread may have held malloc's lock at the fork. */

static void
proc_child_puts(const char *s)
{
	if (write(2, s, strlen(s)) < 0)
		return;
}

/* s as quote_short shows it, without its buffers (a child may only make signal-safe calls). */
static void
proc_child_putq(const char *s)
{
	size_t len = strlen(s), n = len;
	char num[24], *p = num + sizeof num;

	if (len <= QUOTE_MAX) {
		proc_child_puts(s);
		return;
	}
	if (write(2, s, quote_cut(s)) < 0)
		return;
	*--p = '\0';
	do
		*--p = (char)('0' + n % 10);
	while ((n /= 10) > 0);
	proc_child_puts("\u2026[");
	proc_child_puts(p);
	proc_child_puts(" bytes]");
}

void
proc_child_fail(const char *what, const char *arg, int err)
{
	proc_child_puts("armpy: ");
	proc_child_puts(what);
	proc_child_putq(arg);
	proc_child_puts(": ");
	proc_child_puts(strerror(err));
	proc_child_puts("\n");
	_exit(127);
}

/* src[i] becomes fd i: -1 /dev/null, i itself inherited. */
static void
proc_child_io(const int src[3])
{
	int nul = open("/dev/null", O_RDWR | O_CLOEXEC);

	for (int i = 0; i < 3; i++) {
		int s = src[i] < 0 ? nul : src[i];
		if (s < 0)
			continue;
		if (s == i)
			fcntl(i, F_SETFD, 0);
		else
			dup2(s, i);
	}
	if (nul > 2)
		close(nul);
}

void
proc_child_enter(const char *root, const char *cwd)
{
	if (root != NULL && *root != '\0' && (chroot(root) != 0 || chdir("/") != 0))
		proc_child_fail("chroot ", root, errno);
	if (cwd != NULL && chdir(cwd) != 0)
		proc_child_fail("cd ", cwd, errno);
}

/* root and cwd (proc_child_enter), with root_proc in a private mount namespace. */
static void
proc_child_root(const struct proc_opts *o)
{
	int ns = 0;

	/* A private mount namespace, so a /proc can be mounted in the root without touching the
	 * host; it vanishes with the child. */
	if (o->root != NULL && *o->root != '\0' && o->root_proc)
		ns = unshare(CLONE_NEWNS) == 0 &&
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0;
	proc_child_enter(o->root, o->cwd);
	if (ns && access("/proc/self/maps", R_OK) != 0)
		mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
}

void
proc_child_exec(const char *file, char *const argv[], char *const env[],
    const char *const dirs[])
{
	char path[4096];
	int err = ENOENT;

	if (dirs == NULL || strchr(file, '/') != NULL) {
		execve(file, argv, env);
		proc_child_fail("", file, errno);
	}
	for (size_t i = 0; dirs[i] != NULL; i++) {
		snprintf(path, sizeof path, "%s/%s", dirs[i], file);
		execve(path, argv, env);
		if (errno != ENOENT)
			err = errno;
	}
	if (err != ENOENT)
		proc_child_fail("", file, err);
	proc_child_puts("armpy: ");
	proc_child_putq(file);
	proc_child_puts(": not found in ");
	for (size_t i = 0; dirs[i] != NULL; i++) {
		proc_child_puts(i > 0 ? ", " : "");
		proc_child_putq(dirs[i]);
	}
	proc_child_puts("\n");
	_exit(127);
}

/* The child's side: its group, stdio, root, cwd and alarm; then exec argv or call fn. */
static void
proc_child(char *const argv[], void (*fn)(void *), void *arg, const struct proc_opts *o,
    const int src[3], const int parent[3])
{
	extern char **environ;

	if (o->new_group)
		setpgid(0, 0);
	proc_child_io(src);
	for (int i = 0; i < 3; i++)
		if (o->io[i] == PROC_PIPE) {
			if (parent[i] > 2)
				close(parent[i]);
			if (src[i] > 2)
				close(src[i]);
		}
	proc_child_root(o);
	if (o->timeout > 0)
		alarm((unsigned)o->timeout);
	if (fn != NULL) {
		fn(arg);
		_exit(0);
	}
	proc_child_exec(o->path != NULL ? o->path : argv[0], argv,
	    o->env != NULL ? o->env : environ, o->dirs);
}

static void
fds_close(int *fds, int n)
{
	for (int i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

/* The pipes o asks for: src[i] is the child's fd i (see proc_child_io), parent[i] the end the
 * parent keeps (-1 none). -1 with errno. */
static int
proc_pipes(const struct proc_opts *o, int src[3], int parent[3])
{
	for (int i = 0; i < 3; i++)
		src[i] = parent[i] = -1;
	for (int i = 0; i < 3; i++) {
		int p[2];
		switch (o->io[i]) {
		case PROC_NULL:
			break;
		case PROC_INHERIT:
			src[i] = i;
			break;
		case PROC_FD:
			src[i] = o->fd[i];
			break;
		case PROC_STDOUT:
			src[i] = src[1];
			break;
		case PROC_PIPE:
			if (pipe2(p, O_CLOEXEC) != 0) {
				fds_close(parent, 3);
				for (int j = 0; j < i; j++)
					if (o->io[j] == PROC_PIPE)
						close(src[j]);
				return -1;
			}
			src[i] = i == 0 ? p[0] : p[1];
			parent[i] = i == 0 ? p[1] : p[0];
			break;
		}
	}
	return 0;
}

static pid_t
proc_fork(char *const argv[], void (*fn)(void *), void *arg, struct proc_opts *o)
{
	int src[3], parent[3], err;
	pid_t pid;

	if (proc_pipes(o, src, parent) != 0)
		return -1;
	if ((pid = fork()) == 0)
		proc_child(argv, fn, arg, o, src, parent);
	err = errno;
	for (int i = 0; i < 3; i++) {
		if (o->io[i] == PROC_PIPE) {
			close(src[i]);
			o->fd[i] = pid < 0 ? -1 : parent[i];
		}
	}
	if (pid < 0) {
		fds_close(parent, 3);
		errno = err;
	}
	return pid;
}

pid_t
proc_start(char *const argv[], struct proc_opts *o)
{
	return proc_fork(argv, NULL, NULL, o);
}

pid_t
proc_call(void (*fn)(void *), void *arg, struct proc_opts *o)
{
	fflush(NULL);
	return proc_fork(NULL, fn, arg, o);
}

int
proc_spawn(char *const argv[], int flags, int timeout, pid_t *pidp)
{
	return proc_spawn_err(argv, flags, timeout, pidp, NULL);
}

int
proc_spawn_err(char *const argv[], int flags, int timeout, pid_t *pidp, int *errfd)
{
	struct proc_opts o = { .io = { PROC_NULL, PROC_PIPE, PROC_NULL },
	    .new_group = (flags & PROC_NEW_GROUP) != 0, .timeout = timeout };

	if (errfd != NULL)
		o.io[2] = PROC_PIPE;
	else if (flags & PROC_MERGE_STDERR)
		o.io[2] = PROC_STDOUT;
	if ((*pidp = proc_start(argv, &o)) < 0)
		return -1;
	if (errfd != NULL)
		*errfd = o.fd[2];
	return o.fd[1];
}

/* b cut to its last max bytes. */
static void
buf_keep_end(struct buf *b, size_t max)
{
	if (b->len <= max)
		return;
	memmove(b->data, b->data + b->len - max, max);
	b->len = max;
	b->data[max] = '\0';
}

volatile sig_atomic_t proc_interrupted;
static volatile sig_atomic_t proc_group;     /* the group proc_capture waits for, or 0 */

void
proc_interrupt(int sig)
{
	proc_interrupted = sig;
	if (proc_group > 0)
		kill(-(pid_t)proc_group, SIGTERM);
}

int
proc_capture(char *const argv[], int flags, int timeout, size_t max, char **out)
{
	char chunk[4096];
	struct buf b;
	pid_t pid, w;
	ssize_t n;
	int fd, status = 0;

	if (out != NULL)
		*out = NULL;
	if (proc_interrupted) {
		errno = EINTR;
		return -1;
	}
	if ((fd = proc_spawn(argv, flags | PROC_NEW_GROUP, timeout, &pid)) < 0)
		return -1;
	proc_group = pid;
	if (proc_interrupted)             /* a signal before the group was known */
		kill(-pid, SIGTERM);
	buf_init(&b);
	while ((n = read(fd, chunk, sizeof chunk)) > 0 || (n < 0 && errno == EINTR))
		if (n > 0) {
			if (flags & PROC_ECHO)
				fwrite(chunk, 1, (size_t)n, stderr);
			buf_add(&b, chunk, (size_t)n);
			if (b.len / 2 > max)     /* cut seldom: a long output is not moved often */
				buf_keep_end(&b, max);
		}
	close(fd);
	while ((w = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
		;
	proc_group = 0;
	buf_keep_end(&b, max);
	if (out != NULL)
		*out = buf_steal(&b);
	buf_free(&b);
	return w == pid ? status : -1;     /* not reaped (ECHILD): no status to trust */
}

double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
str_startswith(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int
str_endswith(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

char *
str_trim(char *s)
{
	char *e;
	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

int
version_cmp(const char *a, const char *b)
{
	while (*a != '\0' || *b != '\0') {
		unsigned long x = 0, y = 0;
		while (*a != '\0' && !isdigit((unsigned char)*a))
			a++;
		while (*b != '\0' && !isdigit((unsigned char)*b))
			b++;
		if (*a == '\0' && *b == '\0')
			break;
		while (isdigit((unsigned char)*a))
			x = x * 10 + (unsigned long)(*a++ - '0');
		while (isdigit((unsigned char)*b))
			y = y * 10 + (unsigned long)(*b++ - '0');
		if (x != y)
			return x < y ? -1 : 1;
		/* A dot continues the version; anything else ends it. */
		if (*a != '.' && *a != '\0')
			while (*a != '\0')
				a++;
		if (*b != '.' && *b != '\0')
			while (*b != '\0')
				b++;
	}
	return 0;
}
