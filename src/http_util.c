/* http_util.c - the parts of include/core/http.h that are not the network:
 * the default settings, whether a URL is in the clear, the synchronous request
 * over http_start and http_wait, and escaping. src/http.c (libcurl) and
 * tests/unit/stub_http.c (the screen's unit tests) both link this file. */
#include "core/http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "core/xmalloc.h"

void
http_settings_default(struct http_settings *s)
{
	s->ca_file = NULL;
	s->connect_timeout = 15;
	s->low_speed_time = 60;
	s->max_response = 32u * 1024 * 1024;
	s->retries = 4;
	s->backoff_base_ms = 250;
	s->backoff_cap_ms = 30000;
	s->allow_insecure_http = false;
	s->max_wait = 120;
}

/* True when the authority [host] or host (copied into name) is loopback. */
static bool
host_is_loopback(const char *host, size_t len)
{
	char name[64];
	unsigned char a[16];

	if (len == 0 || len >= sizeof name)
		return false;
	memcpy(name, host, len);
	name[len] = '\0';
	if (ascii_eq_nocase(name, "localhost"))
		return true;
	if (inet_pton(AF_INET, name, a) == 1)
		return a[0] == 127;
	if (inet_pton(AF_INET6, name, a) == 1) {
		static const unsigned char v4mapped[12] = { [10] = 0xff, [11] = 0xff };

		return IN6_IS_ADDR_LOOPBACK((struct in6_addr *)a) ||
		       (memcmp(a, v4mapped, sizeof v4mapped) == 0 && a[12] == 127);
	}
	return false;
}

bool
http_url_in_clear(const char *url)
{
	const char *host, *end;
	size_t n;

	if (!ascii_prefix_nocase(url, "http://"))
		return false;
	host = url + 7;
	n = strcspn(host, "/?#");
	/* A user part, an escape or a backslash: not what a loopback URL looks like,
	 * and where parsers disagree about the host. */
	if (memchr(host, '@', n) != NULL || memchr(host, '%', n) != NULL || memchr(host, '\\', n) != NULL)
		return true;
	if (host[0] == '[') {
		end = memchr(host, ']', n);
		return end == NULL || !host_is_loopback(host + 1, (size_t)(end - host - 1));
	}
	return !host_is_loopback(host, strcspn(host, ":/?#"));
}

struct sync_state {
	bool done;
	bool ok;
	struct http_response *resp;
	struct error *err;
};

static void
sync_done(const struct http_response *resp, const struct error *err, void *arg)
{
	struct sync_state *st = arg;

	st->done = true;
	if (err->kind != ERR_NONE) {
		if (st->err != NULL)
			*st->err = *err;
		st->ok = false;
		return;
	}
	st->ok = true;
	st->resp->status = resp->status;
	st->resp->body = xmalloc(resp->body_len + 1);
	if (resp->body_len > 0)
		memcpy(st->resp->body, resp->body, resp->body_len);
	st->resp->body[resp->body_len] = '\0';
	st->resp->body_len = resp->body_len;
	st->resp->etag = xstrdup(resp->etag);
	st->resp->location = xstrdup(resp->location);
	st->resp->content_type = xstrdup(resp->content_type);
	st->resp->retry_after = resp->retry_after;
}

bool
http_request_sync(struct http *h, const struct http_request_opts *o, struct http_response *resp,
		  struct error *err)
{
	struct sync_state st = { .done = false, .ok = false, .resp = resp, .err = err };

	memset(resp, 0, sizeof *resp);
	resp->retry_after = -1;
	http_start(h, o, sync_done, &st);
	http_wait(h, &st.done);
	return st.ok;
}

void
http_response_finish(struct http_response *resp)
{
	free(resp->body);
	free(resp->etag);
	free(resp->location);
	free(resp->content_type);
	memset(resp, 0, sizeof *resp);
	resp->retry_after = -1;
}

char *
http_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	struct buf b;

	buf_init(&b);
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.' || *p == '~') {
			buf_addc(&b, (char)*p);
		} else {
			buf_addc(&b, '%');
			buf_addc(&b, hex[*p >> 4]);
			buf_addc(&b, hex[*p & 15]);
		}
	}
	return buf_steal(&b);
}
