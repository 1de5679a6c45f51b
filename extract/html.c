/*
 * html.c - a saved web page to text: the second step of the front end
 * (decode -> html -> clean, see parser.c).
 *
 * The decoded text of an HTML page goes through libxml2's HTML push parser
 * (htmlCreatePushParserCtxt / htmlParseChunk) with SAX callbacks only, so
 * no tree is built and memory does not grow with the page.  The callbacks
 * write the page's text:
 *
 *   - block boundaries (p div li ul ol dl dt dd h1-h6 table caption tr
 *     blockquote pre section article main form fieldset address center hr
 *     figure figcaption details summary body) are line breaks, as in the
 *     browser's innerText (what a copy from the page gives): a <p> is
 *     apart from what surrounds it by an empty line, other blocks by a
 *     line break, boundaries that meet count once, a <br> is a line break
 *     of its own; never more than one empty line in a row, none at the
 *     start, and a line never starts or ends with a collapsible space;
 *   - line breaks inside the page's text are kept as line breaks (unlike a
 *     browser, which would join the lines with a space): government CMS
 *     and hand-made pages put one paragraph per source line, often with
 *     no tag between them;
 *   - runs of spaces and tabs are one space; &nbsp; is a space that is not
 *     collapsed (as a browser shows it);  other entities are decoded by
 *     libxml2 (&#x3000; &ldquo; ...);
 *   - table cells of a row are joined by " | " (the form the flattened
 *     tables in the plain-text corpus already have, so the metadata reader
 *     sees one shape); an empty cell adds nothing; each row is a line; a
 *     cell that holds paragraphs keeps them as lines (layout tables that
 *     wrap a whole article stay readable);
 *   - dropped with all they contain: script style noscript head title
 *     template iframe select textarea button svg math object embed applet
 *     audio video canvas, the HTML5 chrome elements nav footer aside, and
 *     header unless it is inside article or main (where it holds the
 *     title); any element whose class or id contains nav, menu, footer,
 *     breadcrumb, crumb, share, toolbar, copyright or sidebar (ASCII case
 *     ignored), or has a class token whose parts (split at "-" and "_")
 *     include header, head, top, topbar, banner, logo, search, login,
 *     related, relate, links or friendlink but none of article, content,
 *     main, title, detail, text, body, zoom, con, info, doc (so
 *     "top-bar" and "header" go, "article-header" stays); and any element
 *     hidden with style="display:none" or the hidden attribute;
 *   - before libxml2 sees the page, a small filter removes what is not
 *     HTML and would otherwise come out as text: server-side blocks
 *     <% ... %> (JSP, ASP), processing instructions <? ... >, comments
 *     <!-- ... -->, and other <! ... > declarations (Word's <![if ...]>,
 *     <![endif]>, CDATA) including <!DOCTYPE ...>, which carries no
 *     text and which libxml2's push parser reads as text when a chunk
 *     edge falls inside it (found by tests/fuzz/fuzz_extract.c).
 *
 * <meta name="ArticleTitle|PubDate|ContentSource|Keywords|Description|
 * ColumnName|SiteName|Author" content="..."> (the Chinese government-site
 * CMS convention) are kept and handed to meta.c, which fills fields the
 * text itself did not give.
 *
 * FORMAT DETECTION (format "auto")
 *
 *   The first 1 KiB of decoded text is held back.  It is HTML when it
 *   contains <!doctype html, <html or <body (ASCII case ignored), or at
 *   least 3 tags from: p div br table tr td span font h1-h6 li ul meta
 *   title script style strong b a link head center (an opening "<",
 *   optionally "/", the name, then a space, ">" or "/").  A JSP/ASP page
 *   starting with <%@ is also HTML.  Otherwise it is text and this stage
 *   passes it on untouched.
 *
 * LIMITS
 *
 *   libxml2 waits for the next "<" before it hands out text, so a page
 *   with a huge run of text and no tag would pile up in its input buffer:
 *   past FLUSH_PENDING unparsed bytes in text, an empty element
 *   <zcflush></zcflush> (ignored below) is fed to make it let go.  Past
 *   MAX_PENDING inside a tag, or an element nesting deeper than MAX_DEPTH,
 *   the page is not parsed further: a warning "html-limit", and the text
 *   so far is kept.
 *
 *   libxml2 allocates through its own global allocator, not zc_mem.
 */
