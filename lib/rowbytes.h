/*
 * rowbytes.h - reading a row from its bytes before it is split, for a
 * reader that says which rows it wants (ledger_want): inline, as it is
 * asked of every row of a book.
 */
#ifndef ROWBYTES_H
#define ROWBYTES_H

#include <stdint.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Bit i set for each comma of p[0, 32); all 32 bytes must be readable. */
static inline uint32_t
row_commas32(const char *p)
{
#ifdef __SSE2__
	const __m128i comma = _mm_set1_epi8(',');
	__m128i lo = _mm_loadu_si128((const __m128i *)(const void *)p),
	    hi = _mm_loadu_si128((const __m128i *)(const void *)(p + 16));

	return (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(lo, comma)) |
	    (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(hi, comma)) << 16;
#else
	uint32_t m = 0;
	int k;

	for (k = 0; k < 32; k++)
		m |= (uint32_t)(p[k] == ',') << k;
	return m;
#endif
}

#endif
