/* runs.c — run directories under the state dir, their ids, and their state for `armpy runs`. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "journal.h"
#include "runs.h"
#include "vis.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "lazy.h"

char *
runs_base(char **cause)
{
	const char *s = getenv("ARMPY_STATE_DIR"), *home;
	struct passwd *pw;

	if (s != NULL && *s != '\0')
		return xasprintf("%s/runs", s);
	if (geteuid() == 0)
		return xstrdup("/var/lib/armpy/runs");
	s = getenv("XDG_STATE_HOME");
	if (s != NULL && *s == '/')
		return xasprintf("%s/armpy/runs", s);
	home = getenv("HOME");
	if (home == NULL || *home != '/') {     /* never a shared directory: the passwd home */
		pw = getpwuid(geteuid());
		home = pw != NULL ? pw->pw_dir : NULL;
	}
	if (home == NULL || *home != '/') {
		cause_set(cause, "no home directory for the state (HOME is not set and uid %ld has "
		    "no passwd home): set ARMPY_STATE_DIR to a directory of your own",
		    (long)geteuid());
		return NULL;
	}
	return xasprintf("%s/.local/state/armpy/runs", strcmp(home, "/") == 0 ? "" : home);
}

int
runs_check_dir(const char *path, char **cause)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		cause_set(cause, "%s: %s", quote_short(path), strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 022) != 0) {
		cause_set(cause, "%s: refused: armpy keeps its state only in a directory owned by "
		    "uid %ld and not writable by group or others (it is %s, uid %ld, mode %04o)",
		    quote_short(path), (long)geteuid(), S_ISDIR(st.st_mode) ? "a directory" :
		    "not a directory", (long)st.st_uid, (unsigned int)(st.st_mode & 07777));
		return -1;
	}
	return 0;
}

char *
runs_base_safe(char **cause)
{
	char *base = runs_base(cause), *state;

	if (base == NULL)
		return NULL;
	state = xstrdup(base);
	*strrchr(state, '/') = '\0';
	if (mkdir_p(base, 0700, cause) != 0 || runs_check_dir(state, cause) != 0 ||
	    runs_check_dir(base, cause) != 0) {
		free(state);
		free(base);
		return NULL;
	}
	free(state);
	return base;
}

char *
runs_create(char **idp, char **cause)
{
	char *base = runs_base_safe(cause), *dir, *id, stamp[32];
	time_t t = time(NULL);
	struct tm tm;

	if (base == NULL)
		return NULL;
	localtime_r(&t, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	for (int n = 0;; n++) {
		id = n == 0 ? xasprintf("%s-%ld", stamp, (long)getpid()) :
		    xasprintf("%s-%ld-%d", stamp, (long)getpid(), n);
		dir = xasprintf("%s/%s", base, id);
		if (mkdir(dir, 0700) == 0)
			break;
		if (errno != EEXIST || n > 100) {
			cause_set(cause, "%s: %s", quote_short(dir), strerror(errno));
			free(dir);
			free(id);
			free(base);
			return NULL;
		}
		free(dir);
		free(id);
	}
	free(base);
	*idp = id;
	return dir;
}

/* How many ASCII digits s starts with. */
static size_t
runs_digits(const char *s)
{
	size_t n = 0;

	while (s[n] >= '0' && s[n] <= '9')
		n++;
	return n;
}

int
runs_id_check(const char *id, char **cause)
{
	const char *p = id;
	size_t n;

	if (*id == '\0' || strchr(id, '/') != NULL || strcmp(id, ".") == 0 ||
	    strcmp(id, "..") == 0) {
		cause_set(cause, "'%s' is not a run id: a run id is one name, never empty, a "
		    "path, . or .. (armpy runs lists the ids)", quote_short(id));
		return -1;
	}
	if (runs_digits(p) == 8 && p[8] == '-' && runs_digits(p + 9) == 6 && p[15] == '-' &&
	    (n = runs_digits(p + 16)) > 0) {
		p += 16 + n;
		if (*p == '-' && (n = runs_digits(p + 1)) > 0)
			p += 1 + n;
		if (*p == '\0')
			return 0;
	}
	cause_set(cause, "'%s' is not a run id: armpy names its runs YYYYMMDD-HHMMSS-PID (armpy "
	    "runs lists the ids)", quote_short(id));
	return -1;
}

char *
runs_find(const char *id)
{
	char *base, *dir;
	struct stat st;

	if (runs_id_check(id, NULL) != 0 || (base = runs_base(NULL)) == NULL)
		return NULL;
	dir = xasprintf("%s/%s", base, id);
	free(base);
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		free(dir);
		return NULL;
	}
	return dir;
}