#include "internal.h"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define SNIFF_HTML 1024
#define FLUSH_PENDING ((size_t)256 << 10)
#define MAX_PENDING ((size_t)8 << 20)
#define MAX_DEPTH 10000
#define MAX_META_VALUE 1024

enum { PEND_NONE, PEND_SPACE, PEND_SEP };

#define MAX_NEWLINES 2 /* at most one empty line in a row */

/* pre-filter states */
enum {
    PF_TEXT,
    PF_LT,       /* "<" ended the last chunk                    */
    PF_LTBANG,   /* "<!"                                        */
    PF_LTBANG2,  /* "<!-"                                       */
    PF_COMMENT,  /* inside <!-- ... -->; `dashes` counts "-"    */
    PF_SERVER,   /* inside <% ... %>; `dashes` 1 after a "%"    */
    PF_BOGUS     /* inside <? ... > or <! ... >                 */
};

typedef enum {
    META_TITLE,
    META_PUBDATE,
    META_SOURCE,
    META_KEYWORDS,
    META_DESCRIPTION,
    META_COLUMN,
    META_SITE,
    META_AUTHOR,
    META_COUNT
} meta_key;

static const char *const meta_names[META_COUNT] = {
    "ArticleTitle", "PubDate",  "ContentSource", "Keywords",
    "Description",  "ColumnName", "SiteName",    "Author"};

struct zc_html {
    const zc_mem *mem;
    zc_format forced, fmt;
    zc_buf sniff;
    htmlParserCtxtPtr ctxt;
    zc_buf feed;   /* pre-filtered bytes for one htmlParseChunk       */
    zc_buf *out;   /* where the callbacks write, during a feed        */
    int pf, dashes;
    bool opened;   /* a start tag or text has gone to libxml2        */
    /* writer */
    int pending;           /* a space or " | " before the next text     */
    unsigned nl_req;       /* line breaks blocks ask for (max of them)  */
    unsigned nl_lit;       /* line breaks <br> and <pre> insist on      */
    bool line_empty, cell_start, any_text;
    unsigned cells;        /* cells so far in the current row         */
    unsigned depth, skip_depth, pre_depth, article_depth;
    bool dead, oom;
    char *meta[META_COUNT];
    zc_html_meta meta_view;
    zc_decode_warn_fn warn;
    void *ud;
};

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void init_libxml(void)
{
    /* libxml2 wants this once, before any thread uses it */
    xmlInitParser();
}

/* ---- writer ------------------------------------------------------------- */

static void raise_pending(zc_html *h, int p)
{
    if (p > h->pending)
        h->pending = p;
}

/* A block boundary asking for `k` line breaks (2 for <p>, as the
 * innerText algorithm has it, so paragraphs are apart by an empty line;
 * 1 otherwise); nothing when nothing was written in the current table
 * cell yet (the cell separator stands for it). */
static void block_break(zc_html *h, unsigned k)
{
    if (!h->cell_start && k > h->nl_req)
        h->nl_req = k;
}

/* <br>, or a line break in <pre>: not merged with the others. */
static void literal_break(zc_html *h)
{
    if (!h->cell_start && h->nl_lit < MAX_NEWLINES)
        h->nl_lit++;
}

static void put(zc_html *h, const char *s, size_t n)
{
    unsigned nl = h->nl_req + h->nl_lit;
    if (nl > MAX_NEWLINES)
        nl = MAX_NEWLINES;
    if (!h->any_text) {
        /* no line breaks or spaces before the first text */
    } else if (nl) {
        if (!zc_buf_append(h->out, "\n\n", nl))
            h->oom = true;
        h->line_empty = true;
    } else if (h->pending != PEND_NONE && !h->line_empty) {
        const char *sep = h->pending == PEND_SEP ? " | " : " ";
        if (!zc_buf_append(h->out, sep, strlen(sep)))
            h->oom = true;
    }
    h->pending = PEND_NONE;
    h->nl_req = h->nl_lit = 0;
    if (!zc_buf_append(h->out, s, n))
        h->oom = true;
    h->line_empty = false;
    h->cell_start = false;
    h->any_text = true;
}

