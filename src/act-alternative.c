/* act-alternative.c — alternative steps: update-alternatives --set, previous value journaled. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "exec-int.h"
#include "journal.h"
#include "plan.h"
#include "rootdir.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The current value of an alternative: the target of ROOT/etc/alternatives/NAME, the link
 * itself read inside the root (never the host's, whatever ROOT/etc points to). */
char *
alternative_current(const struct exec *e, const char *name)
{
	char *path, *base, buf[PATH_MAX];
	ssize_t n = -1;
	int dfd;

	if (name == NULL || strchr(name, '/') != NULL || strcmp(name, "..") == 0 ||
	    strcmp(name, ".") == 0)
		return NULL;
	path = xasprintf("/etc/alternatives/%s", name);
	if ((dfd = rootdir_parent(e->rd, path, 0, &base, NULL)) >= 0) {
		n = readlinkat(dfd, base, buf, sizeof buf - 1);
		close(dfd);
		free(base);
	}
	free(path);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return xstrdup(buf);
}

void
act_alternative_argv(const struct step *s, char *argv[5])
{
	argv[0] = "update-alternatives";
	argv[1] = "--set";
	argv[2] = s->u.alternative.name;
	argv[3] = s->u.alternative.path;
	argv[4] = NULL;
}

int
act_alternative(struct exec *e, const struct step *s, char **cause)
{
	char *prev, *id, *v, *argv[5];
	struct spawn sp = { .argv = argv, .privileged = 1, .timeout = 120 };
	int status;

	act_alternative_argv(s, argv);
	if (s->u.alternative.name == NULL || s->u.alternative.path == NULL) {
		cause_set(cause, "an alternative step needs name and path");
		return -1;
	}
	prev = alternative_current(e, s->u.alternative.name);
	id = journal_escape(s->id);
	v = journal_escape(prev);
	journal_append(e->journal, 1, "prev %s %s", id, v);
	exec_logf(e, "alternative %s: was %s, setting %s", s->u.alternative.name,
	    prev != NULL ? prev : "(none)", s->u.alternative.path);
	free(id);
	free(v);
	free(prev);
	if (act_spawn(e, &sp, &status, cause) != 0)
		return -1;
	if (status != 0) {
		cause_set(cause, "update-alternatives --set %s %s exited with status %d",
		    s->u.alternative.name, s->u.alternative.path, status);
		return -1;
	}
	return 0;
}
