// Typed wrappers for libcurl's variadic and macro APIs, which Swift cannot import directly.
#ifndef DUBKIT_CCURL_H
#define DUBKIT_CCURL_H

#include <curl/curl.h>
#include <sys/types.h>

typedef size_t (*dubkit_curl_data_callback)(char *buffer, size_t size, size_t count, void *userdata);
typedef int (*dubkit_curl_debug_callback)(CURL *handle, curl_infotype type, char *data, size_t size, void *userdata);
typedef int (*dubkit_curl_xferinfo_callback)(void *userdata, curl_off_t dltotal, curl_off_t dlnow,
                                             curl_off_t ultotal, curl_off_t ulnow);

static inline CURLcode dubkit_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode dubkit_easy_setopt_off(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode dubkit_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode dubkit_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode dubkit_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode dubkit_easy_setopt_mime(CURL *handle, curl_mime *value) {
    return curl_easy_setopt(handle, CURLOPT_MIMEPOST, value);
}

static inline CURLcode dubkit_easy_setopt_data_callback(CURL *handle, CURLoption option,
                                                        dubkit_curl_data_callback value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode dubkit_easy_setopt_xferinfo_callback(CURL *handle, dubkit_curl_xferinfo_callback value) {
    return curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, value);
}

static inline CURLcode dubkit_easy_setopt_debug_callback(CURL *handle, dubkit_curl_debug_callback value) {
    return curl_easy_setopt(handle, CURLOPT_DEBUGFUNCTION, value);
}

static inline CURLcode dubkit_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode dubkit_easy_getinfo_off(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode dubkit_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLMcode dubkit_multi_setopt_long(CURLM *handle, CURLMoption option, long value) {
    return curl_multi_setopt(handle, option, value);
}

/// CURL_GLOBAL_DEFAULT is a macro Swift imports poorly across libcurl versions.
static inline long dubkit_curl_global_default(void) { return CURL_GLOBAL_DEFAULT; }

/// The size curl expects for CURLOPT_ERRORBUFFER.
static inline size_t dubkit_curl_error_size(void) { return CURL_ERROR_SIZE; }

/// CURL_READFUNC_ABORT and CURL_WRITEFUNC_PAUSE-style sentinels.
static inline size_t dubkit_curl_readfunc_abort(void) { return CURL_READFUNC_ABORT; }

#endif
