/* ydoc.c — strict YAML parsing into a positioned tree, and a buffered emitter, on libyaml. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "vis.h"
#include "ydoc.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* --- UTF-8 --- */

/* Length of the UTF-8 sequence at s (n > 0 bytes left) when it is one libyaml accepts (no
 * overlong forms, surrogates or values past U+10FFFF); 0 when it is not. */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	unsigned v, c = s[0];
	size_t len;

	if (c < 0x80)
		return 1;
	if ((c & 0xe0) == 0xc0) {
		len = 2;
		v = c & 0x1f;
	} else if ((c & 0xf0) == 0xe0) {
		len = 3;
		v = c & 0x0f;
	} else if ((c & 0xf8) == 0xf0) {
		len = 4;
		v = c & 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3f);
	}
	if ((len == 2 && v < 0x80) || (len == 3 && v < 0x800) || (len == 4 && v < 0x10000) ||
	    (v >= 0xd800 && v <= 0xdfff) || v > 0x10ffff)
		return 0;
	return len;
}

size_t
utf8_check(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k;

	while (i < len && (k = utf8_seq(u + i, len - i)) != 0)
		i += k;
	return i;
}

/* A control character (C0, DEL or C1) starting at s, of k bytes. */
static int
utf8_is_control(const unsigned char *s, size_t k)
{
	return (k == 1 && (s[0] < 0x20 || s[0] == 0x7f)) ||
	    (k == 2 && s[0] == 0xc2 && s[1] < 0xa0);
}

char *
utf8_fix(const char *s, int controls, int *replaced)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len = strlen(s), i = 0, k;
	struct buf b;

	buf_init(&b);
	while (i < len) {
		k = utf8_seq(u + i, len - i);
		if (k == 0 || (controls && utf8_is_control(u + i, k))) {
			buf_add(&b, "\xef\xbf\xbd", 3);   /* U+FFFD REPLACEMENT CHARACTER */
			if (replaced != NULL)
				(*replaced)++;
			i += k == 0 ? 1 : k;
			continue;
		}
		buf_add(&b, u + i, k);
		i += k;
	}
	buf_add(&b, "", 0);
	return buf_steal(&b);
}

char *
utf8_clip(const char *s, size_t max)
{
	size_t len = strlen(s), cut;

	if (len <= max)
		return xstrdup(s);
	cut = max;
	/* back to the start of a character */
	while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
		cut--;
	return xasprintf("%.*s\u2026", (int)cut, s);
}

/* --- parser --- */

struct yparser {
	yaml_parser_t p;
	const char *name;
	const char *data;
	size_t len;
	char **cause;
};

/* The message escaped: it may quote a key or value, which are the input's bytes (one line). */
static void
yparser_error(struct yparser *yp, int line, int col, const char *msg)
{
	char *shown = vis_strf(msg, VIS_KEEPBS);

	cause_set(yp->cause, "%s:%d:%d: %s", quote_short(yp->name), line, col, shown);
	free(shown);
}

/* Line and column (1-based, in characters) of a byte offset into the document. */
static void
yparser_locate(const struct yparser *yp, size_t offset, int *line, int *col)
{
	size_t start = 0, chars = 0;

	*line = 1;
	if (offset > yp->len)
		offset = yp->len;
	for (size_t i = 0; i < offset; i++) {
		if (yp->data[i] == '\n') {
			(*line)++;
			start = i + 1;
		}
	}
	for (size_t i = start; i < offset; i++)
		chars += ((unsigned char)yp->data[i] & 0xc0) != 0x80;
	*col = (int)chars + 1;
}