static void on_text(void *ud, const xmlChar *ch, int len)
{
    zc_html *h = ud;
    if (h->skip_depth || h->dead || len <= 0)
        return;
    const char *s = (const char *)ch;
    size_t n = (size_t)len, i = 0, run = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        bool nbsp = c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0;
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f' &&
            !nbsp) {
            i++;
            continue;
        }
        if (i > run)
            put(h, s + run, i - run);
        if (nbsp) {
            put(h, " ", 1);
            i += 2;
        } else if (c == '\n') {
            if (h->pre_depth)
                literal_break(h);
            else
                block_break(h, 1);
            i++;
        } else {
            if (h->pre_depth && c == ' ')
                put(h, " ", 1);
            else
                raise_pending(h, PEND_SPACE);
            i++;
        }
        run = i;
    }
    if (i > run)
        put(h, s + run, i - run);
}

/* ---- elements ----------------------------------------------------------- */

enum { EL_OTHER, EL_BLOCK, EL_DROP, EL_CELL, EL_ROW, EL_TABLE, EL_BR,
       EL_PRE, EL_HEADER, EL_ARTICLE, EL_META, EL_FLUSH };

static const struct {
    const char *name;
    int kind;
} elements[] = {
    {"p", EL_BLOCK},       {"div", EL_BLOCK},     {"li", EL_BLOCK},
    {"ul", EL_BLOCK},      {"ol", EL_BLOCK},      {"dl", EL_BLOCK},
    {"dt", EL_BLOCK},      {"dd", EL_BLOCK},      {"h1", EL_BLOCK},
    {"h2", EL_BLOCK},      {"h3", EL_BLOCK},      {"h4", EL_BLOCK},
    {"h5", EL_BLOCK},      {"h6", EL_BLOCK},      {"blockquote", EL_BLOCK},
    {"section", EL_BLOCK}, {"form", EL_BLOCK},    {"fieldset", EL_BLOCK},
    {"legend", EL_BLOCK},  {"address", EL_BLOCK}, {"center", EL_BLOCK},
    {"hr", EL_BLOCK},      {"figure", EL_BLOCK},  {"figcaption", EL_BLOCK},
    {"details", EL_BLOCK}, {"summary", EL_BLOCK}, {"body", EL_BLOCK},
    {"html", EL_BLOCK},    {"caption", EL_BLOCK}, {"thead", EL_TABLE},
    {"tbody", EL_TABLE},   {"tfoot", EL_TABLE},   {"table", EL_TABLE},
    {"tr", EL_ROW},        {"td", EL_CELL},       {"th", EL_CELL},
    {"br", EL_BR},         {"pre", EL_PRE},       {"header", EL_HEADER},
    {"article", EL_ARTICLE}, {"main", EL_ARTICLE}, {"meta", EL_META},
    {"zcflush", EL_FLUSH},
    {"script", EL_DROP},   {"style", EL_DROP},    {"noscript", EL_DROP},
    {"head", EL_DROP},     {"title", EL_DROP},    {"template", EL_DROP},
    {"iframe", EL_DROP},   {"select", EL_DROP},   {"textarea", EL_DROP},
    {"button", EL_DROP},   {"svg", EL_DROP},      {"math", EL_DROP},
    {"object", EL_DROP},   {"embed", EL_DROP},    {"applet", EL_DROP},
    {"audio", EL_DROP},    {"video", EL_DROP},    {"canvas", EL_DROP},
    {"nav", EL_DROP},      {"footer", EL_DROP},   {"aside", EL_DROP},
};