/* The holder's note in a lock file, printable bytes only. New string. */
static char *
runs_lock_holder(int fd)
{
	char note[128];
	ssize_t n = pread(fd, note, sizeof note - 1, 0);

	if (n <= 0)
		return xstrdup("an armpy that is starting");
	note[n] = '\0';
	for (ssize_t i = 0; i < n; i++)
		if (note[i] < 0x20 || note[i] > 0x7e)
			note[i] = note[i] == '\n' && i == n - 1 ? '\0' : '?';
	return xstrdup(note);
}

int
runs_lock(const char *path, const char *what, char **cause)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	char *holder;

	if (fd < 0) {
		cause_set(cause, "%s: %s", quote_short(path), strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return fd;
	if (errno != EWOULDBLOCK)
		cause_set(cause, "%s: flock: %s", quote_short(path), strerror(errno));
	else {
		holder = runs_lock_holder(fd);
		cause_set(cause, "%s is in use by %s; one run at a time (lock %s)",
		    quote_short(what), holder, quote_short(path));
		free(holder);
	}
	close(fd);
	return -1;
}

int
runs_lock_note(int fd, const char *run_id)
{
	char *note = xasprintf("armpy pid %ld, run %s\n", (long)getpid(), run_id);
	size_t len = strlen(note);
	int rc = ftruncate(fd, 0) == 0 && pwrite(fd, note, len, 0) == (ssize_t)len ? 0 : -1;

	free(note);
	return rc;
}

/* The pid holding an flock on the inode st names, as /proc/locks shows it ("1: FLOCK
 * ADVISORY WRITE PID MAJ:MIN:INO 0 EOF"); 0 when none is shown. */
static long
runs_flock_pid(const struct stat *st)
{
	FILE *f = fopen("/proc/locks", "re");
	char line[256];
	long pid = 0, p;
	unsigned int maj, min;
	unsigned long long ino;

	while (f != NULL && pid == 0 && fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "%*d: FLOCK %*s %*s %ld %x:%x:%llu", &p, &maj, &min, &ino) == 4 &&
		    maj == major(st->st_dev) && min == minor(st->st_dev) && ino == st->st_ino)
			pid = p;
	if (f != NULL)
		fclose(f);
	return pid;
}

/* The run a pid works for: the directory of the run lock it holds open (RUN_DIR/lock), when
 * this user may look at its fds. New string, or NULL. */
static char *
runs_pid_run(long pid)
{
	char *dir = xasprintf("/proc/%ld/fd", pid), *run = NULL, target[4096];
	DIR *d = opendir(dir);
	struct dirent *de;

	while (d != NULL && run == NULL && (de = readdir(d)) != NULL) {
		char *link = xasprintf("%s/%s", dir, de->d_name), *slash;
		ssize_t n = readlink(link, target, sizeof target - 1);
		free(link);
		if (n < 0)
			continue;
		target[n] = '\0';
		if ((slash = strrchr(target, '/')) == NULL || strcmp(slash, "/lock") != 0)
			continue;
		*slash = '\0';
		if ((slash = strrchr(target, '/')) != NULL && slash[1] != '\0')
			run = xstrdup(slash + 1);
	}
	if (d != NULL)
		closedir(d);
	free(dir);
	return run;
}

/* Who holds the root lock on st: "armpy pid N, run ID", or what can be told of it (new). */
static char *
runs_root_holder(const struct stat *st)
{
	long pid = runs_flock_pid(st);
	char *run, *path, *comm, *who;
	size_t len;

	if (pid <= 0)
		return xstrdup("another process (it is not shown in /proc/locks)");
	if ((run = runs_pid_run(pid)) != NULL) {
		who = xasprintf("armpy pid %ld, run %s", pid, run);
		free(run);
		return who;
	}
	path = xasprintf("/proc/%ld/comm", pid);
	comm = file_read(path, 64, &len, NULL);
	free(path);
	if (comm != NULL)
		comm[strcspn(comm, "\n")] = '\0';
	who = comm != NULL && strcmp(comm, "armpy") == 0 ? xasprintf("armpy pid %ld", pid) :
	    xasprintf("pid %ld (%s)", pid, comm != NULL ? comm : "?");
	free(comm);
	return who;
}

