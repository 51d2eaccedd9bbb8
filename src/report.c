/* report.c — the report's I/O: a run directory (or one YAML report) read and made into a page, and the page saved. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "facts.h"
#include "journal.h"
#include "plan.h"
#include "report.h"
#include "runs.h"
#include "ydoc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct report_parts {
	struct ynode *facts, *validation, *bench;
	struct plan *plan;
	struct jstate *journal;
};

static void
report_parts_free(struct report_parts *p)
{
	ynode_free(p->facts);
	ynode_free(p->validation);
	ynode_free(p->bench);
	plan_free(p->plan);
	jstate_free(p->journal);
}

static void
report_now(char *out, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, len, "%Y-%m-%d %H:%M UTC", &tm);
}

/* DIR/NAME loaded with load() when it exists; -1 with *cause when it exists and is bad. */
static int
report_part(const char *dir, const char *name, void *(*load)(const char *, char **),
    void **out, char **cause)
{
	char *path = xasprintf("%s/%s", dir, name);
	int rc = 0;

	*out = NULL;
	if (access(path, F_OK) == 0 && (*out = load(path, cause)) == NULL)
		rc = -1;
	free(path);
	return rc;
}

static void *
load_yaml(const char *path, char **cause)
{
	return ydoc_load(path, cause);
}

static void *
load_plan(const char *path, char **cause)
{
	return plan_load(path, cause);
}

static void *
load_journal(const char *path, char **cause)
{
	return journal_load(path, cause);
}

static int
report_parts_load(struct report_parts *p, const char *dir, const char *bench, char **cause)
{
	memset(p, 0, sizeof *p);
	if (runs_check_dir(dir, cause) != 0 ||
	    report_part(dir, "plan.yaml", load_plan, (void **)&p->plan, cause) != 0 ||
	    report_part(dir, "facts.yaml", load_yaml, (void **)&p->facts, cause) != 0 ||
	    report_part(dir, "journal", load_journal, (void **)&p->journal, cause) != 0 ||
	    report_part(dir, "validation.yaml", load_yaml, (void **)&p->validation, cause) != 0)
		return -1;
	if (bench != NULL && (p->bench = ydoc_load(bench, cause)) == NULL)
		return -1;
	return 0;
}

char *
report_run(const char *dir, const char *bench, char **cause)
{
	struct report_parts p;
	struct report_input in;
	const char *id = strrchr(dir, '/') != NULL ? strrchr(dir, '/') + 1 : dir;
	char when[40], *title, *html = NULL;

	if (report_parts_load(&p, dir, bench, cause) == 0) {
		report_now(when, sizeof when);
		title = xasprintf("armpy run %s", id);
		in = (struct report_input){ .title = title, .run_id = id, .generated = when,
		    .profile = p.journal != NULL ? p.journal->profile : NULL,
		    .root = p.journal != NULL ? p.journal->root : NULL, .facts = p.facts,
		    .plan = p.plan, .journal = p.journal, .validation = p.validation,
		    .bench = p.bench };
		if (in.profile == NULL && p.plan != NULL)
			in.profile = p.plan->profile_name;
		html = report_html(&in);
		free(title);
	}
	report_parts_free(&p);
	return html;
}

/* This machine's facts (in root) as armpy detect's YAML tree, NULL when they do not load. */
static struct ynode *
report_facts(const char *root)
{
	struct detect_opts o = { .root = root };
	struct facts *f = facts_new();
	struct ynode *n = NULL;
	char *yaml, *cause = NULL;

	if (facts_detect(f, &o, &cause) == 0) {
		yaml = facts_to_yaml(f);
		n = ydoc_parse(yaml, strlen(yaml), "facts", NULL);
		free(yaml);
	}
	free(cause);
	facts_free(f);
	return n;
}

char *
report_of_yaml(const char *what, const char *yaml, const char *root, char **cause)
{
	struct ynode *doc = ydoc_parse(yaml, strlen(yaml), what, cause), *facts;
	struct report_input in;
	char when[40], *title, *html;

	if (doc == NULL)
		return NULL;
	facts = report_facts(root);
	report_now(when, sizeof when);
	title = xasprintf("armpy %s", what);
	memset(&in, 0, sizeof in);
	in.title = title;
	in.generated = when;
	in.facts = facts;
	if (strcmp(what, "gflops") == 0)
		in.bench = doc;
	else
		in.validation = doc;
	html = report_html(&in);
	free(title);
	ynode_free(doc);
	ynode_free(facts);
	return html;
}

int
report_save(const char *path, const char *html, char **cause)
{
	size_t len = strlen(html);

	if (strcmp(path, "-") == 0) {
		if (fwrite(html, 1, len, stdout) != len || fflush(stdout) != 0) {
			cause_set(cause, "stdout: %s", strerror(errno));
			return -1;
		}
		return 0;
	}
	return file_save(path, html, len, cause);
}
