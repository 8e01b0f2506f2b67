/* slabtop.c - the slabtop-compatible view of vmslab.
 *
 * slabtop -o prints a summary and one line per cache of /proc/slabinfo,
 * with the sums, percentages and rounding of procps' libproc2. This view
 * takes slabtop's options (-o, -s with its letters, -d) and prints the
 * same bytes for the same slabinfo. Without -o it prints again every
 * delay (no curses, no keys; the screen is cleared on a terminal). Where
 * it departs from slabtop is in vmslab(1), COMPATIBILITY.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "vmslab.h"
#include "vs_fmt.h"

/* slabtop's sort keys. */
enum skey { K_OBJS, K_ACTIVE, K_OBJ_SIZE, K_OBJ_PER_SLAB, K_PAGES,
	    K_SLABS, K_ACTIVE_SLABS, K_SIZE, K_USE, K_NAME };

struct line {
	const struct vs_slab_cache *c;
	unsigned use;		/* percent, as libproc2 rounds it */
	uint64_t size;		/* slabs x pages per slab x page size */
	size_t pos;
};

static enum skey key = K_OBJS;

static uint64_t keyval(const struct line *l)
{
	switch (key) {
	case K_OBJS: return l->c->num_objs;
	case K_ACTIVE: return l->c->active_objs;
	case K_OBJ_SIZE: return l->c->slot_size;
	case K_OBJ_PER_SLAB: return l->c->objs_per_slab;
	case K_PAGES: return l->c->pages_per_slab;
	case K_SLABS: return l->c->num_slabs;
	case K_ACTIVE_SLABS: return l->c->active_slabs;
	case K_SIZE: return l->size;
	case K_USE: return l->use;
	case K_NAME: return 0;
	}
	return 0;
}

/* Descending, names ascending in the locale's order; ties keep the order
 * of the file (glibc's qsort is a merge sort there: stable). */
static int line_cmp(const void *a, const void *b)
{
	const struct line *x = a, *y = b;
	int r;

	if (key == K_NAME) {
		r = strcoll(x->c->name, y->c->name);
	} else {
		uint64_t vx = keyval(x), vy = keyval(y);

		r = vx > vy ? -1 : vx < vy ? 1 : 0;
	}
	if (r == 0)
		r = x->pos < y->pos ? -1 : x->pos > y->pos;
	return r;
}

static void set_key(char c)
{
	switch (tolower((unsigned char)c)) {
	case 'n': key = K_NAME; break;
	case 'a': key = K_ACTIVE; break;
	case 's': key = K_OBJ_SIZE; break;
	case 'b': key = K_OBJ_PER_SLAB; break;
	case 'p': key = K_PAGES; break;
	case 'l': key = K_SLABS; break;
	case 'v': key = K_ACTIVE_SLABS; break;
	case 'c': key = K_SIZE; break;
	case 'u': key = K_USE; break;
	default: key = K_OBJS; break;	/* 'o' and any other letter */
	}
}

static double pct(uint64_t a, uint64_t b)
{
	return 100.0 * (double)a / (double)b;
}

static int print_once(const struct vs_slabs *s)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	uint64_t objs = 0, active = 0, slabs = 0, aslabs = 0, caches = 0;
	uint64_t acaches = 0, total_size = 0, active_size = 0;
	uint64_t min = INT_MAX, max = 0, avg = 0;
	struct line *lines = calloc(s->n ? s->n : 1, sizeof(*lines));

	if (!lines)
		cmd_die(VS_EXIT_FAILURE, "out of memory");
	for (size_t i = 0; i < s->n; i++) {
		const struct vs_slab_cache *c = &s->c[i];

		lines[i].c = c;
		lines[i].pos = i;
		lines[i].size = c->num_slabs * c->pages_per_slab * page;
		/* libproc2 rounds through a float. */
		lines[i].use = c->num_objs ?
			(unsigned)(100 * ((float)c->active_objs /
					  (float)c->num_objs)) : 0;
		if (c->num_objs)
			acaches++;
		if (c->slot_size < min)
			min = c->slot_size;
		if (c->slot_size > max)
			max = c->slot_size;
		objs += c->num_objs;
		active += c->active_objs;
		total_size += c->num_objs * c->slot_size;
		active_size += c->active_objs * c->slot_size;
		slabs += c->num_slabs;
		aslabs += c->active_slabs;
		caches++;
	}
	if (objs)
		avg = total_size / objs;
	qsort(lines, s->n, sizeof(*lines), line_cmp);
	printf(" %-35s: %llu / %llu (%.1f%%)\n", "Active / Total Objects (% used)",
	       (unsigned long long)active, (unsigned long long)objs,
	       pct(active, objs));
	printf(" %-35s: %llu / %llu (%.1f%%)\n", "Active / Total Slabs (% used)",
	       (unsigned long long)aslabs, (unsigned long long)slabs,
	       pct(aslabs, slabs));
	printf(" %-35s: %llu / %llu (%.1f%%)\n", "Active / Total Caches (% used)",
	       (unsigned long long)acaches, (unsigned long long)caches,
	       pct(acaches, caches));
	printf(" %-35s: %.2fK / %.2fK (%.1f%%)\n", "Active / Total Size (% used)",
	       (double)active_size / 1024.0, (double)total_size / 1024.0,
	       pct(active_size, total_size));
	printf(" %-35s: %.2fK / %.2fK / %.2fK\n\n",
	       "Minimum / Average / Maximum Object", (double)min / 1024.0,
	       (double)avg / 1024.0, (double)max / 1024.0);
	printf("%-78s\n", "  OBJS ACTIVE  USE OBJ SIZE  SLABS OBJ/SLAB CACHE "
	       "SIZE NAME");
	for (size_t i = 0; i < s->n; i++) {
		const struct vs_slab_cache *c = lines[i].c;

		printf("%6llu %6llu %3u%% %7.2fK %6llu %8llu %9lluK %-23s\n",
		       (unsigned long long)c->num_objs,
		       (unsigned long long)c->active_objs, lines[i].use,
		       (double)c->slot_size / 1024.0,
		       (unsigned long long)c->num_slabs,
		       (unsigned long long)c->objs_per_slab,
		       (unsigned long long)(lines[i].size / 1024), c->name);
	}
	free(lines);
	if (fflush(stdout) != 0)
		return errno == EPIPE ? -EPIPE : -EIO;
	return 0;
}

