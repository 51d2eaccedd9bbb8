/* rootdir.c — paths resolved inside the target root: openat2(RESOLVE_IN_ROOT), or a safe walk. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "rootdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <unistd.h>

#define RD_MAX_LINKS 40
#define RD_MAX_DEPTH 256
#define RD_RETRIES 16

struct rootdir {
	int fd;
	char *root;                /* "" for the host's / */
	int walk;                  /* no openat2: the walk */
};

static int
rd_openat2(int dfd, const char *path, int flags, mode_t mode)
{
	struct open_how how;
	int fd;

	memset(&how, 0, sizeof how);
	how.flags = (unsigned long long)(flags | O_CLOEXEC);
	how.mode = (flags & O_CREAT) ? mode : 0;
	how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
	for (int i = 0; i < RD_RETRIES; i++) {
		fd = (int)syscall(SYS_openat2, dfd, path, &how, sizeof how);
		if (fd >= 0 || errno != EAGAIN)
			break;              /* EAGAIN: a rename raced with "..": try again */
	}
	return fd;
}

struct rootdir *
rootdir_open(const char *root, char **cause)
{
	struct rootdir *rd;
	const char *how = getenv("ARMPY_RESOLVE");
	int fd, probe;

	if (root == NULL || *root == '\0' || strcmp(root, "/") == 0)
		root = "/";
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		cause_set(cause, "root %s: %s", quote_short(root), strerror(errno));
		return NULL;
	}
	rd = xcalloc(1, sizeof *rd);
	rd->fd = fd;
	rd->root = xstrdup(strcmp(root, "/") == 0 ? "" : root);
	while (rd->root[0] != '\0' && rd->root[strlen(rd->root) - 1] == '/')
		rd->root[strlen(rd->root) - 1] = '\0';
	if (how != NULL && strcmp(how, "walk") == 0)
		rd->walk = 1;
	else if ((probe = rd_openat2(fd, ".", O_PATH, 0)) >= 0)
		close(probe);
	else if (errno == ENOSYS || errno == EPERM)
		rd->walk = 1;
	return rd;
}

void
rootdir_free(struct rootdir *rd)
{
	if (rd == NULL)
		return;
	close(rd->fd);
	free(rd->root);
	free(rd);
}

const char *
rootdir_how(const struct rootdir *rd)
{
	return rd->walk ? "walk" : "openat2";
}

char *
rootdir_display(const struct rootdir *rd, const char *path)
{
	return xasprintf("%s%s%s", rd->root, *path == '/' ? "" : "/", path);
}

int
rootdir_path_check(const char *path, char **cause)
{
	const char *p = path;

	if (path == NULL || *path != '/') {
		cause_set(cause, "refused: path '%s' is not absolute",
		    quote_short(path != NULL ? path : ""));
		return -1;
	}
	while (*p != '\0') {
		size_t n;
		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			cause_set(cause, "refused: path '%s' has a '..' component",
			    quote_short(path));
			return -1;
		}
		p += n;
	}
	return 0;
}

/* The walk's state: a stack of directory fds from the root down. */
struct rd_walk {
	int fds[RD_MAX_DEPTH];
	int depth;                 /* fds[0] is the root (not ours to close) */
	int links;
};

static void
rd_walk_pop_to(struct rd_walk *w, int depth)
{
	while (w->depth > depth)
		close(w->fds[w->depth--]);
}

/* Replaces rest with "target/rest" (new). */
static char *
rd_splice(const char *target, const char *rest)
{
	return xasprintf("%s%s%s", target, *rest != '\0' ? "/" : "", rest);
}

/* One step of the walk on a name that is not the last to open; 1 continue, -1 errno. */
static int
rd_walk_step(struct rd_walk *w, const char *name, char **rest, int last, int follow)
{
	char target[4096];
	struct stat st;
	ssize_t n;
	int fd;

	fd = openat(w->fds[w->depth], name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0) {
		close(fd);
		return -1;
	}
	if (S_ISLNK(st.st_mode) && (!last || follow)) {
		n = readlinkat(fd, "", target, sizeof target - 1);
		close(fd);
		if (n < 0)
			return -1;
		if (++w->links > RD_MAX_LINKS) {
			errno = ELOOP;
			return -1;
		}
		target[n] = '\0';
		if (target[0] == '/')
			rd_walk_pop_to(w, 0);
		char *next = rd_splice(target, *rest);
		free(*rest);
		*rest = next;
		return 1;
	}
	if (last) {
		close(fd);
		return 0;
	}
	if (!S_ISDIR(st.st_mode) || w->depth + 1 >= RD_MAX_DEPTH) {
		close(fd);
		errno = S_ISDIR(st.st_mode) ? ENAMETOOLONG : ENOTDIR;
		return -1;
	}
	w->fds[++w->depth] = fd;
	return 1;
}

