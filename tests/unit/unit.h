/* unit.h - what the unit tests share: cmocka, and files to parse. */
#ifndef UNIT_H
#define UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

/* Write @len bytes of @text to a new temporary file; returns its path
 * (static storage, one at a time) or fails the test. */
static inline const char *tmp_file(const char *text, size_t len)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/vmscope-unit-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	return path;
}

/* A fresh temporary directory; returns its path (static storage). */
static inline const char *tmp_dir(void)
{
	static char path[64];

	snprintf(path, sizeof(path), "/tmp/vmscope-unit-XXXXXX");
	assert_non_null(mkdtemp(path));
	return path;
}

/* Write @text into DIR/REL, making directories. */
static inline void put_file(const char *dir, const char *rel, const char *text,
			    size_t len)
{
	char path[4096], cmd[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
}

#endif
