/* Coder options: PETRARCH-1 names, defaults and <Config> parsing. */
#include "code_internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

void dt_coder_options_default(dt_coder_options *o)
{
    if (!o)
        return;
    o->require_dyad = 1;
    o->new_actor_length = 0;
    o->comma_min = 2;
    o->comma_max = 8;
    o->comma_bmin = 0;
    o->comma_bmax = 0;
    o->comma_emin = 2;
    o->comma_emax = 8;
    o->code_issues = 1;
    o->source_only = 0;
    o->modality = 0;
    o->agent_country = -1;
}

/* PETRARCH: a boolean is false when its value contains "false". */
static int parse_bool(const char *v)
{
    char low[64];
    size_t n = strlen(v);
    if (n >= sizeof low)
        n = sizeof low - 1;
    for (size_t i = 0; i < n; i++)
        low[i] = (char)tolower((unsigned char)v[i]);
    low[n] = '\0';
    return strstr(low, "false") == NULL;
}

static int parse_int(const char *v, int *out)
{
    while (*v == ' ' || *v == '\t')
        v++;
    if (!*v)
        return -1;
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    while (*end == ' ' || *end == '\t')
        end++;
    if (errno || *end || x < -1000000 || x > 1000000)
        return -1;
    *out = (int)x;
    return 0;
}

int dt_coder_options_set(dt_coder_options *o, const char *name, const char *value, dt_error *err)
{
    if (!o || !name || !value)
        return dt_error_set(err, DT_EINVAL, NULL, 0, UINT64_MAX, "option: null argument");
    int *slot = NULL;
    if (!strcmp(name, "require_dyad")) {
        o->require_dyad = parse_bool(value);
        return DT_OK;
    }
    if (!strcmp(name, "agent_country")) {
        o->agent_country = strstr(value, "auto") ? -1 : parse_bool(value);
        return DT_OK;
    }
    if (!strcmp(name, "modality")) {
        o->modality = parse_bool(value);
        return DT_OK;
    }
    if (!strcmp(name, "source_only")) {
        o->source_only = parse_bool(value);
        return DT_OK;
    }
    if (!strcmp(name, "code_issues")) {
        o->code_issues = parse_bool(value);
        return DT_OK;
    }
    if (!strcmp(name, "stop_on_error") || !strcmp(name, "write_actor_root") ||
        !strcmp(name, "write_actor_text"))
        return DT_OK; /* PETRARCH run options with no effect on coding */
    if (!strcmp(name, "new_actor_length"))
        slot = &o->new_actor_length;
    else if (!strcmp(name, "comma_min"))
        slot = &o->comma_min;
    else if (!strcmp(name, "comma_max"))
        slot = &o->comma_max;
    else if (!strcmp(name, "comma_bmin"))
        slot = &o->comma_bmin;
    else if (!strcmp(name, "comma_bmax"))
        slot = &o->comma_bmax;
    else if (!strcmp(name, "comma_emin"))
        slot = &o->comma_emin;
    else if (!strcmp(name, "comma_emax"))
        slot = &o->comma_emax;
    if (!slot)
        return dt_error_set(err, DT_ENOENT, NULL, 0, UINT64_MAX, "unknown coder option '%s'", name);
    int v;
    if (parse_int(value, &v) < 0)
        return dt_error_set(err, DT_EINVAL, NULL, 0, UINT64_MAX,
                            "option '%s' needs an integer, got '%s'", name, value);
    *slot = v;
    return DT_OK;
}
