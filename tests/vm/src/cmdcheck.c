/* cmdcheck.c - the VM suite's checks of the commands' figures that come
 * from vmscope.ko, run inside the guest.
 *
 *   cmdcheck nomodule     without the module: vmfrag, vmslab and vmtlb say
 *                         once what loading it adds, their JSON says it is
 *                         not loaded, vmphys --walk and vmslab
 *                         --source=kmod exit 3 with the hint to load it
 *   cmdcheck frag [--small-budget]
 *                         vmfrag -J against /proc/buddyinfo, pagetypeinfo
 *                         and zoneinfo; vmfrag -t's text against
 *                         pagetypeinfo, lower bounds shown as ">=N" (with
 *                         the module loaded with hold_budget=1, some must
 *                         be)
 *   cmdcheck slab         vmslab -J --source=kmod --nodes against
 *                         /proc/slabinfo and /sys/kernel/slab
 *   cmdcheck walk PID     vmphys --walk -J of a stopped process against
 *                         /proc/PID/pagemap, its maps and VmPTE, and each
 *                         entry's decoded bits against its raw value
 *   cmdcheck tlb          vmtlb -J: each CPU's state, the CPU vmtlb runs
 *                         on; vmtlb -d -J: the module's flush counts
 *                         against the tracepoint's
 *
 * It runs the commands as a user would (from PATH, JSON on stdout), parses
 * their JSON with its own small parser (numbers kept as text, so 64-bit
 * values stay exact) and compares with the kernel's files read by
 * procfs.h: nothing here shares code with the library. Live figures
 * drift: a comparison counts only in an attempt where the file read the
 * same before and after the command, and must then agree exactly; the
 * attempts are bounded. TAP lines without numbers, as kmodcheck's.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "procfs.h"
#include "tap.h"

#define TRIES 12		/* attempts at a drifting comparison */
#define SLAB_TRIES 24		/* ... of ~150 caches' partial slabs */

/* Each line of @text as a diagnostic (at most @max lines). */
static void diag_text(const char *text, int max)
{
	const char *p = text;

	while (p && *p && max-- > 0) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);

		diag("%.*s", len, p);
		p = nl ? nl + 1 : NULL;
	}
}

/* ---- running a command ---------------------------------------------- */

struct run {
	pid_t pid;		/* the command's process */
	int status;		/* its exit status, or 128 + signal */
	char *out, *err;	/* what it wrote (malloc'd) */
};

static void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
	memset(r, 0, sizeof(*r));
}

/* Run @argv (from PATH) with stdout and stderr in files. */
static int run(struct run *r, char *const argv[])
{
	static const char *const out = "/tmp/cmdcheck.out",
			       *const err = "/tmp/cmdcheck.err";
	int st;

	memset(r, 0, sizeof(*r));
	fflush(stdout);
	r->pid = fork();
	if (r->pid < 0)
		return -errno;
	if (r->pid == 0) {
		int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (o < 0 || e < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
			_exit(125);
		execvp(argv[0], argv);
		_exit(127);
	}
	while (waitpid(r->pid, &st, 0) < 0)
		if (errno != EINTR)
			return -errno;
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	r->out = slurp(out);
	r->err = slurp(err);
	if (!r->out || !r->err)
		return -EIO;
	return 0;
}

/* The command line of @argv, for messages. */
static const char *cmdline(char *const argv[])
{
	static char buf[512];
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; argv[i] && n < sizeof(buf); i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s",
				      i ? " " : "", argv[i]);
	return buf;
}

static void pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* Lines of @text that start with @prefix. */
static int count_lines(const char *text, const char *prefix)
{
	int n = 0;
	size_t len = strlen(prefix);

	for (const char *p = text; p && *p; p = strchr(p, '\n') ?
	     strchr(p, '\n') + 1 : NULL)
		n += !strncmp(p, prefix, len);
	return n;
}

/* ---- a small JSON parser -------------------------------------------- */

enum jt { J_NULL, J_FALSE, J_TRUE, J_NUM, J_STR, J_ARR, J_OBJ };

struct jv {
	enum jt t;
	char *s;		/* J_NUM: as written; J_STR: the string */
	size_t n;		/* members of J_ARR and J_OBJ */
	struct jv *v;		/* ... their values */
	char **k;		/* ... J_OBJ: their keys */
};

struct jp {
	const char *p;
	const char *err;	/* the first error, or NULL */
	int depth;
};

static void jfree(struct jv *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++) {
		jfree(&v->v[i]);
		if (v->k)
			free(v->k[i]);
	}
	free(v->v);
	free(v->k);
	free(v->s);
	memset(v, 0, sizeof(*v));
}

static void jws(struct jp *j)
{
	while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')
		j->p++;
}

static bool jfail(struct jp *j, const char *why)
{
	if (!j->err)
		j->err = why;
	return false;
}

