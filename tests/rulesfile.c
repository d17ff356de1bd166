// SPDX-License-Identifier: GPL-2.0-only
/* Rules files of the lab tools; see rulesfile.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "rulesfile.h"
#include "names.h"

static int parse_rule(const char *line, struct xdpdns_rule *r)
{
	char name[300], kind[16], action[16];
	int ede = 0, act;
	const char *why;

	if (sscanf(line, "%299s %15s %15s %d", name, kind, action, &ede) < 3)
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	r->kind = !strcmp(kind, "exact") ? XDPDNS_KIND_EXACT :
		  !strcmp(kind, "below") ? XDPDNS_KIND_BELOW :
		  !strcmp(kind, "both") ? XDPDNS_KIND_EXACT | XDPDNS_KIND_BELOW : 0;
	act = xdpdns_action_parse(action);
	if (!r->kind || act < 0 || xdpdns_name_parse(name, &r->name, &why))
		return -EINVAL;
	r->action = act;
	r->ede = ede;
	r->feed = 1;
	return 0;
}

/* Lines in the file: the generation is sized for that many rules. */
static __u32 count_lines(FILE *f)
{
	char line[512];
	__u32 n = 0;

	while (fgets(line, sizeof(line), f))
		n++;
	rewind(f);
	return n;
}

struct xdpdns_gen *rulesfile_load(const char *path)
{
	struct xdpdns_gen *gen = NULL;
	char line[512];
	int lineno = 0;
	FILE *f;

	f = fopen(path, "r");
	if (f)
		gen = xdpdns_gen_create(count_lines(f), 1);
	if (!f || !gen) {
		fprintf(stderr, "error: cannot read '%s': %s\n", path, strerror(errno));
		if (f)
			fclose(f);
		return NULL;
	}
	while (fgets(line, sizeof(line), f)) {
		struct xdpdns_rule r;

		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (parse_rule(line, &r) || xdpdns_gen_insert(gen, &r)) {
			fprintf(stderr, "error: %s:%d: bad rule\n", path, lineno);
			fclose(f);
			xdpdns_gen_close(gen);
			return NULL;
		}
	}
	fclose(f);
	return gen;
}
