/*
 * pngcount - how many pixels of a PNG have a colour (tests/t-report.sh
 * counts the chart bars in a headless Chromium screenshot).
 *
 *   pngcount FILE RRGGBB     prints "MATCHING TOTAL"
 *
 * Reads 8-bit, non-interlaced RGB or RGBA, as Chromium writes them;
 * zlib inflates, the PNG filters are undone here.  A pixel matches when
 * each channel is within 6 of the colour (anti-aliasing aside).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

static unsigned long
be32(const unsigned char *p)
{
	return (unsigned long)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static int
paeth(int a, int b, int c)
{
	int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);

	return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

static void
fail(const char *why)
{
	fprintf(stderr, "pngcount: %s\n", why);
	exit(1);
}

int
main(int argc, char **argv)
{
	unsigned char *file, *idat = NULL, *raw, *prev, *zero, *row, hdr[8];
	unsigned long w = 0, h = 0, len, x, y, match = 0;
	size_t nfile, nidat = 0, pos = 8, stride, bpp = 0;
	unsigned int want[3];
	uLongf nraw;
	FILE *fp;
	long size;

	if (argc != 3 || sscanf(argv[2], "%2x%2x%2x", &want[0], &want[1],
	    &want[2]) != 3)
		fail("usage: pngcount FILE RRGGBB");
	if ((fp = fopen(argv[1], "rb")) == NULL)
		fail("cannot open the file");
	fseek(fp, 0, SEEK_END);
	size = ftell(fp);
	rewind(fp);
	file = malloc(size > 0 ? size : 1);
	nfile = fread(file, 1, size, fp);
	fclose(fp);
	if (nfile < 8 || memcmp(file, "\211PNG\r\n\032\n", 8) != 0)
		fail("not a PNG");
	while (pos + 12 <= nfile) {
		len = be32(file + pos);
		if (pos + 12 + len > nfile)
			fail("truncated chunk");
		memcpy(hdr, file + pos + 4, 4);
		if (memcmp(hdr, "IHDR", 4) == 0) {
			const unsigned char *d = file + pos + 8;

			w = be32(d);
			h = be32(d + 4);
			if (d[8] != 8 || d[12] != 0 || (d[9] != 2 && d[9] != 6))
				fail("only 8-bit non-interlaced RGB/RGBA");
			bpp = d[9] == 2 ? 3 : 4;
		} else if (memcmp(hdr, "IDAT", 4) == 0) {
			idat = realloc(idat, nidat + len);
			memcpy(idat + nidat, file + pos + 8, len);
			nidat += len;
		}
		pos += 12 + len;
	}
	if (bpp == 0 || idat == NULL)
		fail("no image");
	stride = w * bpp;
	nraw = h * (stride + 1);
	raw = malloc(nraw);
	if (uncompress(raw, &nraw, idat, nidat) != Z_OK ||
	    nraw != h * (stride + 1))
		fail("bad image data");
	prev = zero = calloc(stride, 1);
	for (y = 0; y < h; y++) {
		unsigned char filter = raw[y * (stride + 1)];

		row = raw + y * (stride + 1) + 1;
		for (x = 0; x < stride; x++) {
			int a = x >= bpp ? row[x - bpp] : 0, b = prev[x];
			int c = x >= bpp ? prev[x - bpp] : 0;

			switch (filter) {
			case 1: row[x] += a; break;
			case 2: row[x] += b; break;
			case 3: row[x] += (a + b) / 2; break;
			case 4: row[x] += paeth(a, b, c); break;
			}
		}
		for (x = 0; x < w; x++) {
			const unsigned char *p = row + x * bpp;

			if (abs(p[0] - (int)want[0]) <= 6 &&
			    abs(p[1] - (int)want[1]) <= 6 &&
			    abs(p[2] - (int)want[2]) <= 6)
				match++;
		}
		prev = row;
	}
	printf("%lu %lu\n", match, w * h);
	free(zero);
	free(raw);
	free(idat);
	free(file);
	return 0;
}
