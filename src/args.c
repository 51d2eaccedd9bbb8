/* args.c — one option parser for every command: the tables of cmd-*.c, parsed in one place. */
/* SPDX-License-Identifier: MIT */
#include "args.h"
#include "armpy.h"
#include "facts.h"

#include <stdlib.h>
#include <string.h>

const struct args_opt args_detect_opts[] = {
	{ "--root", 0, "DIR", 0, "the system rooted at DIR (a chroot): its files are read, and "
	    "a run runs its steps there" },
	{ "--os-release", 0, "FILE", 0, "use FILE instead of /etc/os-release" },
	{ "--cpuinfo", 0, "FILE", 0, "use FILE instead of /proc/cpuinfo (it is the truth for the "
	    "CPU)" },
	{ "--arch", 0, "ARCH", 0, "use ARCH instead of uname (aarch64, x86_64; arm64/amd64 "
	    "accepted)" },
	{ NULL, 0, NULL, 0, NULL },
};

static const struct args_opt args_help_opt = { "--help", 'h', NULL, 0, "show this help" };

struct args {
	const struct args_spec *spec;
	size_t nopts;
	char ***values;          /* per option of args_opt_at: its values ("" for a flag) */
	char **operands;
};

static size_t
args_table_len(const struct args_opt *t)
{
	size_t n = 0;

	while (t != NULL && t[n].name != NULL)
		n++;
	return n;
}

const struct args_opt *
args_opt_at(const struct args_spec *s, size_t i)
{
	size_t own = args_table_len(s->opts);
	size_t det = s->detect ? args_table_len(args_detect_opts) : 0;

	if (i < own)
		return &s->opts[i];
	if (i < own + det)
		return &args_detect_opts[i - own];
	return i == own + det ? &args_help_opt : NULL;
}

/* "--name" or "--name=value" (*eq set to the value), or "-x": the option's index, or -1. */
static int
args_find(const struct args *a, const char *word, const char **eq)
{
	const struct args_opt *o;
	size_t n;

	*eq = NULL;
	for (size_t i = 0; (o = args_opt_at(a->spec, i)) != NULL; i++) {
		n = strlen(o->name);
		if (word[1] != '-') {
			if (o->short_name != 0 && word[1] == o->short_name && word[2] == '\0')
				return (int)i;
			continue;
		}
		if (strncmp(word, o->name, n) == 0 && (word[n] == '\0' || word[n] == '=')) {
			if (word[n] == '=')
				*eq = word + n + 1;
			return (int)i;
		}
	}
	return -1;
}

/* The value is one of the option's choices ("text|json"); else -1 with *cause. */
static int
args_choice(const struct args_opt *o, const char *v, char **cause)
{
	char **c = NULL, *copy = xstrdup(o->metavar), *save = NULL, *list;
	int ok = 0;

	for (char *t = strtok_r(copy, "|", &save); t != NULL; t = strtok_r(NULL, "|", &save)) {
		ok |= strcmp(t, v) == 0;
		c = strv_push(c, t);
	}
	if (!ok) {
		list = strv_join(c, ", ");
		cause_set(cause, "option '%s' takes one of %s, not '%s'", o->name, list,
		    quote_short(v));
		free(list);
	}
	strv_free(c);
	free(copy);
	return ok ? 0 : -1;
}