static int
yparser_next(struct yparser *yp, yaml_event_t *ev)
{
	const yaml_parser_t *p = &yp->p;
	const char *problem;
	int line, col;
	char *msg;

	if (yaml_parser_parse(&yp->p, ev))
		return 0;
	problem = p->problem != NULL ? p->problem : "parse error";
	line = (int)p->problem_mark.line + 1;
	col = (int)p->problem_mark.column + 1;
	if (p->error == YAML_READER_ERROR) {
		/* The reader has no mark, only the byte offset of the bad input; for a bad
		 * trailing byte, that of the trailing byte: the character starts earlier. */
		size_t at = p->problem_offset;
		if (strstr(problem, "trailing") != NULL)
			while (at > 0 && at <= yp->len &&
			    ((unsigned char)yp->data[at - 1] & 0xc0) == 0x80)
				at--;
		if (strstr(problem, "trailing") != NULL && at > 0)
			at--;
		yparser_locate(yp, at, &line, &col);
		if (strstr(problem, "UTF-8") != NULL || strstr(problem, "Unicode") != NULL)
			msg = xasprintf("not valid UTF-8 (%s)", problem);
		else
			msg = xasprintf("malformed YAML: %s", problem);
	} else
		msg = xasprintf("malformed YAML: %s%s%s", problem, p->context ? " " : "",
		    p->context ? p->context : "");
	yparser_error(yp, line, col, msg);
	free(msg);
	return -1;
}

static struct ynode *
ynode_new(enum ynode_type type, yaml_mark_t m)
{
	struct ynode *n = xcalloc(1, sizeof *n);
	n->type = type;
	n->line = (int)m.line + 1;
	n->col = (int)m.column + 1;
	return n;
}

#define YTAG_CORE "tag:yaml.org,2002:"

/* 1 when n has no tag, or the core tag of what n really is: !!str on a scalar, !!int, !!bool
 * or !!null on a plain scalar that reads as one, !!map on a map, !!seq on a list. */
static int
ytag_fits(const struct ynode *n)
{
	const char *t = n->tag;
	long l;
	int b;

	if (t == NULL)
		return 1;
	if (!str_startswith(t, YTAG_CORE))
		return 0;
	t += strlen(YTAG_CORE);
	if (n->type != YNODE_SCALAR)
		return strcmp(t, n->type == YNODE_MAP ? "map" : "seq") == 0;
	return strcmp(t, "str") == 0 || (strcmp(t, "int") == 0 && ynode_long(n, &l) == 0) ||
	    (strcmp(t, "bool") == 0 && ynode_bool(n, &b) == 0) ||
	    (strcmp(t, "null") == 0 && ynode_is_null(n) && !n->quoted);
}

/* Every tag in the tree fits its node, else the first that does not is refused at its key. */
static int
ytag_check(const struct ynode *n, const char *name, struct buf *path, char **cause)
{
	size_t len = path->len;
	int rc = 0;

	if (!ytag_fits(n)) {
		const char *t = n->tag;
		return ynode_error(cause, name, n, path->len > 0 ? path->data : "(document)",
		    "YAML tags are not accepted (%s%s): only !!str, !!int, !!bool, !!null, !!map "
		    "and !!seq, on a value of that type", str_startswith(t, YTAG_CORE) ? "!!" : "",
		    quote_short(t + (str_startswith(t, YTAG_CORE) ? strlen(YTAG_CORE) : 0)));
	}
	for (size_t i = 0; i < n->n && rc == 0; i++) {
		if (n->type == YNODE_MAP)
			buf_printf(path, "%s%s", len > 0 ? "." : "", quote_short(n->items[i]->value));
		else
			buf_printf(path, "[%zu]", i);
		rc = ytag_check(n->items[i], name, path, cause);
		if (rc == 0 && n->type == YNODE_MAP)
			rc = ytag_check(n->values[i], name, path, cause);
		path->len = len;
		path->data[len] = '\0';
	}
	return rc;
}

/* The explicit tag of an event (NULL when none). */
static char *
ytag_copy(const yaml_char_t *tag)
{
	return tag != NULL ? xstrdup((const char *)tag) : NULL;
}

/* Room for one more item (and value, in a map): capacity doubles, so loading stays linear. */
static void
ynode_grow(struct ynode *n, size_t *cap)
{
	if (n->n < *cap)
		return;
	*cap = *cap == 0 ? 4 : *cap * 2;
	n->items = xreallocarray(n->items, *cap, sizeof *n->items);
	if (n->type == YNODE_MAP)
		n->values = xreallocarray(n->values, *cap, sizeof *n->values);
}

struct ykey {
	const char *key;
	size_t i;
};

