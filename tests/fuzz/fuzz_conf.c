/*
 * fuzz_conf.c - libFuzzer harness (make fuzz): any pm.conf is read into
 * the settings or refused naming its line, never a crash or an exit.
 */
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *dir = fuzz_file("pm.conf", data, size);
	struct conf c;
	struct pm_err e;

	conf_load(&c, dir, &e);
	conf_free(&c);
	return 0;
}
