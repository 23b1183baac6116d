/* detente dict — lint and describe PETRARCH-format dictionaries.
 *
 *   detente dict check [--strict-dicts] [FILE...] [options]
 *   detente dict stats [FILE...] [options]
 */
#include "cli.h"

#include "detente/dict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dirent.h>

#define MAX_FILES 64

static void usage(FILE *f)
{
    fputs("Usage: detente dict check [--strict-dicts] [OPTIONS] [FILE...]\n"
          "       detente dict stats [OPTIONS] [FILE...]\n"
          "\n"
          "Read PETRARCH-1 format dictionaries and report on them.\n"
          "  check   print every problem as FILE:LINE: severity: reason, including\n"
          "          duplicates, unreachable patterns and undefined synsets; exit 1 if\n"
          "          any entry had to be skipped (with --strict-dicts: on any warning)\n"
          "  stats   print sizes, the content hash and the load time\n"
          "\n"
          "Options:\n"
          "  --dict-dir DIR     directory the file names below are relative to; with no\n"
          "                     file named, the files in DIR are picked by name\n"
          "                     (*verb*, *actors*, *agents*, *discards*, *issue*)\n"
          "  --verbs FILE       verb patterns\n"
          "  --actors FILE      actors (repeatable)\n"
          "  --agents FILE      agents\n"
          "  --discards FILE    discard list\n"
          "  --issues FILE      issue coding\n"
          "  --strict-dicts     treat warnings as errors\n"
          "  -q, --quiet        check: print only the summary\n"
          "  --notes            check: also print notes (duplicates, unreachable patterns);\n"
          "                     on by default, --no-notes hides them\n"
          "  -h, --help         this help\n"
          "A FILE given without an option is classified by its name as above.\n",
          f);
}

typedef struct opts {
    const char *dir;
    const char *verbs, *agents, *discards, *issues;
    const char *actors[MAX_FILES];
    size_t nactors;
    int strict, quiet, notes;
    char *owned[MAX_FILES * 2];
    size_t nowned;
} opts;

static int contains_ci(const char *s, const char *pat)
{
    size_t n = strlen(pat);
    for (; *s; s++) {
        size_t i = 0;
        while (i < n && s[i] && (s[i] | 0x20) == (pat[i] | 0x20))
            i++;
        if (i == n)
            return 1;
    }
    return 0;
}

/* Kind of a dictionary from its file name; -1 if unknown. */
static int guess_kind(const char *name)
{
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    if (contains_ci(base, "verb"))
        return DT_DICT_VERBS;
    if (contains_ci(base, "actor"))
        return DT_DICT_ACTORS;
    if (contains_ci(base, "agent"))
        return DT_DICT_AGENTS;
    if (contains_ci(base, "discard"))
        return DT_DICT_DISCARDS;
    if (contains_ci(base, "issue"))
        return DT_DICT_ISSUES;
    return -1;
}

static const char *in_dir(opts *o, const char *f)
{
    if (!o->dir || !f || f[0] == '/' || o->nowned == MAX_FILES * 2)
        return f;
    size_t n = strlen(o->dir) + strlen(f) + 2;
    char *p = malloc(n);
    if (!p)
        return f;
    snprintf(p, n, "%s/%s", o->dir, f);
    o->owned[o->nowned++] = p;
    return p;
}

static int set_kind(opts *o, int kind, const char *f)
{
    const char **slot = NULL;
    switch (kind) {
    case DT_DICT_VERBS:
        slot = &o->verbs;
        break;
    case DT_DICT_AGENTS:
        slot = &o->agents;
        break;
    case DT_DICT_DISCARDS:
        slot = &o->discards;
        break;
    case DT_DICT_ISSUES:
        slot = &o->issues;
        break;
    case DT_DICT_ACTORS:
        if (o->nactors == MAX_FILES) {
            dt_cli_errorf("too many actor files (at most %d)", MAX_FILES);
            return -1;
        }
        o->actors[o->nactors++] = f;
        return 0;
    default:
        dt_cli_errorf("cannot tell what kind of dictionary '%s' is", f);
        return -1;
    }
    if (*slot) {
        dt_cli_errorf("two %s files given ('%s' and '%s')", dt_dict_kind_name(kind), *slot, f);
        return -1;
    }
    *slot = f;
    return 0;
}

