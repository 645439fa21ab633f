// The dashboard's files (web/), built into the binary with the plotting library that npm
// installed at build time (src/server/CMakeLists: embed_assets.cmake).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace encore::server {

struct Asset {
  const char* path;  // "/index.html", "/assets/app.js"
  const char* type;  // its Content-Type
  const char* hash;  // the first 16 hex digits of its SHA-256: its ETag
  const unsigned char* data;
  size_t size;
};

// nullptr when there is no such file.
const Asset* FindAsset(std::string_view path);
// The Content-Type of a file name by its extension.
const char* ContentTypeOf(std::string_view name);

}  // namespace encore::server
