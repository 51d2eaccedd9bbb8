/* facts-int.h — shared by the facts files: the schema's value patterns, a found Python added. */
/* SPDX-License-Identifier: MIT */
#ifndef FACTS_INT_H
#define FACTS_INT_H

struct facts;

/* Longest free text or name a facts file holds, in bytes. */
#define FACT_MAX_TEXT 4096

/* 1 when s fits: free text is one line of UTF-8 of at most FACT_MAX_TEXT bytes; a name is
 * [A-Za-z0-9._+-], not starting with '-'; a path is absolute text without "/../". */
int facts_is_text(const char *s);
int facts_is_id(const char *s);
int facts_is_path(const char *s);

/* Appends a found Python (copies of path and version) to f->pythons. */
void facts_add_python(struct facts *f, const char *path, const char *version, int pep668);

#endif
