/* rootdir.h — the target root as a boundary: every path of a step resolved inside the root. */
/* SPDX-License-Identifier: MIT */
#ifndef ROOTDIR_H
#define ROOTDIR_H

#include <stddef.h>
#include <sys/types.h>

/*
 * A rootdir holds an open directory fd of the target root (--root, or the host's /) and
 * resolves paths below it as a chroot would: every symlink met on the way, absolute or
 * relative, is resolved against the root, and ".." never climbs above the root. The kernel
 * does this with openat2(2) and RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS (Linux 5.6). Where
 * openat2 is missing (ENOSYS, or EPERM from a seccomp filter) the same rules are kept by a
 * component-by-component walk: each component opened with O_NOFOLLOW from the fd of the one
 * before, symlinks expanded by hand against the root, ".." clamped at the root. The walk
 * cannot notice a directory being moved out of the root while it is being walked (openat2
 * can); docs/root-boundary.md says so. ARMPY_RESOLVE=walk forces the walk (for tests).
 *
 * The file operations of the executor work on fds from here and on a last component with
 * *at(2) calls that never follow it, so nothing they create, rename or remove is outside.
 */
struct rootdir;

/* Opens ROOT; NULL, "" and "/" mean the host's /. NULL with *cause. */
struct rootdir *rootdir_open(const char *root, char **cause);
void rootdir_free(struct rootdir *);
/* "openat2" or "walk": how paths are resolved. */
const char *rootdir_how(const struct rootdir *);
/* ROOT followed by path, for messages only (new). */
char *rootdir_display(const struct rootdir *, const char *path);

/* 0 when path may name a file of a step: absolute, and no component is "..". -1 with *cause
 * (names the path and says why). The resolver clamps ".." anyway; plans are refused. */
int rootdir_path_check(const char *path, char **cause);

/* open(2) of path inside the root, flags as for openat (O_CLOEXEC is added). The last
 * component is followed (inside the root) unless flags has O_NOFOLLOW; with O_CREAT it is
 * created in the directory the path resolves to. -1 with *cause (errno kept). */
int rootdir_openat(const struct rootdir *, const char *path, int flags, mode_t mode,
    char **cause);
/* mkdir -p of dir inside the root (new directories get mode); an O_DIRECTORY fd of it. */
int rootdir_mkdirs(const struct rootdir *, const char *dir, mode_t mode, char **cause);
/* An O_DIRECTORY fd of the directory that holds path's last component (made with
 * rootdir_mkdirs, mode 0755, when create), and that component in *base (new; never empty,
 * "." or ".."). The caller works on *base with *at calls that never follow it. */
int rootdir_parent(const struct rootdir *, const char *path, int create, char **base,
    char **cause);

/* Atomic write of path: a temp file next to it (O_EXCL), mode set with fchmod, fsync,
 * renameat over the last component (a symlink there is replaced, never followed), fsync of
 * the directory. Parents are made as by rootdir_parent. */
int rootdir_write_atomic(const struct rootdir *, const char *path, const void *data,
    size_t len, int mode, char **cause);

/* In directory dfd: a new directory named PREFIX + 6 random characters, mode 0700; its name
 * (new) or NULL with *cause. */
char *rootdir_mkdtemp(int dfd, const char *prefix, char **cause);
/* rm -rf of name in dfd without following any symlink and without leaving dfd's mount (rm
 * --one-file-system, stricter): a mount point in the tree, or name itself, whether another
 * filesystem (st_dev) or a bind mount of the same one (the mount id: statx STATX_MNT_ID, else
 * name_to_handle_at), is neither entered nor removed, nor are the directories above it. 0, or
 * -1 with errno (EXDEV for a mount point) and *cause: "refused: SHOWN/path is a mount point
 * ..." (shown names name in messages). */
int rootdir_rm_rf(int dfd, const char *name, const char *shown, char **cause);
/* The same walk, removing nothing: 0 when no mount point is in the tree of name (a missing name
 * has none); -1 with *cause naming the first one. */
int rootdir_mounts_below(int dfd, const char *name, const char *shown, char **cause);

#endif