static int
ykey_cmp(const void *a, const void *b)
{
	const struct ykey *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (c != 0)
		return c;
	return (x->i > y->i) - (x->i < y->i);
}

/*
 * Refuses a mapping with a key twice, naming the first repeat in document order. Sorting
 * keeps this O(n log n) (a profile with 200k keys once took minutes) and, unlike a hash
 * table, gives an attacker no collisions to aim at.
 */
static int
yparser_dup_keys(struct yparser *yp, const struct ynode *map)
{
	struct ykey *k;
	size_t dup = SIZE_MAX;

	if (map->n < 2)
		return 0;
	k = xreallocarray(NULL, map->n, sizeof *k);
	for (size_t i = 0; i < map->n; i++) {
		k[i].key = map->items[i]->value;
		k[i].i = i;
	}
	qsort(k, map->n, sizeof *k, ykey_cmp);
	for (size_t i = 1; i < map->n; i++)
		if (strcmp(k[i - 1].key, k[i].key) == 0 && k[i].i < dup)
			dup = k[i].i;
	free(k);
	if (dup == SIZE_MAX)
		return 0;
	{
		const struct ynode *at = map->items[dup];
		char *msg = xasprintf("%s: duplicate key", quote_short(at->value));
		yparser_error(yp, at->line, at->col, msg);
		free(msg);
	}
	return -1;
}

static struct ynode *yparser_node(struct yparser *, yaml_event_t *, int);

/* Parses the node whose first event is *ev (consumed by the caller afterwards). */
static struct ynode *
yparser_node(struct yparser *yp, yaml_event_t *ev, int depth)
{
	struct ynode *n = NULL;
	yaml_event_t e;
	yaml_mark_t m = ev->start_mark;
	size_t cap = 0;

	if (depth > YDOC_MAX_DEPTH) {
		yparser_error(yp, (int)m.line + 1, (int)m.column + 1, "nesting too deep");
		return NULL;
	}
	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		yparser_error(yp, (int)m.line + 1, (int)m.column + 1,
		    "aliases are not allowed");
		return NULL;
	case YAML_SCALAR_EVENT:
		if (ev->data.scalar.anchor != NULL) {
			yparser_error(yp, (int)m.line + 1, (int)m.column + 1,
			    "anchors are not allowed");
			return NULL;
		}
		if (memchr(ev->data.scalar.value, '\0', ev->data.scalar.length) != NULL) {
			yparser_error(yp, (int)m.line + 1, (int)m.column + 1,
			    "NUL byte in a value");
			return NULL;
		}
		n = ynode_new(YNODE_SCALAR, m);
		n->tag = ytag_copy(ev->data.scalar.tag);
		n->value = xstrndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
		n->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
		    (ev->data.scalar.tag != NULL &&
		    strcmp((const char *)ev->data.scalar.tag, "tag:yaml.org,2002:str") == 0);
		return n;
	case YAML_SEQUENCE_START_EVENT:
		if (ev->data.sequence_start.anchor != NULL) {
			yparser_error(yp, (int)m.line + 1, (int)m.column + 1,
			    "anchors are not allowed");
			return NULL;
		}
		n = ynode_new(YNODE_SEQ, m);
		n->tag = ytag_copy(ev->data.sequence_start.tag);
		for (;;) {
			struct ynode *item;
			if (yparser_next(yp, &e) != 0)
				goto fail;
			if (e.type == YAML_SEQUENCE_END_EVENT) {
				yaml_event_delete(&e);
				break;
			}
			item = yparser_node(yp, &e, depth + 1);
			yaml_event_delete(&e);
			if (item == NULL)
				goto fail;
			ynode_grow(n, &cap);
			n->items[n->n++] = item;
		}
		return n;
	case YAML_MAPPING_START_EVENT:
		if (ev->data.mapping_start.anchor != NULL) {
			yparser_error(yp, (int)m.line + 1, (int)m.column + 1,
			    "anchors are not allowed");
			return NULL;
		}
		n = ynode_new(YNODE_MAP, m);
		n->tag = ytag_copy(ev->data.mapping_start.tag);
		for (;;) {
			struct ynode *k, *v;
			if (yparser_next(yp, &e) != 0)
				goto fail;
			if (e.type == YAML_MAPPING_END_EVENT) {
				yaml_event_delete(&e);
				break;
			}
			k = yparser_node(yp, &e, depth + 1);
			yaml_event_delete(&e);
			if (k == NULL)
				goto fail;
			if (k->type != YNODE_SCALAR) {
				yparser_error(yp, k->line, k->col, "map keys must be plain strings");
				ynode_free(k);
				goto fail;
			}
			if (yparser_next(yp, &e) != 0) {
				ynode_free(k);
				goto fail;
			}
			v = yparser_node(yp, &e, depth + 1);
			yaml_event_delete(&e);
			if (v == NULL) {
				ynode_free(k);
				goto fail;
			}
			ynode_grow(n, &cap);
			v->key_line = k->line;
			v->key_col = k->col;
			n->items[n->n] = k;
			n->values[n->n++] = v;
		}
		if (yparser_dup_keys(yp, n) != 0)
			goto fail;
		return n;
	default:
		yparser_error(yp, (int)m.line + 1, (int)m.column + 1, "unexpected YAML event");
		return NULL;
	}
