/* rawread.c - the floor for vmmap --backing: read a process's pagemap over
 * every mapping in batches, and the kpageflags of each present frame, in
 * one pread per run of consecutive PFNs. Nothing else: no names, no
 * kpagecount, no output but the number of pages seen.
 *
 *   rawread PID
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define BATCH 32768

static uint64_t ent[BATCH], pfn[BATCH], flags[BATCH];

int main(int argc, char **argv)
{
	char path[64], line[4096];
	unsigned long lo, hi;
	uint64_t present = 0, nflags = 0;
	long ps = sysconf(_SC_PAGESIZE);
	int pm, kf;
	FILE *maps;

	if (argc != 2)
		return 2;
	snprintf(path, sizeof(path), "/proc/%s/maps", argv[1]);
	maps = fopen(path, "r");
	snprintf(path, sizeof(path), "/proc/%s/pagemap", argv[1]);
	pm = open(path, O_RDONLY);
	kf = open("/proc/kpageflags", O_RDONLY);
	if (!maps || pm < 0 || kf < 0) {
		perror("open");
		return 1;
	}
	while (fgets(line, sizeof(line), maps)) {
		if (sscanf(line, "%lx-%lx", &lo, &hi) != 2)
			continue;
		for (uint64_t v = lo / ps; v < hi / ps;) {
			size_t want = hi / ps - v < BATCH ? hi / ps - v : BATCH;
			ssize_t r = pread(pm, ent, want * 8, (off_t)(v * 8));
			size_t n = r > 0 ? (size_t)r / 8 : 0, m = 0;

			for (size_t i = 0; i < n; i++)
				if (ent[i] >> 63)
					pfn[m++] = ent[i] & ((1ull << 55) - 1);
			present += m;
			for (size_t i = 0; i < m;) {
				size_t j = i + 1;

				while (j < m && pfn[j] == pfn[j - 1] + 1)
					j++;
				if (pread(kf, flags + i, (j - i) * 8,
					  (off_t)(pfn[i] * 8)) > 0)
					nflags += j - i;
				i = j;
			}
			if (n < want)
				break;
			v += n;
		}
	}
	printf("%llu present, %llu flags read\n", (unsigned long long)present,
	       (unsigned long long)nflags);
	return 0;
}
