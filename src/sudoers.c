/* sudoers.c — what a plan runs through sudo, listed for a person, and a sudoers rule allowing only that. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "exec.h"
#include "plan.h"
#include "sudo.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *
sudoers_escape(const char *arg)
{
	struct buf b;

	if (arg == NULL || *arg == '\0')
		return NULL;
	buf_init(&b);
	for (const char *c = arg; *c != '\0'; c++) {
		if ((unsigned char)*c < 0x20 && *c != '\t') {
			buf_free(&b);
			return NULL;
		}
		if (*c == '\\')
			buf_puts(&b, "\\\\\\\\");      /* the lexer and fnmatch each take one */
		else if (strchr(",:=# \t*?[]", *c) != NULL) {
			buf_add(&b, "\\", 1);
			buf_add(&b, c, 1);
		} else
			buf_add(&b, c, 1);
	}
	return buf_steal(&b);
}

static int
shell_safe(const char *w)
{
	return *w != '\0' && strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-_./=:,+@%~") == strlen(w);
}

char *
sudo_shell_word(const char *w)
{
	struct buf b;
	int ctl = 0;

	if (shell_safe(w))
		return xstrdup(w);
	for (const char *c = w; *c != '\0'; c++)
		ctl |= (unsigned char)*c < 0x20 || *c == 0x7f;
	buf_init(&b);
	buf_puts(&b, ctl ? "$'" : "'");
	for (const char *c = w; *c != '\0'; c++) {
		if (*c == '\'')
			buf_puts(&b, ctl ? "\\'" : "'\\''");
		else if (ctl && *c == '\\')
			buf_puts(&b, "\\\\");
		else if (ctl && *c == '\n')
			buf_puts(&b, "\\n");
		else if (ctl && *c == '\t')
			buf_puts(&b, "\\t");
		else if ((unsigned char)*c < 0x20 || *c == 0x7f)
			buf_printf(&b, "\\x%02x", (unsigned char)*c);
		else
			buf_add(&b, c, 1);
	}
	buf_add(&b, "'", 1);
	return buf_steal(&b);
}

/* One command as a sudoers Cmnd: the absolute path after "sudo -n", then the escaped args. */
static char *
sudoers_cmnd(char **argv, char **cause)
{
	struct buf b;
	char *w;

	if (strv_len(argv) < 3 || strcmp(argv[0], "sudo") != 0 || strcmp(argv[1], "-n") != 0 ||
	    argv[2][0] != '/') {
		cause_set(cause, "not a `sudo -n /absolute/command` line");
		return NULL;
	}
	buf_init(&b);
	for (size_t i = 2; argv[i] != NULL; i++) {
		if ((w = sudoers_escape(argv[i])) == NULL) {
			cause_set(cause, "the argument %zu of `%s` (empty, or a line break) cannot be "
			    "matched by a sudoers rule", i - 2, argv[2]);
			buf_free(&b);
			return NULL;
		}
		if (i > 2)
			buf_add(&b, " ", 1);
		buf_puts(&b, w);
		free(w);
	}
	return buf_steal(&b);
}

static char *
sudoers_user(const char *user)
{
	if (user != NULL && *user != '\0' && strchr("0123456789-.", *user) == NULL &&
	    strspn(user, "abcdefghijklmnopqrstuvwxyz0123456789_.-") == strlen(user))
		return xstrdup(user);
	return xasprintf("#%ld", (long)getuid());
}

char *
sudoers_rule(const char *user, char ***cmds, char **cause)
{
	char **seen = strv_new(), *line, *u;
	struct buf b;

	buf_init(&b);
	buf_puts(&b, "Cmnd_Alias ARMPY_PLAN = ");
	for (size_t i = 0; cmds != NULL && cmds[i] != NULL; i++) {
		if ((line = sudoers_cmnd(cmds[i], cause)) == NULL) {
			strv_free(seen);
			buf_free(&b);
			return NULL;
		}
		if (!strv_contains(seen, line)) {
			buf_puts(&b, seen[0] != NULL ? ", \\\n    " : "");
			buf_puts(&b, line);
			seen = strv_push(seen, line);
		}
		free(line);
	}
	if (seen[0] == NULL) {
		strv_free(seen);
		buf_free(&b);
		return xstrdup("");
	}
	u = sudoers_user(user);
	buf_printf(&b, "\n%s ALL=(root) NOPASSWD: ARMPY_PLAN\n", u);
	free(u);
	strv_free(seen);
	return buf_steal(&b);
}