/* The next component of *rest (new, or NULL at the end); *rest loses it. */
static char *
rd_next(char **rest)
{
	char *p = *rest, *name, *next;
	size_t n;

	while (*p == '/')
		p++;
	if (*p == '\0')
		return NULL;
	n = strcspn(p, "/");
	name = xstrndup(p, n);
	next = xstrdup(p + n);
	free(*rest);
	*rest = next;
	return name;
}

static int
rd_only_slashes(const char *s)
{
	return s[strspn(s, "/")] == '\0';
}

/* openat2's rules by hand: see rootdir.h. */
static int
rd_walk_open(const struct rootdir *rd, const char *path, int flags, mode_t mode)
{
	struct rd_walk w = { .depth = 0 };
	char *rest = xstrdup(path), *name;
	int fd = -1, follow = !(flags & O_NOFOLLOW), r, err = 0;

	w.fds[0] = rd->fd;
	while ((name = rd_next(&rest)) != NULL) {
		int last = rd_only_slashes(rest);
		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
			if (name[1] == '.')
				rd_walk_pop_to(&w, w.depth > 0 ? w.depth - 1 : 0);
			free(name);
			if (last)
				name = xstrdup(".");
			else
				continue;
		} else if ((r = rd_walk_step(&w, name, &rest, last, follow)) == 1) {
			free(name);
			continue;
		} else if (r < 0 && !(last && errno == ENOENT && (flags & O_CREAT))) {
			err = errno;
			free(name);
			break;
		}
		fd = openat(w.fds[w.depth], name, flags | O_NOFOLLOW | O_CLOEXEC, mode);
		err = fd < 0 ? errno : 0;
		free(name);
		break;
	}
	if (fd < 0 && err == 0)             /* the path was the root itself */
		fd = openat(w.fds[w.depth], ".", (flags & ~(O_CREAT | O_EXCL)) | O_CLOEXEC);
	else if (fd < 0)
		errno = err;
	err = errno;
	rd_walk_pop_to(&w, 0);
	free(rest);
	errno = err;
	return fd;
}

int
rootdir_openat(const struct rootdir *rd, const char *path, int flags, mode_t mode,
    char **cause)
{
	int fd;

	if (rd->walk)
		fd = rd_walk_open(rd, path, flags, mode);
	else
		fd = rd_openat2(rd->fd, *path == '\0' ? "." : path, flags, mode);
	if (fd < 0) {
		int err = errno;
		char *shown = rootdir_display(rd, path);
		cause_set(cause, "%s: %s", quote_short(shown), strerror(err));
		free(shown);
		errno = err;
	}
	return fd;
}

int
rootdir_mkdirs(const struct rootdir *rd, const char *dir, mode_t mode, char **cause)
{
	struct buf prefix;
	char *rest = xstrdup(dir), *name;
	int fd = rootdir_openat(rd, "/", O_PATH | O_DIRECTORY, 0, cause), next;

	buf_init(&prefix);
	while (fd >= 0 && (name = rd_next(&rest)) != NULL) {
		buf_puts(&prefix, "/");
		buf_puts(&prefix, name);
		next = rootdir_openat(rd, prefix.data, O_PATH | O_DIRECTORY, 0, NULL);
		if (next < 0 && errno == ENOENT && strcmp(name, "..") != 0) {
			/* made in the directory the prefix resolved to so far; never follows name */
			if (mkdirat(fd, name, mode) != 0 && errno != EEXIST)
				cause_set(cause, "mkdir %s: %s", quote_short(prefix.data),
				    strerror(errno));
			else
				next = rootdir_openat(rd, prefix.data, O_PATH | O_DIRECTORY, 0, cause);
		} else if (next < 0)
			rootdir_openat(rd, prefix.data, O_PATH | O_DIRECTORY, 0, cause);
		close(fd);
		fd = next;
		free(name);
	}
	buf_free(&prefix);
	free(rest);
	if (fd < 0)
		return -1;
	/* O_PATH fds cannot fsync or fdopendir: the caller gets a real one */
	next = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (next < 0)
		cause_set(cause, "%s: %s", quote_short(dir), strerror(errno));
	close(fd);
	return next;
}

