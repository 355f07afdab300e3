/*
 * width - the widest line of standard input in display columns, Chinese
 * counted double (wcwidth in a UTF-8 locale); wc -L counts otherwise.
 * Carriage returns (a pty's line ends) are not counted.
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

int
main(void)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int max = 0;

	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		setlocale(LC_CTYPE, "");
	while ((n = getline(&line, &cap, stdin)) > 0) {
		mbstate_t st;
		const char *s = line;
		size_t len = (size_t)n, k;
		int w = 0;

		memset(&st, 0, sizeof st);
		while (len > 0) {
			wchar_t wc;

			k = mbrtowc(&wc, s, len, &st);
			if (k == (size_t)-1 || k == (size_t)-2) {
				memset(&st, 0, sizeof st);
				k = 1;
				w++;
			} else {
				if (k == 0)
					k = 1;
				if (wc != L'\n' && wc != L'\r' && wcwidth(wc) > 0)
					w += wcwidth(wc);
			}
			s += k;
			len -= k;
		}
		if (w > max)
			max = w;
	}
	free(line);
	printf("%d\n", max);
	return 0;
}