/* Appends every line of text to b as a comment ("# " in front). */
static void
comment_lines(struct buf *b, const char *text)
{
	const char *p = text;

	while (*p != '\0') {
		size_t n = strcspn(p, "\n");
		buf_puts(b, "# ");
		buf_add(b, p, n);
		buf_add(b, "\n", 1);
		p += n + (p[n] == '\n');
	}
}

/* "#   STEP: sudo -n ..." for each of the step's commands (into all), or why it has none. */
static void
listing_step(struct buf *b, struct exec *e, const struct step *s, char ****all, size_t *n)
{
	char ***cmds;

	if (!s->privileged)
		return;
	if (!step_uses_sudo(s)) {
		buf_printf(b, "#   %s: marked privileged, but armpy runs %s steps as you, not "
		    "through sudo\n", s->id, action_kind_name(s->kind));
		return;
	}
	cmds = exec_sudo_commands(e, s);
	for (size_t i = 0; cmds[i] != NULL; i++) {
		buf_printf(b, "#   %s:", s->id);
		for (size_t k = 0; cmds[i][k] != NULL; k++) {
			char *w = sudo_shell_word(cmds[i][k]);
			buf_printf(b, " %s", w);
			free(w);
		}
		buf_add(b, "\n", 1);
		*all = xreallocarray(*all, *n + 2, sizeof **all);
		(*all)[(*n)++] = cmds[i];
		(*all)[*n] = NULL;
	}
	free(cmds);
}

static void
listing_rule(struct buf *b, const char *user, char ***all)
{
	char *cause = NULL, *rule = sudoers_rule(user, all, &cause);

	buf_puts(b, "# A sudoers rule that allows exactly these and nothing else, for `visudo -f "
	    "/etc/sudoers.d/armpy`\n# (the lines between the markers, without their \"# \"):\n");
	if (rule == NULL) {
		buf_printf(b, "# (none can be written: %s)\n", cause);
		free(cause);
		return;
	}
	buf_puts(b, "# --- sudoers ---\n");
	comment_lines(b, rule);
	buf_puts(b, "# --- end ---\n");
	buf_puts(b, "# armpy checks sudo with `sudo -n -v`: with such a rule it asks for no "
	    "password as long as\n# every sudoers entry of this user is NOPASSWD; otherwise it "
	    "asks once, on a terminal.\n");
	free(rule);
}

char *
sudo_listing(const struct plan *p, const struct exec_opts *o)
{
	struct passwd *pw = getpwuid(getuid());
	const char *user = pw != NULL ? pw->pw_name : NULL;
	char ***all = NULL, *u;
	struct buf b, steps;
	struct exec *e;
	size_t n = 0;

	if (!sudo_needed(p) || (o != NULL && o->root != NULL && *o->root != '\0' &&
	    strcmp(o->root, "/") != 0))
		return xstrdup("");
	e = exec_new(p, o, NULL);
	buf_init(&steps);
	for (size_t i = 0; i < p->nsteps; i++)
		listing_step(&steps, e, &p->steps[i], &all, &n);
	exec_free(e);
	buf_init(&b);
	u = sudoers_user(user);
	buf_printf(&b, "# sudo: armpy is not root here (user %s), so it runs these %zu commands "
	    "through `sudo -n`,\n# each exactly as written (a step found already done runs none; "
	    "proxy variables set in\n# the environment are part of them). By step:\n",
	    u, n);
	free(u);
	buf_puts(&b, steps.data);
	listing_rule(&b, user, all);
	for (size_t i = 0; i < n; i++)
		strv_free(all[i]);
	free(all);
	buf_free(&steps);
	return buf_steal(&b);
}
