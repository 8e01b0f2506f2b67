/* vs_exit.h - the exit statuses of every vmscope command.
 *
 * Each man page's EXIT STATUS section lists these. When a run meets several
 * problems (one PID missing, another unreadable), the status is the first
 * of this order that applies: usage error, failure, permission denied,
 * unsupported, not found.
 */
#ifndef VS_EXIT_H
#define VS_EXIT_H

#define VS_EXIT_OK		0	/* everything asked for was shown */
#define VS_EXIT_FAILURE		1	/* something could not be read or
					 * written: malformed /proc content,
					 * an I/O error, out of memory */
#define VS_EXIT_USAGE		2	/* bad option or argument */
#define VS_EXIT_UNSUPPORTED	3	/* the kernel lacks a file or feature
					 * the command needs */
#define VS_EXIT_PERMISSION	4	/* permission denied (root needed) */
#define VS_EXIT_NOTFOUND	42	/* a process asked for does not exist
					 * or exited while being read (as
					 * pmap's 42) */

#endif
