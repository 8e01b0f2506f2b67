/* vs_exit.h - the exit statuses of every vmscope command, and their rule.
 *
 * The rule, the same for every command (each man page's EXIT STATUS says
 * it too, and tests/cli/exits.bats checks it across the commands):
 *
 *   0   Everything asked for was shown. What only adds to a view (a note
 *       that vmscope.ko would add figures, a secondary file such as
 *       zoneinfo beside buddyinfo) may be missing: it shows as "-" (null
 *       in JSON), is said once on stderr, and leaves the status at 0,
 *       unless the user asked for it by name (an option, -o COLUMN).
 *   1   Something could not be read or written: a malformed file (named,
 *       with its line), a value no kernel can hold (a number past 64
 *       bits, a slab order past 31), an empty file that must have
 *       content, a FIFO or other non-regular file where a /proc or /sys
 *       file belongs, an I/O error, out of memory.
 *   2   A usage error: an unknown option, a malformed argument, options
 *       that exclude each other. Nothing is read.
 *   3   Unsupported: the kernel (or the --sysroot tree) lacks a file or
 *       feature the command needs; the message names the file. A file
 *       missing beside a live /proc/PID is 3, never 42.
 *   4   Permission denied (root or CAP_SYS_PTRACE needed); the message
 *       names the file and a hint says what is needed.
 *   42  A process asked for by PID is not there: it does not exist,
 *       exited while it was read, or is a zombie (exited, not yet reaped:
 *       it has no address space, so nothing is shown for it). A zombie
 *       thread-group leader whose threads live is not a zombie here: its
 *       address space is read through a live thread (vs_proc.h). Like
 *       pmap's 42.
 *
 * A partial result - some targets shown, others not (one PID of three
 * missing, one slab cache whose counts file is bad) - shows all it can,
 * says on stderr why each missing part is missing, and exits with the
 * status of what was left out. When a run meets several problems, the
 * status is the first of this order that applies: 2, 1, 4, 3, 42
 * (cmd_status_add). A closed pipe (cmd | head) is not an error: 0.
 * Killed by SIGINT, SIGTERM or SIGHUP, a command undoes what it changed
 * and dies of the signal (128 + its number).
 */
#ifndef VS_EXIT_H
#define VS_EXIT_H

#define VS_EXIT_OK		0	/* everything asked for was shown */
#define VS_EXIT_FAILURE		1	/* something could not be read or
					 * written: malformed content, an
					 * I/O error, out of memory */
#define VS_EXIT_USAGE		2	/* bad option or argument */
#define VS_EXIT_UNSUPPORTED	3	/* the kernel lacks a file or feature
					 * the command needs */
#define VS_EXIT_PERMISSION	4	/* permission denied (root needed) */
#define VS_EXIT_NOTFOUND	42	/* a process asked for does not
					 * exist, exited while being read,
					 * or is a zombie (as pmap's 42) */

#endif