int slabtop_main(int argc, char **argv, struct vs_root **root)
{
	enum { OPT_SYSROOT = 0x100, OPT_SLABTOP };
	static const struct option longopts[] = {
		{ "delay", required_argument, NULL, 'd' },
		{ "sort", required_argument, NULL, 's' },
		{ "once", no_argument, NULL, 'o' },
		{ "slabtop", no_argument, NULL, OPT_SLABTOP },
		{ "sysroot", required_argument, NULL, OPT_SYSROOT },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sysroot = NULL;
	uint64_t delay = 0;
	bool once = false;
	struct vs_err e;
	int c, status = VS_EXIT_OK;

	while ((c = getopt_long(argc, argv, "d:s:ohV", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (once)
				cmd_usage_error("-d and -o cannot be used together");
			if (vs_parse_u64(optarg, 10, &delay) < 0 || delay < 1 ||
			    delay > 86400)
				cmd_usage_error("the delay must be a positive "
						"integer: '%s'", optarg);
			break;
		case 's': set_key(optarg[0]); break;
		case 'o':
			if (delay)
				cmd_usage_error("-d and -o cannot be used together");
			once = true;
			break;
		case OPT_SLABTOP: break;
		case OPT_SYSROOT: sysroot = optarg; break;
		case 'h':
			printf("Usage:\n %s --slabtop [options]\n\n"
			       "slabtop's view of the slab caches. Options:\n"
			       " -d, --delay=SECONDS  print again every SECONDS\n"
			       " -o, --once           print once and exit\n"
			       " -s, --sort=CHAR      sort by a, b, c, l, v, n, o, p, s "
			       "or u (see vmslab(1))\n"
			       " -h, --help           show this help and exit\n"
			       " -V, --version        show the version and exit\n",
			       cmd_name());
			exit(VS_EXIT_OK);
		case 'V': cmd_version();
		default:
			fprintf(stderr, "Try '%s --help' for more information.\n",
				cmd_name());
			return VS_EXIT_USAGE;
		}
	}
	if (optind < argc)
		cmd_usage_error("unexpected argument '%s'", argv[optind]);
	if (!once && !delay)
		delay = 3;
	if (vs_root_new(sysroot, root, &e) < 0) {
		cmd_warn_err(&e);
		return VS_EXIT_FAILURE;
	}
	cmd_signals_init();
	do {
		struct vs_slabs s;
		int r;

		vs_slabs_init(&s);
		r = vs_slabinfo_read(&s, *root, &e);
		if (r < 0) {
			cmd_warn_err(&e);
			vs_slabs_free(&s);
			status = cmd_status_of_errno(r);
			break;
		}
		if (!once && isatty(STDOUT_FILENO))
			fputs("\033[H\033[2J", stdout);
		r = print_once(&s);
		vs_slabs_free(&s);
		if (r == -EPIPE)
			cmd_exit_closed_pipe();
		if (r < 0) {
			status = VS_EXIT_FAILURE;
			break;
		}
	} while (!once && cmd_sleep_ms(delay * 1000));
	vs_root_unref(*root);
	if (cmd_interrupted())
		cmd_exit_signal();
	return status;
}