fail:
	ynode_free(n);
	return NULL;
}

struct ynode *
ydoc_parse(const char *data, size_t len, const char *name, char **cause)
{
	struct yparser yp;
	yaml_event_t ev;
	struct ynode *root = NULL;
	struct buf path;
	int done = 0, rc;

	if (len > YDOC_MAX_BYTES) {
		cause_set(cause, "%s:1:1: larger than %d bytes", quote_short(name), YDOC_MAX_BYTES);
		return NULL;
	}
	memset(&yp, 0, sizeof yp);
	yp.name = name;
	yp.data = data;
	yp.len = len;
	yp.cause = cause;
	if (!yaml_parser_initialize(&yp.p)) {
		cause_set(cause, "%s:1:1: cannot start the YAML parser (out of memory)",
		    quote_short(name));
		return NULL;
	}
	yaml_parser_set_input_string(&yp.p, (const unsigned char *)data, len);
	while (!done) {
		if (yparser_next(&yp, &ev) != 0)
			goto fail;
		switch (ev.type) {
		case YAML_STREAM_START_EVENT:
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (root != NULL) {
				yparser_error(&yp, (int)ev.start_mark.line + 1,
				    (int)ev.start_mark.column + 1,
				    "only one YAML document is allowed");
				yaml_event_delete(&ev);
				goto fail;
			}
			break;
		case YAML_DOCUMENT_END_EVENT:
			break;
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		default:
			root = yparser_node(&yp, &ev, 0);
			if (root == NULL) {
				yaml_event_delete(&ev);
				goto fail;
			}
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&yp.p);
	if (root == NULL) {
		yaml_mark_t m = { 0, 0, 0 };
		root = ynode_new(YNODE_MAP, m);
	}
	buf_init(&path);
	buf_add(&path, "", 0);
	rc = ytag_check(root, name, &path, cause);
	buf_free(&path);
	if (rc != 0) {
		ynode_free(root);
		return NULL;
	}
	return root;
fail:
	yaml_parser_delete(&yp.p);
	ynode_free(root);
	return NULL;
}

struct ynode *
ydoc_load(const char *path, char **cause)
{
	size_t len;
	char *data;
	struct ynode *n;

	data = file_read(strcmp(path, "-") == 0 ? "/dev/stdin" : path, YDOC_MAX_BYTES, &len,
	    cause);
	if (data == NULL)
		return NULL;
	n = ydoc_parse(data, len, path, cause);
	free(data);
	return n;
}

void
ynode_free(struct ynode *n)
{
	if (n == NULL)
		return;
	for (size_t i = 0; i < n->n; i++) {
		ynode_free(n->items[i]);
		if (n->values != NULL)
			ynode_free(n->values[i]);
	}
	free(n->items);
	free(n->values);
	free(n->value);
	free(n->tag);
	free(n);
}

/* msg with every '...' quotation cut short by vis_short. */
static char *
ynode_clip_quotes(const char *msg)
{
	struct buf b;
	const char *p = msg, *q, *end;

	buf_init(&b);
	while ((q = strchr(p, '\'')) != NULL && (end = strchr(q + 1, '\'')) != NULL) {
		char *inner = xstrndup(q + 1, (size_t)(end - q - 1));

		buf_add(&b, p, (size_t)(q - p) + 1);
		buf_puts(&b, quote_short(inner));
		buf_add(&b, "'", 1);
		free(inner);
		p = end + 1;
	}
	buf_puts(&b, p);
	return buf_steal(&b);
}

int
ynode_verror(char **cause, const char *name, const struct ynode *at, const char *path,
    const char *fmt, va_list ap)
{
	/* One line a person can read: quotes clipped, then controls and bad bytes escaped. */
	char *raw = xvasprintf(fmt, ap), *msg = ynode_clip_quotes(raw);
	char *vpath = vis_strf(quote_short(path), VIS_KEEPBS), *vmsg = vis_strf(msg, VIS_KEEPBS);
	char *all = utf8_clip(vmsg, 4 * QUOTE_MAX);
	int line = 1, col = 1;

	if (at != NULL && at->key_line > 0) {
		line = at->key_line;
		col = at->key_col;
	} else if (at != NULL) {
		line = at->line;
		col = at->col;
	}
	cause_set(cause, "%s:%d:%d: %s: %s", quote_short(name), line, col, vpath, all);
	free(all);
	free(vmsg);
	free(vpath);
	free(msg);
	free(raw);
	return -1;
}

int
ynode_error(char **cause, const char *name, const struct ynode *at, const char *path,
    const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = ynode_verror(cause, name, at, path, fmt, ap);
	va_end(ap);
	return r;
}

struct ynode *
ynode_get(const struct ynode *map, const char *key)
{
	if (map == NULL || map->type != YNODE_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++)
		if (strcmp(map->items[i]->value, key) == 0)
			return map->values[i];
	return NULL;
}

int
ynode_is_null(const struct ynode *n)
{
	if (n == NULL || n->type != YNODE_SCALAR || n->quoted)
		return 0;
	return n->value[0] == '\0' || strcmp(n->value, "~") == 0 ||
	    strcmp(n->value, "null") == 0 || strcmp(n->value, "Null") == 0 ||
	    strcmp(n->value, "NULL") == 0;
}

int
ynode_bool(const struct ynode *n, int *out)
{
	static const char *t[] = { "true", "True", "TRUE" };
	static const char *f[] = { "false", "False", "FALSE" };
	if (n == NULL || n->type != YNODE_SCALAR || n->quoted)
		return -1;
	for (size_t i = 0; i < nitems(t); i++) {
		if (strcmp(n->value, t[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcmp(n->value, f[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

int
ynode_long(const struct ynode *n, long *out)
{
	char *end;
	long v;
	if (n == NULL || n->type != YNODE_SCALAR || n->quoted || n->value[0] == '\0')
		return -1;
	errno = 0;
	v = strtol(n->value, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

const char *
ynode_type_name(const struct ynode *n)
{
	int b;
	long l;
	if (n == NULL)
		return "nothing";
	switch (n->type) {
	case YNODE_SEQ:
		return "a list";
	case YNODE_MAP:
		return "a mapping";
	case YNODE_SCALAR:
		if (ynode_is_null(n))
			return "null";
		if (ynode_bool(n, &b) == 0)
			return "a boolean";
		if (ynode_long(n, &l) == 0)
			return "a number";
		return "a string";
	}
	return "unknown";
}

/* --- emitter --- */

/*
 * Every libyaml call is checked. The first failure is kept in `cause` and every later event
 * is dropped, so a refused event can neither be emitted half-made (libyaml leaves a failed
 * event uninitialised: emitting it freed stack garbage) nor leave the emitter looping.
 */
struct yemit {
	yaml_emitter_t e;
	int e_ok;            /* yaml_emitter_initialize succeeded */
	struct buf out;
	char *cause;         /* the first failure, or NULL */
	int strict;          /* a value that is not UTF-8 fails instead of being replaced */
	int replaced;        /* bytes replaced with U+FFFD (not strict) */
};

static void
yemit_fail(struct yemit *y, const char *fmt, ...) ARMPY_PRINTF(2, 3);

static void
yemit_fail(struct yemit *y, const char *fmt, ...)
{
	va_list ap;

	if (y->cause != NULL)
		return;
	va_start(ap, fmt);
	y->cause = xvasprintf(fmt, ap);
	va_end(ap);
}

static int
yemit_write(void *arg, unsigned char *data, size_t size)
{
	struct yemit *y = arg;
	buf_add(&y->out, data, size);
	return 1;
}

/* Emits *ev, made by an initializer that returned `made`. The event is never used twice:
 * libyaml owns it once yaml_emitter_emit has taken it, even when that fails. */
static void
yemit_event(struct yemit *y, yaml_event_t *ev, int made)
{
	if (!made) {
		yemit_fail(y, "YAML emitter: libyaml refused to build an event");
		return;
	}
	if (y->cause != NULL || !y->e_ok) {
		yaml_event_delete(ev);
		yemit_fail(y, "YAML emitter: not started");
		return;
	}
	if (!yaml_emitter_emit(&y->e, ev))
		yemit_fail(y, "YAML emitter: %s", y->e.problem != NULL ? y->e.problem :
		    "libyaml refused an event");
}

struct yemit *
yemit_new(void)
{
	struct yemit *y = xcalloc(1, sizeof *y);
	yaml_event_t ev;

	buf_init(&y->out);
	y->e_ok = yaml_emitter_initialize(&y->e);
	if (!y->e_ok) {
		yemit_fail(y, "YAML emitter: cannot start (out of memory)");
		return y;
	}
	yaml_emitter_set_output(&y->e, yemit_write, y);
	yaml_emitter_set_unicode(&y->e, 1);
	yaml_emitter_set_width(&y->e, 100);
	yaml_emitter_set_indent(&y->e, 2);
	yemit_event(y, &ev, yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING));
	yemit_event(y, &ev, yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1));
	return y;
}

void
yemit_set_strict(struct yemit *y)
{
	y->strict = 1;
}

int
yemit_replaced(const struct yemit *y)
{
	return y->replaced;
}

void
yemit_free(struct yemit *y)
{
	if (y == NULL)
		return;
	if (y->e_ok)
		yaml_emitter_delete(&y->e);
	buf_free(&y->out);
	free(y->cause);
	free(y);
}

void
yemit_map_start(struct yemit *y, int flow)
{
	yaml_event_t ev;
	yemit_event(y, &ev, yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
	    flow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE));
}

void
yemit_map_end(struct yemit *y)
{
	yaml_event_t ev;
	yemit_event(y, &ev, yaml_mapping_end_event_initialize(&ev));
}

void
yemit_seq_start(struct yemit *y, int flow)
{
	yaml_event_t ev;
	yemit_event(y, &ev, yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
	    flow ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE));
}

void
yemit_seq_end(struct yemit *y)
{
	yaml_event_t ev;
	yemit_event(y, &ev, yaml_sequence_end_event_initialize(&ev));
}

/* A value that is not UTF-8: strict emitters fail, the others write U+FFFD for bad bytes. */
static void
yemit_scalar(struct yemit *y, const char *s, yaml_scalar_style_t style)
{
	yaml_event_t ev;
	size_t len = strlen(s);
	char *fixed = NULL;

	if (len > INT_MAX) {
		yemit_fail(y, "YAML emitter: a value of %zu bytes is too long", len);
		return;
	}
	if (utf8_check(s, len) != len) {
		fixed = utf8_fix(s, 0, &y->replaced);
		if (y->strict) {
			yemit_fail(y, "a value is not valid UTF-8: '%s'", quote_short(fixed));
			free(fixed);
			return;
		}
		s = fixed;
		len = strlen(s);
	}
	yemit_event(y, &ev, yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s,
	    (int)len, 1, 1, style));
	free(fixed);
}

/* Would a plain scalar with this text read back as something other than a string? */
static int
needs_quotes(const char *s)
{
	static const char *special[] = {
		"~", "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE",
		"yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
		"y", "Y", "n", "N", ".inf", ".Inf", ".INF", "-.inf", ".nan", ".NaN", ".NAN",
	};
	const char *p = s;
	int digits = 0, other = 0;

	if (*s == '\0')
		return 1;
	for (size_t i = 0; i < nitems(special); i++)
		if (strcmp(s, special[i]) == 0)
			return 1;
	if (*p == '-' || *p == '+')
		p++;
	/* Only text that starts like a number can read as one ("x86_64" cannot). */
	if (!isdigit((unsigned char)*p) && *p != '.')
		return 0;
	for (; *p != '\0'; p++) {
		if (isdigit((unsigned char)*p))
			digits++;
		else if (strchr(".eExXoO_:abcdefABCDEF", *p) == NULL)
			other++;
	}
	/* Anything number-like (ints, floats, hex, sexagesimal, versions) is quoted. */
	return digits > 0 && other == 0;
}

void
yemit_str(struct yemit *y, const char *s)
{
	if (s == NULL) {
		yemit_null(y);
		return;
	}
	yemit_scalar(y, s, needs_quotes(s) ? YAML_DOUBLE_QUOTED_SCALAR_STYLE :
	    YAML_ANY_SCALAR_STYLE);
}

void
yemit_literal(struct yemit *y, const char *s)
{
	if (s == NULL) {
		yemit_null(y);
		return;
	}
	/* libyaml cannot write a literal block with trailing spaces or tabs; it falls back. */
	yemit_scalar(y, s, strchr(s, '\n') != NULL ? YAML_LITERAL_SCALAR_STYLE :
	    (needs_quotes(s) ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE));
}

void
yemit_null(struct yemit *y)
{
	yemit_scalar(y, "null", YAML_PLAIN_SCALAR_STYLE);
}

void
yemit_bool(struct yemit *y, int v)
{
	yemit_scalar(y, v ? "true" : "false", YAML_PLAIN_SCALAR_STYLE);
}

void
yemit_long(struct yemit *y, long v)
{
	char s[32];
	snprintf(s, sizeof s, "%ld", v);
	yemit_scalar(y, s, YAML_PLAIN_SCALAR_STYLE);
}

void
yemit_double(struct yemit *y, double v, int precision)
{
	char s[64];
	snprintf(s, sizeof s, "%.*f", precision, v);
	yemit_scalar(y, s, YAML_PLAIN_SCALAR_STYLE);
}

void
yemit_kv_str(struct yemit *y, const char *key, const char *value)
{
	yemit_str(y, key);
	yemit_str(y, value);
}

void
yemit_kv_bool(struct yemit *y, const char *key, int value)
{
	yemit_str(y, key);
	yemit_bool(y, value);
}

void
yemit_kv_long(struct yemit *y, const char *key, long value)
{
	yemit_str(y, key);
	yemit_long(y, value);
}

void
yemit_kv_strv(struct yemit *y, const char *key, char *const *v, int flow)
{
	yemit_str(y, key);
	yemit_seq_start(y, flow);
	for (size_t i = 0; v != NULL && v[i] != NULL; i++)
		yemit_str(y, v[i]);
	yemit_seq_end(y);
}

int
yemit_end(struct yemit *y, char **text, size_t *len, char **cause)
{
	yaml_event_t ev;

	*text = NULL;
	yemit_event(y, &ev, yaml_document_end_event_initialize(&ev, 1));
	yemit_event(y, &ev, yaml_stream_end_event_initialize(&ev));
	if (y->cause == NULL && !yaml_emitter_flush(&y->e))
		yemit_fail(y, "YAML emitter: %s", y->e.problem != NULL ? y->e.problem :
		    "cannot flush");
	if (y->cause != NULL) {
		cause_set(cause, "%s", y->cause);
		return -1;
	}
	if (len != NULL)
		*len = y->out.len;
	*text = buf_steal(&y->out);
	return 0;
}

char *
yemit_finish(struct yemit *y, size_t *len)
{
	char *text, *cause = NULL;

	if (yemit_end(y, &text, len, &cause) != 0) {
		fprintf(stderr, "armpy: %s\n", cause);
		free(cause);
		if (len != NULL)
			*len = 0;
		return xstrdup("");
	}
	return text;
}
