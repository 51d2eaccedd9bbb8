/* ydoc.h — a small YAML document tree on libyaml: strict, positioned, alias-free; plus an emitter. */
/* SPDX-License-Identifier: MIT */
#ifndef YDOC_H
#define YDOC_H

#include <stdarg.h>
#include <stddef.h>

#define YDOC_MAX_BYTES (1024 * 1024)   /* documents larger than this are refused */
#define YDOC_MAX_DEPTH 32

enum ynode_type { YNODE_SCALAR, YNODE_SEQ, YNODE_MAP };

struct ynode {
	enum ynode_type type;
	int line, col;          /* 1-based position of the node's start */
	char *value;            /* SCALAR: the text */
	int quoted;             /* SCALAR: written with quotes or as a block (never null/bool/int) */
	size_t n;               /* SEQ: items; MAP: key/value pairs */
	struct ynode **items;   /* SEQ items, or MAP keys (all scalars) */
	struct ynode **values;  /* MAP values, parallel to items */
	int key_line, key_col;  /* where the key of this value stands; 0 when not a map value */
	char *tag;              /* explicit tag, as libyaml resolves it ("tag:yaml.org,2002:int") */
};

/* UTF-8 as libyaml reads it (no overlong forms, surrogates or values past U+10FFFF). */
/* The offset of the first byte of s[0..len) that is not valid UTF-8, or len. */
size_t utf8_check(const char *s, size_t len);
/* A copy with every invalid byte (and, with `controls`, every C0/DEL/C1 control character)
 * replaced by U+FFFD; *replaced (may be NULL) is increased by the number replaced. */
char *utf8_fix(const char *s, int controls, int *replaced);
/* A copy of at most `max` bytes cut at a character boundary, with an ellipsis when cut. */
char *utf8_clip(const char *s, size_t max);

/*
 * Parse one YAML document. Input that is not UTF-8 or holds control characters is refused
 * at the line and column of the bad byte. Anchors and aliases are refused; so is an explicit
 * tag unless it is the core tag of what the node is (!!str on a scalar; !!int, !!bool, !!null
 * on a plain scalar that reads as one; !!map, !!seq), with "NAME:LINE:COL: key.path: YAML tags
 * are not accepted (TAG): ..." at the key. Duplicate keys are refused, map keys must be
 * scalars, nesting is limited to YDOC_MAX_DEPTH.
 * An empty document gives an empty MAP. On error returns NULL and *cause reads
 * "NAME:LINE:COL: message".
 */
struct ynode *ydoc_parse(const char *data, size_t len, const char *name, char **cause);
/* Read (at most YDOC_MAX_BYTES) and parse a file; "-" is stdin. */
struct ynode *ydoc_load(const char *path, char **cause);
void ynode_free(struct ynode *);

/*
 * The one error format for schema errors: "NAME:LINE:COL: path: message". The position is the
 * key's when `at` is a map value (so `  library: mkl` reads :3), else the node's own (list
 * items); NULL `at` means 1:1. NAME, the path and every '...' quotation in the message are cut
 * by quote_short (about QUOTE_MAX bytes each), the message to 4 times that. Returns -1 for
 * `return ynode_error(...)`.
 */
int ynode_error(char **cause, const char *name, const struct ynode *at, const char *path,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int ynode_verror(char **cause, const char *name, const struct ynode *at, const char *path,
    const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

/* MAP lookup; NULL when absent or when map is not a MAP. */
struct ynode *ynode_get(const struct ynode *map, const char *key);
/* Plain ~, null, Null, NULL or an empty plain scalar. */
int ynode_is_null(const struct ynode *);
/* Typed reads of a scalar: return -1 when the node is not of that type. */
int ynode_bool(const struct ynode *, int *out);
int ynode_long(const struct ynode *, long *out);
const char *ynode_type_name(const struct ynode *);

/* Emitter: builds a document in memory. Scalars are emitted plain when that reads back as the
 * same string, otherwise double-quoted. Strings that would read as null, bool or a number are
 * quoted, so "22.04" stays a string. Every libyaml call is checked: after the first failure
 * the emitter drops further events and yemit_end reports it. A value that is not UTF-8 is
 * written with U+FFFD for its bad bytes (counted by yemit_replaced), or fails the emitter when
 * it is strict. */
struct yemit;
struct yemit *yemit_new(void);
void yemit_set_strict(struct yemit *);
int yemit_replaced(const struct yemit *);
void yemit_free(struct yemit *);
void yemit_map_start(struct yemit *, int flow);
void yemit_map_end(struct yemit *);
void yemit_seq_start(struct yemit *, int flow);
void yemit_seq_end(struct yemit *);
void yemit_str(struct yemit *, const char *);        /* NULL emits null */
void yemit_literal(struct yemit *, const char *);    /* block literal (|) for multi-line text */
void yemit_null(struct yemit *);
void yemit_bool(struct yemit *, int);
void yemit_long(struct yemit *, long);
void yemit_double(struct yemit *, double, int precision);
/* key: value shorthands inside a map */
void yemit_kv_str(struct yemit *, const char *key, const char *value);
void yemit_kv_bool(struct yemit *, const char *key, int value);
void yemit_kv_long(struct yemit *, const char *key, long value);
void yemit_kv_strv(struct yemit *, const char *key, char *const *v, int flow);
/* Ends the document: 0 and *text (caller frees), or -1 and *cause when any event failed. The
 * emitter is then spent. */
int yemit_end(struct yemit *, char **text, size_t *len, char **cause);
/* yemit_end for documents built from checked values only (a failure is a bug): "" (new), with
 * the cause on stderr, when it fails, as every *_to_yaml does: a bug is said, never a crash. */
char *yemit_finish(struct yemit *, size_t *len);

#endif