static int element_kind(const char *name)
{
    for (size_t i = 0; i < sizeof elements / sizeof elements[0]; i++)
        if (!strcasecmp(name, elements[i].name))
            return elements[i].kind;
    return EL_OTHER;
}

/* ASCII case-insensitive substring search. */
static bool has_word(const char *hay, const char *needle)
{
    size_t m = strlen(needle);
    for (const char *p = hay; *p; p++)
        if (!strncasecmp(p, needle, m))
            return true;
    return false;
}

static const char *const chrome_words[] = {
    "nav",   "menu",    "footer",    "breadcrumb", "crumb",
    "share", "toolbar", "copyright", "sidebar"};

/* Whole parts of a class or id (split at spaces, "-" and "_"): chrome
 * unless another part names the content (article-header holds a title). */
static const char *const chrome_parts[] = {
    "header", "head", "top", "topbar", "banner", "logo", "search",
    "login", "related", "relate", "links", "friendlink"};
static const char *const content_parts[] = {
    "article", "content", "main", "title", "detail", "text", "body",
    "zoom", "con", "info", "doc"};

static bool in_list(const char *p, size_t n, const char *const *list,
                    size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (strlen(list[i]) == n && !strncasecmp(p, list[i], n))
            return true;
    return false;
}

/* Is one whitespace-separated token of v chrome by its parts? */
static bool chrome_by_parts(const char *v)
{
    const char *t = v;
    while (*t) {
        while (*t == ' ' || *t == '\t')
            t++;
        const char *e = t;
        while (*e && *e != ' ' && *e != '\t')
            e++;
        bool chrome = false, content = false;
        for (const char *p = t; p < e;) {
            const char *q = p;
            while (q < e && *q != '-' && *q != '_')
                q++;
            size_t n = (size_t)(q - p);
            chrome |= in_list(p, n, chrome_parts,
                              sizeof chrome_parts / sizeof chrome_parts[0]);
            content |= in_list(p, n, content_parts,
                               sizeof content_parts / sizeof content_parts[0]);
            p = q < e ? q + 1 : q;
        }
        if (chrome && !content)
            return true;
        t = e;
    }
    return false;
}

/* Page chrome or hidden? */
static bool is_chrome(const xmlChar **attrs)
{
    for (; attrs && attrs[0]; attrs += 2) {
        const char *k = (const char *)attrs[0];
        const char *v = (const char *)attrs[1];
        if (!strcasecmp(k, "hidden"))
            return true;
        if (!v)
            continue;
        if (!strcasecmp(k, "class") || !strcasecmp(k, "id")) {
            for (size_t i = 0;
                 i < sizeof chrome_words / sizeof chrome_words[0]; i++)
                if (has_word(v, chrome_words[i]))
                    return true;
            if (chrome_by_parts(v))
                return true;
        } else if (!strcasecmp(k, "style")) {
            /* display:none, spaces allowed around the colon */
            for (const char *p = v; *p; p++) {
                if (strncasecmp(p, "display", 7))
                    continue;
                const char *q = p + 7;
                while (*q == ' ' || *q == '\t')
                    q++;
                if (*q != ':')
                    continue;
                q++;
                while (*q == ' ' || *q == '\t')
                    q++;
                if (!strncasecmp(q, "none", 4))
                    return true;
            }
        }
    }
    return false;
}

static void on_meta(zc_html *h, const xmlChar **attrs)
{
    const char *name = NULL, *content = NULL;
    for (; attrs && attrs[0]; attrs += 2) {
        const char *k = (const char *)attrs[0];
        if (!strcasecmp(k, "name"))
            name = (const char *)attrs[1];
        else if (!strcasecmp(k, "content"))
            content = (const char *)attrs[1];
    }
    if (!name || !content)
        return;
    for (int i = 0; i < META_COUNT; i++) {
        if (strcasecmp(name, meta_names[i]) || h->meta[i])
            continue;
        /* trim, collapse nothing, cap the length on a character boundary */
        while (*content == ' ' || *content == '\t' || *content == '\n' ||
               *content == '\r')
            content++;
        size_t n = strlen(content);
        while (n && (content[n - 1] == ' ' || content[n - 1] == '\t' ||
                     content[n - 1] == '\n' || content[n - 1] == '\r'))
            n--;
        if (n > MAX_META_VALUE) {
            n = MAX_META_VALUE;
            while (n && ((unsigned char)content[n] & 0xC0) == 0x80)
                n--;
        }
        if (!n)
            return;
        h->meta[i] = zc_strndup(h->mem, content, n);
        if (!h->meta[i])
            h->oom = true;
        return;
    }
}

