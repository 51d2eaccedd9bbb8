/* runs.h — run directories: where they live, new ids, and the list `armpy runs` shows. */
/* SPDX-License-Identifier: MIT */
#ifndef RUNS_H
#define RUNS_H

#include <sys/types.h>

/* $ARMPY_STATE_DIR/runs, else /var/lib/armpy/runs as root, else
 * ${XDG_STATE_HOME:-~/.local/state}/armpy/runs where ~ is $HOME when absolute, else the passwd
 * entry's home (never a shared directory). NULL with *cause when there is none. New string. */
char *runs_base(char **cause);
/* runs_base, created (0700) when missing, refused unless it and the state dir above it pass
 * runs_check_dir. New string. */
char *runs_base_safe(char **cause);
/* 0 when path is a directory owned by the effective user and not writable by group or others
 * (another user could plant a run there); -1 with *cause saying what it is. */
int runs_check_dir(const char *path, char **cause);
/* Creates BASE/<id> (0700; id = YYYYMMDD-HHMMSS-PID) and returns its path; *id set (new). */
char *runs_create(char **id, char **cause);

/* One run at a time: an exclusive flock on path (created 0600), never waited for. Returns the
 * fd, which holds the lock until closed (close-on-exec: steps never inherit it); -1 with *cause
 * "WHAT is in use by armpy pid N, run ID; ..." when another armpy holds it. */
int runs_lock(const char *path, const char *what, char **cause);
/* Writes "armpy pid N, run ID" into a lock the caller holds, for the refusal above. */
int runs_lock_note(int fd, const char *run_id);
/* The target root's lock (root NULL = /): an exclusive flock on an O_RDONLY|O_DIRECTORY fd of
 * the root directory itself, never waited for. One lock for every spelling of the root (it is
 * the inode), every state dir and every user: no file to create, plant or replace. Returns the
 * fd (close-on-exec), which holds the lock until closed; -1 with *cause "the target root R is
 * in use by armpy pid N, run ID; ..." (the pid from /proc/locks, the run from the run lock the
 * holder has open, when this user may see its fds). */
int runs_lock_root(const char *root, char **cause);
/* sha256 of data as 64 lowercase hex digits (libcrypto, loaded on first use). */
int runs_sha256(const void *data, size_t len, char out[65], char **cause);
/* 0 when id is a run id as runs_create makes them: one path component, YYYYMMDD-HHMMSS-PID
 * or YYYYMMDD-HHMMSS-PID-N (digits only); else -1 with *cause saying why ("", ".", ".." and
 * paths are never ids). */
int runs_id_check(const char *id, char **cause);
/* Path of the run directory of a valid id. NULL when the id is not valid or has no directory. */
char *runs_find(const char *id);

struct run_info {
	char *id;
	char *dir;
	long start;           /* epoch, 0 unknown */
	char *profile;        /* NULL none */
	char *root;           /* NULL = / */
	/* ok | failed | interrupted | running (its lock is held) | incomplete (killed), or
	 * no-journal | corrupt | not-started (no begin record): these cannot be resumed */
	const char *state;
	char *log;
};
/* All runs, oldest first. */
struct run_info *runs_list(size_t *n);
void runs_list_free(struct run_info *, size_t n);
int run_info_load(struct run_info *, const char *dir, const char *id);
void run_info_clear(struct run_info *);

#endif
