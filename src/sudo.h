/* sudo.h — sudo for a user who is not root: which steps use it, asking once, keeping it alive. */
/* SPDX-License-Identifier: MIT */
#ifndef SUDO_H
#define SUDO_H

#include <stddef.h>
#include <sys/types.h>

struct exec_opts;
struct plan;
struct step;

#define SUDO_PATH "/usr/bin/sudo"
#define SUDO_REFRESH_DEFAULT 60      /* seconds between `sudo -n -v` while a run needs sudo */
#define SUDO_ASK_TIMEOUT 300         /* seconds the terminal prompt may wait for a password */
#define SUDO_PASSWORD_MAX 1024

/* Pure: 1 when armpy runs this step through sudo when it is not root (privileged run, write and
 * alternative steps; downloads, extractions and validations always run as the user). */
int step_uses_sudo(const struct step *);
/* How many of the plan's steps use sudo when armpy is not root. */
size_t sudo_steps(const struct plan *);
/* 1 when armpy is not root and the plan has a step that uses sudo. */
int sudo_needed(const struct plan *);
/* 1 when sudo works now without asking: `sudo -n -v` (which also refreshes the timestamp) or
 * `sudo -n true` succeeds. Quiet, bounded in time. */
int sudo_ready(void);
/* 1 when stdin is a terminal and the process has one to prompt on (/dev/tty). */
int sudo_has_terminal(void);
/* `sudo -v` on the terminal: sudo itself asks for the password (and retries as its policy
 * says); armpy never sees it. 0 when sudo accepted, -1 with *cause otherwise. A face that uses
 * curses must leave curses mode first. */
int sudo_validate_tty(char **cause);
/* `sudo -S -v`, the password written to its stdin through a pipe (never argv, environment or
 * a file). 0 accepted; -1 with *cause ("sudo did not accept the password", or sudo's own
 * reason). One attempt per call; the caller counts retries and wipes the password. */
int sudo_validate_password(const char *password, char **cause);
/* ARMPY_SUDO_REFRESH (seconds, 0 = off), else SUDO_REFRESH_DEFAULT. */
int sudo_refresh_interval(void);
/* A child that runs `sudo -n -v` every interval seconds until sudo_keepalive_stop or the death
 * of its parent. Returns its pid, 0 when interval <= 0, -1 when fork failed. */
pid_t sudo_keepalive_start(int interval);
void sudo_keepalive_stop(pid_t);

/* Why a run cannot start (not root, sudo wants a password, no terminal to ask on) and the three
 * ways forward. A new string. */
char *sudo_refusal(const struct plan *);

/* sudoers.c (above the executor: it asks exec.c for each step's exact sudo commands). */
/* Pure: one argument written so that a sudoers Cmnd matches exactly it (",:=# \t" and the
 * wildcards escaped, "\\" doubled twice); NULL when sudoers cannot say it (empty, newline). */
char *sudoers_escape(const char *arg);
/* Pure: a word as a shell would need it, on one line (control characters as $'\n'...). */
char *sudo_shell_word(const char *word);
/* Pure: "Cmnd_Alias ARMPY_PLAN = ..." and "USER ALL=(root) NOPASSWD: ARMPY_PLAN" for these
 * commands (argv vectors as exec_sudo_commands gives them, starting "sudo" "-n"), duplicates
 * once, lines continued with " \"; NULL with *cause when a command cannot be written. */
char *sudoers_rule(const char *user, char ***cmds, char **cause);
/* The dry-run's YAML comment block: every command the plan would run through sudo (when this
 * user, not root, runs it here) and a sudoers rule allowing only them. "" when none would. */
char *sudo_listing(const struct plan *, const struct exec_opts *);

#endif
