/* runs.c — run directories under the state dir, their ids, and their state for `armpy runs`. */
#include "armpy.h"
#include "journal.h"
#include "runs.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

char *
runs_base(void)
{
	const char *s = getenv("ARMPY_STATE_DIR"), *home;

	if (s != NULL && *s != '\0')
		return xasprintf("%s/runs", s);
	if (geteuid() == 0)
		return xstrdup("/var/lib/armpy/runs");
	s = getenv("XDG_STATE_HOME");
	if (s != NULL && *s == '/')
		return xasprintf("%s/armpy/runs", s);
	home = getenv("HOME");
	if (home == NULL || *home == '\0')
		home = "/tmp";
	return xasprintf("%s/.local/state/armpy/runs", home);
}

char *
runs_create(char **idp, char **cause)
{
	char *base = runs_base(), *dir, *id, stamp[32];
	time_t t = time(NULL);
	struct tm tm;

	if (mkdir_p(base, 0755, cause) != 0) {
		free(base);
		return NULL;
	}
	localtime_r(&t, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	for (int n = 0;; n++) {
		id = n == 0 ? xasprintf("%s-%ld", stamp, (long)getpid()) :
		    xasprintf("%s-%ld-%d", stamp, (long)getpid(), n);
		dir = xasprintf("%s/%s", base, id);
		if (mkdir(dir, 0755) == 0)
			break;
		if (errno != EEXIST || n > 100) {
			cause_set(cause, "%s: %s", dir, strerror(errno));
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

char *
runs_find(const char *id)
{
	char *base, *dir;
	struct stat st;

	if (strchr(id, '/') != NULL)
		dir = xstrdup(id);
	else {
		base = runs_base();
		dir = xasprintf("%s/%s", base, id);
		free(base);
	}
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		free(dir);
		return NULL;
	}
	return dir;
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

int
run_info_load(struct run_info *ri, const char *dir, const char *id)
{
	char *path = xasprintf("%s/journal", dir);
	struct jstate *js = journal_load(path, NULL);

	free(path);
	memset(ri, 0, sizeof *ri);
	ri->id = xstrdup(id);
	ri->dir = xstrdup(dir);
	ri->log = xasprintf("%s/log", dir);
	if (js == NULL) {
		ri->state = "incomplete";
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
	else if (js->pid > 0 && (kill(js->pid, 0) == 0 || errno == EPERM))
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
	char *base = runs_base();
	DIR *d = opendir(base);
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
		if (de->d_name[0] == '.')
			continue;
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
