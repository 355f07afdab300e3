/*
 * fuzz_fields.c - libFuzzer harness (make fuzz): every parser of one
 * value the commands take from a clerk (dates, months, quarters, units,
 * phones, names, texts, amounts) and the width and masking of text.
 * Any input: an answer or an error, never a crash or an exit.
 */
#include <string.h>

#include "fuzz.h"

static int ready;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct pm_err e;
	struct buf b = { 0 };
	time_t t;
	long n, fen;
	int y, m, timed;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (!ready++)
		msg_init("fuzz_fields");
	clock_parse(s, &t, &timed);
	clock_parse_month(s, &y, &m);
	clock_parse_quarter(s, &y, &m);
	clock_parse_hm(s, &m);
	field_unit(&e, "unit", s);
	field_phone(&e, "phone", s);
	field_name(&e, "name", s);
	field_text(&e, "text", s, strlen(s), FIELD_TEXT_MAX);
	field_count(&e, "count", s, 0, 1000, &n);
	field_fen(s, &fen);
	if (utf8_valid(s, strlen(s))) {
		out_width(s);
		out_wrap(&b, s, 12, 12, 80);
		buf_reset(&b);
		out_cut(&b, s, 40);
		buf_reset(&b);
		field_mask_numbers(s, &b);
	}
	buf_free(&b);
	free(s);
	return 0;
}
