/* runs.h — run directories: where they live, new ids, and the list `armpy runs` shows. */
#ifndef RUNS_H
#define RUNS_H

#include <sys/types.h>

/* $ARMPY_STATE_DIR/runs, else /var/lib/armpy/runs as root, else
 * ${XDG_STATE_HOME:-~/.local/state}/armpy/runs. New string. */
char *runs_base(void);
/* Creates BASE/<id> (id = YYYYMMDD-HHMMSS-PID) and returns its path; *id set (new). */
char *runs_create(char **id, char **cause);
/* Path of the run directory for an id (or an explicit directory path). NULL when absent. */
char *runs_find(const char *id_or_dir);

struct run_info {
	char *id;
	char *dir;
	long start;           /* epoch, 0 unknown */
	char *profile;        /* NULL none */
	char *root;           /* NULL = / */
	const char *state;    /* ok | failed | interrupted | running | incomplete */
	char *log;
};
/* All runs, oldest first. */
struct run_info *runs_list(size_t *n);
void runs_list_free(struct run_info *, size_t n);
int run_info_load(struct run_info *, const char *dir, const char *id);
void run_info_clear(struct run_info *);

#endif
