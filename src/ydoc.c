/* ydoc.c — strict YAML parsing into a positioned tree, and a buffered emitter, on libyaml. */
#include "armpy.h"
#include "ydoc.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

struct yparser {
	yaml_parser_t p;
	const char *name;
	char **cause;
};

static void
yparser_error(struct yparser *yp, int line, int col, const char *msg)
{
	cause_set(yp->cause, "%s:%d:%d: %s", yp->name, line, col, msg);
}

static int
yparser_next(struct yparser *yp, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&yp->p, ev)) {
		yaml_mark_t m = yp->p.problem_mark;
		char *msg = xasprintf("malformed YAML: %s%s%s",
		    yp->p.problem ? yp->p.problem : "parse error",
		    yp->p.context ? " " : "", yp->p.context ? yp->p.context : "");
		yparser_error(yp, (int)m.line + 1, (int)m.column + 1, msg);
		free(msg);
		return -1;
	}
	return 0;
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

static int
tag_ok(const yaml_char_t *tag)
{
	static const char *ok[] = {
		"tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:bool",
		"tag:yaml.org,2002:null", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq",
		"tag:yaml.org,2002:float", "!",
	};
	if (tag == NULL)
		return 1;
	for (size_t i = 0; i < nitems(ok); i++)
		if (strcmp((const char *)tag, ok[i]) == 0)
			return 1;
	return 0;
}

static struct ynode *yparser_node(struct yparser *, yaml_event_t *, int);

/* Parses the node whose first event is *ev (consumed by the caller afterwards). */
static struct ynode *
yparser_node(struct yparser *yp, yaml_event_t *ev, int depth)
{
	struct ynode *n = NULL;
	yaml_event_t e;
	yaml_mark_t m = ev->start_mark;

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
		if (!tag_ok(ev->data.scalar.tag)) {
			yparser_error(yp, (int)m.line + 1, (int)m.column + 1,
			    "custom tags are not allowed");
			return NULL;
		}
		if (memchr(ev->data.scalar.value, '\0', ev->data.scalar.length) != NULL) {
			yparser_error(yp, (int)m.line + 1, (int)m.column + 1,
			    "NUL byte in a value");
			return NULL;
		}
		n = ynode_new(YNODE_SCALAR, m);
		n->value = xstrndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
		n->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
		    (ev->data.scalar.tag != NULL &&
		    strcmp((const char *)ev->data.scalar.tag, "tag:yaml.org,2002:str") == 0);
		return n;
	case YAML_SEQUENCE_START_EVENT:
		if (ev->data.sequence_start.anchor != NULL || !tag_ok(ev->data.sequence_start.tag)) {
			yparser_error(yp, (int)m.line + 1, (int)m.column + 1,
			    "anchors and custom tags are not allowed");
			return NULL;
		}
		n = ynode_new(YNODE_SEQ, m);
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
			n->items = xreallocarray(n->items, n->n + 1, sizeof *n->items);
			n->items[n->n++] = item;
		}
		return n;
	case YAML_MAPPING_START_EVENT:
		if (ev->data.mapping_start.anchor != NULL || !tag_ok(ev->data.mapping_start.tag)) {
			yparser_error(yp, (int)m.line + 1, (int)m.column + 1,
			    "anchors and custom tags are not allowed");
			return NULL;
		}
		n = ynode_new(YNODE_MAP, m);
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
			if (ynode_get(n, k->value) != NULL) {
				char *msg = xasprintf("%s: duplicate key", k->value);
				yparser_error(yp, k->line, k->col, msg);
				free(msg);
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
			n->items = xreallocarray(n->items, n->n + 1, sizeof *n->items);
			n->values = xreallocarray(n->values, n->n + 1, sizeof *n->values);
			v->key_line = k->line;
			v->key_col = k->col;
			n->items[n->n] = k;
			n->values[n->n++] = v;
		}
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
	int done = 0;

	if (len > YDOC_MAX_BYTES) {
		cause_set(cause, "%s:1:1: larger than %d bytes", name, YDOC_MAX_BYTES);
		return NULL;
	}
	memset(&yp, 0, sizeof yp);
	yp.name = name;
	yp.cause = cause;
	yaml_parser_initialize(&yp.p);
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
	free(n);
}

int
ynode_verror(char **cause, const char *name, const struct ynode *at, const char *path,
    const char *fmt, va_list ap)
{
	char *msg = xvasprintf(fmt, ap);
	int line = 1, col = 1;

	if (at != NULL && at->key_line > 0) {
		line = at->key_line;
		col = at->key_col;
	} else if (at != NULL) {
		line = at->line;
		col = at->col;
	}
	cause_set(cause, "%s:%d:%d: %s: %s", name, line, col, path, msg);
	free(msg);
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

struct yemit {
	yaml_emitter_t e;
	struct buf out;
	int failed;
};

static int
yemit_write(void *arg, unsigned char *data, size_t size)
{
	struct yemit *y = arg;
	buf_add(&y->out, data, size);
	return 1;
}

static void
yemit_event(struct yemit *y, yaml_event_t *ev)
{
	if (y->failed) {
		yaml_event_delete(ev);
		return;
	}
	if (!yaml_emitter_emit(&y->e, ev)) {
		/* Only a programming error (unbalanced events) gets here. */
		fprintf(stderr, "armpy: YAML emitter: %s\n",
		    y->e.problem ? y->e.problem : "error");
		y->failed = 1;
	}
}

struct yemit *
yemit_new(void)
{
	struct yemit *y = xcalloc(1, sizeof *y);
	yaml_event_t ev;

	buf_init(&y->out);
	yaml_emitter_initialize(&y->e);
	yaml_emitter_set_output(&y->e, yemit_write, y);
	yaml_emitter_set_unicode(&y->e, 1);
	yaml_emitter_set_width(&y->e, 100);
	yaml_emitter_set_indent(&y->e, 2);
	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	yemit_event(y, &ev);
	yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
	yemit_event(y, &ev);
	return y;
}

void
yemit_free(struct yemit *y)
{
	if (y == NULL)
		return;
	yaml_emitter_delete(&y->e);
	buf_free(&y->out);
	free(y);
}

void
yemit_map_start(struct yemit *y, int flow)
{
	yaml_event_t ev;
	yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
	    flow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE);
	yemit_event(y, &ev);
}

void
yemit_map_end(struct yemit *y)
{
	yaml_event_t ev;
	yaml_mapping_end_event_initialize(&ev);
	yemit_event(y, &ev);
}

void
yemit_seq_start(struct yemit *y, int flow)
{
	yaml_event_t ev;
	yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
	    flow ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE);
	yemit_event(y, &ev);
}

void
yemit_seq_end(struct yemit *y)
{
	yaml_event_t ev;
	yaml_sequence_end_event_initialize(&ev);
	yemit_event(y, &ev);
}

static void
yemit_scalar(struct yemit *y, const char *s, yaml_scalar_style_t style)
{
	yaml_event_t ev;
	yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)strlen(s), 1, 1,
	    style);
	yemit_event(y, &ev);
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

char *
yemit_finish(struct yemit *y, size_t *len)
{
	yaml_event_t ev;
	char *s;

	yaml_document_end_event_initialize(&ev, 1);
	yemit_event(y, &ev);
	yaml_stream_end_event_initialize(&ev);
	yemit_event(y, &ev);
	yaml_emitter_flush(&y->e);
	if (len != NULL)
		*len = y->out.len;
	s = buf_steal(&y->out);
	return s;
}