/* argv[*i] is an option: record it (and its value, moving *i past it); -1 with *cause. */
static int
args_option(struct args *a, int argc, char **argv, int *i, char **cause)
{
	const char *word = argv[*i], *v;
	const char *cmd = a->spec->command;
	int k = args_find(a, word, &v);
	const struct args_opt *o;

	if (k < 0) {
		char *name = xstrndup(word, strcspn(word, "="));

		cause_set(cause, "unknown option '%s'; see 'armpy%s%s --help'", quote_short(name),
		    cmd != NULL ? " " : "", cmd != NULL ? cmd : "");
		free(name);
		return -1;
	}
	o = args_opt_at(a->spec, (size_t)k);
	if (o->metavar == NULL) {
		if (v != NULL) {
			cause_set(cause, "option '%s' takes no value", o->name);
			return -1;
		}
		v = "";
	} else if (v == NULL && *i + 1 < argc)
		v = argv[++*i];
	if (o->metavar != NULL && (v == NULL || *v == '\0')) {
		cause_set(cause, "option '%s' needs a value (%s)", o->name, o->metavar);
		return -1;
	}
	if ((o->flags & ARGS_CHOICES) && args_choice(o, v, cause) != 0)
		return -1;
	if (!(o->flags & ARGS_MULTI)) {
		strv_free(a->values[k]);
		a->values[k] = NULL;
	}
	a->values[k] = strv_push(a->values[k], v);
	return 0;
}

/* After the words: the required options and the operand count. */
static int
args_complete(const struct args *a, char **cause)
{
	const struct args_spec *s = a->spec;
	const struct args_opt *o;
	size_t n = strv_len(a->operands);
	const char *cmd = s->command != NULL ? s->command : "";

	for (size_t i = 0; (o = args_opt_at(s, i)) != NULL; i++)
		if ((o->flags & ARGS_REQUIRED) && a->values[i] == NULL) {
			cause_set(cause, "%s %s is required; see 'armpy %s --help'", o->name,
			    o->metavar != NULL ? o->metavar : "", cmd);
			return -1;
		}
	if (n < (size_t)s->min_operands) {
		cause_set(cause, "%s is required; see 'armpy %s --help'", s->operands, cmd);
		return -1;
	}
	if (n > (size_t)s->max_operands) {
		cause_set(cause, "unexpected argument '%s'; see 'armpy%s%s --help'",
		    quote_short(a->operands[s->max_operands]), *cmd != '\0' ? " " : "", cmd);
		return -1;
	}
	return 0;
}

struct args *
args_parse(const struct args_spec *s, int argc, char **argv, char **cause)
{
	struct args *a = xcalloc(1, sizeof *a);
	int i, ended = 0;

	a->spec = s;
	while (args_opt_at(s, a->nopts) != NULL)
		a->nopts++;
	a->values = xcalloc(a->nopts, sizeof *a->values);
	a->operands = strv_new();
	for (i = 1; i < argc; i++) {
		if (!ended && strcmp(argv[i], "--") == 0)
			ended = 1;
		else if (!ended && argv[i][0] == '-' && argv[i][1] != '\0') {
			if (args_option(a, argc, argv, &i, cause) != 0)
				goto fail;
		} else
			a->operands = strv_push(a->operands, argv[i]);
	}
	if (!args_has(a, "--help") && args_complete(a, cause) != 0)
		goto fail;
	return a;
fail:
	args_free(a);
	return NULL;
}

void
args_free(struct args *a)
{
	if (a == NULL)
		return;
	for (size_t i = 0; i < a->nopts; i++)
		strv_free(a->values[i]);
	free(a->values);
	strv_free(a->operands);
	free(a);
}

static char **
args_lookup(const struct args *a, const char *name)
{
	const struct args_opt *o;

	for (size_t i = 0; (o = args_opt_at(a->spec, i)) != NULL; i++)
		if (strcmp(o->name, name) == 0)
			return a->values[i];
	return NULL;
}

int
args_has(const struct args *a, const char *name)
{
	return args_lookup(a, name) != NULL;
}

const char *
args_get(const struct args *a, const char *name)
{
	char **v = args_lookup(a, name);

	return v != NULL ? v[strv_len(v) - 1] : NULL;
}

char **
args_values(const struct args *a, const char *name)
{
	static char *none[] = { NULL };
	char **v = args_lookup(a, name);

	return v != NULL ? v : none;
}

size_t
args_count(const struct args *a)
{
	return strv_len(a->operands);
}

const char *
args_operand(const struct args *a, size_t i)
{
	return i < strv_len(a->operands) ? a->operands[i] : NULL;
}

