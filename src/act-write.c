/* act-write.c — write steps: content written atomically with its mode (via sudo when not root). */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "exec-int.h"
#include "plan.h"
#include "rootdir.h"

#include <libgen.h>
#include <stdlib.h>
#include <string.h>

char **
write_sudo_argv(const char *path, int mode, int i)
{
	char **v = strv_new(), *copy = xstrdup(path), *tmp = xasprintf("%s.armpy-new", path);

	switch (i) {
	case 0:
		v = strv_push(strv_push(strv_push(v, "mkdir"), "-p"), dirname(copy));
		break;
	case 1:
		v = strv_pushf(strv_push(strv_push(v, "install"), "-m"), "%04o", mode);
		v = strv_push(strv_push(v, "/dev/stdin"), tmp);
		break;
	case 2:
		v = strv_push(strv_push(v, "sync"), tmp);
		break;
	case 3:
		v = strv_push(strv_push(strv_push(strv_push(v, "mv"), "-f"), "-T"), tmp);
		v = strv_push(v, path);
		break;
	default:
		strv_free(v);
		v = NULL;
	}
	free(copy);
	free(tmp);
	return v;
}

/* As root would, in four commands through sudo -n: the content reaches install on its stdin. */
static int
write_sudo(struct exec *e, const char *path, int mode, const char *content, char **cause)
{
	char **argv;
	int status, rc = 0;

	exec_logf(e, "write %s (mode %04o, %zu bytes) through sudo", path, mode, strlen(content));
	for (int i = 0; rc == 0 && (argv = write_sudo_argv(path, mode, i)) != NULL; i++) {
		struct spawn sp = { .argv = argv, .privileged = 1, .timeout = 120,
		    .input = i == 1 ? content : NULL };
		rc = act_spawn(e, &sp, &status, cause);
		if (rc == 0 && status != 0) {
			cause_set(cause, "%s %s (through sudo) exited with status %d", argv[0],
			    quote_short(path), status);
			rc = -1;
		}
		strv_free(argv);
	}
	return rc;
}

int
act_write(struct exec *e, const struct step *s, char **cause)
{
	char *path, *shown;
	const char *content = s->u.write.content != NULL ? s->u.write.content : "";
	int rc, mode = s->u.write.mode != 0 ? s->u.write.mode : 0644;

	if (s->u.write.path == NULL) {
		cause_set(cause, "a write step needs a path");
		return -1;
	}
	if (s->privileged && e->euid != 0) {
		/* never with --root, which needs root: the host's paths, as sudo sees them */
		path = exec_path(e, s->u.write.path);
		rc = write_sudo(e, path, mode, content, cause);
		free(path);
		return rc;
	}
	path = exec_expand(e, s->u.write.path);
	shown = rootdir_display(e->rd, path);
	exec_logf(e, "write %s (mode %04o, %zu bytes)", shown, mode, strlen(content));
	rc = rootdir_write_atomic(e->rd, path, content, strlen(content), mode, cause);
	free(shown);
	free(path);
	return rc;
}