static void give_up(zc_html *h, const char *why)
{
    if (h->dead)
        return;
    h->dead = true;
    if (h->warn) {
        char msg[200];
        snprintf(msg, sizeof msg,
                 "HTML %s: the rest of the page is not read", why);
        h->warn(h->ud, "html-limit", 0, msg);
    }
}

/* <p> is two line breaks, other blocks one. */
static unsigned breaks_of(const char *name)
{
    return (name[0] == 'p' || name[0] == 'P') && !name[1] ? 2 : 1;
}

static void on_start(void *ud, const xmlChar *xname, const xmlChar **attrs)
{
    zc_html *h = ud;
    if (h->dead)
        return;
    if (++h->depth > MAX_DEPTH) {
        give_up(h, "elements nested too deeply");
        return;
    }
    const char *name = (const char *)xname;
    int kind = element_kind(name);
    if (kind == EL_META) {
        on_meta(h, attrs);
        return;
    }
    if (h->skip_depth)
        return;
    /* html and body are never chrome, whatever their class says */
    bool root = !strcasecmp(name, "html") || !strcasecmp(name, "body");
    if (kind == EL_DROP || (kind == EL_HEADER && !h->article_depth) ||
        (!root && kind != EL_FLUSH && is_chrome(attrs))) {
        h->skip_depth = h->depth;
        return;
    }
    switch (kind) {
    case EL_BLOCK:
    case EL_HEADER:
        block_break(h, breaks_of(name));
        break;
    case EL_ARTICLE:
        h->article_depth++;
        block_break(h, 1);
        break;
    case EL_PRE:
        h->pre_depth++;
        block_break(h, 1);
        break;
    case EL_BR:
        literal_break(h);
        break;
    case EL_TABLE:
    case EL_ROW:
        h->cell_start = false;
        block_break(h, 1);
        h->cells = 0;
        break;
    case EL_CELL:
        if (h->cells++ && !h->line_empty) {
            /* over the breaks that ended the last cell */
            h->nl_req = h->nl_lit = 0;
            h->pending = PEND_SEP;
        }
        h->cell_start = true;
        break;
    default:
        break;
    }
}

static void on_end(void *ud, const xmlChar *xname)
{
    zc_html *h = ud;
    if (h->dead || !h->depth)
        return;
    unsigned depth = h->depth--;
    if (h->skip_depth) {
        if (depth == h->skip_depth)
            h->skip_depth = 0;
        return;
    }
    const char *name = (const char *)xname;
    switch (element_kind(name)) {
    case EL_BLOCK:
    case EL_HEADER:
        block_break(h, breaks_of(name));
        break;
    case EL_ARTICLE:
        if (h->article_depth)
            h->article_depth--;
        block_break(h, 1);
        break;
    case EL_PRE:
        if (h->pre_depth)
            h->pre_depth--;
        block_break(h, 1);
        break;
    case EL_TABLE:
    case EL_ROW:
        h->cell_start = false;
        block_break(h, 1);
        h->cells = 0;
        break;
    default:
        break;
    }
}

/* ---- detection ---------------------------------------------------------- */

static const char *const sniff_tags[] = {
    "p",     "div",    "br",     "table", "tr",     "td",   "span",
    "font",  "h1",     "h2",     "h3",    "h4",     "h5",   "h6",
    "li",    "ul",     "meta",   "title", "script", "style", "strong",
    "b",     "a",      "link",   "head",  "center"};

