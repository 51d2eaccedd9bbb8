/* common.c — helpers the screens share: list keys and drawing, child capture. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "screen.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

void
screen_list_leave(struct wizard *w, void *state)
{
	(void)w;
	wizard_list_free(state);
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

/* argv in a child of its own process group (cancelling reaches its children), stdin
 * /dev/null, stdout and stderr on two pipes; -1 when it cannot start. */
struct run {
	pid_t pid;
	int fd[2];                /* stdout, stderr; -1 once at their end */
	struct buf out, err, part;     /* part: stderr's unfinished line */
	int (*line)(void *, const char *);
	void *arg;
};

/* Complete stderr lines go to run->line; those it does not take are kept in err. */
static void
run_lines(struct run *r)
{
	char *nl;

	while ((nl = memchr(r->part.data, '\n', r->part.len)) != NULL) {
		size_t len = nl - r->part.data + 1;
		*nl = '\0';
		if (r->line == NULL || !r->line(r->arg, r->part.data)) {
			buf_puts(&r->err, r->part.data);
			buf_puts(&r->err, "\n");
		}
		memmove(r->part.data, nl + 1, r->part.len - len + 1);
		r->part.len -= len;
	}
}

/* One read from stream i (0 stdout, 1 stderr); closes it at its end. */
static void
run_read(struct run *r, int i)
{
	char chunk[4096];
	ssize_t n = read(r->fd[i], chunk, sizeof chunk);

	if (n < 0 && errno == EINTR)
		return;
	if (n <= 0) {
		close(r->fd[i]);
		r->fd[i] = -1;
		return;
	}
	if (i == 0 && r->out.len < (1 << 20))
		buf_add(&r->out, chunk, n);
	if (i == 1 && r->part.len < (1 << 20)) {
		buf_add(&r->part, chunk, n);
		run_lines(r);
	}
}

/* A key while it runs (poll said the terminal is readable): 1 when it cancels (Esc or q, or
 * no key at all: the terminal hung up, and polling it again would spin), a resize redraws. */
static int
run_key(struct run *r)
{
	int c;

	nodelay(stdscr, TRUE);
	c = getch();
	nodelay(stdscr, FALSE);
	if (c == KEY_RESIZE && r->line != NULL)
		r->line(r->arg, NULL);
	return c == 27 || c == 'q' || c == ERR;
}

/* Cancelled: SIGTERM to the group, SIGKILL to what is left after a second. Meanwhile this
 * process is the subreaper of the group's orphans, and reaps every one: no zombie is left. */
static void
run_stop(pid_t pid)
{
	int status, was = 0;
	siginfo_t si;

	prctl(PR_GET_CHILD_SUBREAPER, &was);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	kill(-pid, SIGTERM);
	for (int i = 0; i < 50; i++) {
		memset(&si, 0, sizeof si);
		if (waitid(P_PID, pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == pid)
			break;
		usleep(20000);
	}
	kill(-pid, SIGKILL);        /* the leader is not reaped yet: its group id is still ours */
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	while (waitpid(-pid, &status, 0) > 0 || errno == EINTR)
		;
	prctl(PR_SET_CHILD_SUBREAPER, was);
}

int
screen_run_capture(char *const argv[], char **out, char **err,
    int (*line)(void *arg, const char *text), void *arg)
{
	struct run r = { .line = line, .arg = arg };
	int status = 0, cancelled = 0;

	*out = *err = NULL;
	if ((r.fd[0] = proc_spawn_err(argv, PROC_NEW_GROUP, 0, &r.pid, &r.fd[1])) < 0)
		return -1;
	buf_init(&r.out);
	buf_init(&r.err);
	buf_init(&r.part);
	while (r.fd[0] >= 0 || r.fd[1] >= 0) {
		struct pollfd pfd[3] = { { r.fd[0], POLLIN, 0 }, { r.fd[1], POLLIN, 0 },
		    { 0, POLLIN, 0 } };
		if (poll(pfd, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			status = -1;            /* cannot wait for it: stop it */
			break;
		}
		if ((pfd[2].revents & (POLLIN | POLLHUP | POLLERR)) && run_key(&r)) {
			cancelled = 1;
			break;
		}
		for (int i = 0; i < 2; i++)
			if (r.fd[i] >= 0 && (pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				run_read(&r, i);
	}
	if (cancelled || status < 0)
		run_stop(r.pid);
	for (int i = 0; i < 2; i++)
		if (r.fd[i] >= 0)
			close(r.fd[i]);
	if (!cancelled && status == 0)
		while (waitpid(r.pid, &status, 0) < 0 && errno == EINTR)
			;
	buf_puts(&r.err, r.part.data ? r.part.data : "");
	buf_free(&r.part);
	*out = buf_steal(&r.out);
	*err = buf_steal(&r.err);
	if (cancelled || status < 0)
		return cancelled ? SCREEN_RUN_CANCELLED : -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
