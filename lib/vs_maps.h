/* vs_maps.h - streaming parser for /proc/PID/maps, smaps and smaps_rollup.
 *
 * One iterator reads all three files: each call yields one mapping (VMA)
 * with its header fields and, for smaps, every "Key: value [kB]" line that
 * follows it. Keys the library does not know (a newer kernel's) are kept
 * under their own names, in the order the kernel printed them. Only one
 * VMA is held at a time, so memory does not grow with the number of
 * mappings.
 */
#ifndef VS_MAPS_H
#define VS_MAPS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "vs_err.h"
#include "vs_root.h"
#include "vs_spool.h"

/* The smaps keys the library knows by name. The order is the kernel's. */
enum vs_key {
	VS_KEY_SIZE,
	VS_KEY_KERNEL_PAGE_SIZE,
	VS_KEY_MMU_PAGE_SIZE,
	VS_KEY_RSS,
	VS_KEY_PSS,
	VS_KEY_PSS_DIRTY,
	VS_KEY_PSS_ANON,
	VS_KEY_PSS_FILE,
	VS_KEY_PSS_SHMEM,
	VS_KEY_SHARED_CLEAN,
	VS_KEY_SHARED_DIRTY,
	VS_KEY_PRIVATE_CLEAN,
	VS_KEY_PRIVATE_DIRTY,
	VS_KEY_REFERENCED,
	VS_KEY_ANONYMOUS,
	VS_KEY_KSM,
	VS_KEY_LAZY_FREE,
	VS_KEY_ANON_HUGE_PAGES,
	VS_KEY_SHMEM_PMD_MAPPED,
	VS_KEY_FILE_PMD_MAPPED,
	VS_KEY_SHARED_HUGETLB,
	VS_KEY_PRIVATE_HUGETLB,
	VS_KEY_SWAP,
	VS_KEY_SWAP_PSS,
	VS_KEY_LOCKED,
	VS_KEY_THP_ELIGIBLE,
	VS_KEY_PROTECTION_KEY,
	VS_KEY_VM_FLAGS,
	VS_KEY__COUNT
};

/* What a key's value is. */
#define VS_KF_KB	0x01u	/* a size the kernel prints in kB */
#define VS_KF_ADD	0x02u	/* adding it up over mappings means something */
#define VS_KF_BOOL	0x04u	/* 0 or 1, a yes/no fact */
#define VS_KF_TEXT	0x08u	/* not a number (VmFlags) */

/* Facts about a known key. */
struct vs_keyinfo {
	const char *name;	/* as the kernel prints it: "AnonHugePages" */
	const char *json;	/* JSON key: "anon_huge_pages" */
	unsigned flags;		/* VS_KF_* */
	const char *help;	/* one line for --list-columns */
};

extern const struct vs_keyinfo vs_keyinfo[VS_KEY__COUNT];

/* Look up a kernel key name; returns its enum vs_key or -1. */
int vs_key_lookup(const char *name, size_t len);

/* Convert a kernel key name ("AnonHugePages") to snake case
 * ("anon_huge_pages") for keys the library does not know. */
void vs_key_snake(const char *name, char *out, size_t size);

#define VS_KEYS_MAX 64		/* distinct keys one file may use */
#define VS_KEY_NAME_MAX 48	/* longest key name accepted, with NUL */

/* One key seen in a file, in the order of first appearance. */
struct vs_keyslot {
	char name[VS_KEY_NAME_MAX];	/* as printed by the kernel */
	unsigned char len;		/* strlen(name) */
	uint64_t w[2], mask[2];		/* "Name:" as two words, for a fast
					 * match; mask 0 when too long */
	char json[VS_KEY_NAME_MAX + 8];	/* snake case JSON name */
	int known;			/* enum vs_key, or -1 */
	unsigned flags;			/* VS_KF_*, from the table or the line */
};