static int pick_from_dir(opts *o)
{
    DIR *dir = opendir(o->dir);
    if (!dir) {
        dt_cli_errorf("cannot open dictionary directory '%s'", o->dir);
        return -1;
    }
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(dir)) != NULL && !rc) {
        const char *n = e->d_name;
        size_t len = strlen(n);
        if (n[0] == '.' || len < 4 || strcmp(n + len - 4, ".txt") != 0)
            continue;
        int k = guess_kind(n);
        if (k < 0)
            continue;
        rc = set_kind(o, k, in_dir(o, n));
    }
    closedir(dir);
    if (rc)
        dt_cli_errorf("name the files with --verbs/--actors/--agents/--discards/--issues");
    return rc;
}

static void print_warning(void *ud, const dt_dict_warning *w)
{
    const opts *o = ud;
    static const char *const sev[] = {"note", "warning", "error"};
    if (o->quiet || (w->severity == DT_DICT_SEV_NOTE && !o->notes))
        return;
    if (w->line)
        printf("%s:%u: %s: %s\n", w->file, w->line, sev[w->severity], w->msg);
    else
        printf("%s: %s: %s\n", w->file, sev[w->severity], w->msg);
}

int dt_cli_dict(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return DT_EXIT_INPUT;
    }
    const char *sub = argv[1];
    if (!strcmp(sub, "--help") || !strcmp(sub, "-h") || !strcmp(sub, "help")) {
        usage(stdout);
        return DT_EXIT_OK;
    }
    int check = !strcmp(sub, "check"), stats = !strcmp(sub, "stats");
    if (!check && !stats) {
        dt_cli_errorf("unknown 'dict' command '%s' (check or stats; see 'detente dict --help')",
                      sub);
        return DT_EXIT_INPUT;
    }
    opts o;
    memset(&o, 0, sizeof o);
    o.notes = 1;
    const char *pos[MAX_FILES];
    size_t npos = 0;
    const char *named[5] = {0};
    const char *actors_named[MAX_FILES];
    size_t nactors_named = 0;
    int rc = DT_EXIT_OK;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        int kind = -1;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return DT_EXIT_OK;
        } else if (!strcmp(a, "--strict-dicts") || !strcmp(a, "--strict")) {
            o.strict = 1;
            continue;
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            o.quiet = 1;
            continue;
        } else if (!strcmp(a, "--notes")) {
            o.notes = 1;
            continue;
        } else if (!strcmp(a, "--no-notes")) {
            o.notes = 0;
            continue;
        } else if (!strcmp(a, "--dict-dir") || !strcmp(a, "--dict")) {
            if (!val) {
                dt_cli_errorf("%s needs a directory", a);
                return DT_EXIT_INPUT;
            }
            o.dir = val;
            i++;
            continue;
        } else if (!strcmp(a, "--verbs"))
            kind = DT_DICT_VERBS;
        else if (!strcmp(a, "--actors"))
            kind = DT_DICT_ACTORS;
        else if (!strcmp(a, "--agents"))
            kind = DT_DICT_AGENTS;
        else if (!strcmp(a, "--discards"))
            kind = DT_DICT_DISCARDS;
        else if (!strcmp(a, "--issues"))
            kind = DT_DICT_ISSUES;
        else if (a[0] == '-' && a[1]) {
            dt_cli_errorf("unknown option '%s' (see 'detente dict --help')", a);
            return DT_EXIT_INPUT;
        } else {
            if (npos == MAX_FILES) {
                dt_cli_errorf("too many files");
                return DT_EXIT_INPUT;
            }
            pos[npos++] = a;
            continue;
        }
        if (!val) {
            dt_cli_errorf("%s needs a file name", a);
            return DT_EXIT_INPUT;
        }
        i++;
        if (kind == DT_DICT_ACTORS) {
            if (nactors_named == MAX_FILES) {
                dt_cli_errorf("too many actor files");
                return DT_EXIT_INPUT;
            }
            actors_named[nactors_named++] = val;
        } else {
            named[kind] = val;
        }
    }
    /* File names are resolved after all options, so --dict-dir may come
     * anywhere on the line. */
    int any = npos || nactors_named;
    for (int k = 0; k < 5; k++)
        if (named[k]) {
            any = 1;
            if (set_kind(&o, k, in_dir(&o, named[k])))
                rc = DT_EXIT_INPUT;
        }
    for (size_t i = 0; i < nactors_named && !rc; i++)
        if (set_kind(&o, DT_DICT_ACTORS, in_dir(&o, actors_named[i])))
            rc = DT_EXIT_INPUT;
    for (size_t i = 0; i < npos && !rc; i++)
        if (set_kind(&o, guess_kind(pos[i]), in_dir(&o, pos[i])))
            rc = DT_EXIT_INPUT;
    if (!rc && !any && o.dir && pick_from_dir(&o))
        rc = DT_EXIT_INPUT;
    if (!rc && !o.verbs && !o.nactors && !o.agents && !o.discards && !o.issues) {
        dt_cli_errorf("no dictionary files given (see 'detente dict --help')");
        rc = DT_EXIT_INPUT;
    }
    if (rc) {
        for (size_t i = 0; i < o.nowned; i++)
            free(o.owned[i]);
        return rc;
    }

    dt_dict_files files = {o.verbs, o.actors, o.nactors, o.agents, o.discards, o.issues};
    dt_dict_options dopt;
    memset(&dopt, 0, sizeof dopt);
    dopt.strict = o.strict;
    if (check) {
        dopt.on_warning = print_warning;
        dopt.ud = &o;
    }
    dt_dicts *d = NULL;
    dt_error err;
    dt_error_clear(&err);
    int lrc = dt_dicts_load_files(&files, &dopt, &d, &err);
    if (lrc && lrc != DT_EFORMAT) {
        char buf[1024];
        dt_error_format(&err, buf, sizeof buf);
        dt_cli_errorf("%s", buf);
        rc = lrc == DT_EIO ? DT_EXIT_INPUT : DT_EXIT_INTERNAL;
    }
    if (d) {
        dt_dict_stats st;
        dt_dicts_stats(d, &st);
        size_t ne = dt_dicts_count_severity(d, DT_DICT_SEV_ERROR);
        size_t nw = dt_dicts_count_severity(d, DT_DICT_SEV_WARNING);
        size_t nn = dt_dicts_count_severity(d, DT_DICT_SEV_NOTE);
        if (check) {
            fprintf(stderr, "detente: dict check: %zu error(s), %zu warning(s), %zu note(s)%s\n",
                    ne, nw, nn, o.strict ? " (strict)" : "");
            if (ne || (o.strict && nw))
                rc = rc ? rc : DT_EXIT_INPUT;
        } else {
            printf("hash            %s\n", dt_dicts_hash_hex(d));
            printf("load_ms         %.2f\n", st.load_ms);
            printf("load_cpu_ms     %.2f\n", st.load_cpu_ms);
            printf("bytes_read      %zu\n", st.bytes_read);
            printf("memory_bytes    %zu\n", st.memory);
            printf("words           %zu\n", st.words);
            printf("actors          %zu\n", st.actors);
            printf("actor_phrases   %zu\n", st.actor_phrases);
            printf("actor_codes     %zu\n", st.actor_codes);
            printf("agents          %zu\n", st.agents);
            printf("verb_blocks     %zu\n", st.verb_blocks);
            printf("verbs           %zu\n", st.verbs);
            printf("verb_forms      %zu\n", st.verb_forms);
            printf("patterns        %zu\n", st.patterns);
            printf("synsets         %zu\n", st.synsets);
            printf("synset_members  %zu\n", st.synset_members);
            printf("discards        %zu\n", st.discards);
            printf("issues          %zu\n", st.issues);
            printf("transforms      %zu\n", st.transforms);
            printf("warnings        %zu (%zu error, %zu warning, %zu note)\n", st.warnings, ne, nw,
                   nn);
            if (lrc == DT_EFORMAT) {
                char buf[1024];
                dt_error_format(&err, buf, sizeof buf);
                dt_cli_errorf("%s", buf);
                rc = DT_EXIT_INPUT;
            }
        }
        dt_dicts_free(d);
    }
    for (size_t i = 0; i < o.nowned; i++)
        free(o.owned[i]);
    return rc;
}