/* Append the UTF-8 of code point @c to @buf. */
static size_t utf8(unsigned long c, char *buf)
{
	if (c < 0x80) {
		buf[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		buf[0] = (char)(0xc0 | (c >> 6));
		buf[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		buf[0] = (char)(0xe0 | (c >> 12));
		buf[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		buf[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	buf[0] = (char)(0xf0 | (c >> 18));
	buf[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	buf[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	buf[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

static bool jhex4(struct jp *j, unsigned long *c)
{
	char h[5];
	char *end;

	memcpy(h, j->p, 4);
	h[4] = '\0';
	for (int i = 0; i < 4; i++)
		if (!isxdigit((unsigned char)h[i]))
			return jfail(j, "bad \\u escape");
	*c = strtoul(h, &end, 16);
	j->p += 4;
	return true;
}

/* A string, at its opening quote. */
static char *jstring(struct jp *j)
{
	size_t cap = 32, n = 0;
	char *out = malloc(cap);

	if (!out)
		return jfail(j, "out of memory"), NULL;
	j->p++;
	for (;;) {
		unsigned char c = (unsigned char)*j->p++;
		char enc[4];
		size_t len = 1;

		if (!c || c < 0x20) {
			free(out);
			return jfail(j, "unterminated string or a control "
				     "character in it"), NULL;
		}
		if (c == '"')
			break;
		enc[0] = (char)c;
		if (c == '\\') {
			unsigned long cp;

			c = (unsigned char)*j->p++;
			switch (c) {
			case '"': case '\\': case '/': enc[0] = (char)c; break;
			case 'b': enc[0] = '\b'; break;
			case 'f': enc[0] = '\f'; break;
			case 'n': enc[0] = '\n'; break;
			case 'r': enc[0] = '\r'; break;
			case 't': enc[0] = '\t'; break;
			case 'u':
				if (!jhex4(j, &cp)) {
					free(out);
					return NULL;
				}
				if (cp >= 0xd800 && cp < 0xdc00 &&
				    j->p[0] == '\\' && j->p[1] == 'u') {
					unsigned long lo;

					j->p += 2;
					if (!jhex4(j, &lo)) {
						free(out);
						return NULL;
					}
					cp = 0x10000 + ((cp - 0xd800) << 10) +
					     (lo - 0xdc00);
				}
				len = utf8(cp, enc);
				break;
			default:
				free(out);
				return jfail(j, "bad escape"), NULL;
			}
		}
		if (n + len + 1 > cap) {
			char *no = realloc(out, cap *= 2);

			if (!no) {
				free(out);
				return jfail(j, "out of memory"), NULL;
			}
			out = no;
		}
		memcpy(out + n, enc, len);
		n += len;
	}
	out[n] = '\0';
	return out;
}

static bool jvalue(struct jp *j, struct jv *out);

/* Append @val (and @key) to container @c. */
static bool jpush(struct jp *j, struct jv *c, struct jv *val, char *key)
{
	struct jv *nv = realloc(c->v, (c->n + 1) * sizeof(*nv));

	if (!nv)
		return jfail(j, "out of memory");
	c->v = nv;
	if (c->t == J_OBJ) {
		char **nk = realloc(c->k, (c->n + 1) * sizeof(*nk));

		if (!nk)
			return jfail(j, "out of memory");
		c->k = nk;
		c->k[c->n] = key;
	}
	c->v[c->n++] = *val;
	return true;
}

static bool jcontainer(struct jp *j, struct jv *out, bool obj)
{
	char close = obj ? '}' : ']';

	out->t = obj ? J_OBJ : J_ARR;
	if (++j->depth > 64)
		return jfail(j, "nested too deep");
	j->p++;
	jws(j);
	if (*j->p == close) {
		j->p++;
		j->depth--;
		return true;
	}
	for (;;) {
		struct jv val = { 0 };
		char *key = NULL;

		jws(j);
		if (obj) {
			if (*j->p != '"')
				return jfail(j, "a key is not a string");
			key = jstring(j);
			if (!key)
				return false;
			jws(j);
			if (*j->p++ != ':') {
				free(key);
				return jfail(j, "no ':' after a key");
			}
		}
		if (!jvalue(j, &val) || !jpush(j, out, &val, key)) {
			jfree(&val);
			free(key);
			return false;
		}
		jws(j);
		if (*j->p == ',') {
			j->p++;
			continue;
		}
		if (*j->p++ != close)
			return jfail(j, "no ',' or end of a container");
		j->depth--;
		return true;
	}
}

static bool jvalue(struct jp *j, struct jv *out)
{
	memset(out, 0, sizeof(*out));
	jws(j);
	switch (*j->p) {
	case '{': return jcontainer(j, out, true);
	case '[': return jcontainer(j, out, false);
	case '"':
		out->t = J_STR;
		out->s = jstring(j);
		return out->s != NULL;
	case 't':
		out->t = J_TRUE;
		if (strncmp(j->p, "true", 4))
			return jfail(j, "bad literal");
		j->p += 4;
		return true;
	case 'f':
		out->t = J_FALSE;
		if (strncmp(j->p, "false", 5))
			return jfail(j, "bad literal");
		j->p += 5;
		return true;
	case 'n':
		out->t = J_NULL;
		if (strncmp(j->p, "null", 4))
			return jfail(j, "bad literal");
		j->p += 4;
		return true;
	}
	if (*j->p == '-' || isdigit((unsigned char)*j->p)) {
		const char *start = j->p;

		if (*j->p == '-')
			j->p++;
		if (!isdigit((unsigned char)*j->p))
			return jfail(j, "bad number");
		while (isdigit((unsigned char)*j->p))
			j->p++;
		if (*j->p == '.') {
			j->p++;
			while (isdigit((unsigned char)*j->p))
				j->p++;
		}
		if (*j->p == 'e' || *j->p == 'E') {
			j->p++;
			if (*j->p == '+' || *j->p == '-')
				j->p++;
			while (isdigit((unsigned char)*j->p))
				j->p++;
		}
		out->t = J_NUM;
		out->s = strndup(start, (size_t)(j->p - start));
		return out->s ? true : jfail(j, "out of memory");
	}
	return jfail(j, "not a JSON value");
}

/* Parse @text (one document, nothing after it). */
static bool jparse(const char *text, struct jv *out, const char **err)
{
	struct jp j = { .p = text };

	if (!jvalue(&j, out)) {
		jfree(out);
		*err = j.err ? j.err : "bad JSON";
		return false;
	}
	jws(&j);
	if (*j.p) {
		jfree(out);
		*err = "text after the document";
		return false;
	}
	return true;
}

static const struct jv *jget(const struct jv *o, const char *key)
{
	if (!o || o->t != J_OBJ)
		return NULL;
	for (size_t i = 0; i < o->n; i++)
		if (!strcmp(o->k[i], key))
			return &o->v[i];
	return NULL;
}

/* "a.b.c": members of members. */
static const struct jv *jpath(const struct jv *o, const char *path)
{
	char buf[256], *save = NULL, *k;

	snprintf(buf, sizeof(buf), "%s", path);
	for (k = strtok_r(buf, ".", &save); k && o;
	     k = strtok_r(NULL, ".", &save))
		o = jget(o, k);
	return o;
}

/* A non-negative integer, exactly. */
static bool ju64(const struct jv *v, uint64_t *out)
{
	char *end;

	if (!v || v->t != J_NUM || !isdigit((unsigned char)v->s[0]))
		return false;
	errno = 0;
	*out = strtoull(v->s, &end, 10);
	return !errno && !*end;
}

static const char *jstr(const struct jv *v)
{
	return v && v->t == J_STR ? v->s : NULL;
}

static bool jnull(const struct jv *v)
{
	return v && v->t == J_NULL;
}

static bool jtrue(const struct jv *v)
{
	return v && v->t == J_TRUE;
}

static bool jfalse(const struct jv *v)
{
	return v && v->t == J_FALSE;
}

/* A member that must be a non-negative integer; 0 and *@ok false when
 * not. */
static uint64_t jnum(const struct jv *o, const char *key, bool *ok)
{
	uint64_t v = 0;

	if (!ju64(jget(o, key), &v))
		*ok = false;
	return v;
}

/* Run @argv, which must exit 0 with a JSON document on stdout. */
static bool run_json(char *const argv[], struct run *r, struct jv *doc)
{
	const char *err;

	if (run(r, argv) < 0) {
		tap(false, "%s runs", cmdline(argv));
		return false;
	}
	if (r->status != 0) {
		tap(false, "%s exits with %d", cmdline(argv), r->status);
		diag_text(r->err, 10);
		return false;
	}
	if (!jparse(r->out, doc, &err)) {
		tap(false, "%s prints JSON: %s", cmdline(argv), err);
		return false;
	}
	return true;
}

/* The module object of a command's JSON says it was used. */
static bool module_used(const struct jv *top, const char *cmd, char *why,
			size_t wsize)
{
	const struct jv *m = jget(top, "module");

	if (!jtrue(jget(m, "loaded")) || !jtrue(jget(m, "used")) ||
	    !jnull(jget(m, "error"))) {
		snprintf(why, wsize, "%s's module object does not say it used "
			 "vmscope.ko (error: %s)", cmd,
			 jstr(jget(m, "error")) ? jstr(jget(m, "error")) : "none");
		return false;
	}
	return true;
}

static bool is(const struct jv *v, const char *s)
{
	return jstr(v) && !strcmp(jstr(v), s);
}

/* ---- nomodule ------------------------------------------------------- */

static int cmd_nomodule(void)
{
	static const char *const cmds[] = { "vmfrag", "vmslab", "vmtlb" };
	char pid[16], note[64];
	struct run r;

	if (!tap(access("/sys/module/vmscope", F_OK) != 0, "vmscope.ko is not "
		 "loaded for the checks without it"))
		return 1;
	for (size_t i = 0; i < sizeof(cmds) / sizeof(*cmds); i++) {
		char *text[] = { (char *)cmds[i], NULL };
		char *json[] = { (char *)cmds[i], "-J", NULL };
		struct jv doc;
		int n;

		snprintf(note, sizeof(note), "%s: note: loading vmscope.ko adds ",
			 cmds[i]);
		if (run(&r, text) < 0)
			return 1;
		n = count_lines(r.err, note);
		if (!tap(r.status == 0 && n == 1, "%s without vmscope.ko: exit "
			 "%d, says once what loading it adds (%d times)",
			 cmds[i], r.status, n))
			diag_text(r.err, 10);
		run_free(&r);
		if (run_json(json, &r, &doc)) {
			const struct jv *m = jpath(&doc, cmds[i]);

			m = jget(m, "module");
			tap(jfalse(jget(m, "loaded")) && jfalse(jget(m, "used")) &&
			    jnull(jget(m, "error")) && jstr(jget(m, "adds")) &&
			    !count_lines(r.err, note), "%s -J without "
			    "vmscope.ko: module.loaded and used are false, "
			    "the note is in module.adds, not on stderr",
			    cmds[i]);
			jfree(&doc);
		}
		run_free(&r);
	}
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	{
		char *walk[] = { "vmphys", "--walk", pid, NULL };
		char *kmod[] = { "vmslab", "--source=kmod", NULL };

		if (run(&r, walk) < 0)
			return 1;
		if (!tap(r.status == 3 && !r.out[0] &&
			 strstr(r.err, "the vmscope kernel module is not loaded") &&
			 strstr(r.err, "hint: load it with 'modprobe vmscope'"),
			 "vmphys --walk without vmscope.ko exits 3 (%d) with "
			 "the hint to load it", r.status))
			diag_text(r.err, 5);
		run_free(&r);
		if (run(&r, kmod) < 0)
			return 1;
		if (!tap(r.status == 3 && strstr(r.err, "hint: load it"),
			 "vmslab --source=kmod without vmscope.ko exits 3 (%d) "
			 "with the hint to load it", r.status))
			diag_text(r.err, 5);
		run_free(&r);
	}
	return tap_failures ? 1 : 0;
}

/* ---- frag ----------------------------------------------------------- */

/* The zone object of @doc for (@node, @name). */
static const struct jv *frag_zone(const struct jv *zones, int node,
				  const char *name)
{
	for (size_t i = 0; zones && i < zones->n; i++) {
		uint64_t n;

		if (ju64(jget(&zones->v[i], "node"), &n) && (int)n == node &&
		    is(jget(&zones->v[i], "zone"), name))
			return &zones->v[i];
	}
	return NULL;
}

/* Free blocks per order against buddyinfo rows @a. */
static bool frag_buddy(const struct jv *zones, const struct zrow *a, int na,
		       char *why, size_t wsize)
{
	if (!zones || zones->t != J_ARR || (int)zones->n != na) {
		snprintf(why, wsize, "%zu zones in vmfrag -J, %d in buddyinfo",
			 zones ? zones->n : 0, na);
		return false;
	}
	for (int i = 0; i < na; i++) {
		const struct jv *z = frag_zone(zones, a[i].node, a[i].zone);
		const struct jv *orders = jget(z, "orders");

		if (!z || !is(jget(z, "source"), "vmscope.ko") || !orders ||
		    (int)orders->n != a[i].n) {
			snprintf(why, wsize, "node %d %s: no zone of %d orders "
				 "from vmscope.ko", a[i].node, a[i].zone,
				 a[i].n);
			return false;
		}
		for (int k = 0; k < a[i].n; k++) {
			const struct jv *o = &orders->v[k];
			uint64_t order, blocks;

			if (!ju64(jget(o, "order"), &order) ||
			    order != (uint64_t)k ||
			    !ju64(jget(o, "free_blocks"), &blocks) ||
			    blocks != a[i].v[k] ||
			    !is(jget(o, "source"), "vmscope.ko")) {
				snprintf(why, wsize, "node %d %s order %d: "
					 "vmfrag %s, buddyinfo %" PRIu64,
					 a[i].node, a[i].zone, k,
					 jget(o, "free_blocks") &&
					 jget(o, "free_blocks")->s ?
					 jget(o, "free_blocks")->s : "?",
					 a[i].v[k]);
				return false;
			}
		}
	}
	return true;
}

/* Counts per migrate type against pagetypeinfo rows @p: exact and derived
 * counts equal, lower bounds not above, and no cap. */
static bool frag_types(const struct jv *zones, const struct ptrow *p, int np,
		       char *why, size_t wsize)
{
	for (int i = 0; i < np; i++) {
		const struct jv *z = frag_zone(zones, p[i].node, p[i].zone);
		const struct jv *orders = jget(z, "orders");
		const struct jv *q = jget(jget(z, "types_quality"), p[i].type);
		char key[48];

		snprintf(key, sizeof(key), "type_%s", p[i].type);
		for (char *c = key; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		if (!orders || !q || q->t != J_ARR || (int)q->n != p[i].n ||
		    (int)orders->n != p[i].n) {
			snprintf(why, wsize, "node %d %s %s: no counts or "
				 "quality per order", p[i].node, p[i].zone,
				 p[i].type);
			return false;
		}
		for (int k = 0; k < p[i].n; k++) {
			const struct jv *o = &orders->v[k];
			uint64_t v, pv = p[i].v[k] & ~PT_OVER;
			const char *qs = jstr(&q->v[k]);
			bool ok;

			if (!ju64(jget(o, key), &v) || !qs ||
			    !is(jget(o, "types_source"), "vmscope.ko")) {
				snprintf(why, wsize, "node %d %s %s order %d: "
					 "no count from vmscope.ko", p[i].node,
					 p[i].zone, p[i].type, k);
				return false;
			}
			if (!strcmp(qs, "capped"))
				ok = false;	/* the module has no cap */
			else if (p[i].v[k] & PT_OVER)
				ok = v >= pv;
			else if (!strcmp(qs, "lower_bound"))
				ok = v <= pv;
			else
				ok = v == pv && (!strcmp(qs, "exact") ||
						 !strcmp(qs, "derived"));
			if (!ok) {
				snprintf(why, wsize, "node %d %s %s order %d: "
					 "vmfrag %" PRIu64 " (%s), "
					 "pagetypeinfo %s%" PRIu64, p[i].node,
					 p[i].zone, p[i].type, k, v, qs,
					 p[i].v[k] & PT_OVER ? ">" : "", pv);
				return false;
			}
		}
	}
	return true;
}

/* Zoneinfo's fixed figures (watermarks, sizes, each CPU's high and batch)
 * read the same. */
static bool same_zinfo(const struct zinfo *a, int na, const struct zinfo *b,
		       int nb)
{
	if (na != nb)
		return false;
	for (int i = 0; i < na; i++)
		if (a[i].min != b[i].min || a[i].low != b[i].low ||
		    a[i].high != b[i].high || a[i].boost != b[i].boost ||
		    a[i].managed != b[i].managed || a[i].ncpu != b[i].ncpu ||
		    memcmp(a[i].cpu, b[i].cpu, sizeof(a[i].cpu)) ||
		    memcmp(a[i].phigh, b[i].phigh, sizeof(a[i].phigh)) ||
		    memcmp(a[i].batch, b[i].batch, sizeof(a[i].batch)))
			return false;
	return true;
}

/* Watermarks, sizes, and each CPU's list's high and batch against
 * zoneinfo @zi; each CPU's page count where zoneinfo read the same before
 * (@za) and after (@zb) sets @matched[zone][cpu index]. */
static bool frag_zoneinfo(const struct jv *zones, const struct zinfo *zi,
			  const struct zinfo *za, const struct zinfo *zb,
			  int n, bool (*matched)[64], char *why, size_t wsize)
{
	const uint64_t ps = (uint64_t)sysconf(_SC_PAGESIZE);

	for (int i = 0; i < n; i++) {
		const struct zinfo *r = &zi[i];
		const struct jv *z = frag_zone(zones, r->node, r->zone);
		const struct jv *pcp = jget(z, "pcp_lists");
		bool ok = true;

		if (!r->present)
			continue;	/* not shown: no free lists */
		if (!z || !is(jget(z, "info_source"), "vmscope.ko") ||
		    !is(jget(z, "pcp_source"), "vmscope.ko") || !pcp ||
		    pcp->t != J_ARR || (int)pcp->n != r->ncpu) {
			snprintf(why, wsize, "node %d %s: no figures or %d "
				 "per-CPU lists from vmscope.ko", r->node,
				 r->zone, r->ncpu);
			return false;
		}
		ok = jnum(z, "watermark_min", &ok) == r->min * ps &&
		     jnum(z, "watermark_low", &ok) == r->low * ps &&
		     jnum(z, "watermark_high", &ok) == r->high * ps &&
		     jnum(z, "watermark_boost", &ok) == r->boost * ps &&
		     jnum(z, "managed", &ok) == r->managed * ps &&
		     jnum(z, "present", &ok) == r->present * ps &&
		     jnum(z, "spanned", &ok) == r->spanned * ps && ok;
		if (!ok) {
			snprintf(why, wsize, "node %d %s: watermarks or sizes "
				 "differ from zoneinfo (min %" PRIu64 " low %"
				 PRIu64 " high %" PRIu64 " pages)", r->node,
				 r->zone, r->min, r->low, r->high);
			return false;
		}
		for (int c = 0; c < r->ncpu && c < 64; c++) {
			const struct jv *p = &pcp->v[c];
			uint64_t pages;

			ok = true;
			ok = jnum(p, "cpu", &ok) == (uint64_t)r->cpu[c] &&
			     jnum(p, "high", &ok) == (uint64_t)r->phigh[c] &&
			     jnum(p, "batch", &ok) == (uint64_t)r->batch[c] &&
			     ok;
			if (!ok) {
				snprintf(why, wsize, "node %d %s CPU %d: "
					 "zoneinfo high %ld batch %ld",
					 r->node, r->zone, r->cpu[c],
					 r->phigh[c], r->batch[c]);
				return false;
			}
			pages = jnum(p, "pages", &ok);
			if (za[i].count[c] == zb[i].count[c] && ok &&
			    pages == (uint64_t)za[i].count[c] &&
			    jnum(p, "bytes", &ok) == pages * ps && ok)
				matched[i][c] = true;
		}
	}
	return true;
}

/* The quality vmfrag -J gives type @type of (@node, @zone) at @order,
 * or NULL. */
static const char *json_quality(const struct jv *zones, int node,
				const char *zone, const char *type, int order)
{
	const struct jv *q = jget(jget(frag_zone(zones, node, zone),
				       "types_quality"), type);

	return q && q->t == J_ARR && order < (int)q->n ?
	       jstr(&q->v[order]) : NULL;
}

/* vmfrag -t's text, against pagetypeinfo read the same before and after
 * it and a vmfrag -J run in the same window: each count equals
 * pagetypeinfo's, except lower bounds of the module, shown as ">=N" (in
 * the guest's C locale), at most pagetypeinfo's count, exactly where the
 * JSON says lower_bound (the module's budget rules make the same
 * qualities of the same list lengths), with TYPES_CAPPED "yes" on their
 * rows. With @small_budget, the JSON must show counts the budget made
 * derived or lower bounds. */
static void frag_text(bool small_budget)
{
	static struct ptrow pa[MAXZ * 8], pb[MAXZ * 8];
	char list[512] = "NODE,ZONE,ORDER,TYPES_CAPPED", why[512] = "";
	char *argv[] = { "vmfrag", "-t", "-r", "-o", list, NULL };
	char *jargv[] = { "vmfrag", "-J", "-t", NULL };
	const char *types[16];
	int ntypes = 0, t, cells = 0, lower = 0, budgeted = 0;
	bool ok = false;

	for (int i = 0, n = read_pagetypeinfo(pa, MAXZ * 8); i < n; i++) {
		bool seen = false;

		for (int k = 0; k < ntypes; k++)
			seen |= !strcmp(types[k], pa[i].type);
		if (!seen && ntypes < 16) {
			size_t len = strlen(list);

			types[ntypes++] = pa[i].type;
			snprintf(list + len, sizeof(list) - len, ",%s",
				 pa[i].type);
		}
	}
	for (t = 1; t <= TRIES && !ok; t++) {
		int na = read_pagetypeinfo(pa, MAXZ * 8), nb;
		const struct jv *zones;
		char *line, *save = NULL;
		struct run r, rj;
		struct jv doc;
		bool bad = false;

		if (!run_json(jargv, &rj, &doc)) {
			run_free(&rj);
			return;
		}
		if (run(&r, argv) < 0 || r.status != 0) {
			tap(false, "%s exits with %d", cmdline(argv), r.status);
			diag_text(r.err, 5);
			run_free(&r);
			run_free(&rj);
			jfree(&doc);
			return;
		}
		nb = read_pagetypeinfo(pb, MAXZ * 8);
		if (!same_pt(pa, na, pb, nb)) {
			run_free(&r);
			run_free(&rj);
			jfree(&doc);
			continue;
		}
		zones = jpath(&doc, "vmfrag.zones");
		cells = lower = budgeted = 0;
		line = strtok_r(r.out, "\n", &save);	/* the heading */
		while (!bad && (line = strtok_r(NULL, "\n", &save))) {
			char zone[32], yes[8], *p;
			int node, order, off, row_lower = 0;

			if (sscanf(line, "%d %31s %d %7s%n", &node, zone, &order,
				   yes, &off) != 4) {
				snprintf(why, sizeof(why), "a line not in the "
					 "columns asked: '%s'", line);
				bad = true;
				break;
			}
			p = line + off;
			for (int k = 0; k < ntypes && !bad; k++) {
				const struct ptrow *pr = NULL;
				const char *q;
				bool ge;
				uint64_t v, pv;
				char *end;

				p += strspn(p, " ");
				/* ">=" in the C locale, U+2265 in UTF-8 */
				ge = !strncmp(p, ">=", 2) ||
				     !strncmp(p, "\xe2\x89\xa5", 3);
				v = strtoull(p + (ge ? (*p == '>' ? 2 : 3) : 0),
					     &end, 10);
				for (int i = 0; i < na; i++)
					if (pa[i].node == node &&
					    !strcmp(pa[i].zone, zone) &&
					    !strcmp(pa[i].type, types[k]))
						pr = &pa[i];
				q = json_quality(zones, node, zone, types[k],
						 order);
				if (end == p || !pr || order >= pr->n || !q) {
					snprintf(why, sizeof(why), "node %d %s "
						 "order %d %s: '%s' (quality %s)",
						 node, zone, order, types[k], p,
						 q ? q : "none");
					bad = true;
					break;
				}
				pv = pr->v[order] & ~PT_OVER;
				p = end;
				cells++;
				row_lower += ge;
				budgeted += strcmp(q, "exact") != 0;
				/* Past pagetypeinfo's cap, the module's
				 * count is at least the cap. */
				if ((ge ? v > pv : (pr->v[order] & PT_OVER) ?
				     v < pv : v != pv) ||
				    ge != !strcmp(q, "lower_bound")) {
					snprintf(why, sizeof(why), "node %d %s "
						 "order %d %s: vmfrag %s%" PRIu64
						 ", pagetypeinfo %" PRIu64 ", "
						 "vmfrag -J says %s", node, zone,
						 order, types[k], ge ? ">=" : "",
						 v, pv, q);
					bad = true;
				}
			}
			if (!bad && !strcmp(yes, "yes") != (row_lower > 0)) {
				snprintf(why, sizeof(why), "node %d %s order "
					 "%d: TYPES_CAPPED %s with %d lower "
					 "bounds", node, zone, order, yes,
					 row_lower);
				bad = true;
			}
			lower += row_lower;
		}
		ok = !bad && cells > 0 && (!small_budget || budgeted > 0);
		if (!bad && !ok)
			snprintf(why, sizeof(why), "no count derived or bounded "
				 "by the budget among %d", cells);
		run_free(&r);
		run_free(&rj);
		jfree(&doc);
	}
	if (!why[0] && !ok)
		snprintf(why, sizeof(why), "pagetypeinfo never read the same "
			 "twice");
	if (!tap(ok, "vmfrag -t with vmscope.ko%s: %d counts per migrate "
		 "type equal /proc/pagetypeinfo; %d lower bounds shown as >=N, "
		 "at most it, where vmfrag -J says lower_bound (%d counts not "
		 "walked whole), TYPES_CAPPED on their rows (%d attempts)",
		 small_budget ? " (hold_budget=1)" : "", cells, lower,
		 budgeted, t - 1))
		diag("%s", why);
}

static int cmd_frag(bool small_budget)
{
	static struct zrow a[MAXZ], b[MAXZ];
	static struct ptrow pa[MAXZ * 8], pb[MAXZ * 8];
	static struct zinfo za[MAXZ], zb[MAXZ];
	static bool matched[MAXZ][64];
	char *argv[] = { "vmfrag", "-J", NULL };
	char wb[512] = "never read the same twice", wt[512], wz[512];
	char wp[512] = "";
	bool ok_b = false, ok_t = false, ok_z = false, ok_p = false;
	bool used = true;
	int t, nzones = 0, nrows = 0, attempts = 0, nza = 0, lists = 0;

	strcpy(wt, wb);
	strcpy(wz, wb);
	/* The per-CPU lists of the CPU that runs vmfrag change as it runs:
	 * only the others' are compared. */
	pin_cpu(0);
	for (t = 1; t <= TRIES && !(ok_b && ok_t && ok_z && ok_p); t++) {
		int na, npa, nb, npb, nzb;
		const struct jv *top, *zones;
		struct jv doc;
		struct run r;

		if (t > 1)
			usleep(100000);	/* let the last run's frees settle */
		na = read_buddyinfo(a);
		npa = read_pagetypeinfo(pa, MAXZ * 8);
		nza = read_zoneinfo(za, MAXZ);
		if (!run_json(argv, &r, &doc)) {
			run_free(&r);
			return 1;
		}
		nb = read_buddyinfo(b);
		npb = read_pagetypeinfo(pb, MAXZ * 8);
		nzb = read_zoneinfo(zb, MAXZ);
		top = jget(&doc, "vmfrag");
		zones = jget(top, "zones");
		attempts = t;
		if (t == 1)
			used = module_used(top, "vmfrag", wb, sizeof(wb));
		if (!used) {
			strcpy(wt, wb);
			strcpy(wz, wb);
			jfree(&doc);
			run_free(&r);
			break;
		}
		nzones = na;
		nrows = npa;
		if (!ok_b && same_rows(a, na, b, nb))
			ok_b = frag_buddy(zones, a, na, wb, sizeof(wb));
		if (!ok_t && same_pt(pa, npa, pb, npb))
			ok_t = frag_types(zones, pa, npa, wt, sizeof(wt));
		if (same_zinfo(za, nza, zb, nzb) &&
		    frag_zoneinfo(zones, za, za, zb, nza, matched, wz,
				  sizeof(wz)))
			ok_z = true;
		/* Every list of every CPU but the pinned one matched once. */
		ok_p = ok_z;
		lists = 0;
		for (int i = 0; i < nza; i++)
			for (int c = 0; za[i].present && c < za[i].ncpu &&
			     c < 64; c++) {
				if (za[i].cpu[c] == 0)
					continue;
				lists++;
				if (!matched[i][c]) {
					ok_p = false;
					snprintf(wp, sizeof(wp), "node %d %s "
						 "CPU %d: pages never equal "
						 "zoneinfo read the same "
						 "around it", za[i].node,
						 za[i].zone, za[i].cpu[c]);
				}
			}
		jfree(&doc);
		run_free(&r);
	}
	t = attempts;
	if (!tap(used && ok_b, "vmfrag -J with vmscope.ko: free blocks per "
		 "order of %d zones, marked vmscope.ko, equal /proc/buddyinfo "
		 "(%d attempts)", nzones, t))
		diag("%s", wb);
	if (!tap(used && ok_t, "vmfrag -J with vmscope.ko: free blocks per "
		 "order and migrate type (%d rows) equal /proc/pagetypeinfo, "
		 "each with its quality (%d attempts)", nrows, t))
		diag("%s", wt);
	if (!tap(used && ok_z, "vmfrag -J with vmscope.ko: watermarks, sizes, "
		 "and each CPU's list's high and batch equal /proc/zoneinfo "
		 "(%d attempts)", t))
		diag("%s", wz);
	frag_text(small_budget);
	if (!tap(used && ok_p && lists > 0, "vmfrag -J with vmscope.ko: the "
		 "pages on %d per-CPU lists (of the CPUs vmfrag did not run "
		 "on) equal /proc/zoneinfo read the same before and after "
		 "(%d attempts)", lists, t))
		diag("%s", wp[0] ? wp : wz);
	return tap_failures ? 1 : 0;
}

/* ---- slab ----------------------------------------------------------- */

/* The partial slabs per node of a cache's sysfs directory @dir. */
struct sysnode {
	char dir[64];
	bool ok;
	uint64_t total, nodes[64];
};

static bool same_sysnode(const struct sysnode *a, const struct sysnode *b)
{
	return a->ok && b->ok && a->total == b->total &&
	       !memcmp(a->nodes, b->nodes, sizeof(a->nodes));
}

static int cmd_slab(void)
{
	static struct srow a[4096], b[4096];
	static struct sysnode sa[4096], sb[4096];
	/* By name: the same order in every attempt. */
	char *argv[] = { "vmslab", "-J", "--source=kmod", "--nodes", "-s", "n",
		"-o",
		"NAME,OBJS,ACTIVE,SLOT_SIZE,OBJ_PER_SLAB,PAGES_PER_SLAB,SLABS,"
		"PARTIAL,SYSFS_DIR,RECLAIMABLE,FLAGS,SOURCE,ATTR_SOURCE",
		NULL };
	char why[512] = "", wn[512] = "", wf[512] = "";
	bool *done = NULL, *ndone = NULL, *stable = NULL, used = true;
	bool shape = true;
	size_t ncaches = 0, nd = 0, nnd = 0, flags_ok = 0;
	int t, na = 0;

	for (t = 1; t <= SLAB_TRIES; t++) {
		const struct jv *top, *caches, *nodes;
		struct jv doc;
		struct run r;
		int nb;

		if (t > 1)
			usleep(100000);	/* let the last run's frees settle */
		na = read_slabinfo(a, 4096);
		/* sysfs partial per node of the caches of the last run */
		for (size_t i = 0; i < ncaches; i++)
			sa[i].ok = sa[i].dir[0] &&
				   sysfs_nodes(sa[i].dir, "partial",
					       &sa[i].total, sa[i].nodes, 64);
		if (!run_json(argv, &r, &doc)) {
			run_free(&r);
			free(done);
			free(ndone);
			free(stable);
			return 1;
		}
		nb = read_slabinfo(b, 4096);
		top = jget(&doc, "vmslab");
		caches = jget(top, "caches");
		nodes = jget(top, "nodes");
		if (!caches || caches->t != J_ARR || !nodes ||
		    nodes->t != J_ARR || caches->n > 4096) {
			tap(false, "vmslab -J --source=kmod --nodes prints "
			    "caches and nodes");
			jfree(&doc);
			run_free(&r);
			break;
		}
		if (t == 1) {
			used = module_used(top, "vmslab", why, sizeof(why));
			ncaches = caches->n;
			done = calloc(ncaches ? ncaches : 1, sizeof(*done));
			ndone = calloc(ncaches ? ncaches : 1, sizeof(*ndone));
			stable = calloc(ncaches ? ncaches : 1, sizeof(*stable));
			shape = (int)ncaches == na;
			if (!shape)
				snprintf(why, sizeof(why), "%zu caches, "
					 "/proc/slabinfo lists %d", ncaches, na);
			/* Flags: RECLAIM_ACCOUNT iff reclaim_account. */
			for (size_t i = 0; i < ncaches; i++) {
				const struct jv *c = &caches->v[i];
				const char *dir = jstr(jget(c, "sysfs_dir"));
				const char *fl = jstr(jget(c, "flags"));
				long ra = dir ? sysfs_num(dir, "reclaim_account")
					      : -1;
				bool named = fl && strstr(fl, "RECLAIM_ACCOUNT");

				if (ra >= 0 && fl && named == (ra == 1) &&
				    (jtrue(jget(c, "reclaimable")) == named))
					flags_ok++;
				else
					snprintf(wf, sizeof(wf), "'%s': flags "
						 "'%s', sysfs reclaim_account "
						 "%ld", jstr(jget(c, "name")),
						 fl ? fl : "null", ra);
			}
		}
		if (caches->n != ncaches || !done || !ndone || !stable ||
		    !used) {
			jfree(&doc);
			run_free(&r);
			if (!used)
				break;
			continue;	/* a cache came or went */
		}
		for (size_t i = 0; i < ncaches; i++) {
			const struct jv *c = &caches->v[i];
			const char *name = jstr(jget(c, "name"));
			const char *dir = jstr(jget(c, "sysfs_dir"));
			const struct srow *r1 = name ? find_srow(a, na, name) : NULL;
			const struct srow *r2 = name ? find_srow(b, nb, name) : NULL;
			struct srow m = { .name = "" };
			uint64_t v, part = 0, per[64] = { 0 };
			bool ok = true, have = true;
			struct sysnode now = { .ok = false };

			if (!done[i] && srow_eq(r1, r2)) {
				m.active = (unsigned long)jnum(c, "active_objects", &ok);
				m.num = (unsigned long)jnum(c, "objects", &ok);
				m.objsize = (unsigned long)jnum(c, "slot_size", &ok);
				m.perslab = (unsigned long)jnum(c, "objects_per_slab", &ok);
				m.pages = (unsigned long)jnum(c, "pages_per_slab", &ok);
				m.slabs = (unsigned long)jnum(c, "slabs", &ok);
				snprintf(m.name, sizeof(m.name), "%s", name);
				done[i] = ok && srow_eq(r1, &m) &&
					  is(jget(c, "source"), "vmscope.ko") &&
					  is(jget(c, "attr_source"), "vmscope.ko");
				if (!done[i])
					snprintf(why, sizeof(why), "'%s': vmslab "
						 "%lu %lu %lu %lu %lu %lu (%s), "
						 "slabinfo %lu %lu %lu %lu %lu %lu",
						 name, m.active, m.num, m.objsize,
						 m.perslab, m.pages, m.slabs,
						 jstr(jget(c, "source")),
						 r1->active, r1->num, r1->objsize,
						 r1->perslab, r1->pages, r1->slabs);
			}
			/* Partial slabs per node against sysfs, read before
			 * and after. */
			if (ndone[i] || !dir)
				continue;
			snprintf(now.dir, sizeof(now.dir), "%s", dir);
			now.ok = sysfs_nodes(dir, "partial", &now.total,
					     now.nodes, 64);
			if (!strcmp(sa[i].dir, dir) && same_sysnode(&sa[i], &now)) {
				stable[i] = true;
				for (size_t k = 0; k < nodes->n; k++) {
					const struct jv *n = &nodes->v[k];
					uint64_t node;

					if (!is(jget(n, "name"), name))
						continue;
					if (!ju64(jget(n, "node"), &node) ||
					    node >= 64 ||
					    !ju64(jget(n, "partial_slabs"), &v)) {
						have = false;
						break;
					}
					per[node] = v;
					part += v;
				}
				ndone[i] = have && ju64(jget(c, "partial_slabs"),
							&v) && v == now.total &&
					   part == now.total &&
					   !memcmp(per, now.nodes, sizeof(per));
				if (!ndone[i])
					snprintf(wn, sizeof(wn), "'%s': partial "
						 "%" PRIu64 " per node in "
						 "vmslab, sysfs %" PRIu64,
						 name, part, now.total);
			}
			sb[i] = now;
		}
		for (size_t i = 0; i < ncaches; i++)
			sa[i] = sb[i];
		nd = nnd = 0;
		for (size_t i = 0; i < ncaches; i++) {
			nd += done[i];
			nnd += ndone[i];
		}
		jfree(&doc);
		run_free(&r);
		if (nd == ncaches && nnd == ncaches)
			break;
	}
	if (t > SLAB_TRIES)
		t = SLAB_TRIES;
	for (size_t i = 0; ndone && stable && i < ncaches && !wn[0]; i++)
		if (!ndone[i] && !stable[i])
			snprintf(wn, sizeof(wn), "%.64s: its sysfs partial never "
				 "read the same before and after vmslab",
				 sa[i].dir);
	if (!tap(used && shape && nd == ncaches && ncaches > 0, "vmslab -J "
		 "--source=kmod: objects in use, slots, slot size, objects "
		 "per slab, pages per slab and slabs of %zu/%zu caches, marked "
		 "vmscope.ko, equal /proc/slabinfo (%d attempts)", nd,
		 ncaches, t))
		diag("%s", why);
	if (!tap(used && nnd == ncaches && ncaches > 0, "vmslab -J "
		 "--source=kmod --nodes: partial slabs per node of %zu/%zu "
		 "caches equal /sys/kernel/slab/*/partial (%d attempts)", nnd,
		 ncaches, t))
		diag("%s", wn);
	if (!tap(flags_ok == ncaches && ncaches > 0, "vmslab -J --source=kmod: "
		 "FLAGS names RECLAIM_ACCOUNT, and RECLAIMABLE is true, where "
		 "sysfs reclaim_account is 1 (%zu/%zu caches)", flags_ok,
		 ncaches))
		diag("%s", wf);
	free(done);
	free(ndone);
	free(stable);
	return tap_failures ? 1 : 0;
}

/* ---- walk ----------------------------------------------------------- */

/* The bits of raw entry @raw at @level (0 PGD .. 4 PTE) as vmphys names
 * them, decoded here from the Intel SDM's layout (vol. 3, 4.5). */
static void raw_bits(uint64_t raw, int level, bool leaf, char *buf,
		     size_t size)
{
	static const struct {
		int bit;
		const char *name;
	} bits[] = {
		{ 0, "P" }, { 1, "RW" }, { 2, "US" }, { 3, "PWT" },
		{ 4, "PCD" }, { 5, "A" },
	};
	bool present = raw & 1, huge = (level == 2 || level == 3) &&
				       (raw & 0x80);
	size_t n = 0;

	buf[0] = '\0';
#define ADD(name) n += (size_t)snprintf(buf + n, size - n, "%s%s", \
					n ? " " : "", name)
	if (!present && !(raw & 0x100)) {	/* swap and the like */
		snprintf(buf, size, "-");
		return;
	}
	for (size_t i = 0; i < sizeof(bits) / sizeof(*bits); i++)
		if (raw & (1ull << bits[i].bit))
			ADD(bits[i].name);
	if (leaf && (raw & 0x40))
		ADD("D");
	if (huge)
		ADD("PS");
	if (leaf && present && (raw & 0x100))
		ADD("G");
	if (leaf && (level == 4 ? raw & 0x80 : huge && (raw & 0x1000)))
		ADD("PAT");
	if (raw >> 63)
		ADD("NX");
	if (!present)
		ADD("PROTNONE");
	if (leaf && ((raw >> 59) & 0xf)) {
		char k[16];

		snprintf(k, sizeof(k), "pkey=%u", (unsigned)((raw >> 59) & 0xf));
		ADD(k);
	}
#undef ADD
	if (!n)
		snprintf(buf, size, "-");
}

struct entry {
	uint64_t addr, size, pfn, swap_type, swap_offset;
	const char *kind;
	bool have_pfn, have_swap;
};

static int entry_cmp(const void *x, const void *y)
{
	const struct entry *a = x, *b = y;

	return a->addr < b->addr ? -1 : a->addr > b->addr;
}

static const struct entry *entry_at(const struct entry *e, size_t n,
				    uint64_t addr)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (addr < e[mid].addr)
			hi = mid;
		else if (addr >= e[mid].addr + e[mid].size)
			lo = mid + 1;
		else
			return &e[mid];
	}
	return NULL;
}

/* One attempt: returns the pages compared, or -1 with @why set. */
static long walk_once(pid_t pid, long *bits_checked, char *why, size_t wsize)
{
	static const char *const lv[] = { "pgd", "p4d", "pud", "pmd", "pte" };
	static struct vma v[4096];
	char spid[16], path[64], buf[128];
	char *argv[] = { "vmphys", "--walk", "-J", spid, NULL };
	const struct jv *top, *ents, *pt;
	struct entry *e = NULL;
	uint64_t levels = 0, bytes = 0;
	long pages = 0, vmpte;
	struct jv doc;
	struct run r;
	size_t n = 0;
	int nv, fd = -1;
	bool ok = true;

	snprintf(spid, sizeof(spid), "%d", (int)pid);
	if (!run_json(argv, &r, &doc)) {
		run_free(&r);
		snprintf(why, wsize, "vmphys failed");
		return -2;
	}
	top = jget(&doc, "vmphys");
	ents = jget(top, "entries");
	pt = jget(top, "page_tables");
	if (!ents || ents->t != J_ARR || !pt || !is(jget(pt, "source"),
						     "vmscope.ko")) {
		snprintf(why, wsize, "no entries or page_tables from "
			 "vmscope.ko");
		goto fail;
	}
	levels = jnum(pt, "levels", &ok);
	e = calloc(ents->n ? ents->n : 1, sizeof(*e));
	if (!e)
		goto fail;
	*bits_checked = 0;
	for (size_t i = 0; i < ents->n; i++) {
		const struct jv *x = &ents->v[i];
		struct entry *d = &e[n++];
		const char *level = jstr(jget(x, "level"));
		int leaf = -1;

		d->addr = jnum(x, "address", &ok);
		d->size = jnum(x, "size", &ok);
		d->kind = jstr(jget(x, "kind"));
		d->have_pfn = ju64(jget(x, "pfn"), &d->pfn);
		d->have_swap = ju64(jget(x, "swap_type"), &d->swap_type) &&
			       ju64(jget(x, "swap_offset"), &d->swap_offset);
		for (int l = 0; l < 5; l++)
			if (level && !strcasecmp(level, lv[l]))
				leaf = l;
		if (!ok || !d->kind || leaf < 0) {
			snprintf(why, wsize, "entry %zu is incomplete", i);
			goto fail;
		}
		/* Each level: present down to the leaf (the P4D with 5
		 * levels only), its bits as decoded here; nothing below. */
		for (int l = 0; l < 5; l++) {
			char key[16];
			const struct jv *raw = jget(x, lv[l]);
			uint64_t rv;

			snprintf(key, sizeof(key), "%s_flags", lv[l]);
			if (l > leaf || (l == 1 && levels == 4)) {
				if (!jnull(raw) || !jnull(jget(x, key))) {
					snprintf(why, wsize, "0x%" PRIx64 ": "
						 "a %s entry where none is",
						 d->addr, lv[l]);
					goto fail;
				}
				continue;
			}
			if (!ju64(raw, &rv)) {
				snprintf(why, wsize, "0x%" PRIx64 ": no %s "
					 "entry", d->addr, lv[l]);
				goto fail;
			}
			raw_bits(rv, l, l == leaf, buf, sizeof(buf));
			if (!is(jget(x, key), buf)) {
				snprintf(why, wsize, "0x%" PRIx64 " %s 0x%"
					 PRIx64 ": vmphys says '%s', the raw "
					 "bits are '%s'", d->addr, lv[l], rv,
					 jstr(jget(x, key)) ?
					 jstr(jget(x, key)) : "null", buf);
				goto fail;
			}
			(*bits_checked)++;
			/* A present leaf's frame from its raw entry. */
			if (l == leaf && !strcmp(d->kind, "present") &&
			    ((rv & 0x000ffffffffff000ull) &
			     ~(d->size - 1)) >> 12 != d->pfn) {
				snprintf(why, wsize, "0x%" PRIx64 ": PFN 0x%"
					 PRIx64 " is not that of the raw "
					 "entry 0x%" PRIx64, d->addr, d->pfn,
					 rv);
				goto fail;
			}
		}
	}
	qsort(e, n, sizeof(*e), entry_cmp);

	/* Every page of every mapping against pagemap. */
	nv = read_maps(pid, v, 4096);
	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || nv <= 0) {
		snprintf(why, wsize, "cannot read %s or maps", path);
		goto fail;
	}
	for (int i = 0; i < nv; i++) {
		if (v[i].start >= 0xffff800000000000ull)
			continue;	/* [vsyscall]: not in the mm */
		for (uint64_t ad = v[i].start; ad < v[i].end; ad += 4096) {
			const struct entry *x = entry_at(e, n, ad);
			bool present = x && (!strcmp(x->kind, "present") ||
					     !strcmp(x->kind, "protnone"));
			uint64_t pm;

			if (pread(fd, &pm, 8, (off_t)(ad / 4096 * 8)) != 8) {
				snprintf(why, wsize, "cannot read pagemap");
				goto fail;
			}
			pages++;
			if (!!(pm & PM_PRESENT) != present ||
			    (present && (!x->have_pfn || (pm & PM_PFN_MASK) !=
					 x->pfn + (ad - x->addr) / 4096))) {
				snprintf(why, wsize, "0x%" PRIx64 " in %s: "
					 "pagemap %s PFN 0x%llx, vmphys %s",
					 ad, v[i].name, pm & PM_PRESENT ?
					 "present" : "absent",
					 (unsigned long long)(pm & PM_PFN_MASK),
					 x ? x->kind : "nothing");
				goto fail;
			}
			if ((pm & PM_SWAP) && (!x || strcmp(x->kind, "swap") ||
					       !x->have_swap ||
					       (pm & 0x1f) != x->swap_type ||
					       ((pm & PM_PFN_MASK) >> 5) !=
					       x->swap_offset)) {
				snprintf(why, wsize, "0x%" PRIx64 ": a swap "
					 "entry in pagemap, vmphys %s", ad,
					 x ? x->kind : "nothing");
				goto fail;
			}
		}
	}
	/* The kernel's count of the process's page tables. */
	vmpte = -1;
	{
		char spath[64], *s, *p;

		snprintf(spath, sizeof(spath), "/proc/%d/status", (int)pid);
		s = slurp(spath);
		p = s ? strstr(s, "VmPTE:") : NULL;
		if (p)
			vmpte = strtol(p + 6, NULL, 10);
		free(s);
	}
	bytes = jnum(pt, "pgtables_bytes", &ok);
	if (!ok || vmpte < 0 || bytes != (uint64_t)vmpte * 1024 ||
	    jnum(pt, "pgtables_pages", &ok) != bytes / 4096) {
		snprintf(why, wsize, "page tables: vmphys %" PRIu64 " bytes, "
			 "VmPTE %ld kB", bytes, vmpte);
		goto fail;
	}
	close(fd);
	free(e);
	jfree(&doc);
	run_free(&r);
	return pages;
fail:
	if (fd >= 0)
		close(fd);
	free(e);
	jfree(&doc);
	run_free(&r);
	return -1;
}

static int cmd_walk(pid_t pid)
{
	char why[512] = "";
	long pages = -1, bits = 0;
	int t;

	/* The process is stopped; only reclaim could move a page. */
	for (t = 1; t <= 3 && pages < 0; t++) {
		pages = walk_once(pid, &bits, why, sizeof(why));
		if (pages == -2)
			return 1;
	}
	if (!tap(pages > 0, "vmphys --walk -J %d with vmscope.ko: presence, "
		 "PFN and swap entry of each of %ld pages equal "
		 "/proc/%d/pagemap; %ld entries' bits equal their raw values "
		 "decoded here; page tables equal VmPTE (%d attempts)",
		 (int)pid, pages, (int)pid, bits, t - 1))
		diag("%s", why);
	return tap_failures ? 1 : 0;
}

/* ---- tlb ------------------------------------------------------------ */

/* CPUs in a list such as "0-1,4" (/sys/devices/system/cpu/online). */
static int cpu_list(const char *path, bool *cpus, int max)
{
	char *s = slurp(path), *p = s;
	int n = 0;

	memset(cpus, 0, sizeof(*cpus) * (size_t)max);
	while (p && *p && *p != '\n') {
		long a = strtol(p, &p, 10), b = a;

		if (*p == '-')
			b = strtol(p + 1, &p, 10);
		for (long c = a; c <= b && c < max; c++, n++)
			cpus[c] = true;
		if (*p == ',')
			p++;
	}
	free(s);
	return n;
}

static volatile int churn_stop;

/* Shootdowns: a thread keeps the mm loaded on another CPU while this one
 * maps, touches and unmaps memory. */
static void *spin(void *arg)
{
	(void)arg;
	while (!churn_stop)
		__asm__ volatile("pause");
	return NULL;
}

static pid_t churn(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		pthread_t th;

		pthread_create(&th, NULL, spin, NULL);
		for (;;) {
			char *p = mmap(NULL, 1 << 16, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

			if (p != MAP_FAILED) {
				memset(p, 1, 1 << 16);
				munmap(p, 1 << 16);
			}
			sched_yield();
		}
	}
	return pid;
}

static int cmd_tlb(void)
{
	static const char *const reasons[] = {
		"task_switch", "remote_shootdown", "local_shootdown",
		"local_mm_shootdown", "remote_ipi_send",
	};
	bool online[256], possible[256];
	int nposs = cpu_list("/sys/devices/system/cpu/possible", possible, 256);
	char *argv[] = { "vmtlb", "-J", NULL };
	char *dargv[] = { "vmtlb", "-J", "-d", "1", NULL };
	const struct jv *top, *st, *cpus;
	char why[512] = "";
	bool ok = true, pcid = cpuinfo_has("pcid");
	size_t self = 0, nonline = 0;
	uint64_t mod = 0, tr = 0;
	struct jv doc;
	struct run r;
	pid_t child;

	cpu_list("/sys/devices/system/cpu/online", online, 256);
	if (!run_json(argv, &r, &doc)) {
		run_free(&r);
		return 1;
	}
	top = jget(&doc, "vmtlb");
	st = jget(top, "cpu_state");
	cpus = jget(st, "cpus");
	ok = module_used(top, "vmtlb", why, sizeof(why));
	if (ok && (!is(jget(st, "source"), "vmscope.ko") || !cpus ||
		   cpus->t != J_ARR || (int)cpus->n != nposs)) {
		ok = false;
		snprintf(why, sizeof(why), "cpu_state has %zu CPUs, %d are "
			 "possible", cpus ? cpus->n : 0, nposs);
	}
	for (size_t i = 0; ok && i < cpus->n; i++) {
		const struct jv *c = &cpus->v[i];
		uint64_t cpu = 0, pid = 0, owner = 0;
		bool on;

		ok = ju64(jget(c, "cpu"), &cpu) && cpu < 256 && possible[cpu];
		on = jtrue(jget(c, "online"));
		if (ok && on != online[cpu]) {
			ok = false;
			snprintf(why, sizeof(why), "CPU %" PRIu64 ": online "
				 "%d, sysfs %d", cpu, on, online[cpu]);
			break;
		}
		nonline += on;
		if (!on)
			continue;
		/* PCIDs are on where the CPU has them. */
		if (jnull(jget(c, "pcid")) == pcid) {
			ok = false;
			snprintf(why, sizeof(why), "CPU %" PRIu64 ": pcid %s, "
				 "cpuinfo %s pcid", cpu,
				 jnull(jget(c, "pcid")) ? "null" : "set",
				 pcid ? "has" : "lacks");
			break;
		}
		/* The CPU that ran the request ran vmtlb itself. */
		if (ju64(jget(c, "task_pid"), &pid) && pid == (uint64_t)r.pid) {
			self++;
			if (!is(jget(c, "comm"), "vmtlb") ||
			    !is(jget(c, "state"), "user") ||
			    !ju64(jget(c, "owner_pid"), &owner) ||
			    owner != (uint64_t)r.pid ||
			    !jfalse(jget(c, "lazy")) ||
			    !jfalse(jget(c, "kernel_mm")) ||
			    !jtrue(jget(c, "mm_loaded"))) {
				ok = false;
				snprintf(why, sizeof(why), "CPU %" PRIu64 " "
					 "runs vmtlb (%d) but says comm %s, "
					 "owner %" PRIu64 ", lazy or not its "
					 "mm", cpu, (int)r.pid,
					 jstr(jget(c, "comm")), owner);
			}
		}
	}
	/* (Two, if vmtlb moved between the CPUs' readings.) */
	if (ok && !self) {
		ok = false;
		snprintf(why, sizeof(why), "no CPU says it runs vmtlb (%d)",
			 (int)r.pid);
	}
	if (!tap(ok, "vmtlb -J with vmscope.ko: cpu_state has each of %d "
		 "possible CPUs (%zu online), PCIDs as cpuinfo says, and the "
		 "CPU running vmtlb shows it, its own mm loaded and owned by "
		 "it", nposs, nonline))
		diag("%s", why);
	jfree(&doc);
	run_free(&r);

	/* Over an interval, the module counts each traced event: per CPU
	 * and reason, its count is at least the trace's. */
	child = churn();
	if (!run_json(dargv, &r, &doc)) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		run_free(&r);
		return 1;
	}
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	top = jget(&doc, "vmtlb");
	st = jget(top, "cpu_state");
	cpus = jget(st, "cpus");
	{
		const struct jv *tcpus = jpath(top, "tlb_flush.cpus");
		uint64_t iv;

		ok = cpus && cpus->t == J_ARR && tcpus && tcpus->t == J_ARR &&
		     jget(st, "interval") && jget(st, "interval")->t == J_NUM;
		if (!ok)
			snprintf(why, sizeof(why), "no cpu_state with an "
				 "interval, or no tlb_flush per CPU");
		for (size_t i = 0; ok && i < cpus->n; i++) {
			const struct jv *c = &cpus->v[i], *tc = NULL;
			uint64_t cpu, m, t, tother = 0;

			if (!jtrue(jget(c, "online")))
				continue;
			ok = ju64(jget(c, "cpu"), &cpu);
			for (size_t k = 0; ok && k < tcpus->n; k++)
				if (ju64(jget(&tcpus->v[k], "cpu"), &iv) &&
				    iv == cpu)
					tc = &tcpus->v[k];
			if (!tc) {
				ok = false;
				snprintf(why, sizeof(why), "no traced counts "
					 "for CPU %" PRIu64, cpu);
				break;
			}
			for (size_t k = 0; k < sizeof(reasons) /
						sizeof(*reasons); k++) {
				bool got = true;

				m = jnum(c, reasons[k], &got);
				t = jnum(tc, reasons[k], &got);
				mod += m;
				tr += t;
				if (!got || m < t) {
					ok = false;
					snprintf(why, sizeof(why), "CPU %"
						 PRIu64 " %s: the module "
						 "counts %" PRIu64 ", the "
						 "trace %" PRIu64, cpu,
						 reasons[k], m, t);
					break;
				}
			}
			/* Reasons the module's ABI does not name. */
			for (size_t k = 0; ok && k < tc->n; k++) {
				bool named = !strcmp(tc->k[k], "cpu");

				for (size_t q = 0; q < sizeof(reasons) /
							sizeof(*reasons); q++)
					named |= !strcmp(tc->k[k], reasons[q]);
				if (!named && ju64(&tc->v[k], &iv))
					tother += iv;
			}
			if (ok && (!ju64(jget(c, "other"), &m) || m < tother)) {
				ok = false;
				snprintf(why, sizeof(why), "CPU %" PRIu64 " "
					 "other reasons: module %" PRIu64
					 ", trace %" PRIu64, cpu, m, tother);
			}
		}
	}
	if (!tap(ok && tr > 0, "vmtlb -J -d 1 with vmscope.ko: per CPU and "
		 "reason the module counts at least the tlb:tlb_flush events "
		 "traced in its window (%" PRIu64 " counted, %" PRIu64
		 " traced)", mod, tr))
		diag("%s", why[0] ? why : "nothing was traced");
	jfree(&doc);
	run_free(&r);
	return tap_failures ? 1 : 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int dispatch(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	if (!strcmp(cmd, "nomodule"))
		return cmd_nomodule();
	if (!strcmp(cmd, "frag"))
		return cmd_frag(argc > 2 && !strcmp(argv[2], "--small-budget"));
	if (!strcmp(cmd, "slab"))
		return cmd_slab();
	if (!strcmp(cmd, "walk") && argc > 2)
		return cmd_walk((pid_t)atoi(argv[2]));
	if (!strcmp(cmd, "tlb"))
		return cmd_tlb();
	fprintf(stderr, "usage: cmdcheck nomodule|frag|slab|walk PID|tlb\n");
	return 2;
}

int main(int argc, char **argv)
{
	double t0 = now();
	int r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	r = dispatch(argc, argv);
	diag("cmdcheck %s: %.1f s", argc > 1 ? argv[1] : "", now() - t0);
	return r;
}
