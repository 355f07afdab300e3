/*
 * visitform.c - the paper of the return visits (SPEC 2.4): the quarter's
 * 回访季度分析报告 for the responsible managers, within 80 columns,
 * Chinese in every locale.  visit.c finds; this prints.
 */
#include <string.h>

#include "visit.h"

void
visit_analysis_form(FILE *out, const char *quarter,
    const struct visit_finding *f, size_t n)
{
	static const struct { const char *kind, *title; } sections[] = {
		{ "unqualified", "一、不合格回访" },
		{ "repeat-complaint", "二、同一问题重复投诉 (同一房号, 同一类别, 2 次以上)" },
		{ "repeat-repair", "三、同一维修 3 次以上" },
	};
	size_t s, i;

	fprintf(out, "回访季度分析报告 %s\n", quarter);
	for (s = 0; s < sizeof sections / sizeof sections[0]; s++) {
		int any = 0;

		fprintf(out, "\n%s\n", sections[s].title);
		for (i = 0; i < n; i++)
			if (strcmp(f[i].kind, sections[s].kind) == 0) {
				struct buf line = { 0 };

				/* 80 columns however many refs */
				buf_addf(&line, "  %s  %-2s  %3ld  ", f[i].unit,
				    f[i].category, f[i].count);
				out_wrap(&line, f[i].refs, out_width(line.s),
				    out_width(line.s), 80);
				fputs(line.s, out);
				buf_free(&line);
				any = 1;
			}
		if (!any)
			fputs("  无\n", out);
	}
	fputs("\n呈报: 责任部门经理 ____________   客服主管: ____________\n", out);
}
