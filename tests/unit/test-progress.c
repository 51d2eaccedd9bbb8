/* test-progress.c — unit tests for the JSON-lines face: every event is one JSON object, with its keys. */
/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "armpy.h"
#include "progress.h"
#include "plan.h"

/* The JSON lines the observer wrote for one step whose title and texts are not UTF-8. */
static char *
events(const char *title, const char *detail, const char *cause)
{
	struct step s = { .id = "one", .title = (char *)title, .kind = ACTION_RUN };
	struct exec_observer obs;
	struct progress *h;
	struct buf b;
	int fd[2];

	assert_int_equal(pipe(fd), 0);
	h = progress_new(1, fd[1]);
	progress_observer(h, &obs);
	obs.step_start(obs.arg, &s, 1, 1);
	obs.progress(obs.arg, &s, -1, detail);
	obs.step_end(obs.arg, &s, STEP_FAILED, cause);
	progress_run_end(h, "failed", 1, "20260101-000000-1", "/r/\xff", NULL);
	progress_free(h);
	close(fd[1]);
	buf_init(&b);
	buf_read_fd(&b, fd[0], 1 << 20);
	close(fd[0]);
	return buf_steal(&b);
}

/* Bytes that are not UTF-8 (jansson refuses them) become U+FFFD; the key is never dropped. */
static void
test_json_bad_utf8(void **state)
{
	char *out = events("caf\xe9 \x1b[2K", "50% of caf\xe9\xff", "exit \xc3"), *line, *save;
	const char *want[][2] = {
		{ "title", "caf\xef\xbf\xbd \x1b[2K" }, { "detail", "50% of caf\xef\xbf\xbd\xef\xbf\xbd" },
		{ "cause", "exit \xef\xbf\xbd" }, { "run_dir", "/r/\xef\xbf\xbd" },
	};
	size_t n = 0, found = 0;

	(void)state;
	for (line = strtok_r(out, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		json_error_t err;
		json_t *o = json_loads(line, 0, &err);

		assert_non_null(o);
		n++;
		for (size_t i = 0; i < nitems(want); i++) {
			json_t *v = json_object_get(o, want[i][0]);
			if (v == NULL)
				continue;
			assert_true(json_is_string(v));
			assert_string_equal(json_string_value(v), want[i][1]);
			found++;
		}
		if (json_object_get(o, "event") != NULL &&
		    strcmp(json_string_value(json_object_get(o, "event")), "run_end") == 0)
			assert_true(json_is_null(json_object_get(o, "log")));
		json_decref(o);
	}
	assert_int_equal(n, 4);                 /* step_start, progress, step_end, run_end */
	assert_int_equal(found, nitems(want));
	free(out);
}

/* Text that is UTF-8 keeps its exact bytes (controls included: JSON escapes them). */
static void
test_json_exact(void **state)
{
	char *out = events("Say \xe2\x80\xae hello\r", "12.3 MiB of 80.0 MiB", NULL);

	(void)state;
	assert_non_null(strcasestr(out, "\"title\":\"Say \\u202e hello\\r\""));
	assert_non_null(strstr(out, "\"detail\":\"12.3 MiB of 80.0 MiB\""));
	assert_non_null(strstr(out, "\"cause\":null"));
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_bad_utf8),
		cmocka_unit_test(test_json_exact),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