/* The keys of one file. Every VMA of the file refers to it. */
struct vs_keyset {
	unsigned n;				/* slots in use */
	uint64_t add_mask;			/* slots with VS_KF_ADD */
	uint64_t text_mask;			/* slots with VS_KF_TEXT */
	struct vs_keyslot slot[VS_KEYS_MAX];
	signed char slot_of[VS_KEY__COUNT];	/* known key -> slot, or -1 */
};

/* One mapping. */
struct vs_vma {
	uint64_t start;		/* first byte */
	uint64_t end;		/* one past the last byte */
	uint64_t offset;	/* file offset (page offset for anon) */
	uint64_t inode;
	unsigned dev_major, dev_minor;
	char perms[5];		/* "r-xp" as printed, NUL-terminated */
	char *name;		/* text after the padding, as the kernel printed
				 * it (newlines escaped as \012); "" if none */
	size_t name_len;
	/* smaps only: */
	const struct vs_keyset *keys;	/* the file's key set */
	uint64_t have;			/* bit i: slot i was present */
	uint64_t val[VS_KEYS_MAX];	/* values as printed (kB for kB keys);
					 * for text keys, offset<<32 | length
					 * into @text */
	char *text;			/* storage of text values */
	size_t text_len, text_cap;
	size_t name_cap;
};

enum vs_maps_file { VS_FILE_MAPS, VS_FILE_SMAPS, VS_FILE_SMAPS_ROLLUP };

struct vs_maps;

/* Open /proc/@pid/{maps,smaps,smaps_rollup} below @r. Returns 0 and an
 * iterator in *@out, or a negative errno with @e set. */
int vs_maps_open(struct vs_root *r, pid_t pid, enum vs_maps_file which,
		 struct vs_maps **out, struct vs_err *e);

/* Read from an open descriptor (taken over), naming it @path in messages. */
int vs_maps_open_fd(int fd, const char *path, enum vs_maps_file which,
		    struct vs_maps **out, struct vs_err *e);

/* Yield the next mapping in *@vma (valid until the next call). Returns 1,
 * 0 at the end, or a negative errno: -EBADMSG for a line that is not in
 * the file's format (@e names the file, the line number and the line). */
int vs_maps_next(struct vs_maps *m, const struct vs_vma **vma,
		 struct vs_err *e);

/* The key set seen so far (complete once vs_maps_next() returned 0). */
const struct vs_keyset *vs_maps_keys(const struct vs_maps *m);

/* Bytes read from the file so far. */
unsigned long long vs_maps_bytes(const struct vs_maps *m);

void vs_maps_close(struct vs_maps *m);

/* The value of known key @k in @v: true and *@out set if present. For kB
 * keys the value is in kB, as printed. */
bool vs_vma_get(const struct vs_vma *v, enum vs_key k, uint64_t *out);

/* Same, for kB keys converted to bytes (other keys unchanged). */
bool vs_vma_bytes(const struct vs_vma *v, enum vs_key k, uint64_t *out);

/* Text value of slot @slot (for VS_KF_TEXT keys); NULL if absent. */
const char *vs_vma_text(const struct vs_vma *v, unsigned slot, size_t *len);

/* Parse a maps header line into @v (name copied into @v's buffer).
 * Returns 0, -EBADMSG if the line is not a header, or -ENOMEM. */
int vs_vma_parse_header(struct vs_vma *v, const char *line, size_t len);

/* Copy @src into @dst (deep: name and text storage). Returns 0 or -ENOMEM. */
int vs_vma_copy(struct vs_vma *dst, const struct vs_vma *src);

/* Append a compact encoding of @v to @b (for a vs_spool). */
void vs_vma_encode(const struct vs_vma *v, struct vs_buf *b);

/* Decode a record written by vs_vma_encode() into @v, whose key set must be
 * @ks (the one @v was read with). Returns 0, -EBADMSG or -ENOMEM. */
int vs_vma_decode(struct vs_vma *v, const struct vs_keyset *ks,
		  const void *rec, size_t len);

/* Free the buffers of a VMA filled by vs_vma_parse_header/vs_vma_copy. */
void vs_vma_release(struct vs_vma *v);

#endif