bool zc_looks_like_html(const char *s, size_t n)
{
    unsigned tags = 0;
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' ||
                     s[i] == '\r'))
        i++;
    if (n - i >= 3 && !memcmp(s + i, "<%@", 3))
        return true;
    for (; i < n; i++) {
        if (s[i] != '<')
            continue;
        const char *t = s + i + 1;
        size_t left = n - i - 1;
        if (left >= 14 && !strncasecmp(t, "!doctype html", 13))
            return true;
        if (left >= 5 && (!strncasecmp(t, "html", 4) ||
                          !strncasecmp(t, "body", 4)) &&
            (t[4] == '>' || t[4] == ' ' || t[4] == '\n' || t[4] == '\t' ||
             t[4] == '\r'))
            return true;
        if (left && *t == '/') {
            t++;
            left--;
        }
        for (size_t k = 0; k < sizeof sniff_tags / sizeof sniff_tags[0];
             k++) {
            size_t m = strlen(sniff_tags[k]);
            if (left > m && !strncasecmp(t, sniff_tags[k], m) &&
                (t[m] == '>' || t[m] == ' ' || t[m] == '/' || t[m] == '\n' ||
                 t[m] == '\t' || t[m] == '\r')) {
                if (++tags >= 3)
                    return true;
                break;
            }
        }
    }
    return false;
}

/* ---- lifecycle ---------------------------------------------------------- */

zc_html *zc_html_new(const zc_mem *mem, zc_format format,
                     zc_decode_warn_fn warn, void *ud)
{
    pthread_once(&init_once, init_libxml);
    zc_html *h = zc_malloc(mem, sizeof *h);
    if (!h)
        return NULL;
    memset(h, 0, sizeof *h);
    h->mem = mem;
    h->forced = format;
    h->warn = warn;
    h->ud = ud;
    zc_buf_init(&h->sniff, mem);
    zc_buf_init(&h->feed, mem);
    zc_html_reset(h);
    return h;
}

static void free_ctxt(zc_html *h)
{
    if (h->ctxt) {
        htmlFreeParserCtxt(h->ctxt);
        h->ctxt = NULL;
    }
}

void zc_html_reset(zc_html *h)
{
    free_ctxt(h);
    h->fmt = h->forced;
    h->sniff.len = 0;
    h->feed.len = 0;
    h->pf = PF_TEXT;
    h->dashes = 0;
    h->opened = false;
    h->pending = PEND_NONE;
    h->nl_req = h->nl_lit = 0;
    h->line_empty = true;
    h->cell_start = h->any_text = false;
    h->cells = 0;
    h->depth = h->skip_depth = h->pre_depth = h->article_depth = 0;
    h->dead = h->oom = false;
    for (int i = 0; i < META_COUNT; i++) {
        zc_free(h->mem, h->meta[i]);
        h->meta[i] = NULL;
    }
}

void zc_html_free(zc_html *h)
{
    if (!h)
        return;
    zc_html_reset(h);
    zc_buf_free(&h->sniff);
    zc_buf_free(&h->feed);
    zc_free(h->mem, h);
}

void zc_html_set_format(zc_html *h, zc_format format)
{
    h->forced = format;
    h->fmt = format;
}

zc_format zc_html_format(const zc_html *h)
{
    return h->fmt == ZC_FORMAT_HTML ? ZC_FORMAT_HTML : ZC_FORMAT_TEXT;
}

bool zc_html_passes(const zc_html *h)
{
    return h->fmt == ZC_FORMAT_TEXT;
}

const zc_html_meta *zc_html_meta_get(zc_html *h)
{
    zc_html_meta *m = &h->meta_view;
    m->title = h->meta[META_TITLE];
    m->pub_date = h->meta[META_PUBDATE];
    m->source = h->meta[META_SOURCE];
    m->keywords = h->meta[META_KEYWORDS];
    m->description = h->meta[META_DESCRIPTION];
    m->column = h->meta[META_COLUMN];
    m->site = h->meta[META_SITE];
    m->author = h->meta[META_AUTHOR];
    return m;
}