int
rootdir_parent(const struct rootdir *rd, const char *path, int create, char **base,
    char **cause)
{
	const char *end = path + strlen(path), *slash;
	char *dir;
	int fd;

	while (end > path && end[-1] == '/')
		end--;
	slash = end;
	while (slash > path && slash[-1] != '/')
		slash--;
	*base = xstrndup(slash, (size_t)(end - slash));
	if (**base == '\0' || strcmp(*base, ".") == 0 || strcmp(*base, "..") == 0) {
		cause_set(cause, "refused: '%s' does not name a file", quote_short(path));
		free(*base);
		*base = NULL;
		return -1;
	}
	dir = xstrndup(path, (size_t)(slash - path));
	if (create)
		fd = rootdir_mkdirs(rd, dir, 0755, cause);
	else
		fd = rootdir_openat(rd, *dir != '\0' ? dir : "/", O_RDONLY | O_DIRECTORY, 0, cause);
	free(dir);
	if (fd < 0) {
		free(*base);
		*base = NULL;
	}
	return fd;
}

/* A name no one can guess: prefix + 6 characters. */
static char *
rd_random_name(const char *prefix)
{
	static const char set[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	unsigned char r[6];
	char s[7];

	if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
		for (size_t i = 0; i < sizeof r; i++)
			r[i] = (unsigned char)(random() ^ getpid());
	for (size_t i = 0; i < sizeof r; i++)
		s[i] = set[r[i] % (sizeof set - 1)];
	s[6] = '\0';
	return xasprintf("%s%s", prefix, s);
}

char *
rootdir_mkdtemp(int dfd, const char *prefix, char **cause)
{
	for (int i = 0; i < 100; i++) {
		char *name = rd_random_name(prefix);
		if (mkdirat(dfd, name, 0700) == 0)
			return name;
		free(name);
		if (errno != EEXIST)
			break;
	}
	cause_set(cause, "%sXXXXXX: %s", quote_short(prefix), strerror(errno));
	return NULL;
}

/* The mount a file is on, never following it (dfd + name; dfd itself when name is ""): its
 * device, and its mount id where the kernel gives one (statx STATX_MNT_ID, Linux 5.8, else
 * name_to_handle_at). A bind mount of the same filesystem has the same device: only the mount
 * id tells it apart. */
struct rd_mnt {
	dev_t dev;
	unsigned long long id;
	int has_id;
	int mount_root;            /* STATX_ATTR_MOUNT_ROOT: the root of a mount */
};

static int
rd_mount_of(int dfd, const char *name, struct rd_mnt *m)
{
	int flags = AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | (*name == '\0' ? AT_EMPTY_PATH : 0);
	struct {
		struct file_handle fh;
		unsigned char space[MAX_HANDLE_SZ];
	} h;
	struct statx sx;
	int mnt;

	if (statx(dfd, name, flags, STATX_MNT_ID, &sx) != 0)
		return -1;
	m->dev = makedev(sx.stx_dev_major, sx.stx_dev_minor);
	m->id = sx.stx_mnt_id;
	m->has_id = (sx.stx_mask & STATX_MNT_ID) != 0;
	m->mount_root = (sx.stx_attributes_mask & sx.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;
	h.fh.handle_bytes = MAX_HANDLE_SZ;
	if (!m->has_id && name_to_handle_at(dfd, name, &h.fh, &mnt, flags & ~AT_NO_AUTOMOUNT) == 0) {
		m->id = (unsigned long long)mnt;
		m->has_id = 1;
	}
	return 0;
}

/* 1 when m is on the mount top is on, and is not the root of another mount. */
static int
rd_same_mount(const struct rd_mnt *top, const struct rd_mnt *m)
{
	return m->dev == top->dev && !m->mount_root &&
	    (!m->has_id || !top->has_id || m->id == top->id);
}

/* A mount point met at shown: remembered (the first one) for the message; -1 with EXDEV. */
static int
rd_mount_found(const char *shown, char **mount)
{
	if (*mount == NULL)
		*mount = xstrdup(shown);
	errno = EXDEV;
	return -1;
}

/* The walk of rootdir_rm_rf and rootdir_mounts_below: name in dfd (shown for messages), never
 * following a symlink, never entering or removing anything that is not on top's mount. */
static int
rd_tree(int dfd, const char *name, const char *shown, const struct rd_mnt *top, int remove,
    char **mount)
{
	struct rd_mnt m;
	struct dirent *de;
	DIR *d;
	int fd, err = 0;

	if (rd_mount_of(dfd, name, &m) != 0)
		return errno == ENOENT ? 0 : -1;
	if (!rd_same_mount(top, &m))
		return rd_mount_found(shown, mount);
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && (errno == ENOTDIR || errno == ELOOP)) {
		if (!remove || unlinkat(dfd, name, 0) == 0 || errno == ENOENT)
			return 0;
		return errno == EBUSY ? rd_mount_found(shown, mount) : -1;
	}
	if (fd < 0)
		return -1;
	/* the directory as opened: something may have been mounted on it since the look above */
	if (rd_mount_of(fd, "", &m) == 0 && !rd_same_mount(top, &m)) {
		close(fd);
		return rd_mount_found(shown, mount);
	}
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		char *sub;
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		sub = xasprintf("%s/%s", shown, de->d_name);
		if (rd_tree(dirfd(d), de->d_name, sub, top, remove, mount) != 0)
			err = errno;
		free(sub);
	}
	closedir(d);
	if (remove && err == 0 && unlinkat(dfd, name, AT_REMOVEDIR) != 0 && errno != ENOENT)
		err = errno;
	errno = err;
	return err != 0 ? -1 : 0;
}

