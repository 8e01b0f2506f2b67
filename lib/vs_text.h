/* vs_text.h - line-by-line parsing of /proc and /sys text files.
 *
 * The kernel's allocator files (buddyinfo, pagetypeinfo, zoneinfo, vmstat,
 * slabinfo, interrupts) are tables of whitespace-separated tokens. A parser
 * is a function called once per line; the same function runs on a file
 * read below a vs_root (streamed through vs_lines, never held whole) and on
 * text in memory (for unit tests on captured and hostile files).
 *
 * seq_file always ends a line with '\n': a last line without one means the
 * file was cut short, and the callback is told so (@complete false).
 */
#ifndef VS_TEXT_H
#define VS_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vs_err.h"
#include "vs_root.h"

/* Where the parser is: for messages that name the file, line and text. */
struct vs_text_pos {
	const char *path;	/* as the user sees it (root prefix included) */
	unsigned long lineno;	/* from 1 */
	bool complete;		/* the line ended with '\n' */
	const char *orig;	/* the line as read, for messages (the
				 * callback's copy may be cut by vs_tok) */
};

/* A parser's line callback: @line is NUL-terminated and may be modified
 * in place. Returns 0 to go on, or a negative errno (with @e set) to stop. */
typedef int (*vs_text_fn)(void *arg, char *line, size_t len,
			  const struct vs_text_pos *pos, struct vs_err *e);

/* Run @fn over every line of @text (@len bytes), naming it @path. A line
 * longer than 1 MiB is -EOVERFLOW. Returns 0 or the first negative errno. */
int vs_text_parse(const char *text, size_t len, const char *path,
		  vs_text_fn fn, void *arg, struct vs_err *e);

/* Run @fn over every line of the file @path below @r. */
int vs_text_parse_file(const struct vs_root *r, const char *path,
		       vs_text_fn fn, void *arg, struct vs_err *e);

/* -EBADMSG with "'PATH' line N: WHAT: 'LINE'" in @e (the line as read,
 * cut to 80 bytes). Returns -EBADMSG. */
int vs_text_bad(struct vs_err *e, const struct vs_text_pos *pos,
		const char *what);

/* Whether @line holds only blanks. */
bool vs_blank(const char *line);

/* The next whitespace-separated token at *@p (NUL-terminated in place), or
 * NULL at the end of the line; *@p moves past it. */
char *vs_tok(char **p);

/* A decimal unsigned integer token, strictly: digits only, no sign, no
 * overflow past 64 bits. Returns 0, -EINVAL or -ERANGE. */
int vs_tok_u64(const char *tok, uint64_t *v);

/* A decimal signed integer token. Returns 0, -EINVAL or -ERANGE. */
int vs_tok_i64(const char *tok, int64_t *v);

/* Read the small file @path below @r as one unsigned integer (sysfs and
 * /proc/sys style: "500\n"). Returns 0 or a negative errno (-EBADMSG when
 * it holds something else). */
int vs_read_u64(const struct vs_root *r, const char *path, uint64_t *v,
		struct vs_err *e);

/* ---- name/value lists: the "name value" files (vmstat, zoneinfo) ----- */

/* One counter, its name as the kernel prints it. */
struct vs_kv {
	char *name;		/* owned */
	uint64_t value;
};

/* Counters in the order the kernel printed them; a newer kernel's are kept
 * like the others. */
struct vs_kvlist {
	size_t n, cap;
	struct vs_kv *kv;
};

/* Append @name = @value. Returns 0 or -ENOMEM. */
int vs_kvlist_add(struct vs_kvlist *l, const char *name, uint64_t value);

/* The counter named @name, or NULL. */
const struct vs_kv *vs_kvlist_get(const struct vs_kvlist *l,
				  const char *name);

void vs_kvlist_free(struct vs_kvlist *l);

/* /proc/vmstat: every "name value" line into @l (emptied first). A line of
 * another shape, or a number past 64 bits, is -EBADMSG. */
int vs_vmstat_parse(const char *text, size_t len, const char *path,
		    struct vs_kvlist *l, struct vs_err *e);
int vs_vmstat_read(const struct vs_root *r, struct vs_kvlist *l,
		   struct vs_err *e);

#endif