static zc_status start_parser(zc_html *h)
{
    htmlSAXHandler sax;
    memset(&sax, 0, sizeof sax);
    sax.startElement = on_start;
    sax.endElement = on_end;
    sax.characters = on_text;
    sax.ignorableWhitespace = on_text;
    sax.cdataBlock = on_text;
    h->ctxt = htmlCreatePushParserCtxt(&sax, h, NULL, 0, NULL,
                                       XML_CHAR_ENCODING_UTF8);
    if (!h->ctxt)
        return ZC_ERR_NOMEM;
    /* the text is UTF-8 already: a <meta charset=gbk> must not re-decode
     * it (HTML_PARSE_IGNORE_ENC) */
    htmlCtxtUseOptions(h->ctxt, HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
                                    HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                                    HTML_PARSE_IGNORE_ENC);
    return ZC_OK;
}

/* ---- pre-filter --------------------------------------------------------- */

/* Copy s[0, n) to h->feed without comments, server blocks, processing
 * instructions and <! declarations (<!DOCTYPE too), and without end tags
 * that come before anything was opened: they close nothing, and after one
 * libxml2's push parser drops the text that follows when it arrives in
 * pieces ("</p>\n政务" fed a byte at a time gives no text; found by
 * tests/fuzz/fuzz_frontend.c). */
static bool prefilter(zc_html *h, const char *s, size_t n)
{
    zc_buf *f = &h->feed;
    size_t i = 0;
    while (i < n) {
        char c = s[i];
        switch (h->pf) {
        case PF_TEXT: {
            const char *lt = memchr(s + i, '<', n - i);
            size_t k = lt ? (size_t)(lt - s) : n;
            for (size_t j = i; j < k && !h->opened; j++)
                if (s[j] != ' ' && s[j] != '\t' && s[j] != '\n' &&
                    s[j] != '\r')
                    h->opened = true; /* text opens <html><body> */
            if (!zc_buf_append(f, s + i, k - i))
                return false;
            i = k;
            if (lt) {
                h->pf = PF_LT;
                i++;
            }
            break;
        }
        case PF_LT:
            if (c == '%') {
                h->pf = PF_SERVER;
                h->dashes = 0;
                i++;
            } else if (c == '?') {
                h->pf = PF_BOGUS;
                i++;
            } else if (c == '!') {
                h->pf = PF_LTBANG;
                i++;
            } else if (c == '/' && !h->opened) {
                h->pf = PF_BOGUS; /* an end tag with nothing open */
                i++;
            } else {
                if (!zc_buf_putc(f, '<'))
                    return false;
                if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
                    h->opened = true;
                h->pf = PF_TEXT;
            }
            break;
        case PF_LTBANG:
            if (c == '-') {
                h->pf = PF_LTBANG2;
                i++;
            } else {
                h->pf = PF_BOGUS;
            }
            break;
        case PF_LTBANG2:
            if (c == '-') {
                h->pf = PF_COMMENT;
                h->dashes = 0;
                i++;
            } else {
                h->pf = PF_BOGUS; /* "<!-x": a bogus comment to ">" */
            }
            break;
        case PF_COMMENT: {
            /* to "-->" */
            for (; i < n; i++) {
                c = s[i];
                if (c == '>' && h->dashes >= 2) {
                    h->pf = PF_TEXT;
                    i++;
                    break;
                }
                h->dashes = c == '-' ? h->dashes + 1 : 0;
                if (h->dashes > 2)
                    h->dashes = 2;
            }
            break;
        }
        case PF_SERVER:
            for (; i < n; i++) {
                c = s[i];
                if (c == '>' && h->dashes) {
                    h->pf = PF_TEXT;
                    i++;
                    break;
                }
                h->dashes = c == '%';
            }
            break;
        case PF_BOGUS: {
            const char *gt = memchr(s + i, '>', n - i);
            if (gt) {
                i = (size_t)(gt - s) + 1;
                h->pf = PF_TEXT;
            } else {
                i = n;
            }
            break;
        }
        }
    }
    return true;
}

/* ---- feeding ------------------------------------------------------------ */

