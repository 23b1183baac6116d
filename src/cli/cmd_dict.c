/* detente dict — lint and describe PETRARCH-format dictionaries.
 *
 *   detente dict check [--strict-dicts] [FILE...] [options]
 *   detente dict stats [FILE...] [options]
 */
#include "cli.h"

#include "detente/dict.h"
#include "detente/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dirent.h>

#define MAX_FILES 64

static void usage(FILE *f)
{
    fputs("Usage: detente dict check [--strict-dicts] [OPTIONS] [FILE...]\n"
          "       detente dict stats [OPTIONS] [FILE...]\n"
          "       detente dict compile [OPTIONS] [FILE...] -o CACHE\n"
          "       detente dict lookup --text 'WORDS ...' [--date YYYYMMDD] [OPTIONS] [FILE...]\n"
          "\n"
          "Read dictionaries (detente's own .dtx format, docs/dict-format.md, or the\n"
          "PETRARCH-1 files) and report on them. With no dictionary named, the\n"
          "built-in set is used.\n"
          "  check   print every problem as FILE:LINE: severity: reason, including\n"
          "          duplicates, unreachable patterns and undefined synsets; exit 1 if\n"
          "          any entry had to be skipped (with --strict-dicts: on any warning)\n"
          "  stats   print sizes, the content hash and the load time\n"
          "  compile write the loaded set as a compiled cache (memory-mapped by\n"
          "          --dict-cache or --dict CACHE: no parsing at start-up)\n"
          "  lookup  show what the dictionaries make of some blank-separated words:\n"
          "          actors (with the code on --date), agents, verb forms, discards, issues\n"
          "\n"
          "Options:\n"
          "  --dict DIR, --dict-dir DIR\n"
          "                     directory the file names below are relative to; with no\n"
          "                     file named, every *.dtx file under DIR and the PETRARCH\n"
          "                     .txt files in DIR picked by name (*verb*, *actors*,\n"
          "                     *agents*, *discards*, *issue*)\n"
          "  --own FILE         a .dtx file (repeatable; FILE.dtx alone works too)\n"
          "  --dict-cache FILE  load the compiled cache FILE instead of compiling; it is\n"
          "                     refused (exit 1) unless it was compiled from exactly the\n"
          "                     dictionaries the other options name (or, with none, the\n"
          "                     sources recorded in it)\n"
          "  -o FILE            compile: the cache to write\n"
          "  --verbs FILE       verb patterns\n"
          "  --actors FILE      actors (repeatable)\n"
          "  --agents FILE      agents\n"
          "  --discards FILE    discard list\n"
          "  --issues FILE      issue coding\n"
          "  --strict-dicts     treat warnings as errors\n"
          "  -q, --quiet        check: print only the summary\n"
          "  --text WORDS       lookup: the words (tokens separated by blanks)\n"
          "  --date YYYYMMDD    lookup: the date for actor codes (default: none)\n"
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
    const char *own[MAX_FILES]; /* .dtx files (docs/dict-format.md) */
    size_t nown;
    int use_dir;       /* load o->dir whole (dt_dicts_load_dir) */
    const char *cache; /* --dict-cache FILE */
    const char *out;   /* compile -o FILE */
    int strict, quiet, notes;
    const char *text;
    int32_t date;
    char *owned[MAX_FILES * 2];
    size_t nowned;
} opts;

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

/* Load what the options name: a whole directory, the named files
 * (PETRARCH ones first, verbs leading, then .dtx), or with nothing named
 * the built-in set. */
static int load(const opts *o, const dt_dict_options *dopt, dt_dicts **d, dt_error *err)
{
    if (o->use_dir && !o->cache)
        return dt_dicts_load_dir(o->dir, dopt, d, err);
    dt_dict_source src[MAX_FILES * 2 + 4];
    size_t n = 0;
    if (o->verbs)
        src[n++] = (dt_dict_source){DT_DICT_VERBS, o->verbs, NULL, NULL, 0};
    for (size_t i = 0; i < o->nactors; i++)
        src[n++] = (dt_dict_source){DT_DICT_ACTORS, o->actors[i], NULL, NULL, 0};
    if (o->agents)
        src[n++] = (dt_dict_source){DT_DICT_AGENTS, o->agents, NULL, NULL, 0};
    if (o->discards)
        src[n++] = (dt_dict_source){DT_DICT_DISCARDS, o->discards, NULL, NULL, 0};
    if (o->issues)
        src[n++] = (dt_dict_source){DT_DICT_ISSUES, o->issues, NULL, NULL, 0};
    for (size_t i = 0; i < o->nown; i++)
        src[n++] = (dt_dict_source){DT_DICT_OWN, o->own[i], NULL, NULL, 0};
    if (o->cache)
        return dt_dicts_load_cache(o->cache, src, n, dopt, d, err);
    if (!n)
        return dt_dicts_load_builtin(dopt, d, err);
    return dt_dicts_load(src, n, dopt, d, err);
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

#define MAX_LOOKUP_WORDS 256

static void print_words(const dt_dicts *d, const uint32_t *ids, size_t n)
{
    for (size_t k = 0; k < n; k++)
        printf("%s%s", k ? " " : "", dt_dict_word(d, ids[k]));
}

static void print_src(const dt_dicts *d, dt_dict_src src)
{
    printf("  (%s:%u)\n", dt_dict_source_name(d, src.file), src.line);
}

/* What the dictionaries make of the words of --text. */
static int do_lookup(const dt_dicts *d, const opts *o)
{
    static char norm[MAX_LOOKUP_WORDS][DT_MAX_TOKEN_BYTES + 8];
    const char *norms[MAX_LOOKUP_WORDS];
    uint32_t ids[MAX_LOOKUP_WORDS];
    size_t n = 0;
    const char *p = o->text;
    while (*p && n < MAX_LOOKUP_WORDS) {
        while (*p == ' ' || *p == '\t')
            p++;
        const char *q = p;
        while (*q && *q != ' ' && *q != '\t')
            q++;
        if (q > p) {
            size_t m = dt_text_fold(p, (size_t)(q - p), norm[n], sizeof norm[n]);
            norms[n] = norm[n];
            ids[n] = dt_dict_word_id(d, norm[n], m);
            n++;
        }
        p = q;
    }
    printf("words:");
    for (size_t i = 0; i < n; i++)
        printf(" %s%s", norms[i], ids[i] ? "" : "(?)");
    printf("\n");
    const dt_dict_phrase_set *as = dt_dict_actor_phrases(d), *gs = dt_dict_agent_phrases(d);
    uint32_t na, nag, nv, nb;
    const dt_dict_actor *actors = dt_dict_actors(d, &na);
    const dt_dict_agent *agents = dt_dict_agents(d, &nag);
    const dt_dict_verb *verbs = dt_dict_verbs(d, &nv);
    const dt_dict_verb_block *blocks = dt_dict_verb_blocks(d, &nb);
    for (size_t i = 0; i < n; i++) {
        const uint32_t *vals;
        uint32_t nvals;
        size_t len = dt_dict_match_longest(as, ids + i, n - i, &vals, &nvals);
        for (uint32_t k = 0; k < nvals; k++) {
            const dt_dict_phrase *ph = &as->phrases[vals[k]];
            const char *code = dt_dict_actor_code_at(d, ph->entry, o->date, NULL);
            printf("actor   ");
            print_words(d, ids + i, len);
            printf(" -> %s", code ? code : "(no code on this date)");
            print_src(d, actors[ph->entry].src);
        }
        len = dt_dict_match_longest(gs, ids + i, n - i, &vals, &nvals);
        for (uint32_t k = 0; k < nvals; k++) {
            const dt_dict_agent *ag = &agents[gs->phrases[vals[k]].entry];
            printf("agent   ");
            print_words(d, ids + i, len);
            printf(" -> %s%s%s", ag->prefix ? "" : "~", ag->code, ag->prefix ? "~" : "");
            print_src(d, ag->src);
        }
        uint32_t nf;
        const dt_dict_verb_form *f = dt_dict_verb_forms(d, ids[i], &nf);
        for (uint32_t k = 0; k < nf; k++) {
            const dt_dict_verb *v = &verbs[f[k].verb];
            printf("verb    %s", dt_dict_word(d, ids[i]));
            if (f[k].npre || f[k].npost) {
                printf(" (form:");
                print_words(d, dt_dict_word_ids(d) + f[k].pre, f[k].npre);
                printf(" [%s] ", dt_dict_word(d, f[k].head));
                print_words(d, dt_dict_word_ids(d) + f[k].post, f[k].npost);
                printf(")");
            }
            printf(" -> %s [%s], block %s with %u pattern(s)", dt_dict_word(d, v->word), v->code,
                   blocks[v->block].name, blocks[v->block].npatterns);
            print_src(d, v->src);
        }
    }
    uint32_t ph;
    int disc = dt_dict_discard_check(d, ids, norms, n, &ph);
    if (disc) {
        const dt_dict_phrase *dp = &dt_dict_discard_phrases(d)->phrases[ph];
        printf("discard %s: ", disc == 2 ? "story" : "sentence");
        print_words(d, dt_dict_word_ids(d) + dp->words, dp->nwords);
        print_src(d, dp->src);
    }
    uint32_t hits[64], ni;
    size_t nh = 0;
    int ig = dt_dict_issue_scan(d, ids, n, hits, 64, &nh);
    const dt_dict_issue *issues = dt_dict_issues(d, &ni);
    if (ig)
        printf("issues  ignored (%s)\n", ig == DT_ISSUE_IGNORE_STORY ? "story" : "sentence");
    for (size_t k = 0; k < nh && k < 64; k++) {
        printf("issue   %s", issues[hits[k]].code);
        print_src(d, issues[hits[k]].src);
    }
    return DT_EXIT_OK;
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
    int lookup = !strcmp(sub, "lookup"), compile = !strcmp(sub, "compile");
    if (!check && !stats && !lookup && !compile) {
        dt_cli_errorf(
            "unknown 'dict' command '%s' (check, stats, lookup or compile; see 'detente dict "
            "--help')",
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
        } else if (!strcmp(a, "--text") || !strcmp(a, "--date")) {
            if (!val) {
                dt_cli_errorf("%s needs a value", a);
                return DT_EXIT_INPUT;
            }
            if (a[3] == 'e') {
                o.text = val;
            } else if (dt_dict_parse_date(val, strlen(val), &o.date) != DT_OK) {
                dt_cli_errorf("bad --date '%s' (want YYYYMMDD)", val);
                return DT_EXIT_INPUT;
            }
            i++;
            continue;
        } else if (!strcmp(a, "--dict-cache") || !strcmp(a, "-o") || !strcmp(a, "--output")) {
            if (!val) {
                dt_cli_errorf("%s needs a file name", a);
                return DT_EXIT_INPUT;
            }
            if (a[2] == 'd')
                o.cache = val;
            else
                o.out = val;
            i++;
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
        else if (!strcmp(a, "--own")) {
            if (!val || npos == MAX_FILES) {
                dt_cli_errorf("--own needs a .dtx file name (at most %d files)", MAX_FILES);
                return DT_EXIT_INPUT;
            }
            pos[npos++] = val;
            i++;
            continue;
        } else if (a[0] == '-' && a[1]) {
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
    for (size_t i = 0; i < npos && !rc; i++) {
        size_t len = strlen(pos[i]);
        if (len > 4 && !strcmp(pos[i] + len - 4, ".dtx"))
            o.own[o.nown++] = in_dir(&o, pos[i]);
        else if (set_kind(&o, dt_dict_kind_from_filename(pos[i]), in_dir(&o, pos[i])))
            rc = DT_EXIT_INPUT;
    }
    /* A bare directory: its .dtx files (recursively) and PETRARCH files. */
    if (!rc && !any && o.dir)
        o.use_dir = 1;
    if (!rc && compile && !o.out) {
        dt_cli_errorf("compile needs -o FILE");
        rc = DT_EXIT_INPUT;
    }
    /* --dict CACHE-FILE: the cache checked against the sources it records. */
    if (!rc && o.use_dir && !o.cache && dt_dict_is_cache(o.dir)) {
        o.cache = o.dir;
        o.use_dir = 0;
    }
    if (!rc && o.use_dir && o.cache) {
        dt_cli_errorf("--dict-cache takes dictionary files, not a directory");
        rc = DT_EXIT_INPUT;
    }
    if (!rc && lookup && !o.text) {
        dt_cli_errorf("lookup needs --text 'WORDS'");
        rc = DT_EXIT_INPUT;
    }
    if (rc) {
        for (size_t i = 0; i < o.nowned; i++)
            free(o.owned[i]);
        return rc;
    }

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
    int lrc = load(&o, &dopt, &d, &err);
    /* DT_EFORMAT with no dicts is a refused cache (with dicts: strict mode,
     * reported below with the counts). */
    if (lrc && (lrc != DT_EFORMAT || !d)) {
        char buf[1024];
        dt_error_format(&err, buf, sizeof buf);
        dt_cli_errorf("%s", buf);
        rc = lrc == DT_ENOMEM || lrc == DT_EINVAL ? DT_EXIT_INTERNAL : DT_EXIT_INPUT;
    }
    if (d) {
        dt_dict_stats st;
        dt_dicts_stats(d, &st);
        size_t ne = dt_dicts_count_severity(d, DT_DICT_SEV_ERROR);
        size_t nw = dt_dicts_count_severity(d, DT_DICT_SEV_WARNING);
        size_t nn = dt_dicts_count_severity(d, DT_DICT_SEV_NOTE);
        if (compile) {
            if (lrc == DT_EFORMAT) {
                char buf[1024];
                dt_error_format(&err, buf, sizeof buf);
                dt_cli_errorf("not compiling: %s", buf);
                rc = DT_EXIT_INPUT;
            } else if (!rc) {
                dt_error werr;
                dt_error_clear(&werr);
                if (dt_dicts_save_cache(d, o.out, &werr) < 0) {
                    char buf[1024];
                    dt_error_format(&werr, buf, sizeof buf);
                    dt_cli_errorf("%s", buf);
                    rc = DT_EXIT_INPUT;
                } else
                    fprintf(stderr,
                            "detente: dict compile: %s (hash %s, %zu source bytes, %zu "
                            "error(s) kept as warnings of the cache)\n",
                            o.out, dt_dicts_hash_hex(d), st.bytes_read, ne);
            }
        } else if (lookup) {
            if (lrc == DT_EFORMAT)
                rc = DT_EXIT_INPUT;
            else if (!rc)
                rc = do_lookup(d, &o);
        } else if (check) {
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
