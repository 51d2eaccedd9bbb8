/* common.c — helpers the screens share: status message, list keys and drawing, child capture. */
#include "armpy.h"
#include "screen.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char *message;
static enum tui_kind message_kind;

void
screen_message(enum tui_kind k, const char *fmt, ...)
{
	va_list ap;

	free(message);
	va_start(ap, fmt);
	message = xvasprintf(fmt, ap);
	va_end(ap);
	message_kind = k;
}

char *
screen_message_take(enum tui_kind *k)
{
	char *m = message;

	*k = message_kind;
	message = NULL;
	return m;
}

int
screen_list_key(int key, int *cursor, int n)
{
	switch (key) {
	case KEY_UP: case 'k': case KEY_BTAB:
		if (*cursor > 0)
			(*cursor)--;
		return 1;
	case KEY_DOWN: case 'j': case '\t':
		if (*cursor < n - 1)
			(*cursor)++;
		return 1;
	case KEY_HOME: case 'g':
		*cursor = 0;
		return 1;
	case KEY_END: case 'G':
		*cursor = n - 1;
		return 1;
	case KEY_PPAGE:
		*cursor = *cursor > 5 ? *cursor - 5 : 0;
		return 1;
	case KEY_NPAGE:
		*cursor = *cursor + 5 < n ? *cursor + 5 : n - 1;
		return 1;
	}
	return 0;
}

void
screen_list_draw(WINDOW *win, const struct wizard_list *l, int y, int height, int *cursor,
    int *top, const char *current, int noterows)
{
	int width = COLS - 4;

	if (*cursor >= l->n)
		*cursor = l->n - 1;
	if (*cursor < 0)
		*cursor = 0;
	tui_scroll(*cursor, l->n, height, top);
	for (int i = 0; i < height && *top + i < l->n; i++) {
		const struct wizard_choice *c = &l->v[*top + i];
		int on = current != NULL && strcmp(current, c->key) == 0;
		char *t = xasprintf("%s %s%s", tui_mark(0, on, c->disabled), c->label,
		    c->disabled ? "  (not available)" : "");
		tui_line(win, y + i, 2, width, *top + i == *cursor, c->disabled, t);
		free(t);
	}
	if (*top > 0)
		mvwaddstr(win, y, COLS - 2, "^");
	if (*top + height < l->n)
		mvwaddstr(win, y + height - 1, COLS - 2, "v");
	if (l->n > 0 && noterows > 0) {
		const struct wizard_choice *c = &l->v[*cursor];
		int r = 0;
		if (c->disabled && c->reason != NULL) {
			char *t = xasprintf("Not available: %s", c->reason);
			r = tui_wrap(win, y + height + 1, 4, COLS - 6, noterows, TUI_WARN, t);
			free(t);
		}
		if (r < noterows)
			tui_wrap(win, y + height + 1 + r, 4, COLS - 6, noterows - r, TUI_NORMAL,
			    c->note);
	}
}

int
screen_run_capture(char *const argv[], char **out)
{
	int fd, status, cancelled = 0;
	pid_t pid;
	struct buf b;
	char chunk[4096];
	ssize_t n;

	*out = NULL;
	/* its own group: cancelling stops its children too */
	fd = proc_spawn(argv, PROC_MERGE_STDERR | PROC_NEW_GROUP, 0, &pid);
	if (fd < 0)
		return -1;
	buf_init(&b);
	for (;;) {
		struct pollfd pfd[2] = { { fd, POLLIN, 0 }, { 0, POLLIN, 0 } };
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[1].revents & POLLIN) {
			/* Esc or q cancels: the child is asked to stop. */
			int c;
			nodelay(stdscr, TRUE);
			c = getch();
			nodelay(stdscr, FALSE);
			if (c == 27 || c == 'q') {
				kill(-pid, SIGTERM);
				kill(pid, SIGTERM);
				cancelled = 1;
				break;
			}
		}
		if (pfd[0].revents & (POLLIN | POLLHUP)) {
			n = read(fd, chunk, sizeof chunk);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			if (b.len < (1 << 20))
				buf_add(&b, chunk, n);
		}
	}
	close(fd);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	*out = buf_steal(&b);
	if (cancelled)
		return SCREEN_RUN_CANCELLED;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