int
runs_lock_root(const char *root, char **cause)
{
	const char *dir = root != NULL ? root : "/";
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct stat st;
	char *holder, *shown;

	if (fd < 0) {
		cause_set(cause, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return fd;
	if (errno != EWOULDBLOCK || fstat(fd, &st) != 0)
		cause_set(cause, "%s: flock: %s", dir, strerror(errno));
	else {
		holder = runs_root_holder(&st);
		shown = vis_str(holder);
		cause_set(cause, "the target root %s is in use by %s; one run at a time (a lock on "
		    "the directory itself)", dir, shown);
		free(shown);
		free(holder);
	}
	close(fd);
	return -1;
}

int
runs_sha256(const void *data, size_t len, char out[65], char **cause)
{
	EVP_MD_CTX *md;
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dn = 0;
	int rc = -1;

	if (lazy_crypto_load(cause) != 0)
		return -1;
	md = EVP_MD_CTX_new();
	if (md != NULL && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1 &&
	    EVP_DigestUpdate(md, data, len) == 1 && EVP_DigestFinal_ex(md, d, &dn) == 1 &&
	    dn == 32) {
		for (unsigned int i = 0; i < dn; i++)
			snprintf(out + 2 * i, 3, "%02x", d[i]);
		rc = 0;
	} else
		cause_set(cause, "sha256: libcrypto failed");
	EVP_MD_CTX_free(md);
	return rc;
}

void
run_info_clear(struct run_info *ri)
{
	free(ri->id);
	free(ri->dir);
	free(ri->profile);
	free(ri->root);
	free(ri->log);
	memset(ri, 0, sizeof *ri);
}

/* 1 when an armpy holds the run directory's lock. */
static int
runs_locked(const char *dir)
{
	char *path = xasprintf("%s/lock", dir);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), busy = 0;

	if (fd >= 0) {
		busy = flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
		close(fd);
	}
	free(path);
	return busy;
}

int
run_info_load(struct run_info *ri, const char *dir, const char *id)
{
	char *path = xasprintf("%s/journal", dir);
	struct jstate *js = journal_load(path, NULL);
	int missing = js == NULL && access(path, F_OK) != 0;

	free(path);
	memset(ri, 0, sizeof *ri);
	ri->id = xstrdup(id);
	ri->dir = xstrdup(dir);
	ri->log = xasprintf("%s/log", dir);
	if (js == NULL || js->nbegin == 0) {
		ri->state = missing ? "no-journal" : js == NULL ? "corrupt" : "not-started";
		jstate_free(js);
		return -1;
	}
	ri->start = js->begin_time;
	ri->profile = xstrdup(js->profile);
	ri->root = xstrdup(js->root);
	if (js->finish != NULL) {
		if (strcmp(js->finish, "ok") == 0)
			ri->state = "ok";
		else if (strcmp(js->finish, "interrupted") == 0)
			ri->state = "interrupted";
		else
			ri->state = "failed";
	} else if (js->interrupted)
		ri->state = "interrupted";
	else if (runs_locked(dir))
		ri->state = "running";
	else
		ri->state = "incomplete";
	jstate_free(js);
	return 0;
}

static int
runs_cmp(const void *a, const void *b)
{
	const struct run_info *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return strcmp(x->id, y->id);
}

struct run_info *
runs_list(size_t *np)
{
	char *base = runs_base(NULL);
	DIR *d = base != NULL ? opendir(base) : NULL;
	struct dirent *de;
	struct run_info *v = NULL;
	size_t n = 0;

	*np = 0;
	if (d == NULL) {
		free(base);
		return NULL;
	}
	while ((de = readdir(d)) != NULL) {
		char *dir;
		struct stat st;
		if (runs_id_check(de->d_name, NULL) != 0)
			continue;       /* not a run armpy made (nor . or ..) */
		dir = xasprintf("%s/%s", base, de->d_name);
		if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode)) {
			v = xreallocarray(v, n + 1, sizeof *v);
			run_info_load(&v[n++], dir, de->d_name);
		}
		free(dir);
	}
	closedir(d);
	free(base);
	if (n > 0)
		qsort(v, n, sizeof *v, runs_cmp);
	*np = n;
	return v;
}

void
runs_list_free(struct run_info *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		run_info_clear(&v[i]);
	free(v);
}
