/* act-write.c — write steps: content written atomically with exactly its listed mode (via sudo when not root). */
/* SPDX-License-Identifier: MIT */
#include "action.h"
#include "armpy.h"
#include "exec-int.h"
#include "plan.h"
#include "rootdir.h"
#include "runs.h"
#include "undo.h"
#include "ydoc.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
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
		rc = spawn_step(e, &sp, &status, cause);
		if (rc == 0 && status != 0) {
			cause_set(cause, "%s %s (through sudo) exited with status %d", argv[0],
			    quote_short(path), status);
			rc = -1;
		}
		strv_free(argv);
	}
	return rc;
}

static void write_describe(const struct step *, struct step_desc *);

/* The path and mode are the described ones: a mode is written exactly as listed (0000 too). */
static int
act_write(struct exec *e, const struct step *s, char **cause)
{
	struct step_desc d = { NULL, 0 };
	const struct desc_entry *x;
	const char *content = s->u.write.content != NULL ? s->u.write.content : "";
	char *path, *shown;
	int rc;

	write_describe(s, &d);
	if ((x = step_desc_find(&d, DESC_WRITE, 0)) == NULL || x->path == NULL) {
		step_desc_free(&d);
		cause_set(cause, "a write step needs a path");
		return -1;
	}
	if (s->privileged && exec_euid(e) != 0) {
		/* never with --root, which needs root: the host's paths, as sudo sees them */
		path = exec_path(e, x->path);
		rc = write_sudo(e, path, x->mode, content, cause);
		free(path);
		step_desc_free(&d);
		return rc;
	}
	path = exec_expand(e, x->path);
	shown = rootdir_display(exec_rootdir(e), path);
	exec_logf(e, "write %s (mode %04o, %zu bytes)", shown, x->mode, strlen(content));
	rc = rootdir_write_atomic(exec_rootdir(e), path, content, strlen(content), x->mode, cause);
	free(shown);
	free(path);
	step_desc_free(&d);
	return rc;
}

/* A write step is done when the file (not a symlink) already holds exactly its content,
 * with its mode. */
static int
write_done(struct exec *e, const struct step *s, char **detail, char **cause)
{
	const char *content = s->u.write.content != NULL ? s->u.write.content : "";
	int mode = s->u.write.mode, fd;
	char *p = exec_expand(e, s->u.write.path), *have;
	size_t want = strlen(content), got;
	struct stat st;
	struct buf b;
	int r = 0;

	(void)cause;
	fd = rootdir_openat(exec_rootdir(e), p, O_RDONLY | O_NONBLOCK | O_NOFOLLOW, 0, NULL);
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (int)(st.st_mode & 07777) == mode && (size_t)st.st_size == want) {
		buf_init(&b);
		buf_read_fd(&b, fd, want + 1);
		got = b.len;
		have = buf_steal(&b);
		r = got == want && memcmp(have, content, want) == 0;
		free(have);
	}
	if (fd >= 0)
		close(fd);
	if (r)
		*detail = xstrdup("already satisfied (same content and mode)");
	free(p);
	return r;
}


/* mode: "0000" to "0777", required; written exactly. */
static int
write_parse(struct pparse *pp, const struct ynode *a, const char *where, struct step *s)
{
	static const char *const keys[] = { "path", "mode", "content", NULL };
	char *mode = NULL, *end;
	long l;

	if (pp_keys(pp, a, keys, where) ||
	    pp_path(pp, a, "path", where, &s->u.write.path) ||
	    pp_file(pp, a, "path", where, s->u.write.path, 0) ||
	    pp_str(pp, a, "content", where, 1, 0, &s->u.write.content) ||
	    pp_str(pp, a, "mode", where, 1, 0, &mode))
		return -1;   /* mode is the last: nothing of this function's is left to free */
	errno = 0;
	l = strtol(mode, &end, 8);
	if (*mode < '0' || *mode > '7' || *end != '\0' || errno != 0 || l < 0 || l > 0777) {
		free(mode);
		pp_at(pp, "%s.mode", where);
		return pp_error(pp, ynode_get(a, "mode"), "must be an octal mode from \"0000\" to "
		    "\"0777\", such as \"0644\"");
	}
	free(mode);
	s->u.write.mode = (int)l;
	return 0;
}

