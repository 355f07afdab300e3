/*
 * fuzz.h - what the libFuzzer harnesses share: the input written as a
 * file (FILE in a directory of the harness's own, made once), for the
 * readers that take a path.  Returns the directory.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "pm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline const char *
fuzz_file(const char *file, const uint8_t *data, size_t size)
{
	static char dir[] = "/tmp/pm-fuzz.XXXXXX";
	static int ready;
	char path[64];
	FILE *fp;

	if (!ready++ && (msg_init(file), mkdtemp(dir) == NULL))
		abort();
	snprintf(path, sizeof path, "%s/%s", dir, file);
	if ((fp = fopen(path, "w")) == NULL)
		abort();
	fwrite(data, 1, size, fp);
	fclose(fp);
	return dir;
}
