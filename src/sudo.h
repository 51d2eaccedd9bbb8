/* sudo.h — sudo for a user who is not root: which steps use it, asking once, keeping it alive. */
/* SPDX-License-Identifier: MIT */
#ifndef SUDO_H
#define SUDO_H

#include <stddef.h>
#include <sys/types.h>

struct exec;
struct exec_opts;
struct plan;
struct step;

#define SUDO_PATH "/usr/bin/sudo"
#define SUDO_REFRESH_DEFAULT 60      /* seconds between `sudo -n -v` when sudo's policy is unknown */
#define SUDO_REFRESH_FLOOR 1         /* seconds: the shortest refresh interval */
#define SUDO_TIMEOUT_DEFAULT 15.0    /* minutes: timestamp_timeout when sudoers does not set it */
#define SUDO_TRIES 3                 /* passwords per ask, as sudo's passwd_tries */
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
/* Pure: sudo's timestamp_timeout in minutes from what `LANG=C sudo -n -l` prints: the last
 * "timestamp_timeout=N" (or "!timestamp_timeout", 0) among the entries under its "Matching
 * Defaults entries for USER on HOST:" line (entries split at commas outside quotes, lines
 * wrapped with an indent); SUDO_TIMEOUT_DEFAULT when none sets it. Negative: never expires;
 * 0: sudo asks every time. 0, or -1 when that value is not a decimal number. */
int sudo_timeout_parse(const char *listing, double *minutes);
/* Pure: seconds between refreshes for a timestamp_timeout of minutes: a third of it, at least
 * SUDO_REFRESH_FLOOR; 0 (no refresh) when it is 0 or never expires. */
int sudo_refresh_for(double minutes);
/* ARMPY_SUDO_REFRESH (seconds, 0 = off) when set; else sudo_refresh_for sudo's own
 * timestamp_timeout (`sudo -n -l`, which needs sudo to work without asking now); else
 * SUDO_REFRESH_DEFAULT. *why (new, may be NULL) says which, for the log. */
int sudo_refresh_interval(char **why);
/* Right after sudo accepted a password: 1 when it kept no timestamp (`sudo -n true` fails), as
 * with timestamp_timeout=0: every privileged step then needs the password again. */
int sudo_keeps_no_timestamp(void);
/* A password read on /dev/tty after prompt, echo off, one line (no newline) into buf: 1 read,
 * 0 none (end of input, interrupted, or no answer within SUDO_ASK_TIMEOUT), -1 with *cause (no
 * terminal, too long). The caller wipes buf. */
int sudo_read_password(const char *prompt, char *buf, size_t size, char **cause);
/* Before step s when sudo keeps no timestamp: the observer's ask_sudo gives a password (up to
 * SUDO_TRIES, each checked with `sudo -S -v`); the executor keeps it for the step's own sudo
 * commands (`sudo -S`, on their stdin) and frees it with sudo_password_free. The password
 * (SUDO_PASSWORD_MAX + 1 bytes), or NULL with *cause. */
struct exec_observer;
char *sudo_step_password(const struct exec_observer *, const struct step *s, char **cause);
void sudo_password_free(char *);   /* wiped, then freed; NULL: nothing */
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
