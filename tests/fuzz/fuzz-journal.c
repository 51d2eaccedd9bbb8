/* fuzz-journal.c — libFuzzer target: the run journal's parser on any bytes, and values written
 * with journal_append read back by journal_parse unchanged. */
/* SPDX-License-Identifier: MIT */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "journal.h"
#include "lib.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

/* Any bytes: a state or a refusal, and a state's steps are whole. */
static void
fuzz_journal_parse(const uint8_t *data, size_t len)
{
	char *cause = NULL;
	struct jstate *js = journal_parse((const char *)data, len, &cause);

	if (js == NULL) {
		FUZZ_CHECK(cause != NULL && strlen(cause) <= 1024);
		free(cause);
		return;
	}
	for (size_t i = 0; i < js->nsteps; i++) {
		FUZZ_CHECK(js->steps[i].id != NULL);
		FUZZ_CHECK(!js->steps[i].ended || js->steps[i].result != NULL);
	}
	jstate_free(js);
}

/* The journal file: a real file, opened as the executor opens it (journal_open refuses a
 * symlink, so not /proc/self/fd of a memfd); emptied for each input, removed at exit. */
static char fuzz_journal_path[] = "/tmp/armpy-fuzz-journal.XXXXXX";

static void
fuzz_journal_unlink(void)
{
	unlink(fuzz_journal_path);
}

static struct journal *
fuzz_journal_file(int *fdp)
{
	static struct journal *j;
	int fd;

	if (j == NULL) {
		fd = mkstemp(fuzz_journal_path);
		FUZZ_CHECK(fd >= 0);
		close(fd);
		atexit(fuzz_journal_unlink);
		j = journal_open(fuzz_journal_path, NULL);
		FUZZ_CHECK(j != NULL);
	}
	*fdp = journal_fd(j);
	FUZZ_CHECK(ftruncate(*fdp, 0) == 0);
	return j;
}

/* Two strings from the input (split at its first NUL) go through the executor's records. */
static void
fuzz_journal_values(const uint8_t *data, size_t len)
{
	char *a = fuzz_text(data, len), *b = a + strlen(a) < a + len ? a + strlen(a) + 1 : a + len;
	char *ea = journal_escape(a), *eb = journal_escape(b), *text, *cause = NULL;
	int fd;
	struct journal *j = fuzz_journal_file(&fd);
	off_t size;
	struct jstate *js;
	struct jstep *s;

	FUZZ_CHECK(journal_append(j, 0, "begin 1 2 %s %s %064d", ea, eb, 0) == 0);
	FUZZ_CHECK(journal_append(j, 0, "start %s 3", eb) == 0);
	FUZZ_CHECK(journal_append(j, 0, "prev %s %s", eb, ea) == 0);
	FUZZ_CHECK(journal_append(j, 0, "end %s ok 4", eb) == 0);
	size = lseek(fd, 0, SEEK_END);
	text = xmalloc(size + 1);
	FUZZ_CHECK(pread(fd, text, size, 0) == size);
	js = journal_parse(text, size, &cause);
	FUZZ_CHECK(js != NULL);
	FUZZ_CHECK(js->root != NULL && strcmp(js->root, a) == 0);
	FUZZ_CHECK(js->profile != NULL && strcmp(js->profile, b) == 0);
	FUZZ_CHECK((s = jstate_find(js, b)) != NULL);
	FUZZ_CHECK(s->ended && strcmp(s->result, "ok") == 0);
	FUZZ_CHECK(s->previous != NULL && strcmp(s->previous, a) == 0);
	jstate_free(js);
	free(text);
	free(ea);
	free(eb);
	free(a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	fuzz_journal_parse(data, len);
	fuzz_journal_values(data, len);
	return 0;
}
