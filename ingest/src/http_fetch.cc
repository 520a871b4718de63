#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "newsflow/ingest/feed.h"

namespace newsflow::ingest {
namespace {

// RAII for libcurl's handles; the deleters stand next to the types.
struct CurlDeleter { void operator()(CURL* c) const { curl_easy_cleanup(c); } };
using CurlHandle = std::unique_ptr<CURL, CurlDeleter>;
struct SlistDeleter { void operator()(curl_slist* l) const { curl_slist_free_all(l); } };
using CurlList = std::unique_ptr<curl_slist, SlistDeleter>;

struct Transfer {
  HttpResponse response;
  size_t max_bytes = 0;
  bool too_large = false;
};

size_t OnBody(char* data, size_t size, size_t n, void* opaque) {
  auto* t = static_cast<Transfer*>(opaque);
  if (t->response.body.size() + size * n > t->max_bytes) {
    t->too_large = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  t->response.body.append(data, size * n);
  return size * n;
}

// Keeps the validators of the final response (a redirect's headers are reset by its status line).
size_t OnHeader(char* data, size_t size, size_t n, void* opaque) {
  auto* t = static_cast<Transfer*>(opaque);
  std::string_view line(data, size * n);
  if (line.starts_with("HTTP/")) {
    t->response.etag.clear();
    t->response.last_modified.clear();
    return size * n;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return size * n;
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) value.remove_suffix(1);
  if (name == "etag") t->response.etag = value;
  if (name == "last-modified") t->response.last_modified = value;
  return size * n;
}

}  // namespace

Result<HttpResponse> HttpGet(const std::string& url, std::string_view etag, std::string_view last_modified,
                             const HttpOptions& options) {
  CurlHandle curl(curl_easy_init());
  if (!curl) return Status::Internal("curl_easy_init failed");
  Transfer t;
  t.max_bytes = options.max_bytes;
  CurlList headers;
  auto add_header = [&](const std::string& h) {
    // On success the returned head owns the old list (it is the old head unless that was empty).
    if (curl_slist* head = curl_slist_append(headers.get(), h.c_str())) {
      (void)headers.release();
      headers.reset(head);
    }
  };
  if (!etag.empty()) add_header("If-None-Match: " + std::string(etag));
  if (!last_modified.empty()) add_header("If-Modified-Since: " + std::string(last_modified));
  add_header("Accept: application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1");
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");  // no file://, ftp:// from a feed list
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM (we own the signals)
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout.count()));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.timeout.count()));
  curl_easy_setopt(c, CURLOPT_USERAGENT, options.user_agent.c_str());
  curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");  // whatever this libcurl can decompress
  curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options.max_bytes));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
  const CURLcode rc = curl_easy_perform(c);
  if (t.too_large || rc == CURLE_FILESIZE_EXCEEDED)
    return Status::DataLoss("too_large: more than " + std::to_string(options.max_bytes) + " bytes");
  if (rc != CURLE_OK) return Status::Unavailable(std::string("fetch ") + url + ": " + curl_easy_strerror(rc));
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &t.response.status);
  return std::move(t.response);
}

}  // namespace newsflow::ingest