/* rd_tree from dfd's own mount; the cause names the first mount point met. */
static int
rd_tree_top(int dfd, const char *name, const char *shown, int remove, char **cause)
{
	struct rd_mnt top;
	char *mount = NULL;
	int rc, err;

	if (rd_mount_of(dfd, "", &top) != 0) {
		cause_set(cause, "%s: %s", shown, strerror(errno));
		return -1;
	}
	rc = rd_tree(dfd, name, shown, &top, remove, &mount);
	err = errno;
	if (rc != 0 && mount != NULL)
		cause_set(cause, "refused: %s is a mount point (another filesystem, or a bind "
		    "mount): armpy never removes or replaces what is mounted in a tree, and left "
		    "it as it is", mount);
	else if (rc != 0)
		cause_set(cause, "removing %s: %s", shown, strerror(err));
	free(mount);
	errno = err;
	return rc;
}

int
rootdir_rm_rf(int dfd, const char *name, const char *shown, char **cause)
{
	return rd_tree_top(dfd, name, shown, 1, cause);
}

int
rootdir_mounts_below(int dfd, const char *name, const char *shown, char **cause)
{
	return rd_tree_top(dfd, name, shown, 0, cause);
}

int
rootdir_write_atomic(const struct rootdir *rd, const char *path, const void *data,
    size_t len, int mode, char **cause)
{
	char *base, *prefix, *tmp = NULL, *shown = rootdir_display(rd, path);
	int dfd = rootdir_parent(rd, path, 1, &base, cause), fd = -1, rc = -1;

	if (dfd < 0) {
		free(shown);
		return -1;
	}
	prefix = xasprintf("%s.armpy-new-", base);
	for (int i = 0; fd < 0 && i < 100; i++) {
		free(tmp);
		tmp = rd_random_name(prefix);
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0 || write_all(fd, data, len) != 0 || fchmod(fd, (mode_t)mode) != 0 ||
	    fsync(fd) != 0)
		cause_set(cause, "%s: %s", quote_short(shown), strerror(errno));
	else {
		int closed = close(fd);
		fd = -1;
		if (closed != 0 || renameat(dfd, tmp, dfd, base) != 0)
			cause_set(cause, "%s: %s", quote_short(shown), strerror(errno));
		else {
			fsync(dfd);
			rc = 0;
		}
	}
	if (fd >= 0)
		close(fd);
	if (rc != 0 && tmp != NULL)
		unlinkat(dfd, tmp, 0);
	close(dfd);
	free(tmp);
	free(prefix);
	free(base);
	free(shown);
	return rc;
}
