/* detente — server: static files of the dashboard from the web root.
 *
 * The parser has already refused "." and ".." segments and encoded
 * slashes, dots and NULs; here the resolved path (symlinks followed) must
 * still lie inside the resolved web root, so a symlink pointing out of the
 * root is a 404 like any missing file. Dotfiles are never served. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "server_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct {
    const char *ext, *type;
} TYPES[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json; charset=utf-8"},
    {".map", "application/json; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".jpeg", "image/jpeg"},
    {".gif", "image/gif"},
    {".webp", "image/webp"},
    {".ico", "image/x-icon"},
    {".woff", "font/woff"},
    {".woff2", "font/woff2"},
    {".txt", "text/plain; charset=utf-8"},
    {".wasm", "application/wasm"},
};

static const char *content_type(const char *path)
{
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (dot && (!slash || dot > slash))
        for (size_t i = 0; i < sizeof TYPES / sizeof TYPES[0]; i++)
            if (!strcmp(dot, TYPES[i].ext))
                return TYPES[i].type;
    return "application/octet-stream";
}

void dt__static_handle(dt_server *s, const dt__req *q, dt_server_response *r)
{
    const char *path = q->path; /* a query string is ignored (cache busting) */
    if (!s->web_root) {
        dt__server_error(r, 404, "no such resource (the server has no web root)");
        return;
    }
    if (strstr(path, "/.")) {
        dt__server_error(r, 404, "no such file");
        return;
    }
    char full[PATH_MAX], real[PATH_MAX];
    size_t pl = strlen(path);
    int k = snprintf(full, sizeof full, "%s%s%s", s->web_root, path,
                     pl && path[pl - 1] == '/' ? "index.html" : "");
    if (k < 0 || (size_t)k >= sizeof full) {
        dt__server_error(r, 414, "path too long");
        return;
    }
    if (!realpath(full, real)) {
        dt__server_error(r, 404, "no such file");
        return;
    }
    if (strncmp(real, s->web_root, s->web_root_len) != 0 ||
        (real[s->web_root_len] != '/' && real[s->web_root_len] != '\0')) {
        dt__server_error(r, 404, "no such file"); /* a symlink out of the root */
        return;
    }
    int fd = open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        int dir = fd >= 0 && S_ISDIR(st.st_mode);
        if (fd >= 0)
            close(fd);
        if (dir)
            dt__server_error(r, 404, "no such file (directories are not listed)");
        else
            dt__server_error(r, errno == EACCES ? 403 : 404, "no such file");
        return;
    }
    r->status = 200;
    r->fd = fd;
    r->fd_size = (uint64_t)st.st_size;
    r->content_type = content_type(real);
    /* Vite puts content-hashed bundles under /assets/: they never change. */
    r->cache_control = !strncmp(path, "/assets/", 8) ? 1 : 0;
}
