/* args.h — one option parser for every command: each declares a table, parsed here alone. */
/* SPDX-License-Identifier: MIT */
#ifndef ARGS_H
#define ARGS_H

#include <stddef.h>

struct detect_opts;

/* args_opt.flags */
#define ARGS_CHOICES 0x1     /* metavar lists the only values allowed: "text|json" */
#define ARGS_REQUIRED 0x2    /* the command needs it (shown without brackets in the usage) */
#define ARGS_MULTI 0x4       /* may be given again: every value is kept (else the last wins) */

/* One option. A table of them ends with an entry whose name is NULL. */
struct args_opt {
	const char *name;        /* long name with its dashes: "--root" */
	char short_name;         /* 'o' for -o, or 0 */
	const char *metavar;     /* NULL: a flag; else the value's name in usage and help: "DIR" */
	int flags;               /* ARGS_* */
	const char *help;        /* for --help, wrapped there; '\n' breaks the line */
};

/* What a command takes. */
struct args_spec {
	const char *command;           /* "plan"; NULL for armpy itself (the default command) */
	const struct args_opt *opts;   /* its own options (NULL: none) */
	int detect;                    /* also the detection overrides (args_detect_opts) */
	const char *operands;          /* the operands' synopsis ("PLAN.yaml", "[RUN-ID]"), or NULL */
	int min_operands;
	int max_operands;
};

/* --root, --os-release, --cpuinfo, --arch: planning for another machine or a chroot. */
extern const struct args_opt args_detect_opts[];

struct args;

/* Parses argv (argv[0] is the command's name and is skipped). "--opt=value" and "--opt value"
 * both work for an option taking a value; "--" ends the options. Every command also takes
 * -h/--help: with it, operand counts and required options are not checked. Returns NULL with
 * *cause (the whole message after "armpy CMD: ") on an unknown option, a missing value, a
 * value given to a flag, a value outside an option's choices, a missing required option, or
 * too few or too many operands. */
struct args *args_parse(const struct args_spec *, int argc, char **argv, char **cause);
void args_free(struct args *);

int args_has(const struct args *, const char *name);           /* given at least once */
const char *args_get(const struct args *, const char *name);   /* its last value, or NULL */
char **args_values(const struct args *, const char *name);     /* all of them, NULL-ended */
size_t args_count(const struct args *);                        /* operands */
const char *args_operand(const struct args *, size_t);         /* NULL past the end */
/* The detection overrides given (the others of *d are left as they are). */
void args_detect(const struct args *, struct detect_opts *d);

/* lead + "armpy plan --profile FILE [--facts FACTS.yaml] ...", wrapped before `width`
 * columns with continuation lines indented under the first option. A new string. */
char *args_usage(const struct args_spec *, const char *lead, size_t width);
/* The option list of --help: one "  -o, --output PLAN.yaml  help" entry per option, the
 * detection overrides and -h/--help included. A new string. */
char *args_help(const struct args_spec *);
/* The i-th option the spec takes (its own, then the detection overrides, then --help), or
 * NULL past the last. */
const struct args_opt *args_opt_at(const struct args_spec *, size_t i);

#endif
