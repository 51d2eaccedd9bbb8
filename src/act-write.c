/* act-write.c — write steps: a file's content written atomically with its mode. */
#include "armpy.h"
#include "exec-int.h"
#include "plan.h"

#include <libgen.h>
#include <stdlib.h>
#include <string.h>

int
act_write(struct exec *e, const struct step *s, char **cause)
{
	char *path, *copy;
	const char *content = s->u.write.content != NULL ? s->u.write.content : "";
	int rc = -1, mode = s->u.write.mode != 0 ? s->u.write.mode : 0644;

	if (s->u.write.path == NULL) {
		cause_set(cause, "a write step needs a path");
		return -1;
	}
	path = exec_path(e, s->u.write.path);
	copy = xstrdup(path);
	if (mkdir_p(dirname(copy), 0755, cause) == 0) {
		exec_logf(e, "write %s (mode %04o, %zu bytes)", path, mode, strlen(content));
		rc = file_write_atomic(path, content, strlen(content), mode, cause);
	}
	free(copy);
	free(path);
	return rc;
}
