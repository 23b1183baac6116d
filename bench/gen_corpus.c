/* gen_corpus — deterministic generator of news-like English documents for
 * the detente benchmark.
 *
 * Writes JSONL, one document a line:
 *   {"id":"bench-00000001","date":"2019-06-20","text":"...","n_sent":7}
 * n_sent is the number of sentences the generator put into the document
 * (an extra field, passed through by detente's reader) so the timing driver
 * can report sentences/s against a count that does not depend on the
 * splitter under test, and can report how far the splitter agrees.
 *
 * The sentences come from templates and vocabulary written for this file:
 * actors (countries, leaders with titles, ministries, agents such as troops,
 * police and protesters, international organisations), verbs of diplomacy
 * and conflict in several tenses, passives, attributions with "said",
 * relative clauses, numbers, dates, quotations with straight and curly
 * quotes, and abbreviations (U.S., Mr., Gen., a.m.). When the PETRARCH2 dev
 * file is readable, every fifth document is made of three of its <Text>
 * sentences, so that the corpus also holds real news prose.
 *
 * Determinism: the output depends only on --seed, --sentences and whether
 * the dev file was found. Dev documents do not consume random numbers, so
 * the generated documents are the same with or without the dev file.
 *
 * This is a benchmark tool, not library code: it uses stdio and malloc
 * directly and exits on errors.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* PRNG: splitmix64. Small, fast, and good enough for choosing templates;
 * the point is reproducibility, not statistical quality. */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in [0, n). The modulo bias is below 2^-40 for our n. */
static size_t rnd(size_t n)
{
    return (size_t)(rng_next() % (uint64_t)n);
}

/* True with probability pct percent. */
static int chance(unsigned pct)
{
    return rnd(100) < pct;
}

#define PICK(arr) ((arr)[rnd(sizeof(arr) / sizeof((arr)[0]))])
#define COUNT(arr) (sizeof(arr) / sizeof((arr)[0]))

/* ------------------------------------------------------------------------ */
/* Output buffer for one document. */

typedef struct buf {
    char *p;
    size_t n, cap;
} buf;

static void die(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2), noreturn))
#endif
    ;
static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("gen_corpus: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static void buf_reserve(buf *b, size_t extra)
{
    if (b->n + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->n + extra + 1)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p)
        die("out of memory");
    b->p = p;
    b->cap = cap;
}