/* Does s[0, n) end inside an entity reference ("&nbs")? */
static bool open_entity(const char *s, size_t n)
{
    for (size_t i = n, k = 0; i > 0 && k < 32; i--, k++) {
        char c = s[i - 1];
        if (c == '&')
            return true;
        if (c == ';' || c == ' ' || c == '\n' || c == '<' || c == '>')
            return false;
    }
    return false;
}

static zc_status parse(zc_html *h, const char *s, size_t n, bool final,
                       zc_buf *out)
{
    zc_status st;
    if (!h->ctxt && (st = start_parser(h)) != ZC_OK)
        return st;
    h->out = out;
    h->feed.len = 0;
    if (!prefilter(h, s, n))
        return ZC_ERR_NOMEM;
    if (final && h->pf == PF_LT && !zc_buf_putc(&h->feed, '<'))
        return ZC_ERR_NOMEM;
    if (!h->dead) {
        /* htmlParseChunk takes an int */
        size_t pos = 0;
        do {
            size_t k = h->feed.len - pos;
            if (k > (size_t)1 << 30)
                k = (size_t)1 << 30;
            /* feed.data is NULL while nothing was ever buffered: no
             * pointer arithmetic on it (UBSan) */
            htmlParseChunk(h->ctxt, k ? h->feed.data + pos : "", (int)k,
                           final && pos + k == h->feed.len);
            pos += k;
        } while (pos < h->feed.len);
        xmlParserInputPtr in = h->ctxt->input;
        size_t pending = in && in->end && in->cur ? (size_t)(in->end - in->cur)
                                                  : 0;
        if (!final && pending > FLUSH_PENDING && *in->cur != '<' &&
            !open_entity((const char *)in->cur, pending)) {
            /* a long run of text: make libxml2 hand it out (not inside
             * an entity, so the text does not depend on the chunking) */
            const char *name = (const char *)h->ctxt->name;
            const char *flush =
                name && (!strcasecmp(name, "script") ||
                         !strcasecmp(name, "style"))
                    ? "</zcflush>"
                    : "<zcflush></zcflush>";
            htmlParseChunk(h->ctxt, flush, (int)strlen(flush), 0);
            in = h->ctxt->input;
            pending = in && in->end && in->cur ? (size_t)(in->end - in->cur)
                                               : 0;
        }
        if (pending > MAX_PENDING)
            give_up(h, "markup too long (an unclosed tag or attribute)");
        if (h->ctxt->errNo == XML_ERR_NO_MEMORY)
            h->oom = true;
    }
    if (final && !h->line_empty && !zc_buf_putc(out, '\n'))
        h->oom = true;
    h->out = NULL;
    return h->oom ? ZC_ERR_NOMEM : ZC_OK;
}

zc_status zc_html_feed(zc_html *h, const char *s, size_t n, bool final,
                       zc_buf *out)
{
    if (h->fmt == ZC_FORMAT_AUTO) {
        size_t take = SNIFF_HTML - h->sniff.len;
        if (take > n)
            take = n;
        if (!zc_buf_append(&h->sniff, s, take))
            return ZC_ERR_NOMEM;
        s += take;
        n -= take;
        if (h->sniff.len < SNIFF_HTML && !final)
            return ZC_OK;
        h->fmt = zc_looks_like_html(h->sniff.data, h->sniff.len)
                     ? ZC_FORMAT_HTML
                     : ZC_FORMAT_TEXT;
        /* the held text goes first, as a chunk of its own */
        zc_buf held = h->sniff;
        zc_buf_init(&h->sniff, h->mem);
        zc_status st = zc_html_feed(h, held.data ? held.data : "", held.len,
                                    final && n == 0, out);
        h->sniff = held;
        h->sniff.len = 0;
        if (st != ZC_OK || (n == 0 && !final))
            return st;
        if (n == 0)
            return ZC_OK;
    }
    if (h->fmt != ZC_FORMAT_HTML)
        return zc_buf_append(out, s, n) ? ZC_OK : ZC_ERR_NOMEM;
    return parse(h, s, n, final, out);
}
