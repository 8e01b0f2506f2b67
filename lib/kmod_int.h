/* kmod_int.h - what the files of the module client (lib/kmod*.c) share:
 * the handle, the list-request loop and the reply limits. Not for
 * commands: they use vs_kmod.h. */
#ifndef VS_KMOD_INT_H
#define VS_KMOD_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "vs_kmod.h"

#define KMOD_MAX_ZONES		65536	/* more records than these in a */
#define KMOD_MAX_PCP		(1u << 24)	/* reply: the reply is wrong */
#define KMOD_MAX_CACHES		65536
#define KMOD_MAX_SLAB_NODES	(1u << 24)
#define KMOD_MAX_CPUS		(1u << 20)
#define KMOD_TRIES		5	/* list requests retried this often */
#define KMOD_WALK_BATCH		512u

struct vs_kmod {
	struct vs_kmod_ops ops;
	void *ctx;
	struct vs_kmod_info info;
	unsigned batch;			/* WALK records per request */
	unsigned want;			/* VS_KMOD_WANT_* */
	uint64_t max_hold_ns;		/* of the last list request */
};

/* A NUL within @s[0 .. size - 1]? */
static inline bool kmod_has_nul(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

/* A list reply in memory. */
struct list_reply {
	void *buf;
	size_t n;
	void *aux;
	size_t naux;
};

/* Ask @req (with the VS_Q_F_* @flags) until the arrays hold every record
 * (at most KMOD_TRIES times: each try is a new snapshot). @guess,
 * @aux_guess: first sizes; @max, @aux_max: more records than this is a
 * bad reply. On success @out holds the records (free buf and aux) and
 * k->max_hold_ns the module's longest lock hold. */
int kmod_list_query(struct vs_kmod *k, unsigned long req, const char *what,
		    unsigned flags, size_t rec_size, size_t aux_size,
		    size_t guess, size_t aux_guess, size_t max, size_t aux_max,
		    struct list_reply *out, struct vs_err *e);

#endif