static void put(buf *b, const char *s)
{
    size_t n = strlen(s);
    buf_reserve(b, n);
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void putn(buf *b, const char *s, size_t n)
{
    buf_reserve(b, n);
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void putf(buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void putf(buf *b, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (k < 0)
        die("format error");
    putn(b, tmp, (size_t)k < sizeof tmp ? (size_t)k : sizeof tmp - 1);
}

/* Upper-case the first byte of the text written since position `from`
 * (sentence-initial "the" -> "The"). Only ASCII letters are touched. */
static void cap_at(buf *b, size_t from)
{
    if (from < b->n && b->p[from] >= 'a' && b->p[from] <= 'z')
        b->p[from] = (char)(b->p[from] - 'a' + 'A');
}

/* ------------------------------------------------------------------------ */
/* Vocabulary. */

typedef struct country {
    const char *name; /* as a noun phrase, with "the" where English needs it */
    const char *adj;  /* demonym adjective */
    const char *capital;
} country;

static const country countries[] = {
    {"the United States", "U.S.", "Washington"},
    {"China", "Chinese", "Beijing"},
    {"Russia", "Russian", "Moscow"},
    {"North Korea", "North Korean", "Pyongyang"},
    {"South Korea", "South Korean", "Seoul"},
    {"Japan", "Japanese", "Tokyo"},
    {"India", "Indian", "New Delhi"},
    {"Pakistan", "Pakistani", "Islamabad"},
    {"Afghanistan", "Afghan", "Kabul"},
    {"Iran", "Iranian", "Tehran"},
    {"Iraq", "Iraqi", "Baghdad"},
    {"Syria", "Syrian", "Damascus"},
    {"Israel", "Israeli", "Jerusalem"},
    {"Lebanon", "Lebanese", "Beirut"},
    {"Jordan", "Jordanian", "Amman"},
    {"Egypt", "Egyptian", "Cairo"},
    {"Libya", "Libyan", "Tripoli"},
    {"Turkey", "Turkish", "Ankara"},
    {"Saudi Arabia", "Saudi", "Riyadh"},
    {"Yemen", "Yemeni", "Sanaa"},
    {"Qatar", "Qatari", "Doha"},
    {"the United Kingdom", "British", "London"},
    {"France", "French", "Paris"},
    {"Germany", "German", "Berlin"},
    {"Italy", "Italian", "Rome"},
    {"Spain", "Spanish", "Madrid"},
    {"Poland", "Polish", "Warsaw"},
    {"Ukraine", "Ukrainian", "Kiev"},
    {"Belarus", "Belarusian", "Minsk"},
    {"Georgia", "Georgian", "Tbilisi"},
    {"Armenia", "Armenian", "Yerevan"},
    {"Azerbaijan", "Azerbaijani", "Baku"},
    {"Serbia", "Serbian", "Belgrade"},
    {"Kosovo", "Kosovar", "Pristina"},
    {"Greece", "Greek", "Athens"},
    {"Cyprus", "Cypriot", "Nicosia"},
    {"Nigeria", "Nigerian", "Abuja"},
    {"Kenya", "Kenyan", "Nairobi"},
    {"Ethiopia", "Ethiopian", "Addis Ababa"},
    {"Somalia", "Somali", "Mogadishu"},
    {"Sudan", "Sudanese", "Khartoum"},
    {"South Sudan", "South Sudanese", "Juba"},
    {"the Democratic Republic of Congo", "Congolese", "Kinshasa"},
    {"Mali", "Malian", "Bamako"},
    {"Algeria", "Algerian", "Algiers"},
    {"Morocco", "Moroccan", "Rabat"},
    {"South Africa", "South African", "Pretoria"},
    {"Zimbabwe", "Zimbabwean", "Harare"},
    {"Brazil", "Brazilian", "Brasilia"},
    {"Argentina", "Argentine", "Buenos Aires"},
    {"Venezuela", "Venezuelan", "Caracas"},
    {"Colombia", "Colombian", "Bogota"},
    {"Mexico", "Mexican", "Mexico City"},
    {"Cuba", "Cuban", "Havana"},
    {"Canada", "Canadian", "Ottawa"},
    {"Indonesia", "Indonesian", "Jakarta"},
    {"the Philippines", "Philippine", "Manila"},
    {"Vietnam", "Vietnamese", "Hanoi"},
    {"Thailand", "Thai", "Bangkok"},
    {"Myanmar", "Myanmar", "Naypyidaw"},
    {"Bangladesh", "Bangladeshi", "Dhaka"},
    {"Sri Lanka", "Sri Lankan", "Colombo"},
    {"Australia", "Australian", "Canberra"},
    {"Taiwan", "Taiwanese", "Taipei"},
};

static const char *const first_names[] = {
    "John",     "Maria",  "Ahmed",  "Li",     "Sergei",  "Fatima",  "Jean-Paul", "Olga",
    "Kim",      "Hassan", "Carlos", "Aiko",   "Rajesh",  "Amina",   "Viktor",    "Elena",
    "Mohammed", "Yusuf",  "Chen",   "Nguyen", "Pedro",   "Ana",     "Mustafa",   "Ibrahim",
    "David",    "Sarah",  "Juan",   "Mehmet", "Tomasz",  "Ingrid",  "José",      "François",
    "Abdullah", "Grace",  "Kwame",  "Thabo",  "Hiroshi", "Min-jun", "Ali",       "Nadia",
};

static const char *const last_names[] = {
    "Smith",     "Petrov",       "Al-Rashid", "Wang",     "Ivanova", "Haddad",    "Moreau",
    "Kowalski",  "Park",         "Tanaka",    "Sharma",   "Okonkwo", "Mensah",    "Garcia",
    "Fernandez", "Yilmaz",       "Kaya",      "Schmidt",  "Rossi",   "Nakamura",  "Khan",
    "Hussein",   "Abubakar",     "Mwangi",    "Tesfaye",  "Diallo",  "Traoré",    "Mahmoud",
    "O'Brien",   "Nguyen",       "Santos",    "da Silva", "Morales", "Castillo",  "Novak",
    "Horvath",   "Papadopoulos", "Lindqvist", "Zhou",     "Liu",     "Choi",      "Lee",
    "Rahman",    "Siddiqui",     "Karimi",    "Nasser",   "Barzani", "Cohen",     "Levy",
    "Dubois",    "Müller",       "Erdem",     "Volkov",   "Sokolov", "Kuznetsov", "Banda",
};

static const char *const titles[] = {
    "President",
    "Prime Minister",
    "Foreign Minister",
    "Defense Minister",
    "Interior Minister",
    "Finance Minister",
    "Vice President",
    "Secretary of State",
    "Chancellor",
    "opposition leader",
    "Gen.",
    "Sen.",
    "Ambassador",
    "army chief",
    "Deputy Foreign Minister",
    "Dr.",
    "envoy",
    "Trade Minister",
    "spokesman",
    "spokeswoman",
};

static const char *const ministries[] = {
    "Foreign Ministry",
    "Defense Ministry",
    "Interior Ministry",
    "Finance Ministry",
    "Justice Ministry",
    "Health Ministry",
    "Trade Ministry",
    "military",
    "government",
    "parliament",
    "central bank",
    "navy",
    "army",
    "air force",
    "coast guard",
    "election commission",
};

/* Plural agents: take plural verbs. */
static const char *const agents_pl[] = {
    "troops",          "police",        "protesters",    "rebels",      "militants",
    "soldiers",        "students",      "workers",       "farmers",     "insurgents",
    "security forces", "lawmakers",     "diplomats",     "refugees",    "opposition supporters",
    "gunmen",          "demonstrators", "peacekeepers",  "officials",   "border guards",
    "fighters",        "activists",     "investigators", "negotiators",
};

static const char *const orgs[] = {
    "the United Nations",
    "the U.N. Security Council",
    "NATO",
    "the European Union",
    "the African Union",
    "the World Bank",
    "the International Monetary Fund",
    "the Red Cross",
    "Amnesty International",
    "the IAEA",
    "the World Health Organization",
    "OPEC",
    "the Arab League",
    "ASEAN",
    "the U.N. refugee agency",
    "Human Rights Watch",
    "the International Criminal Court",
    "the OSCE",
};

static const char *const weekdays[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                       "Friday", "Saturday", "Sunday"};
static const char *const months[] = {"January",   "February", "March",    "April",
                                     "May",       "June",     "July",     "August",
                                     "September", "October",  "November", "December"};
static const char *const months_abbr[] = {"Jan.", "Feb.", "March", "April", "May",  "June",
                                          "July", "Aug.", "Sept.", "Oct.",  "Nov.", "Dec."};

static const char *const topics[] = {
    "the nuclear program", "border security", "trade tariffs",        "the ceasefire",
    "refugee returns",     "energy supplies", "the disputed islands", "prisoner exchanges",
    "military exercises",  "human rights",    "the peace process",    "economic cooperation",
    "the missile tests",   "fishing rights",  "water sharing",        "counter-terrorism",
    "the 2015 agreement",  "visa rules",      "debt relief",          "election monitoring",
};

static const char *const crimes[] = {
    "war crimes",
    "violating the ceasefire",
    "spying",
    "meddling in its internal affairs",
    "supporting terrorism",
    "corruption",
    "human rights abuses",
    "smuggling weapons",
    "election fraud",
    "inciting violence",
    "cyber attacks",
    "undermining regional stability",
};

static const char *const things[] = {
    "a trade agreement", "a peace deal",       "a memorandum of understanding",
    "a defense pact",    "a joint statement",  "a $2 billion loan",
    "an arms deal",      "a ceasefire accord", "a nuclear cooperation agreement",
    "a prisoner swap",   "a border treaty",    "a new gas pipeline deal",
};

/* A verb of diplomacy or conflict with all its forms and the words that
 * frame its object: "pre TARGET post". Only verbs with an empty `pre`
 * (a direct object) are put in the passive. `post` may hold one slot:
 * %C crime, %O topic, %X thing, %P place. */
typedef struct verb {
    const char *base, *s3, *past, *ppart, *ing;
    const char *pre, *post;
} verb;

static const verb verbs[] = {
    {"meet", "meets", "met", "met", "meeting", "", " to discuss %O"},
    {"meet", "meets", "met", "met", "meeting", "with ", ""},
    {"visit", "visits", "visited", "visited", "visiting", "", ""},
    {"host", "hosts", "hosted", "hosted", "hosting", "", " for talks on %O"},
    {"accuse", "accuses", "accused", "accused", "accusing", "", " of %C"},
    {"condemn", "condemns", "condemned", "condemned", "condemning", "", ""},
    {"criticize", "criticizes", "criticized", "criticized", "criticizing", "", " over %O"},
    {"criticise", "criticises", "criticised", "criticised", "criticising", "", ""},
    {"praise", "praises", "praised", "praised", "praising", "", " for its role in %O"},
    {"warn", "warns", "warned", "warned", "warning", "", " against %O"},
    {"threaten", "threatens", "threatened", "threatened", "threatening", "", " with sanctions"},
    {"attack", "attacks", "attacked", "attacked", "attacking", "", " in %P"},
    {"shell", "shells", "shelled", "shelled", "shelling", "", ""},
    {"arrest", "arrests", "arrested", "arrested", "arresting", "", " in %P"},
    {"detain", "detains", "detained", "detained", "detaining", "", ""},
    {"expel", "expels", "expelled", "expelled", "expelling", "", ""},
    {"release", "releases", "released", "released", "releasing", "", ""},
    {"kill", "kills", "killed", "killed", "killing", "", " near %P"},
    {"support", "supports", "supported", "supported", "supporting", "", " on %O"},
    {"urge", "urges", "urged", "urged", "urging", "", " to resume talks on %O"},
    {"invite", "invites", "invited", "invited", "inviting", "", " to %P"},
    {"reject", "rejects", "rejected", "rejected", "rejecting", "", "'s proposal on %O"},
    {"welcome", "welcomes", "welcomed", "welcomed", "welcoming", "", "'s decision"},
    {"sanction", "sanctions", "sanctioned", "sanctioned", "sanctioning", "", ""},
    {"sign", "signs", "signed", "signed", "signing", "%X with ", ""},
    {"impose", "imposes", "imposed", "imposed", "imposing", "new sanctions on ", ""},
    {"lift", "lifts", "lifted", "lifted", "lifting", "restrictions on ", ""},
    {"negotiate", "negotiates", "negotiated", "negotiated", "negotiating", "with ", " over %O"},
    {"clash", "clashes", "clashed", "clashed", "clashing", "with ", " in %P"},
    {"fire", "fires", "fired", "fired", "firing", "artillery shells at ", ""},
    {"deploy", "deploys", "deployed", "deployed", "deploying", "troops to the border with ", ""},
    {"withdraw", "withdraws", "withdrew", "withdrawn", "withdrawing", "its ambassador from ", ""},
    {"recall", "recalls", "recalled", "recalled", "recalling", "its envoy to ", ""},
    {"cut", "cuts", "cut", "cut", "cutting", "diplomatic ties with ", ""},
    {"restore", "restores", "restored", "restored", "restoring", "full diplomatic ties with ", ""},
    {"protest", "protests", "protested", "protested", "protesting", "against ", ""},
    {"demand", "demands", "demanded", "demanded", "demanding", "an apology from ", ""},
    {"promise", "promises", "promised", "promised", "promising", "aid to ", ""},
    {"send", "sends", "sent", "sent", "sending", "humanitarian aid to ", ""},
    {"block", "blocks", "blocked", "blocked", "blocking", "", "'s bid to join %O"},
    {"ban", "bans", "banned", "banned", "banning", "", " from %P"},
    {"investigate", "investigates", "investigated", "investigated", "investigating", "", ""},
    {"mediate", "mediates", "mediated", "mediated", "mediating", "between the government and ", ""},
    {"apologize", "apologizes", "apologized", "apologized", "apologizing", "to ", " for %C"},
    {"blame", "blames", "blamed", "blamed", "blaming", "", " for the attack in %P"},
    {"bomb", "bombs", "bombed", "bombed", "bombing", "", ""},
    {"seize", "seizes", "seized", "seized", "seizing", "", "'s tanker near %P"},
    {"ambush", "ambushes", "ambushed", "ambushed", "ambushing", "", " outside %P"},
    {"reassure", "reassures", "reassured", "reassured", "reassuring", "", " about %O"},
    {"cooperate", "cooperates", "cooperated", "cooperated", "cooperating", "with ", " on %O"},
};

static const char *const say_verbs_past[] = {
    "said",  "said",   "said",  "told reporters",      "announced",
    "added", "stated", "noted", "said in a statement", "told a news conference"};

static const char *const quote_lines[] = {
    "We will not accept any interference in our internal affairs",
    "This is a clear violation of international law",
    "The door to dialogue remains open",
    "Our patience is not unlimited",
    "We are ready to sit down and talk without preconditions",
    "These sanctions are illegal and will not change our policy",
    "The talks were frank and constructive",
    "Nobody wants a war, but we will defend ourselves",
    "It's time to end this conflict",
    "We don't trust their promises anymore",
    "The agreement is a historic step toward peace",
    "They have crossed a red line",
};

/* ------------------------------------------------------------------------ */
/* Phrase builders. An actor is emitted straight into the buffer; the
 * return value says whether it is grammatically plural. */

typedef struct ctx {
    const country *a, *b; /* the document's main dyad */
    const char *person;   /* last name of the document's main person */
} ctx;

static const country *any_country(const ctx *c)
{
    unsigned r = (unsigned)rnd(10);
    if (r < 4)
        return c->a;
    if (r < 7)
        return c->b;
    return &PICK(countries);
}

static void put_person_name(buf *b)
{
    put(b, PICK(first_names));
    put(b, " ");
    put(b, PICK(last_names));
}

/* Number words and figures the way wire copy writes them. */
static void put_number(buf *b)
{
    switch (rnd(6)) {
    case 0:
        put(b, PICK(((const char *const[]){"two", "three", "four", "five", "six", "seven", "eight",
                                           "nine", "dozens of", "hundreds of"})));
        break;
    case 1:
        putf(b, "%u", (unsigned)(10 + rnd(90)));
        break;
    case 2:
        putf(b, "%u,%03u", (unsigned)(1 + rnd(20)), (unsigned)rnd(1000));
        break;
    case 3:
        putf(b, "at least %u", (unsigned)(2 + rnd(200)));
        break;
    case 4:
        putf(b, "about %u", (unsigned)(100 * (1 + rnd(50))));
        break;
    default:
        putf(b, "more than %u", (unsigned)(5 + rnd(500)));
        break;
    }
}

/* subj: the actor is a sentence subject, where an apposition closed by a
 * comma reads naturally ("Ali Khan, the Afghan envoy, said"). */
static int put_actor_as(buf *b, ctx *c, int subj)
{
    const country *k = any_country(c);
    switch (rnd(14)) {
    case 0:
    case 1:
        put(b, k->name);
        return 0;
    case 2:
    case 3: /* "Chinese President Li Wang" */
        put(b, k->adj);
        put(b, " ");
        put(b, PICK(titles));
        put(b, " ");
        put_person_name(b);
        return 0;
    case 4: /* "the Russian Foreign Ministry" */
        put(b, "the ");
        put(b, k->adj);
        put(b, " ");
        put(b, PICK(ministries));
        return 0;
    case 5: /* "Kenyan police" */
        put(b, k->adj);
        put(b, " ");
        put(b, PICK(agents_pl));
        return 1;
    case 6: /* "police in Kenya" */
        put(b, PICK(agents_pl));
        put(b, " in ");
        put(b, k->name);
        return 1;
    case 7:
        put(b, PICK(orgs));
        return 0;
    case 8: /* "the government of Iraq" */
        put(b, PICK(((const char *const[]){"the government of ", "the president of ",
                                           "the foreign minister of ", "the army of "})));
        put(b, k->name);
        return 0;
    case 9: /* honorific back-reference */
        put(b, PICK(((const char *const[]){"Mr. ", "Ms. ", "Gen. ", "Dr. ", "Mrs. "})));
        put(b, c->person);
        return 0;
    case 10: /* numbered agents: "about 2,000 troops" */
        put_number(b);
        put(b, " ");
        put(b, PICK(agents_pl));
        return 1;
    case 11: /* capital as metonym */
        put(b, k->capital);
        return 0;
    case 12: /* a person with a title after the name */
        put_person_name(b);
        if (!subj)
            return 0;
        put(b, ", the ");
        put(b, k->adj);
        put(b, " ");
        put(b, PICK(((const char *const[]){"ambassador to the U.N.", "defense minister",
                                           "prime minister", "opposition leader",
                                           "foreign minister"})));
        put(b, ",");
        return 0;
    default: /* the country's leader by title alone */
        put(b, k->adj);
        put(b, " ");
        put(b, PICK(((const char *const[]){"leaders", "officials", "diplomats", "negotiators"})));
        return 1;
    }
}

static int put_actor(buf *b, ctx *c)
{
    return put_actor_as(b, c, 0);
}

static int put_subject(buf *b, ctx *c)
{
    return put_actor_as(b, c, 1);
}

static void put_place(buf *b, ctx *c)
{
    const country *k = any_country(c);
    switch (rnd(4)) {
    case 0:
        put(b, k->capital);
        break;
    case 1:
        put(b, k->name);
        break;
    case 2:
        put(b, "the border town of ");
        put(b, PICK(last_names));
        put(b, "ville");
        break;
    default:
        put(b, "the ");
        put(b, PICK(((const char *const[]){"northern", "southern", "eastern", "western"})));
        put(b, " province of ");
        put(b, PICK(last_names));
        break;
    }
}

static void put_time(buf *b)
{
    switch (rnd(11)) {
    case 0:
    case 1:
    case 2:
        put(b, "on ");
        put(b, PICK(weekdays));
        break;
    case 3:
        putf(b, "on %s %u", PICK(months_abbr), (unsigned)(1 + rnd(28)));
        break;
    case 4:
        put(b, "last week");
        break;
    case 5:
        put(b, "earlier this month");
        break;
    case 6:
        putf(b, "in %u", (unsigned)(1990 + rnd(35)));
        break;
    case 7:
        putf(b, "on %u %s %u", (unsigned)(1 + rnd(28)), PICK(months), (unsigned)(1990 + rnd(35)));
        break;
    case 8:
        putf(b, "at %u:%02u %s", (unsigned)(1 + rnd(12)), (unsigned)(5 * rnd(12)),
             rnd(2) ? "a.m." : "p.m.");
        break;
    case 9:
        put(b, "on ");
        put(b, PICK(weekdays));
        put(b, " evening");
        break;
    default:
        put(b, "late on ");
        put(b, PICK(weekdays));
        break;
    }
}

/* The words after the verb: pre TARGET post, with slots expanded. */
static void put_complement(buf *b, ctx *c, const verb *v)
{
    const char *p = v->pre;
    /* pre may hold %X (sign a deal with) */
    for (; *p; p++) {
        if (p[0] == '%' && p[1] == 'X') {
            put(b, PICK(things));
            p++;
        } else {
            putn(b, p, 1);
        }
    }
    put_actor(b, c);
    for (p = v->post; *p; p++) {
        if (p[0] == '%' && p[1]) {
            switch (p[1]) {
            case 'C':
                put(b, PICK(crimes));
                break;
            case 'O':
                put(b, PICK(topics));
                break;
            case 'X':
                put(b, PICK(things));
                break;
            case 'P':
                put_place(b, c);
                break;
            default:
                break;
            }
            p++;
        } else {
            putn(b, p, 1);
        }
    }
}

enum tense { T_PAST, T_PERF, T_PRES, T_FUT, T_PROG, T_MODAL, T_PASTPERF, T_EXPECT, T_NEG, T__N };

/* The verb group for a subject of the given number. */
static void put_verb_group(buf *b, const verb *v, int plural, enum tense t)
{
    switch (t) {
    case T_PAST:
        put(b, v->past);
        break;
    case T_PERF:
        put(b, plural ? "have " : "has ");
        put(b, v->ppart);
        break;
    case T_PRES:
        put(b, plural ? v->base : v->s3);
        break;
    case T_FUT:
        put(b, "will ");
        put(b, v->base);
        break;
    case T_PROG:
        put(b, plural ? "are " : "is ");
        put(b, v->ing);
        break;
    case T_MODAL:
        put(b, PICK(((const char *const[]){"could ", "may ", "would ", "might ", "should "})));
        put(b, v->base);
        break;
    case T_PASTPERF:
        put(b, "had ");
        put(b, v->ppart);
        break;
    case T_EXPECT:
        put(b, plural ? "are " : "is ");
        put(b, PICK(((const char *const[]){"expected to ", "due to ", "set to ", "likely to "})));
        put(b, v->base);
        break;
    default:
        put(b, PICK(((const char *const[]){"did not ", "refused to ", "has not yet ",
                                           "declined to ", "didn't "})));
        /* "has not yet" needs the participle */
        if (b->n >= 8 && memcmp(b->p + b->n - 8, "not yet ", 8) == 0)
            put(b, v->ppart);
        else
            put(b, v->base);
        break;
    }
}

static enum tense pick_tense(void)
{
    /* News is mostly past tense; the rest spreads over the others. */
    unsigned r = (unsigned)rnd(100);
    if (r < 45)
        return T_PAST;
    return (enum tense)(1 + rnd(T__N - 1));
}

static const char *open_quote(int curly)
{
    return curly ? "\xE2\x80\x9C" : "\"";
}
static const char *close_quote(int curly)
{
    return curly ? "\xE2\x80\x9D" : "\"";
}

/* A core clause: SUBJ VG COMPL. */
static void put_clause(buf *b, ctx *c, enum tense t)
{
    const verb *v = &PICK(verbs);
    int pl = put_subject(b, c);
    put(b, " ");
    if (chance(12)) {
        put_time(b);
        put(b, " ");
    }
    put_verb_group(b, v, pl, t);
    put(b, " ");
    put_complement(b, c, v);
}

/* A full stop, unless the sentence already ends with an abbreviation's
 * period ("at 9 p.m."), as wire copy writes it. */
static void put_stop(buf *b)
{
    if (b->n == 0 || b->p[b->n - 1] != '.')
        put(b, ".");
}

/* One sentence, ending with its final punctuation. */
static void put_sentence(buf *b, ctx *c)
{
    size_t start = b->n;
    int curly = chance(40);
    switch (rnd(16)) {
    case 0:
    case 1:
    case 2: /* plain active clause with a time */
        put_clause(b, c, pick_tense());
        put(b, " ");
        put_time(b);
        put_stop(b);
        break;
    case 3: { /* passive with an agent */
        const verb *v;
        do
            v = &PICK(verbs);
        while (v->pre[0]);
        int pl = put_subject(b, c);
        switch (rnd(4)) {
        case 0:
            put(b, pl ? " were " : " was ");
            break;
        case 1:
            put(b, pl ? " have been " : " has been ");
            break;
        case 2:
            put(b, " will be ");
            break;
        default:
            put(b, pl ? " are being " : " is being ");
            break;
        }
        put(b, v->ppart);
        if (chance(80)) {
            put(b, " by ");
            put_actor(b, c);
        }
        put(b, " ");
        put_time(b);
        put_stop(b);
        break;
    }
    case 4:
    case 5: /* attribution after: "..., a senior official said on Saturday." */
        put_clause(b, c, pick_tense());
        put(b, ", ");
        switch (rnd(4)) {
        case 0:
            put(b, "a senior official");
            break;
        case 1:
            put(b, "the ministry");
            break;
        case 2:
            put_subject(b, c);
            break;
        default:
            put(b, "state media");
            break;
        }
        put(b, " ");
        put(b, PICK(say_verbs_past));
        if (chance(50)) {
            put(b, " ");
            put_time(b);
        }
        put_stop(b);
        break;
    case 6: /* attribution before, with a reported clause */
        put_subject(b, c);
        put(b, " said");
        if (chance(50)) {
            put(b, " ");
            put_time(b);
        }
        put(b, chance(60) ? " that " : " ");
        put_clause(b, c, chance(50) ? T_MODAL : T_PASTPERF);
        put_stop(b);
        break;
    case 7: { /* relative clause on the subject */
        const verb *v1 = &PICK(verbs), *v2 = &PICK(verbs);
        int pl = put_actor(b, c);
        put(b, chance(70) ? ", who " : ", which ");
        put_verb_group(b, v1, pl, T_PAST);
        put(b, " ");
        put_complement(b, c, v1);
        put(b, " ");
        put_time(b);
        put(b, ", ");
        put_verb_group(b, v2, pl, pick_tense());
        put(b, " ");
        put_complement(b, c, v2);
        put_stop(b);
        break;
    }
    case 8: /* quotation, speaker after */
        put(b, open_quote(curly));
        put(b, PICK(quote_lines));
        put(b, ",");
        put(b, close_quote(curly));
        put(b, " ");
        put_subject(b, c);
        put(b, " ");
        put(b, PICK(say_verbs_past));
        if (chance(50)) {
            put(b, " in ");
            put(b, any_country(c)->capital);
        }
        put_stop(b);
        break;
    case 9: /* quotation, speaker before */
        put_subject(b, c);
        put(b, " said: ");
        put(b, open_quote(curly));
        put(b, PICK(quote_lines));
        put_stop(b);
        put(b, close_quote(curly));
        break;
    case 10: /* casualties with numbers */
        put(b, "At least ");
        putf(b, "%u", (unsigned)(2 + rnd(150)));
        put(b, " people were killed and ");
        putf(b, "%u", (unsigned)(5 + rnd(400)));
        put(b, " wounded when ");
        put(b, PICK(agents_pl));
        put(b, " ");
        put(b, PICK(((const char *const[]){"opened fire on", "attacked", "stormed", "clashed with",
                                           "shelled"})));
        put(b, " ");
        put(b, PICK(agents_pl));
        put(b, " in ");
        put_place(b, c);
        put(b, " ");
        put_time(b);
        put_stop(b);
        break;
    case 11: /* coordinated subject, plural verb */
        put(b, c->a->name);
        put(b, " and ");
        put(b, c->b->name);
        put(b, " ");
        put(b, PICK(((const char *const[]){"signed", "agreed to extend", "are negotiating",
                                           "have finalised", "rejected"})));
        put(b, " ");
        put(b, PICK(things));
        put(b, " ");
        put_time(b);
        put(b, ", ending months of talks on ");
        put(b, PICK(topics));
        put_stop(b);
        break;
    case 12: /* infinitive of purpose */
        put_subject(b, c);
        put(b, " ");
        put(b,
            PICK(((const char *const[]){"travelled to", "traveled to", "arrived in", "flew to"})));
        put(b, " ");
        put(b, any_country(c)->capital);
        put(b, " ");
        put_time(b);
        put(b, " to ");
        {
            const verb *v = &PICK(verbs);
            put(b, v->base);
            put(b, " ");
            put_complement(b, c, v);
        }
        put_stop(b);
        break;
    case 13: /* subordinate clause first */
        put(b, PICK(((const char *const[]){"After ", "Hours after ", "Although ", "Before ",
                                           "While "})));
        put_clause(b, c, T_PAST);
        put(b, ", ");
        put_clause(b, c, T_PAST);
        put_stop(b);
        break;
    case 14: /* background with an apposition and figures */
        put(b, "Relations between ");
        put(b, c->a->name);
        put(b, " and ");
        put(b, c->b->name);
        put(b, PICK(((const char *const[]){" have been strained since ", " improved after ",
                                           " soured in ", " have deteriorated since "})));
        putf(b, "%u", (unsigned)(1990 + rnd(35)));
        put(b, ", when ");
        put_clause(b, c, T_PAST);
        put(b, chance(30) ? " \xE2\x80\x94 a move that " : ", a move that ");
        put(b, PICK(((const char *const[]){"angered", "surprised", "alarmed", "pleased"})));
        put(b, " ");
        put(b, PICK(orgs));
        put_stop(b);
        break;
    default: /* question or percentage, short */
        if (chance(50)) {
            put(b, "Will ");
            const verb *v = &PICK(verbs);
            put_actor(b, c);
            put(b, " ");
            put(b, v->base);
            put(b, " ");
            put_complement(b, c, v);
            put(b, "?");
        } else {
            put(b, "Trade between the two countries ");
            put(b, PICK(((const char *const[]){"fell", "rose", "grew", "dropped"})));
            putf(b, " %u.%u percent to $%u.%u billion ", (unsigned)rnd(40), (unsigned)rnd(10),
                 (unsigned)(1 + rnd(90)), (unsigned)rnd(10));
            put(b, PICK(((const char *const[]){"last year", "in the first quarter", "in 2018",
                                               "over the U.S. fiscal year"})));
            put(b, ", according to ");
            put(b, PICK(((const char *const[]){"official data", "the IMF", "customs figures",
                                               "Reuters calculations"})));
            put_stop(b);
        }
        break;
    }
    cap_at(b, start);
}

/* ------------------------------------------------------------------------ */
/* PETRARCH dev texts. */

typedef struct devset {
    char **text;
    size_t n;
} devset;

/* Decode the five predefined XML entities and numeric references into
 * UTF-8; other '&' sequences are kept as they are. */
static size_t xml_unescape(const char *s, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        if (s[i] != '&') {
            out[o++] = s[i++];
            continue;
        }
        static const struct {
            const char *ent;
            char c;
        } ents[] = {
            {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
        int done = 0;
        for (size_t e = 0; e < COUNT(ents) && !done; e++) {
            size_t el = strlen(ents[e].ent);
            if (i + el <= n && memcmp(s + i, ents[e].ent, el) == 0) {
                out[o++] = ents[e].c;
                i += el;
                done = 1;
            }
        }
        if (!done && i + 3 < n && s[i + 1] == '#') {
            size_t j = i + 2;
            int hex = 0;
            if (s[j] == 'x' || s[j] == 'X') {
                hex = 1;
                j++;
            }
            unsigned long cp = 0;
            size_t digits = 0;
            for (; j < n && digits < 8; j++, digits++) {
                unsigned char ch = (unsigned char)s[j];
                unsigned d;
                if (ch >= '0' && ch <= '9')
                    d = ch - '0';
                else if (hex && ch >= 'a' && ch <= 'f')
                    d = ch - 'a' + 10u;
                else if (hex && ch >= 'A' && ch <= 'F')
                    d = ch - 'A' + 10u;
                else
                    break;
                cp = cp * (hex ? 16u : 10u) + d;
            }
            if (digits && j < n && s[j] == ';' && cp > 0 && cp < 0x110000 &&
                !(cp >= 0xD800 && cp < 0xE000)) {
                if (cp < 0x80) {
                    out[o++] = (char)cp;
                } else if (cp < 0x800) {
                    out[o++] = (char)(0xC0 | (cp >> 6));
                    out[o++] = (char)(0x80 | (cp & 0x3F));
                } else if (cp < 0x10000) {
                    out[o++] = (char)(0xE0 | (cp >> 12));
                    out[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
                    out[o++] = (char)(0x80 | (cp & 0x3F));
                } else {
                    out[o++] = (char)(0xF0 | (cp >> 18));
                    out[o++] = (char)(0x80 | ((cp >> 12) & 0x3F));
                    out[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
                    out[o++] = (char)(0x80 | (cp & 0x3F));
                }
                i = j + 1;
                done = 1;
            }
        }
        if (!done)
            out[o++] = s[i++];
    }
    return o;
}

static int is_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* Load every <Text>...</Text> body of the dev file. Returns 0 and an empty
 * set when the file cannot be opened (the corpus is then all generated). */
static void dev_load(const char *path, devset *d)
{
    d->text = NULL;
    d->n = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return;
    buf all = {0};
    char chunk[65536];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
        putn(&all, chunk, k);
    fclose(f);
    if (!all.p)
        return;
    const char *p = all.p, *end = all.p + all.n;
    size_t cap = 0;
    for (;;) {
        const char *s = strstr(p, "<Text>");
        if (!s)
            break;
        s += 6;
        const char *e = strstr(s, "</Text>");
        if (!e || e > end)
            break;
        p = e + 7;
        while (s < e && is_space(*s))
            s++;
        while (e > s && is_space(e[-1]))
            e--;
        if (e == s)
            continue;
        char *t = malloc((size_t)(e - s) + 1);
        if (!t)
            die("out of memory");
        size_t tn = xml_unescape(s, (size_t)(e - s), t);
        t[tn] = '\0';
        if (d->n == cap) {
            cap = cap ? cap * 2 : 256;
            char **nt = realloc(d->text, cap * sizeof *nt);
            if (!nt)
                die("out of memory");
            d->text = nt;
        }
        d->text[d->n++] = t;
    }
    free(all.p);
}

/* ------------------------------------------------------------------------ */
/* JSON output. */

static void json_string(buf *o, const char *s, size_t n)
{
    put(o, "\"");
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 0x20 && ch != '"' && ch != '\\')
            continue;
        putn(o, s + run, i - run);
        run = i + 1;
        switch (ch) {
        case '"':
            put(o, "\\\"");
            break;
        case '\\':
            put(o, "\\\\");
            break;
        case '\n':
            put(o, "\\n");
            break;
        case '\t':
            put(o, "\\t");
            break;
        case '\r':
            put(o, "\\r");
            break;
        default:
            putf(o, "\\u%04x", ch);
            break;
        }
    }
    putn(o, s + run, n - run);
    put(o, "\"");
}

static int days_in_month(unsigned y, unsigned m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

static void usage(FILE *f)
{
    fputs("usage: gen_corpus [--sentences N | --large] [--seed S] [--dev FILE | --no-dev]\n"
          "                  [--out FILE]\n"
          "  --sentences N  at least N sentences in all (default 1000000)\n"
          "  --large        same as --sentences 2000000\n"
          "  --seed S       PRNG seed (default 20190620)\n"
          "  --dev FILE     PETRARCH XML whose <Text> sentences are mixed in\n"
          "                 (default $DT_SHARED_DATA/petrarch2/PETR.UnitTest.dev.xml)\n"
          "  --out FILE     output JSONL (default stdout)\n",
          f);
}

static uint64_t parse_u64(const char *s, const char *what)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-')
        die("bad %s: %s", what, s);
    return (uint64_t)v;
}

int main(int argc, char **argv)
{
    uint64_t want = 1000000, seed = 20190620;
    const char *out_path = NULL, *dev_path = NULL;
    int no_dev = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--sentences") && i + 1 < argc)
            want = parse_u64(argv[++i], "--sentences");
        else if (!strcmp(a, "--large"))
            want = 2000000;
        else if (!strcmp(a, "--seed") && i + 1 < argc)
            seed = parse_u64(argv[++i], "--seed");
        else if (!strcmp(a, "--out") && i + 1 < argc)
            out_path = argv[++i];
        else if (!strcmp(a, "--dev") && i + 1 < argc)
            dev_path = argv[++i];
        else if (!strcmp(a, "--no-dev"))
            no_dev = 1;
        else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        } else {
            usage(stderr);
            return 1;
        }
    }

    char dev_default[4096];
    if (!dev_path && !no_dev) {
        const char *shared = getenv("DT_SHARED_DATA");
        if (shared && *shared) {
            snprintf(dev_default, sizeof dev_default, "%s/petrarch2/PETR.UnitTest.dev.xml", shared);
            dev_path = dev_default;
        }
    }
    devset dev = {0};
    if (dev_path && !no_dev) {
        dev_load(dev_path, &dev);
        if (!dev.n)
            fprintf(stderr, "gen_corpus: warning: no <Text> sentences read from %s\n", dev_path);
    }

    FILE *out = stdout;
    if (out_path && !(out = fopen(out_path, "wb")))
        die("cannot open %s: %s", out_path, strerror(errno));

    rng_state = seed;
    buf text = {0}, line = {0};
    uint64_t nsent = 0, ndev_sent = 0, ndocs = 0, nbytes = 0;
    size_t dev_next = 0;
    while (nsent + ndev_sent < want) {
        ndocs++;
        text.n = 0;
        unsigned doc_sent = 0;
        unsigned y, m, d;
        if (dev.n && ndocs % 5 == 0) {
            /* Three consecutive dev records, one paragraph each, like the
             * opening of a wire story. The date comes from the document
             * number so that no random number is consumed. */
            for (int k = 0; k < 3; k++) {
                if (k)
                    put(&text, "\n\n");
                put(&text, dev.text[dev_next]);
                dev_next = (dev_next + 1) % dev.n;
                doc_sent++;
            }
            ndev_sent += doc_sent;
            y = 2000 + (unsigned)(ndocs % 25);
            m = 1 + (unsigned)(ndocs % 12);
            d = 1 + (unsigned)(ndocs % 28);
        } else {
            ctx c;
            c.a = &PICK(countries);
            do
                c.b = &PICK(countries);
            while (c.b == c.a);
            c.person = PICK(last_names);
            y = 1990 + (unsigned)rnd(35);
            m = 1 + (unsigned)rnd(12);
            d = 1 + (unsigned)rnd((size_t)days_in_month(y, m));
            /* 2 to 12 sentences, mean about 6.5. */
            unsigned k = 2 + (unsigned)rnd(6) + (unsigned)rnd(6);
            /* Dateline on some stories: "BEIRUT, June 3 (Wire) - ". */
            if (chance(25)) {
                const char *cap = c.a->capital;
                for (const char *p = cap; *p; p++) {
                    char ch = *p;
                    if (ch >= 'a' && ch <= 'z')
                        ch = (char)(ch - 'a' + 'A');
                    putn(&text, &ch, 1);
                }
                putf(&text, ", %s %u (Wire) - ", months_abbr[m - 1], d);
            }
            for (unsigned i = 0; i < k; i++) {
                if (i)
                    put(&text, chance(30) ? "\n\n" : " ");
                put_sentence(&text, &c);
                doc_sent++;
            }
            nsent += doc_sent;
        }
        line.n = 0;
        putf(&line, "{\"id\":\"bench-%08" PRIu64 "\",\"date\":\"%04u-%02u-%02u\",\"text\":", ndocs,
             y, m, d);
        json_string(&line, text.p, text.n);
        putf(&line, ",\"n_sent\":%u}\n", doc_sent);
        if (fwrite(line.p, 1, line.n, out) != line.n)
            die("write error: %s", strerror(errno));
        nbytes += text.n;
    }
    if (fflush(out) != 0 || (out != stdout && fclose(out) != 0))
        die("write error: %s", strerror(errno));
    fprintf(stderr,
            "gen_corpus: %" PRIu64 " documents, %" PRIu64 " sentences (%" PRIu64
            " generated, %" PRIu64 " from %zu dev records), %.1f MB of text, seed %" PRIu64 "\n",
            ndocs, nsent + ndev_sent, nsent, ndev_sent, dev.n, (double)nbytes / 1e6, seed);
    for (size_t i = 0; i < dev.n; i++)
        free(dev.text[i]);
    free(dev.text);
    free(text.p);
    free(line.p);
    return 0;
}