void
args_detect(const struct args *a, struct detect_opts *d)
{
	if (!a->spec->detect)
		return;
	if (args_has(a, "--root"))
		d->root = args_get(a, "--root");
	if (args_has(a, "--os-release"))
		d->os_release = args_get(a, "--os-release");
	if (args_has(a, "--cpuinfo"))
		d->cpuinfo = args_get(a, "--cpuinfo");
	if (args_has(a, "--arch"))
		d->arch = args_get(a, "--arch");
}

/* One usage word: "--profile FILE", "[--yes]", "[--env NAME=VALUE]...". */
static char *
args_usage_word(const struct args_opt *o)
{
	int req = (o->flags & ARGS_REQUIRED) != 0;

	return xasprintf("%s%s%s%s%s%s", req ? "" : "[", o->name, o->metavar != NULL ? " " : "",
	    o->metavar != NULL ? o->metavar : "", req ? "" : "]",
	    (o->flags & ARGS_MULTI) ? "..." : "");
}

char *
args_usage(const struct args_spec *s, const char *lead, size_t width)
{
	struct buf b;
	const struct args_opt *o;
	size_t col, indent;
	char **words = strv_new();

	for (size_t i = 0; (o = args_opt_at(s, i)) != NULL; i++) {
		char *w = args_usage_word(o);
		if (o != &args_help_opt)
			words = strv_push(words, w);
		free(w);
	}
	if (s->operands != NULL)
		words = strv_push(words, s->operands);
	buf_init(&b);
	buf_printf(&b, "%sarmpy%s%s", lead, s->command != NULL ? " " : "",
	    s->command != NULL ? s->command : "");
	col = indent = b.len;
	for (size_t i = 0; words[i] != NULL; i++) {
		if (col + 1 + strlen(words[i]) >= width && col > indent) {
			buf_printf(&b, "\n%*s", (int)indent, "");
			col = indent;
		}
		buf_printf(&b, " %s", words[i]);
		col += strlen(words[i]) + 1;
	}
	strv_free(words);
	return buf_steal(&b);
}

/* The left column of --help: "  -o, --output PLAN.yaml" or "      --root DIR". */
static char *
args_help_left(const struct args_opt *o)
{
	return xasprintf("  %c%c%s%s%s%s", o->short_name != 0 ? '-' : ' ',
	    o->short_name != 0 ? o->short_name : ' ', o->short_name != 0 ? ", " : "  ", o->name,
	    o->metavar != NULL ? " " : "", o->metavar != NULL ? o->metavar : "");
}

/* Help text from column col, its words wrapped before column 80; '\n' breaks the line and
 * keeps the next line's indent. */
static void
args_help_wrap(struct buf *b, const char *h, size_t col)
{
	size_t at = col, n;
	int space = 0;

	while (*h != '\0') {
		if (*h == '\n') {
			n = strspn(h + 1, " ");
			buf_printf(b, "\n%*s", (int)(col + n), "");
			at = col + n;
			h += 1 + n;
			space = 0;
		} else if (*h == ' ') {
			space = at > col;
			h++;
		} else {
			n = strcspn(h, " \n");
			if (space && at + 1 + n >= 80) {
				buf_printf(b, "\n%*s", (int)col, "");
				at = col;
			} else if (space) {
				buf_puts(b, " ");
				at++;
			}
			buf_add(b, h, n);
			at += n;
			h += n;
			space = 0;
		}
	}
}

char *
args_help(const struct args_spec *s)
{
	const size_t col = 28;
	const struct args_opt *o;
	struct buf b;
	char *left;

	buf_init(&b);
	for (size_t i = 0; (o = args_opt_at(s, i)) != NULL; i++) {
		left = args_help_left(o);
		buf_puts(&b, left);
		if (strlen(left) + 2 > col)
			buf_printf(&b, "\n%*s", (int)col, "");
		else
			buf_printf(&b, "%*s", (int)(col - strlen(left)), "");
		args_help_wrap(&b, o->help, col);
		buf_puts(&b, "\n");
		free(left);
	}
	return buf_steal(&b);
}