static void
write_emit(struct yemit *y, const struct step *s)
{
	char mode[16];

	yemit_kv_str(y, "path", s->u.write.path);
	snprintf(mode, sizeof mode, "%04o", (unsigned)s->u.write.mode);
	yemit_kv_str(y, "mode", mode);
	yemit_str(y, "content");
	yemit_literal(y, s->u.write.content);
}

static void
write_describe(const struct step *s, struct step_desc *d)
{
	struct desc_entry *x = step_desc_add(d, DESC_WRITE, 0);

	x->path = xstrdup(s->u.write.path);
	x->mode = s->u.write.mode;
	x->size = s->u.write.content != NULL ? (long long)strlen(s->u.write.content) : 0;
	x->privileged = s->privileged;
}

static void
write_clear(struct step *s)
{
	free(s->u.write.path);
	free(s->u.write.content);
}

static int
write_equal(const struct step *a, const struct step *b)
{
	return str_same(a->u.write.path, b->u.write.path) && a->u.write.mode == b->u.write.mode &&
	    str_same(a->u.write.content, b->u.write.content);
}

/* The file it replaces (its content and mode) or that there was none; set: what it writes. */
static int
write_record(struct exec *e, const struct step *s, int after, char **cause)
{
	const char *content = s->u.write.content != NULL ? s->u.write.content : "";
	struct undo_rec r = { 0 };
	char *path, sha[65];
	int rc;

	if (after)
		return 0;
	path = exec_expand(e, s->u.write.path);
	rc = runs_sha256(content, strlen(content), sha, cause);
	if (rc == 0 && (rc = undo_file_prev(exec_rootdir(e), path, &r, cause)) == 0) {
		r.set = xstrdup(sha);
		rc = undo_save(e, s, &r, cause);
	}
	undo_rec_clear(&r);
	free(path);
	return rc;
}

/* The content and mode back, or the file removed; refused when it was rewritten since. */
static int
write_reverse(const struct undo_rec *r, const struct undo_now *now, struct plan *p,
    char **cause)
{
	char *cur = now->file_sha(now->arg, r->path), sha[65] = "";
	struct step *s;
	int rc = 0;

	if (r->content != NULL)
		runs_sha256(r->content, strlen(r->content), sha, NULL);
	if (r->mode == UNDO_UNREADABLE)
		undo_note(p, "%s: what was there before the run could not be read as the user armpy "
		    "ran as, so it is left as the run wrote it", r->path);
	else if (r->mode < 0)
		undo_note(p, "%s was not a regular file before the run: it is left", r->path);
	else if (r->absent ? cur == NULL : str_same(cur, sha))
		undo_note(p, "%s is as it was before the run", r->path);
	else if (!str_same(cur, r->set)) {
		cause_set(cause, "%s %s since the run wrote it", r->path,
		    cur != NULL ? "was rewritten" : "was removed");
		rc = 1;
	} else if (r->absent)
		undo_add_run(p, r, NULL, "Remove the file the run wrote (absent before it)",
		    r->privileged, "rm", "-f", "--", r->path, NULL);
	else {
		s = undo_add(p, r, NULL, "Put back the file's content and mode from before the run",
		    ACTION_WRITE);
		s->u.write.path = xstrdup(r->path);
		s->u.write.mode = r->mode;
		s->u.write.content = xstrdup(r->content);
	}
	free(cur);
	return rc;
}

const struct action_ops act_write_ops = {
	.kind = ACTION_WRITE,
	.name = "write",
	.uses_sudo = 1,
	.parse = write_parse,
	.emit = write_emit,
	.describe = write_describe,
	.execute = act_write,
	.done = write_done,
	.clear = write_clear,
	.equal = write_equal,
	.record = write_record,
	.reverse = write_reverse,
};
